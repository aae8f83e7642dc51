/**
 * Structural types for the parts of the WebAssembly JS API the linker uses.
 * The project's lib settings (ES2023 + node) carry no WebAssembly
 * declarations, so the global is read once here with these types.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

export interface WasmGlobal {
  value: unknown;
}

export interface WasmTable {
  readonly length: number;
  get(index: number): unknown;
}

/** A compiled module (opaque to the linker). */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}

export type WasmExports = Readonly<Record<string, unknown>>;

export interface WasmInstance {
  readonly exports: WasmExports;
}

export type WasmImports = Record<string, Record<string, unknown>>;

interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  readonly Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  readonly Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  readonly Global: new (descriptor: { value: 'i32' | 'i64' | 'f32' | 'f64'; mutable?: boolean }, value?: number | bigint) => WasmGlobal;
  readonly Table: new (descriptor: { element: 'anyfunc' | 'externref'; initial: number; maximum?: number }) => WasmTable;
  readonly LinkError: new (message?: string) => Error;
  readonly CompileError: new (message?: string) => Error;
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
