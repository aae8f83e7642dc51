/**
 * Canonical ABI layout and flattening against layouts computed by hand from
 * CanonicalABI.md, plus properties that must hold for every type.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenFunction, flattenLayout, flattenType } from '../../src/abi/flatten.js';
import { layoutOf, type Layout } from '../../src/abi/layout.js';
import type { Resolve, Type } from '../../src/wit/model.js';
import { addSpec, addType, emptyResolve, func, typeSpecArb } from './build-resolve.js';

function names(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, docs: null }));
}

function record(resolve: Resolve, types: Type[]): number {
  return addType(resolve, {
    kind: 'record',
    fields: types.map((type, i) => ({ name: `f${i}`, type, docs: null })),
  });
}

function variant(resolve: Resolve, types: (Type | null)[]): number {
  return addType(resolve, {
    kind: 'variant',
    cases: types.map((type, i) => ({ name: `c${i}`, type, docs: null })),
  });
}

function offsets(layout: Layout): number[] {
  if (layout.kind !== 'record') throw new Error(`not a record: ${layout.kind}`);
  return layout.fields.map((f) => f.offset);
}

describe('primitive layouts', () => {
  it.each([
    ['bool', 1, 1, ['i32']],
    ['u8', 1, 1, ['i32']],
    ['s16', 2, 2, ['i32']],
    ['u32', 4, 4, ['i32']],
    ['char', 4, 4, ['i32']],
    ['u64', 8, 8, ['i64']],
    ['s64', 8, 8, ['i64']],
    ['f32', 4, 4, ['f32']],
    ['f64', 8, 8, ['f64']],
    ['string', 8, 4, ['i32', 'i32']],
    ['error-context', 4, 4, ['i32']],
  ] as const)('%s: size %i, align %i, flat %j', (name, size, align, flat) => {
    const resolve = emptyResolve();
    expect(layoutOf(resolve, name)).toMatchObject({ size, align });
    expect(flattenType(resolve, name)).toEqual(flat);
  });
});

describe('records and tuples', () => {
  it('pads each field to its alignment and the end to the record alignment', () => {
    const r = emptyResolve();
    const id = record(r, ['u8', 'u32', 'u16']);
    const layout = layoutOf(r, id);
    expect(offsets(layout)).toEqual([0, 4, 8]);
    expect(layout).toMatchObject({ size: 12, align: 4 });
    expect(flattenType(r, id)).toEqual(['i32', 'i32', 'i32']);
  });

  it('aligns a record containing u64 to 8', () => {
    const r = emptyResolve();
    const id = record(r, ['u64', 'u8']);
    expect(offsets(layoutOf(r, id))).toEqual([0, 8]);
    expect(layoutOf(r, id)).toMatchObject({ size: 16, align: 8 });
  });

  it('lays a tuple out like a record', () => {
    const r = emptyResolve();
    const id = addType(r, { kind: 'tuple', types: ['u8', 'u16', 'u8'] });
    expect(offsets(layoutOf(r, id))).toEqual([0, 2, 4]);
    expect(layoutOf(r, id)).toMatchObject({ size: 6, align: 2, source: 'tuple' });
  });

  it('gives an empty record size 0 and alignment 1', () => {
    const r = emptyResolve();
    expect(layoutOf(r, record(r, []))).toMatchObject({ size: 0, align: 1 });
    expect(flattenType(r, record(r, []))).toEqual([]);
  });

  it('nests records by their own size and alignment', () => {
    const r = emptyResolve();
    const inner = record(r, ['u8', 'u16']); // size 4, align 2
    const outer = record(r, ['u8', inner, 'u8']);
    expect(offsets(layoutOf(r, outer))).toEqual([0, 2, 6]);
    expect(layoutOf(r, outer)).toMatchObject({ size: 8, align: 2 });
  });
});

describe('variants, options, results, enums', () => {
  it('option<u64>: u8 discriminant, payload at 8', () => {
    const r = emptyResolve();
    const id = addType(r, { kind: 'option', type: 'u64' });
    expect(layoutOf(r, id)).toMatchObject({ discriminant: 'u8', payloadOffset: 8, size: 16, align: 8 });
    expect(flattenType(r, id)).toEqual(['i32', 'i64']);
  });

  it('result<u32, string>: payload at 4, flat i32 i32 i32', () => {
    const r = emptyResolve();
    const id = addType(r, { kind: 'result', ok: 'u32', err: 'string' });
    expect(layoutOf(r, id)).toMatchObject({ payloadOffset: 4, size: 12, align: 4 });
    expect(flattenType(r, id)).toEqual(['i32', 'i32', 'i32']);
  });

  it('result with no payloads is one byte', () => {
    const r = emptyResolve();
    const id = addType(r, { kind: 'result', ok: null, err: null });
    expect(layoutOf(r, id)).toMatchObject({ size: 1, align: 1 });
    expect(flattenType(r, id)).toEqual(['i32']);
  });

  it.each([
    [['f32', 'u32'], ['i32', 'i32']],
    [['f32', 'f32'], ['i32', 'f32']],
    [['f32', 'f64'], ['i32', 'i64']],
    [['u32', 'u64'], ['i32', 'i64']],
    [['f64', 'f64'], ['i32', 'f64']],
    [['u64', 'string'], ['i32', 'i64', 'i32']],
    [[null, 'f32'], ['i32', 'f32']],
  ] as const)('joins case flattenings %j → %j', (cases, flat) => {
    const r = emptyResolve();
    expect(flattenType(r, variant(r, [...cases]))).toEqual(flat);
  });

  it('uses the smallest discriminant that numbers all cases', () => {
    const r = emptyResolve();
    const e256 = addType(r, { kind: 'enum', cases: names('a', 256) });
    const e257 = addType(r, { kind: 'enum', cases: names('a', 257) });
    const e65537 = addType(r, { kind: 'enum', cases: names('a', 65537) });
    expect(layoutOf(r, e256)).toMatchObject({ discriminant: 'u8', size: 1, align: 1 });
    expect(layoutOf(r, e257)).toMatchObject({ discriminant: 'u16', size: 2, align: 2 });
    expect(layoutOf(r, e65537)).toMatchObject({ discriminant: 'u32', size: 4, align: 4 });
  });

  it('places a u16 discriminant before a u8 payload without padding', () => {
    const r = emptyResolve();
    const cases = Array.from({ length: 300 }, (_, i) => (i === 0 ? 'u8' : null));
    expect(layoutOf(r, variant(r, cases))).toMatchObject({ payloadOffset: 2, size: 4, align: 2 });
  });
});

describe('flags, lists, maps, handles', () => {
  it.each([
    [1, 1, 1, 1],
    [8, 1, 1, 1],
    [9, 2, 2, 1],
    [16, 2, 2, 1],
    [17, 4, 4, 1],
    [32, 4, 4, 1],
    [33, 8, 4, 2],
    [65, 12, 4, 3],
  ])('%i flags: size %i, align %i, %i flat i32', (count, size, align, words) => {
    const r = emptyResolve();
    const id = addType(r, { kind: 'flags', flags: names('f', count) });
    expect(layoutOf(r, id)).toMatchObject({ size, align });
    expect(flattenType(r, id)).toEqual(Array(words).fill('i32'));
  });

  it('list<T> is a pointer and a length', () => {
    const r = emptyResolve();
    const id = addType(r, { kind: 'list', element: 'u64' });
    expect(layoutOf(r, id)).toMatchObject({ size: 8, align: 4, element: { size: 8, align: 8 } });
    expect(flattenType(r, id)).toEqual(['i32', 'i32']);
  });

  it('list<u16, 3> stores its elements inline', () => {
    const r = emptyResolve();
    const id = addType(r, { kind: 'fixed-length-list', element: 'u16', length: 3 });
    expect(layoutOf(r, id)).toMatchObject({ size: 6, align: 2 });
    expect(flattenType(r, id)).toEqual(['i32', 'i32', 'i32']);
  });

  it('map<string, u64> is a list of key/value records', () => {
    const r = emptyResolve();
    const id = addType(r, { kind: 'map', key: 'string', value: 'u64' });
    const layout = layoutOf(r, id);
    expect(layout).toMatchObject({ kind: 'list', source: 'map', size: 8, align: 4 });
    if (layout.kind !== 'list') throw new Error('expected a list');
    expect(offsets(layout.element)).toEqual([0, 8]);
    expect(layout.element).toMatchObject({ size: 16, align: 8 });
  });

  it('own, borrow, stream and future are i32 handles', () => {
    const r = emptyResolve();
    const res = addType(r, { kind: 'resource' }, 'r');
    for (const kind of [
      { kind: 'handle', handle: 'own', resource: res },
      { kind: 'handle', handle: 'borrow', resource: res },
      { kind: 'stream', type: 'u8' },
      { kind: 'future', type: null },
    ] as const) {
      const id = addType(r, kind);
      expect(layoutOf(r, id)).toMatchObject({ kind: 'handle', size: 4, align: 4 });
      expect(flattenType(r, id)).toEqual(['i32']);
    }
  });

  it('follows type aliases', () => {
    const r = emptyResolve();
    const target = record(r, ['u8', 'u64']);
    const alias = addType(r, { kind: 'type', type: target }, 'alias');
    expect(layoutOf(r, alias)).toBe(layoutOf(r, target));
  });

  it('memoises layouts per type id', () => {
    const r = emptyResolve();
    const id = record(r, ['u8']);
    expect(layoutOf(r, id)).toBe(layoutOf(r, id));
  });

  it('rejects unknown type ids with a typed error', () => {
    expect(() => layoutOf(emptyResolve(), 7)).toThrow(expect.objectContaining({ code: 'ABI_UNKNOWN_TYPE' }));
  });
});

describe('function flattening', () => {
  const r = emptyResolve();
  const str = 'string' as const;

  it('passes scalars directly', () => {
    const abi = flattenFunction(r, func(['u32', 'u32'], 'u32'), 'lower');
    expect(abi).toMatchObject({ params: ['i32', 'i32'], results: ['i32'], paramsIndirect: false });
  });

  it('spills more than 16 flat params behind one pointer', () => {
    const sixteen = flattenFunction(r, func(Array(16).fill('u32'), null), 'lower');
    const seventeen = flattenFunction(r, func(Array(17).fill('u32'), null), 'lift');
    expect(sixteen.params).toHaveLength(16);
    expect(seventeen).toMatchObject({ params: ['i32'], paramsIndirect: true });
  });

  it('returns multi-value results through memory: retptr param when lowering, returned pointer when lifting', () => {
    expect(flattenFunction(r, func([str], str), 'lower')).toMatchObject({
      params: ['i32', 'i32', 'i32'],
      results: [],
      resultsIndirect: true,
    });
    expect(flattenFunction(r, func([str], str), 'lift')).toMatchObject({ params: ['i32', 'i32'], results: ['i32'] });
  });

  it('uses the sync ABI for async functions unless asked otherwise', () => {
    const f = func([str, str, str], str, true);
    expect(flattenFunction(r, f, 'lower')).toMatchObject({ params: Array(7).fill('i32'), results: [], async: false });
  });

  it('follows the async ABI on request', () => {
    const f = func([str, str, str], str, true);
    expect(flattenFunction(r, f, 'lower', { async: 'async-callback' })).toMatchObject({
      params: ['i32', 'i32'],
      results: ['i32'],
      async: true,
    });
    expect(flattenFunction(r, func(['u32'], null, true), 'lower', { async: 'async-stackful' })).toMatchObject({
      params: ['i32'],
      results: ['i32'],
    });
    expect(flattenFunction(r, f, 'lift', { async: 'async-callback' })).toMatchObject({
      params: Array(6).fill('i32'),
      results: ['i32'],
    });
    expect(flattenFunction(r, f, 'lift', { async: 'async-stackful' }).results).toEqual([]);
  });
});

describe('layout properties', () => {
  const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

  function check(layout: Layout): void {
    expect(isPowerOfTwo(layout.align)).toBe(true);
    expect(layout.align).toBeLessThanOrEqual(8);
    expect(layout.size % layout.align).toBe(0);
    switch (layout.kind) {
      case 'record': {
        let end = 0;
        for (const f of layout.fields) {
          expect(f.offset % f.layout.align).toBe(0);
          expect(f.offset).toBeGreaterThanOrEqual(end);
          end = f.offset + f.layout.size;
          check(f.layout);
        }
        expect(end).toBeLessThanOrEqual(layout.size);
        expect(flattenLayout(layout)).toEqual(layout.fields.flatMap((f) => flattenLayout(f.layout)));
        break;
      }
      case 'variant': {
        const payloads = layout.cases.flatMap((c) => (c.layout === null ? [] : [c.layout]));
        const longest = Math.max(0, ...payloads.map((p) => flattenLayout(p).length));
        expect(flattenLayout(layout)).toHaveLength(longest + 1);
        for (const p of payloads) {
          expect(layout.payloadOffset % p.align).toBe(0);
          expect(layout.payloadOffset + p.size).toBeLessThanOrEqual(layout.size);
          check(p);
        }
        break;
      }
      case 'list':
      case 'fixed-list':
        check(layout.element);
        break;
      default:
        break;
    }
  }

  it('size is a multiple of alignment; fields are aligned and disjoint; variants flatten to 1 + longest case', () => {
    fc.assert(
      fc.property(typeSpecArb, (spec) => {
        const r = emptyResolve();
        check(layoutOf(r, addSpec(r, spec)));
      }),
      { numRuns: 300 },
    );
  });
});
