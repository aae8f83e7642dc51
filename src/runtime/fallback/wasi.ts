/**
 * The seam between the jco fallback and witgen's WASI 0.2 implementation:
 * given the import specifiers a transpiled component asks for
 * (`wasi:cli/stdout`, unversioned as jco writes them), the objects that
 * serve them, deny-by-default with the host's grants, like the component
 * runtime's own path.
 */
import { isServedWasiImport, wasiImportsFor } from '../wasi/preview2.js';
import type { WasiOptions } from '../wasi/options.js';

export type ImportObject = Record<string, Record<string, unknown>>;

/** Whether witgen serves the WASI interface `specifier` (any 0.2 version, or none). */
export function isWasiSpecifier(specifier: string): boolean {
  return isServedWasiImport(specifier);
}

/** WASI objects for the served `wasi:*` entries of `specifiers`, keyed by those specifiers. */
export function wasiImportsForJco(specifiers: readonly string[], options: WasiOptions): ImportObject {
  return wasiImportsFor(specifiers.filter(isServedWasiImport), options);
}
