/** A real WebAssembly.Memory for tests (the project's TS lib has no wasm declarations). */
import type { WasmMemory } from '../../src/runtime/core/memory.js';

export interface GrowableMemory extends WasmMemory {
  grow(pages: number): number;
}

interface WasmGlobal {
  WebAssembly: { Memory: new (descriptor: { initial: number; maximum?: number }) => GrowableMemory };
}

export const PAGE = 65536;

export function newMemory(pages = 1, maximum = 8): GrowableMemory {
  return new (globalThis as unknown as WasmGlobal).WebAssembly.Memory({ initial: pages, maximum });
}

interface WasmInstantiate {
  WebAssembly: {
    instantiate(bytes: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }>;
  };
}

/** Instantiates a module from bytes (no imports) and returns its exports. */
export async function instantiateBytes(bytes: Uint8Array): Promise<Record<string, unknown>> {
  const { instance } = await (globalThis as unknown as WasmInstantiate).WebAssembly.instantiate(bytes);
  return instance.exports;
}
