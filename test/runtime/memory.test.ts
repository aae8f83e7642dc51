import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GuestMemory } from '../../src/runtime/core/memory.js';
import { MemoryAccessError } from '../../src/runtime/core/memory-errors.js';
import { firstInvalidUtf8 } from '../../src/runtime/core/utf8.js';
import { PAGE, newMemory } from './wasm-memory.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MemoryAccessError) return error.code;
    throw error;
  }
  return 'no error';
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MemoryAccessError) return error.message;
    throw error;
  }
  return 'no error';
}

type Kind = {
  name: string;
  size: number;
  value: fc.Arbitrary<unknown>;
  write: (m: GuestMemory, at: number, v: never) => void;
  read: (m: GuestMemory, at: number) => unknown;
};

const kinds: Kind[] = [
  { name: 'u8', size: 1, value: fc.integer({ min: 0, max: 255 }), write: (m, a, v: number) => m.writeU8(a, v), read: (m, a) => m.readU8(a) },
  { name: 'i8', size: 1, value: fc.integer({ min: -128, max: 127 }), write: (m, a, v: number) => m.writeI8(a, v), read: (m, a) => m.readI8(a) },
  { name: 'u16', size: 2, value: fc.integer({ min: 0, max: 0xffff }), write: (m, a, v: number) => m.writeU16(a, v), read: (m, a) => m.readU16(a) },
  { name: 'i16', size: 2, value: fc.integer({ min: -0x8000, max: 0x7fff }), write: (m, a, v: number) => m.writeI16(a, v), read: (m, a) => m.readI16(a) },
  { name: 'u32', size: 4, value: fc.integer({ min: 0, max: 0xffffffff }), write: (m, a, v: number) => m.writeU32(a, v), read: (m, a) => m.readU32(a) },
  { name: 'i32', size: 4, value: fc.integer({ min: -0x80000000, max: 0x7fffffff }), write: (m, a, v: number) => m.writeI32(a, v), read: (m, a) => m.readI32(a) },
  { name: 'pointer', size: 4, value: fc.integer({ min: 0, max: 0xffffffff }), write: (m, a, v: number) => m.writePointer(a, v), read: (m, a) => m.readPointer(a) },
  { name: 'u64', size: 8, value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), write: (m, a, v: bigint) => m.writeU64(a, v), read: (m, a) => m.readU64(a) },
  { name: 'i64', size: 8, value: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), write: (m, a, v: bigint) => m.writeI64(a, v), read: (m, a) => m.readI64(a) },
  { name: 'f32', size: 4, value: fc.float({ noNaN: true }), write: (m, a, v: number) => m.writeF32(a, v), read: (m, a) => m.readF32(a) },
  { name: 'f64', size: 8, value: fc.double(), write: (m, a, v: number) => m.writeF64(a, v), read: (m, a) => m.readF64(a) },
  { name: 'bytes', size: 7, value: fc.uint8Array({ minLength: 7, maxLength: 7 }), write: (m, a, v: Uint8Array) => m.writeBytes(a, v), read: (m, a) => m.readBytes(a, 7) },
];

describe('GuestMemory: write then read', () => {
  for (const kind of kinds) {
    it(`is the identity for ${kind.name} at any in-bounds address`, () => {
      const memory = new GuestMemory(newMemory(1));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: PAGE - kind.size }), kind.value, (at, value) => {
          kind.write(memory, at, value as never);
          expect(kind.read(memory, at)).toEqual(value);
        }),
      );
    });
  }

  it('is the identity for ptr/len UTF-8 strings and C strings', () => {
    const memory = new GuestMemory(newMemory(1));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: PAGE - 200 }), fc.string({ unit: 'grapheme', maxLength: 30 }), (at, text) => {
        const len = memory.writeString(at, text);
        expect(memory.readString(at, len)).toBe(text);
        if (!text.includes('\0')) {
          expect(memory.writeCString(at, text)).toBe(len + 1);
          expect(memory.readCString(at)).toBe(text);
        }
      }),
    );
  });
});

describe('GuestMemory: out of bounds', () => {
  for (const kind of kinds) {
    it(`${kind.name} reads and writes past the end throw MEMORY_OUT_OF_BOUNDS`, () => {
      const memory = new GuestMemory(newMemory(1));
      fc.assert(
        fc.property(fc.integer({ min: PAGE - kind.size + 1, max: 0xffffffff }), kind.value, (at, value) => {
          expect(codeOf(() => kind.read(memory, at))).toBe('MEMORY_OUT_OF_BOUNDS');
          expect(codeOf(() => kind.write(memory, at, value as never))).toBe('MEMORY_OUT_OF_BOUNDS');
        }),
        { numRuns: 50 },
      );
    });
  }

  it('names the range and the memory size', () => {
    const memory = new GuestMemory(newMemory(1));
    expect(messageOf(() => memory.readU32(65534))).toBe(
      'u32 read out of bounds: bytes 0x0000fffe..0x00010002 (4 at address 65534) exceed the memory size of 65536 bytes',
    );
    expect(messageOf(() => memory.readString(65000, 1000))).toBe(
      'string read out of bounds: bytes 0x0000fde8..0x000101d0 (1000 at address 65000) exceed the memory size of 65536 bytes',
    );
  });

  it('rejects negative, fractional and non-number addresses with MEMORY_INVALID_ADDRESS', () => {
    const memory = new GuestMemory(newMemory(1));
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 32, '4', 4n, null]) {
      expect(codeOf(() => memory.readU8(bad as number))).toBe('MEMORY_INVALID_ADDRESS');
    }
    expect(messageOf(() => memory.readU8(-1))).toBe(
      'u8 read: invalid address -1; a wasm32 pointer is an integer from 0 to 4294967295',
    );
  });

  it('rejects values that do not fit the type', () => {
    const memory = new GuestMemory(newMemory(1));
    expect(messageOf(() => memory.writeU8(0, 256))).toBe('cannot store 256 as u8: expected an integer from 0 to 255');
    expect(codeOf(() => memory.writeI32(0, 1.5))).toBe('MEMORY_INVALID_VALUE');
    expect(codeOf(() => memory.writeU64(0, -1n))).toBe('MEMORY_INVALID_VALUE');
    expect(codeOf(() => memory.writeI64(0, 1 as unknown as bigint))).toBe('MEMORY_INVALID_VALUE');
    expect(memory.readU8(0)).toBe(0);
  });
});

describe('GuestMemory: memory.grow', () => {
  it('reads and writes through fresh views after the buffer detaches', () => {
    const raw = newMemory(1);
    const memory = new GuestMemory(raw);
    memory.writeU32(100, 0xdeadbeef);
    expect(codeOf(() => memory.readU32(PAGE + 8))).toBe('MEMORY_OUT_OF_BOUNDS');
    const old = raw.buffer;
    raw.grow(1);
    expect(old.byteLength).toBe(0); // the old buffer is detached
    expect(memory.byteLength).toBe(2 * PAGE);
    expect(memory.readU32(100)).toBe(0xdeadbeef);
    memory.writeU32(PAGE + 8, 7);
    expect(memory.readU32(PAGE + 8)).toBe(7);
  });

  it('keeps write/read identity across random grows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 0xffffffff })), { maxLength: 20 }),
        (steps) => {
          const raw = newMemory(1, 6);
          const memory = new GuestMemory(raw);
          const written = new Map<number, number>();
          let pages = 1;
          for (const [grow, seed, value] of steps) {
            if (grow && pages < 6) {
              raw.grow(1);
              pages += 1;
            }
            const at = (seed % (pages * PAGE - 4)) & ~3;
            memory.writeU32(at, value);
            written.set(at, value);
          }
          for (const [at, value] of written) expect(memory.readU32(at)).toBe(value);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('GuestMemory: strings (scenario 7)', () => {
  it('ptr/len past the end of memory and bad UTF-8 are distinct errors', () => {
    const memory = new GuestMemory(newMemory(1));
    memory.writeBytes(10, Uint8Array.of(0x68, 0x69, 0xc3, 0x28, 0x21));
    expect(codeOf(() => memory.readString(PAGE - 2, 5))).toBe('MEMORY_OUT_OF_BOUNDS');
    expect(codeOf(() => memory.readString(10, 5))).toBe('MEMORY_INVALID_UTF8');
    expect(messageOf(() => memory.readString(10, 5))).toBe(
      'invalid UTF-8 in the 5-byte string at address 10: byte offset 2 (address 12, value 0xc3) does not start a well-formed sequence',
    );
    expect(memory.readString(10, 2)).toBe('hi');
  });

  it('C strings: terminated, unterminated within the limit, unterminated at the end of memory', () => {
    const memory = new GuestMemory(newMemory(1));
    memory.writeBytes(0, new TextEncoder().encode('hello\0'));
    expect(memory.readCString(0)).toBe('hello');
    expect(memory.readCString(0, 6)).toBe('hello');
    expect(messageOf(() => memory.readCString(0, 5))).toBe(
      'C string at address 0 (0x00000000) has no NUL terminator within its limit of 5 bytes',
    );
    memory.writeBytes(PAGE - 3, Uint8Array.of(0x61, 0x62, 0x63));
    expect(messageOf(() => memory.readCString(PAGE - 3))).toBe(
      'C string at address 65533 (0x0000fffd) has no NUL terminator before the end of memory (size 65536 bytes)',
    );
    expect(codeOf(() => memory.readCString(PAGE))).toBe('MEMORY_OUT_OF_BOUNDS');
    memory.writeBytes(100, Uint8Array.of(0xff, 0));
    expect(codeOf(() => memory.readCString(100))).toBe('MEMORY_INVALID_UTF8');
  });

  it('writeCString honours the capacity and refuses interior NULs', () => {
    const memory = new GuestMemory(newMemory(1));
    expect(messageOf(() => memory.writeCString(0, 'abcdef', 6))).toBe(
      'C string (with its NUL terminator) needs 7 bytes but only 6 are available',
    );
    expect(codeOf(() => memory.writeCString(0, 'a\0b'))).toBe('MEMORY_INVALID_VALUE');
    expect(memory.writeCString(0, 'abcde', 6)).toBe(6);
  });

  it('refuses strings with lone surrogates instead of writing U+FFFD', () => {
    const memory = new GuestMemory(newMemory(1));
    expect(messageOf(() => memory.writeString(0, 'ab\ud800'))).toBe(
      'cannot encode the string as UTF-8: lone surrogate U+D800 at index 2',
    );
    expect(codeOf(() => memory.writeCString(0, '\udc00'))).toBe('MEMORY_INVALID_VALUE');
    expect(memory.writeString(0, '\ud83d\ude00')).toBe(4);
  });
});

describe('firstInvalidUtf8', () => {
  it('agrees with TextDecoder on validity for random bytes', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        let valid = true;
        try {
          strict.decode(bytes);
        } catch {
          valid = false;
        }
        const at = firstInvalidUtf8(bytes);
        expect(at < 0).toBe(valid);
        if (!valid) expect(() => strict.decode(bytes.subarray(0, at))).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('finds overlongs, surrogates, truncation and out-of-range code points', () => {
    expect(firstInvalidUtf8(Uint8Array.of(0x41, 0xc0, 0x80))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.of(0xed, 0xa0, 0x80))).toBe(0);
    expect(firstInvalidUtf8(Uint8Array.of(0x41, 0x42, 0xe2, 0x82))).toBe(2);
    expect(firstInvalidUtf8(Uint8Array.of(0xf4, 0x90, 0x80, 0x80))).toBe(0);
    expect(firstInvalidUtf8(Uint8Array.of(0xf0, 0x9f, 0x98, 0x80))).toBe(-1);
  });
});
