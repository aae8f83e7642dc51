/**
 * A real WebAssembly.Memory with a bump allocator standing in for a guest's
 * `cabi_realloc`, for lift/lower tests that need linear memory but no guest.
 */

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

// Node's typings (without the DOM lib) do not declare WebAssembly.Memory.
const { Memory } = (globalThis as unknown as {
  WebAssembly: { Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory };
}).WebAssembly;

export interface TestInstance {
  readonly memory: WasmMemory;
  realloc(originalPtr: number, originalSize: number, align: number, newSize: number): number;
  /** Bytes handed out so far. */
  readonly used: () => number;
}

/** Memory of `pages` 64 KiB pages that grows on demand; allocation starts at 16. */
export function testInstance(pages = 1): TestInstance {
  const memory = new Memory({ initial: pages, maximum: 1000 });
  let next = 16;
  return {
    memory,
    realloc(originalPtr, originalSize, align, newSize) {
      next = Math.ceil(next / align) * align;
      const ptr = next;
      next += newSize;
      const missing = next - memory.buffer.byteLength;
      if (missing > 0) memory.grow(Math.ceil(missing / 65536));
      // Like a real realloc, keep the contents of the original block.
      if (originalPtr !== 0) {
        const bytes = new Uint8Array(memory.buffer);
        bytes.copyWithin(ptr, originalPtr, originalPtr + Math.min(originalSize, newSize));
      }
      return ptr;
    },
    used: () => next,
  };
}
