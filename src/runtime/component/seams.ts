/**
 * The other runtime parts the component runtime calls, in one place: WASI
 * 0.2 import objects (src/runtime/wasi), the import check
 * (check-imports.ts), the jco fallback (src/runtime/fallback) and legacy
 * core modules driven by a WIT world (src/runtime/legacy).
 */
import type { WasiOptions } from '../wasi/options.js';
import { ComponentInputError } from './errors.js';

export { wasiImportsFor, isServedWasiImport } from '../wasi/preview2.js';
export type { WasiOptions } from '../wasi/options.js';
export { checkImports, ImportsError } from './check-imports.js';
export { instantiateLegacy, type LegacyInstantiateOptions } from '../legacy/instantiate.js';

interface JcoFallback {
  instantiateWithJco(
    bytes: Uint8Array,
    imports: Readonly<Record<string, unknown>>,
    options: { reason: string; cacheDir?: string; wasi?: WasiOptions },
  ): Promise<{ exports: Record<string, unknown> }>;
}

/** Where the jco fallback lives; loaded on first use (it pulls in jco's transpiler). */
const JCO_FALLBACK = '../fallback/jco.js';

export async function instantiateWithJco(
  bytes: Uint8Array,
  imports: Readonly<Record<string, unknown>>,
  options: { reason: string; cacheDir?: string; wasi?: WasiOptions },
): Promise<{ exports: Record<string, unknown> }> {
  let fallback: JcoFallback;
  try {
    fallback = (await import(JCO_FALLBACK)) as JcoFallback;
  } catch (error) {
    throw new ComponentInputError('RUNTIME_PART_UNAVAILABLE', `the jco fallback is not available (${options.reason})`, { cause: error });
  }
  return fallback.instantiateWithJco(bytes, imports, options);
}
