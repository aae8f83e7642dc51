/**
 * The bulk paths of generated lift/lower code (bench/abi.mjs measures them):
 * UTF-8 strings checked for lone surrogates on the encoder's output, plain
 * arrays of integers stored through typed views, cached views renewed when
 * memory grows. Each must give the same values and traps as the general path.
 */
import { describe, expect, it } from 'vitest';
import { compileValueCodec } from '../../src/abi/lift-lower/compile.js';
import { AbiTrap } from '../../src/abi/lift-lower/trap.js';
import type { PrimitiveName, Resolve, Type } from '../../src/wit/model.js';
import { testInstance } from '../helpers/wasm-memory.js';
import { addType, emptyResolve } from './build-resolve.js';

function trapOf(run: () => unknown): AbiTrap {
  try {
    run();
  } catch (error) {
    if (error instanceof AbiTrap) return error;
    throw error;
  }
  throw new Error('expected a trap');
}

function codecOf(resolve: Resolve, type: Type) {
  return compileValueCodec(resolve, type, { name: 'my-func' }).value;
}

function listOf(element: PrimitiveName) {
  const r = emptyResolve();
  return codecOf(r, addType(r, { kind: 'list', element }));
}

function roundTrip(codec: ReturnType<typeof codecOf>, value: unknown, instance = testInstance()): unknown {
  const flat = codec.lowerFlat(instance, value);
  return codec.liftFlat(instance, flat);
}

describe('UTF-8 strings', () => {
  const codec = codecOf(emptyResolve(), 'string');

  it('traps on a lone surrogate anywhere, in ASCII and non-ASCII strings of any length', () => {
    for (const lone of ['\ud800', '\udfff']) {
      for (const text of [lone, `a${lone}`, `${'x'.repeat(5000)}${lone}`, `é${lone}ü`, `${lone}${'東'.repeat(3000)}`]) {
        const trap = trapOf(() => codec.lowerFlat(testInstance(), text));
        expect(trap.reason).toBe('invalid-value');
        expect(trap.message).toContain('lone surrogates');
      }
    }
    // A high surrogate followed by another high surrogate is still lone.
    expect(trapOf(() => codec.lowerFlat(testInstance(), '🎉\ud83c\ud83c')).reason).toBe('invalid-value');
  });

  it('keeps strings that contain U+FFFD or other characters encoded with an 0xEF lead byte', () => {
    for (const text of ['\ufffd', 'a\ufffdb', '\uffef\uf000 ok', `${'é'.repeat(2000)}\ufffd🎉`]) {
      expect(roundTrip(codec, text)).toBe(text);
    }
  });

  it('writes exactly the UTF-8 bytes and reports their count', () => {
    const instance = testInstance();
    const text = 'Grüße 東京 🎉';
    const [ptr, length] = codec.lowerFlat(instance, text) as [number, number];
    const expected = new TextEncoder().encode(text);
    expect(length).toBe(expected.length);
    expect(new Uint8Array(instance.memory.buffer, ptr, length)).toEqual(expected);
  });
});

describe('lists of integers from plain arrays', () => {
  it('store the same bytes as from typed arrays, for every integer kind', () => {
    const cases: [PrimitiveName, number[] | bigint[], new (values: never[]) => ArrayLike<unknown>][] = [
      ['u8', [0, 1, 255], Uint8Array as never],
      ['s8', [-128, 0, 127], Int8Array as never],
      ['u16', [0, 65535, 7], Uint16Array as never],
      ['s16', [-32768, 32767, -1], Int16Array as never],
      ['u32', [0, 2 ** 32 - 1, 2 ** 31], Uint32Array as never],
      ['s32', [-(2 ** 31), 2 ** 31 - 1, -1], Int32Array as never],
      ['u64', [0n, 2n ** 64n - 1n, 5n], BigUint64Array as never],
      ['s64', [-(2n ** 63n), 2n ** 63n - 1n, -1n], BigInt64Array as never],
    ];
    for (const [element, values, Typed] of cases) {
      const codec = listOf(element);
      const lifted = roundTrip(codec, values);
      expect(lifted).toEqual(new Typed(values as never[]));
      expect(roundTrip(codec, lifted)).toEqual(lifted);
    }
  });

  it('trap on an element that is not a value of the element type, before allocating', () => {
    const bad: [PrimitiveName, unknown[]][] = [
      ['u8', [1, 256]],
      ['u8', [1, -1]],
      ['s8', [0, 128]],
      ['u16', [0.5]],
      ['s16', [Number.NaN]],
      ['u32', [1, 2 ** 32]],
      ['u32', [1, '2']],
      ['s32', [1n]],
      ['u64', [1]],
      ['s64', [2n ** 63n]],
      ['u32', [1, undefined]],
    ];
    for (const [element, values] of bad) {
      const instance = testInstance();
      const before = instance.used();
      const trap = trapOf(() => listOf(element).lowerFlat(instance, values));
      expect(trap.reason).toBe('invalid-value');
      expect(trap.message).toContain('my-func');
      // Elements are checked before realloc is asked for memory.
      expect(instance.used()).toBe(before);
    }
  });
});

describe('cached memory views', () => {
  it('are renewed when realloc grows memory between lists', () => {
    const instance = testInstance(1);
    const codec = listOf('u32');
    const small = Uint32Array.from([1, 2, 3]);
    expect(roundTrip(codec, small, instance)).toEqual(small);
    // 40 000 elements do not fit the first 64 KiB page: memory grows and the old views detach.
    const big = Array.from({ length: 40_000 }, (_, i) => i * 3);
    expect(roundTrip(codec, big, instance)).toEqual(Uint32Array.from(big));
    const typed = Uint32Array.from(big, (x) => x + 1);
    expect(roundTrip(codec, typed, instance)).toEqual(typed);
    expect(instance.memory.buffer.byteLength).toBeGreaterThan(65536);
  });
});

describe('lists from typed arrays of their element type', () => {
  it('round-trip for every integer and float kind, including Int8Array into list<s8>', () => {
    const cases: [PrimitiveName, ArrayLike<number | bigint>][] = [
      ['u8', Uint8Array.from([0, 1, 255])],
      ['s8', Int8Array.from([-128, -1, 0, 127])],
      ['u16', Uint16Array.from([0, 65535])],
      ['s16', Int16Array.from([-32768, 32767])],
      ['u32', Uint32Array.from([0, 2 ** 32 - 1])],
      ['s32', Int32Array.from([-(2 ** 31), 2 ** 31 - 1])],
      ['u64', BigUint64Array.from([0n, 2n ** 64n - 1n])],
      ['s64', BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n])],
      ['f32', Float32Array.from([1.5, -0])],
      ['f64', Float64Array.from([Math.PI, -1e300])],
    ];
    for (const [element, value] of cases) expect(roundTrip(listOf(element), value)).toEqual(value);
  });

  it('renew the views when realloc grows memory for the first list of an instance', () => {
    const instance = testInstance(1);
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => i & 0xff);
    expect(roundTrip(listOf('u8'), bytes, instance)).toEqual(bytes);
    const words = Uint32Array.from({ length: 30_000 }, (_, i) => i * 7);
    expect(roundTrip(listOf('u32'), words, instance)).toEqual(words);
    expect(instance.memory.buffer.byteLength).toBeGreaterThan(65536 * 2);
  });

  it('trap when realloc hands back a misaligned or out-of-bounds block', () => {
    const misaligned = { ...testInstance(), realloc: () => 2 };
    const trap = trapOf(() => listOf('u32').lowerFlat(misaligned, Uint32Array.from([1])));
    expect(trap.reason).toBe('misaligned-pointer');
    expect(trap.message).toContain('my-func');
    const outside = { ...testInstance(), realloc: () => 65536 - 4 };
    expect(trapOf(() => listOf('u8').lowerFlat(outside, new Uint8Array(8))).reason).toBe('out-of-bounds');
  });

  it('say which function needs a realloc when the instance has none', () => {
    const { memory } = testInstance();
    expect(() => listOf('u8').lowerFlat({ memory }, new Uint8Array(4))).toThrow(/`my-func` needs the instance's realloc/);
  });
});
