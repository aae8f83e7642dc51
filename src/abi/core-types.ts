/** The four core WebAssembly value types the canonical ABI flattens into. */
export type CoreType = 'i32' | 'i64' | 'f32' | 'f64';

/** A core function type, as `(func (param ...) (result ...))` writes it. */
export interface CoreFuncType {
  readonly params: readonly CoreType[];
  readonly results: readonly CoreType[];
}

/**
 * Renders `(func (param i32 i32) (result i32))`, omitting empty groups like
 * wasm-tools does. Accepts any value type names (v128, funcref... as read
 * from a binary), not only the canonical ABI's four.
 */
export function formatCoreFuncType(type: { readonly params: readonly string[]; readonly results: readonly string[] }): string {
  let text = '(func';
  if (type.params.length > 0) text += ` (param ${type.params.join(' ')})`;
  if (type.results.length > 0) text += ` (result ${type.results.join(' ')})`;
  return `${text})`;
}
