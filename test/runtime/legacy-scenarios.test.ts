/**
 * Scenarios 2, 3 and 7 end to end: the legacy C guests in guests/legacy/c
 * (built from source by scripts/build-guests.mjs) run through the core-module
 * linker, and the host reaches into their memory only through GuestMemory and
 * struct codecs whose layout comes from the WIT file next to each guest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CoreLinker, compileCoreModule, type CoreInstance, type CoreModule } from '../../src/runtime/core/index-linker.js';
import {
  GuestMemory,
  MemoryAccessError,
  bytesCodec,
  cCodecs,
  recordCodec,
  type WasmMemory,
} from '../../src/runtime/core/index-memory.js';
import { loadWitText } from '../../src/wit/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const legacy = path.resolve(here, '../../guests/legacy/c');
const guest = (name: string): Promise<CoreModule> =>
  compileCoreModule(readFileSync(path.join(legacy, name, `${name}.core.wasm`)));
const witOf = (name: string, file: string) => loadWitText(readFileSync(path.join(legacy, name, file), 'utf8')).resolve;

/** The MemoryAccessError thrown by `fn` (through the guest), failing the test otherwise. */
function memoryError(fn: () => unknown): MemoryAccessError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MemoryAccessError) return error;
    throw error;
  }
  throw new Error('expected a MemoryAccessError');
}

/** The text of a NUL-padded `char[N]`. */
const cText = (bytes: Uint8Array): string => {
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul === -1 ? bytes : bytes.subarray(0, nul));
};

type Fn<A extends unknown[], R> = (...args: A) => R;

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
/** The guest's exported linear memory, with typed access. */
const memoryOf = (instance: CoreInstance<unknown>): GuestMemory => new GuestMemory(instance.exports['memory'] as WasmMemory);

describe('scenario 2: structs by pointer (guests/legacy/c/structs)', () => {
  const example = recordCodec<{ age: number }>(witOf('structs', 'structs.wit'), 'example');

  interface Seen {
    name: string;
    age: number;
    addresses: number[];
  }

  /**
   * The seed's host function, without offsets: the struct through the WIT
   * record's codec, the out-pointers through typed GuestMemory writes.
   */
  async function instantiate(): Promise<CoreInstance<Seen[]>> {
    const linker = new CoreLinker<Seen[]>().defineFunc(
      'env',
      'my_extern_func',
      { params: ['i32', 'i32', 'i32'], results: ['i64'] },
      (caller, e: number, ptr: number, cptr: number) => {
        const memory = new GuestMemory(caller.memory);
        const value = example.read(memory, e);
        const name = cText(value['firstName'] as Uint8Array);
        caller.data.push({ name, age: value['age'] as number, addresses: [e, ptr, cptr] });
        memory.writeI64(ptr, -1234567890123n);
        memory.writeU64(cptr, 0xffff_ffff_ffff_fff0n);
        example.view(memory, e).age += 1;
        return BigInt(name.length);
      },
    );
    return linker.instantiate(await guest('structs'), { data: [] });
  }

  it('the host reads the struct the guest filled and writes back through both out-pointers', async () => {
    const instance = await instantiate();
    const exports = instance.exports as {
      call_host: Fn<[number], bigint>;
      signed_out: Fn<[], bigint>;
      unsigned_out: Fn<[], bigint>;
      age_after: Fn<[], number>;
    };
    expect(example.size).toBe(18);
    expect(exports.call_host(36)).toBe(12n); // strlen("Ada Lovelace"), returned as i64
    expect(instance.data).toHaveLength(1);
    expect(instance.data[0]).toMatchObject({ name: 'Ada Lovelace', age: 36 });
    // The guest sees what the host wrote: i64 and u64 out-parameters, and the struct itself.
    expect(exports.signed_out()).toBe(-1234567890123n);
    expect(BigInt.asUintN(64, exports.unsigned_out())).toBe(0xffff_ffff_ffff_fff0n);
    expect(exports.age_after()).toBe(37);
    // A u16 that wraps in C stays a u16 on the host.
    exports.call_host(0x1_0005);
    expect(instance.data[1]).toMatchObject({ age: 5 });
  });

  it('a struct running past the end of memory is MEMORY_OUT_OF_BOUNDS naming the range, not garbage', async () => {
    const instance = await instantiate();
    const call = instance.exports['call_host_bad'] as Fn<[number], bigint>;
    const size = memoryOf(instance).byteLength;
    const start = size - 8;
    const error = memoryError(() => call(0));
    expect(error.code).toBe('MEMORY_OUT_OF_BOUNDS');
    expect(error.message).toBe(
      `struct read out of bounds: bytes ${hex(start)}..${hex(start + 18)} (18 at address ${start}) exceed the memory size of ${size} bytes`,
    );
    expect(instance.data).toEqual([]);
  });

  it('an out-pointer running past the end of memory is MEMORY_OUT_OF_BOUNDS for the 8-byte write', async () => {
    const instance = await instantiate();
    const call = instance.exports['call_host_bad'] as Fn<[number], bigint>;
    const size = memoryOf(instance).byteLength;
    const error = memoryError(() => call(1));
    expect(error.code).toBe('MEMORY_OUT_OF_BOUNDS');
    expect(error.message).toBe(
      `i64 write out of bounds: bytes ${hex(size - 4)}..${hex(size + 4)} (8 at address ${size - 4}) exceed the memory size of ${size} bytes`,
    );
  });
});

describe('scenarios 3 and 7: nested pointers and text from guest memory (guests/legacy/c/nested-pointers)', () => {
  const nested = recordCodec<{ buf: number; bufLen: number; pointer: number; buf2: number; buf2Cap: number }>(
    witOf('nested-pointers', 'nested-pointers.wit'),
    'nested',
  );

  /**
   * Follows every pointer in the struct: `buf`/`buf_len` as UTF-8 text,
   * `pointer` to a uint32_t counter, `buf2` to a pointer to the output buffer.
   */
  async function instantiate(): Promise<CoreInstance<undefined>> {
    const linker = new CoreLinker().defineFunc(
      'env',
      'visit_nested',
      { params: ['i32'], results: ['i32'] },
      (caller, address: number) => {
        const memory = new GuestMemory(caller.memory);
        const view = nested.view(memory, address);
        const text = memory.readString(view.buf, view.bufLen);
        view.$deref('pointer', cCodecs.uint32).set(view.$deref('pointer', cCodecs.uint32).get() + 1);
        const upper = new TextEncoder().encode(text.toUpperCase());
        // *buf2 is checked as a whole buf2_cap-byte buffer before anything is written.
        view.$deref('buf2', cCodecs.pointer).deref(bytesCodec(view.buf2Cap)).set(upper);
        return upper.length;
      },
    );
    return linker.instantiate(await guest('nested-pointers'));
  }

  it('the host follows buf, pointer and buf2 (a pointer to a pointer) and the guest sees its writes', async () => {
    const instance = await instantiate();
    const exports = instance.exports as { run: Fn<[number], number>; output: Fn<[], number>; calls: Fn<[], number> };
    expect(nested.size).toBe(20);
    expect(exports.run(0)).toBe(11);
    expect(exports.calls()).toBe(1);
    expect(memoryOf(instance).readString(exports.output(), 11)).toBe('HELLO, HOST');
    exports.run(0);
    expect(exports.calls()).toBe(2);
  });

  it('`buf` running past memory is MEMORY_OUT_OF_BOUNDS naming the range', async () => {
    const instance = await instantiate();
    const run = instance.exports['run'] as Fn<[number], number>;
    const size = memoryOf(instance).byteLength;
    const error = memoryError(() => run(1));
    expect(error.code).toBe('MEMORY_OUT_OF_BOUNDS');
    expect(error.message).toBe(
      `string read out of bounds: bytes ${hex(size - 2)}..${hex(size + 9)} ` +
        `(11 at address ${size - 2}) exceed the memory size of ${size} bytes`,
    );
    expect((instance.exports['calls'] as Fn<[], number>)()).toBe(0);
  });

  it('an inner pointer (*buf2) running past memory is MEMORY_OUT_OF_BOUNDS, and nothing is written', async () => {
    const instance = await instantiate();
    const run = instance.exports['run'] as Fn<[number], number>;
    const memory = memoryOf(instance);
    const size = memory.byteLength;
    const error = memoryError(() => run(2));
    expect(error.code).toBe('MEMORY_OUT_OF_BOUNDS');
    expect(error.message).toBe(
      `32-byte array view out of bounds: bytes ${hex(size - 4)}..${hex(size + 28)} (32 at address ${size - 4}) exceed the memory size of ${size} bytes`,
    );
    expect(memory.readBytes(size - 4, 4)).toEqual(new Uint8Array(4));
  });

  it('scenario 7: bytes that are not UTF-8 are MEMORY_INVALID_UTF8, distinct from a range past memory', async () => {
    const instance = await instantiate();
    const run = instance.exports['run'] as Fn<[number], number>;
    const invalid = memoryError(() => run(3));
    expect(invalid.code).toBe('MEMORY_INVALID_UTF8');
    expect(invalid.message).toMatch(
      /^invalid UTF-8 in the 4-byte string at address (\d+): byte offset 2 \(address \d+, value 0xff\) does not start a well-formed sequence$/,
    );
    const outOfBounds = memoryError(() => run(1));
    expect(outOfBounds.code).toBe('MEMORY_OUT_OF_BOUNDS');
    expect(outOfBounds.code).not.toBe(invalid.code);
  });
});
