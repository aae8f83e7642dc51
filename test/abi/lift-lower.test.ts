/**
 * Generated lift/lower code: lowering then lifting is the identity on random
 * values of random types (through memory and through flat core values, in
 * all three string encodings); spec traps fire with the function's name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExportCall, compileImportTrampoline, compileValueCodec } from '../../src/abi/lift-lower/compile.js';
import type { StringEncoding } from '../../src/abi/lift-lower/runtime.js';
import { AbiTrap } from '../../src/abi/lift-lower/trap.js';
import type { CoreType } from '../../src/abi/core-types.js';
import type { Resolve, Type } from '../../src/wit/model.js';
import { testInstance } from '../helpers/wasm-memory.js';
import { addSpec, addType, emptyResolve, func, typeSpecArb } from './build-resolve.js';
import { valueOf } from './values.js';

/** What a wasm function boundary does to flat values. */
function throughWasm(values: (number | bigint)[], types: readonly CoreType[]): (number | bigint)[] {
  return values.map((v, i) => {
    switch (types[i]) {
      case 'i32':
        return Number(v) | 0;
      case 'i64':
        return BigInt.asIntN(64, BigInt(v));
      case 'f32':
        return Math.fround(Number(v));
      default:
        return Number(v);
    }
  });
}

const encodingArb = fc.constantFrom<StringEncoding>('utf8', 'utf16', 'latin1+utf16');

const typedValueArb = typeSpecArb.chain((spec) => {
  const resolve = emptyResolve();
  const type = addSpec(resolve, spec);
  return fc.tuple(fc.constant(resolve), fc.constant(type), valueOf(compileValueCodec(resolve, type).value.layout));
});

describe('lower then lift is the identity', () => {
  it('through linear memory, for random types, values and string encodings', () => {
    fc.assert(
      fc.property(typedValueArb, encodingArb, ([resolve, type, value], encoding) => {
        const codec = compileValueCodec(resolve, type, { encoding }).value;
        const instance = testInstance();
        const ptr = instance.realloc(0, 0, codec.layout.align, codec.layout.size);
        codec.store(instance, value, ptr);
        expect(codec.load(instance, ptr)).toEqual(value);
      }),
      { numRuns: 250 },
    );
  });

  it('through flat core values, for random types, values and string encodings', () => {
    fc.assert(
      fc.property(typedValueArb, encodingArb, ([resolve, type, value], encoding) => {
        const codec = compileValueCodec(resolve, type, { encoding }).value;
        const instance = testInstance();
        const flat = throughWasm(codec.lowerFlat(instance, value), codec.flat);
        expect(flat).toHaveLength(codec.flat.length);
        expect(codec.liftFlat(instance, flat)).toEqual(value);
      }),
      { numRuns: 250 },
    );
  });

  it('keeps strings intact in every encoding, including long and non-Latin-1 ones', () => {
    const resolve = emptyResolve();
    for (const encoding of ['utf8', 'utf16', 'latin1+utf16'] as const) {
      const codec = compileValueCodec(resolve, 'string', { encoding }).value;
      for (const s of ['', 'plain', 'ÿé latin', 'emoji 🎉 and ÿ', 'x'.repeat(100_000) + '€']) {
        const instance = testInstance();
        expect(codec.liftFlat(instance, throughWasm(codec.lowerFlat(instance, s), codec.flat))).toBe(s);
      }
    }
  });

  it('writes latin1+utf16 strings as Latin-1 when they fit and tags UTF-16 otherwise', () => {
    const codec = compileValueCodec(emptyResolve(), 'string', { encoding: 'latin1+utf16' }).value;
    const instance = testInstance();
    expect(codec.lowerFlat(instance, 'ÿes')[1]).toBe(3);
    expect(codec.lowerFlat(instance, '€')[1]).toBe(0x80000001);
  });
});

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

describe('spec traps', () => {
  it('rejects chars that are surrogates or beyond U+10FFFF', () => {
    const codec = codecOf(emptyResolve(), 'char');
    const trap = trapOf(() => codec.liftFlat(testInstance(), [0xd800]));
    expect(trap).toMatchObject({ reason: 'invalid-char', func: 'my-func', code: 'ABI_TRAP' });
    expect(trap.message).toContain('my-func');
    expect(trapOf(() => codec.liftFlat(testInstance(), [0x110000])).reason).toBe('invalid-char');
  });

  it('rejects discriminants with no case, in memory and flat', () => {
    const r = emptyResolve();
    const codec = codecOf(r, addType(r, { kind: 'option', type: 'u8' }));
    const instance = testInstance();
    new Uint8Array(instance.memory.buffer)[64] = 2;
    expect(trapOf(() => codec.load(instance, 64)).reason).toBe('invalid-discriminant');
    expect(trapOf(() => codec.liftFlat(instance, [5, 0])).reason).toBe('invalid-discriminant');
    const e = codecOf(r, addType(r, { kind: 'enum', cases: [{ name: 'a', docs: null }] }));
    expect(trapOf(() => e.liftFlat(instance, [1])).reason).toBe('invalid-discriminant');
  });

  it('rejects misaligned and out-of-bounds lists and strings', () => {
    const r = emptyResolve();
    const list = codecOf(r, addType(r, { kind: 'list', element: 'u32' }));
    const instance = testInstance();
    expect(trapOf(() => list.liftFlat(instance, [2, 1])).reason).toBe('misaligned-pointer');
    expect(trapOf(() => list.liftFlat(instance, [0, 0x10000])).reason).toBe('out-of-bounds');
    const str = codecOf(r, 'string');
    expect(trapOf(() => str.liftFlat(instance, [65530, 10])).reason).toBe('out-of-bounds');
    const utf16 = compileValueCodec(r, 'string', { encoding: 'utf16' }).value;
    expect(trapOf(() => utf16.liftFlat(instance, [1, 1])).reason).toBe('misaligned-pointer');
  });

  it('rejects invalid UTF-8 and UTF-16', () => {
    const instance = testInstance();
    const bytes = new Uint8Array(instance.memory.buffer);
    bytes.set([0x61, 0xff, 0x62], 100);
    expect(trapOf(() => codecOf(emptyResolve(), 'string').liftFlat(instance, [100, 3])).reason).toBe('invalid-utf8');
    new DataView(instance.memory.buffer).setUint16(200, 0xdc00, true);
    const utf16 = compileValueCodec(emptyResolve(), 'string', { encoding: 'utf16' }).value;
    expect(trapOf(() => utf16.liftFlat(instance, [200, 1])).reason).toBe('invalid-utf16');
    const latin = compileValueCodec(emptyResolve(), 'string', { encoding: 'latin1+utf16' }).value;
    expect(trapOf(() => latin.liftFlat(instance, [200, 0x80000001 | 0])).reason).toBe('invalid-utf16');
  });

  it('rejects flags bits beyond the declared flags', () => {
    const r = emptyResolve();
    const names = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, docs: null }));
    expect(trapOf(() => codecOf(r, addType(r, { kind: 'flags', flags: names(3) })).liftFlat(testInstance(), [8])).reason).toBe(
      'invalid-flags',
    );
    const big = codecOf(r, addType(r, { kind: 'flags', flags: names(40) }));
    expect(trapOf(() => big.liftFlat(testInstance(), [0, 1 << 8])).reason).toBe('invalid-flags');
    expect(big.liftFlat(testInstance(), [-1, 0xff])).toMatchObject({ f0: true, f31: true, f39: true });
  });

  it('rejects host values that are not values of the type', () => {
    const r = emptyResolve();
    const instance = testInstance();
    expect(trapOf(() => codecOf(r, 'u8').lowerFlat(instance, 300)).reason).toBe('invalid-value');
    for (const bad of [1.5, -1, 2 ** 32, Number.NaN, 1n, '1', null]) {
      expect(trapOf(() => codecOf(r, 'u32').lowerFlat(instance, bad)).reason).toBe('invalid-value');
    }
    for (const bad of [2 ** 31, -(2 ** 31) - 1, 0.5, 1n]) {
      expect(trapOf(() => codecOf(r, 's32').lowerFlat(instance, bad)).reason).toBe('invalid-value');
    }
    expect(codecOf(r, 's16').lowerFlat(instance, -32768)).toEqual([-32768]);
    expect(trapOf(() => codecOf(r, 'u64').lowerFlat(instance, 1)).reason).toBe('invalid-value');
    expect(trapOf(() => codecOf(r, 'char').lowerFlat(instance, 'ab')).reason).toBe('invalid-value');
    expect(trapOf(() => codecOf(r, 'string').lowerFlat(instance, '\ud800')).reason).toBe('invalid-value');
    const v = codecOf(r, addType(r, { kind: 'variant', cases: [{ name: 'a', type: null, docs: null }] }));
    expect(trapOf(() => v.lowerFlat(instance, { tag: 'b' })).reason).toBe('invalid-value');
  });
});

describe('function adapters', () => {
  it('calls a core export: spills >16 params to memory and reads results through the returned pointer', () => {
    const r = emptyResolve();
    const tuple = addType(r, { kind: 'tuple', types: ['string', 'u64'] });
    const f = func(Array(17).fill('u32'), tuple);
    const instance = testInstance();
    const bind = compileExportCall(r, { ...f, name: 'sum-all' }).value;
    let posted = false;
    const call = bind(
      instance,
      (pp) => {
        // The guest reads its 17 u32 params at pp, writes (string, u64) and returns where.
        const dv = new DataView(instance.memory.buffer);
        let sum = 0n;
        for (let i = 0; i < 17; i++) sum += BigInt(dv.getUint32(Number(pp) + 4 * i, true));
        const text = new TextEncoder().encode('sum');
        const sp = instance.realloc(0, 0, 1, text.length);
        new Uint8Array(instance.memory.buffer, sp, text.length).set(text);
        const ret = instance.realloc(0, 0, 8, 16);
        const view = new DataView(instance.memory.buffer);
        view.setUint32(ret, sp, true);
        view.setUint32(ret + 4, text.length, true);
        view.setBigUint64(ret + 8, sum, true);
        return ret;
      },
      () => {
        posted = true;
      },
    );
    expect(call(...Array.from({ length: 17 }, (_, i) => i + 1))).toEqual(['sum', 153n]);
    expect(posted).toBe(true);
  });

  it('serves a core import: lifts flat params, lowers the result through the return pointer', () => {
    const r = emptyResolve();
    const f = { ...func(['string', 'f32'], 'string'), name: 'greet' };
    const instance = testInstance();
    const trampoline = compileImportTrampoline(r, f).value(instance, (name, x) => `hi ${String(name)} ${String(x)}`);
    const text = new TextEncoder().encode('bob');
    const sp = instance.realloc(0, 0, 1, 3);
    new Uint8Array(instance.memory.buffer, sp, 3).set(text);
    const retptr = instance.realloc(0, 0, 4, 8);
    expect(trampoline(sp, 3, 1.5, retptr)).toBeUndefined();
    const dv = new DataView(instance.memory.buffer);
    const out = new Uint8Array(instance.memory.buffer, dv.getUint32(retptr, true), dv.getUint32(retptr + 4, true));
    expect(new TextDecoder().decode(out)).toBe('hi bob 1.5');
  });

  it('uses the sync ABI for async functions and refuses to generate the async protocol', () => {
    const r = emptyResolve();
    const f = { ...func(['u32'], 'u32', true), name: 'slow' };
    const trampoline = compileImportTrampoline(r, f).value(testInstance(), (x) => Number(x) + 1);
    expect(trampoline(41)).toBe(42);
    expect(() => compileExportCall(r, f, { async: 'async-callback' })).toThrow(
      expect.objectContaining({ code: 'ABI_UNSUPPORTED' }),
    );
  });

  it('traps on misaligned return pointers and misaligned realloc results', () => {
    const r = emptyResolve();
    const instance = testInstance();
    const f = { ...func(['u32'], 'string'), name: 'get' };
    // Import side: the guest's return pointer must be aligned for (ptr, len).
    const trampoline = compileImportTrampoline(r, f).value(instance, () => 'x');
    expect(trapOf(() => trampoline(1, 2))).toMatchObject({ reason: 'misaligned-pointer', func: 'get' });
    // Export side: the pointer the core function returns must be aligned too.
    const call = compileExportCall(r, f).value(instance, () => 6);
    expect(trapOf(() => call(1))).toMatchObject({ reason: 'misaligned-pointer' });
    // And realloc must hand back aligned memory.
    const g = { ...func(['string'], null), name: 'put' };
    const badRealloc = { memory: instance.memory, realloc: () => 3 };
    const put = compileExportCall(r, { ...g, params: Array(9).fill({ name: 's', type: 'string' }) }).value(badRealloc, () => 0);
    expect(trapOf(() => put(...Array(9).fill('s')))).toMatchObject({ reason: 'misaligned-pointer', func: 'put' });
  });

  it('names the function in traps raised while adapting a call', () => {
    const r = emptyResolve();
    const f = { ...func(['char'], null), name: '[method]counter.inc' };
    const trampoline = compileImportTrampoline(r, f).value(testInstance(), () => undefined);
    expect(trapOf(() => trampoline(0xdfff))).toMatchObject({ func: '[method]counter.inc', reason: 'invalid-char' });
  });
});
