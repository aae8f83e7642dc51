/**
 * The parts of the WebAssembly JS API the component runtime uses, typed
 * structurally (the project's lib settings have no WebAssembly declarations).
 */
import type { WasmImports, WasmInstance, WasmModule } from '../core/wasm-api.js';

interface ComponentWasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  readonly RuntimeError: new (message?: string) => Error;
  readonly CompileError: new (message?: string) => Error;
}

export const wasm = (globalThis as unknown as { WebAssembly: ComponentWasmApi }).WebAssembly;

/** A trap of WebAssembly code (unreachable, out-of-bounds access, stack overflow...). */
export function isWasmTrap(error: unknown): boolean {
  // V8 reports wasm stack exhaustion as a RangeError.
  return error instanceof wasm.RuntimeError || (error instanceof RangeError && /call stack/i.test(error.message));
}
