/**
 * The other runtime parts the component runtime calls, in one place: WASI
 * 0.2 import objects (src/runtime/wasi), the import check
 * (check-imports.ts), the jco fallback (src/runtime/fallback) and legacy
 * core modules driven by a WIT world (src/runtime/legacy).
 */
export { wasiImportsFor, isServedWasiImport } from '../wasi/preview2.js';
export type { WasiOptions } from '../wasi/options.js';
export { checkImports, ImportsError } from './check-imports.js';
export { instantiateWithJco } from '../fallback/jco.js';
export { instantiateLegacy, type LegacyInstantiateOptions } from '../legacy/instantiate.js';
