/**
 * The other runtime parts the component runtime calls, in one place: WASI
 * 0.2 import objects (src/runtime/wasi), the import check
 * (check-imports.ts), the jco fallback (src/runtime/fallback) and legacy
 * core modules driven by a WIT world (src/runtime/legacy).
 */
import type { instantiateWithJco as InstantiateWithJco } from '../fallback/jco.js';

export { wasiImportsFor, isServedWasiImport } from '../wasi/preview2.js';
export type { WasiOptions } from '../wasi/options.js';
export { checkImports, ImportsError } from './check-imports.js';
export { instantiateLegacy, type LegacyInstantiateOptions } from '../legacy/instantiate.js';

/** The jco fallback, loaded on first use: it pulls in jco's transpiler, which components witgen runs never need. */
export async function instantiateWithJco(...args: Parameters<typeof InstantiateWithJco>): ReturnType<typeof InstantiateWithJco> {
  const fallback = await import('../fallback/jco.js');
  return fallback.instantiateWithJco(...args);
}
