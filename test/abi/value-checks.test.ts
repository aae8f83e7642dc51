/**
 * Call-time checks of host values: export arguments and import results that
 * do not fit their WIT type are rejected (no coercion) with an error naming
 * the function, the parameter (or result), the path inside the value and the
 * expected WIT type. The property test holds the generated hot-path checks
 * and the locating walker (value-check.ts) to the same acceptance rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutOf } from '../../src/abi/layout.js';
import { compileExportCall, compileImportTrampoline, compileValueCodec } from '../../src/abi/lift-lower/compile.js';
import { AbiTrap } from '../../src/abi/lift-lower/trap.js';
import { AbiValueError, findValueProblem } from '../../src/abi/lift-lower/value-check.js';
import type { Func, Resolve, Type } from '../../src/wit/model.js';
import { loadWitText } from '../../src/wit/load.js';
import { testInstance } from '../helpers/wasm-memory.js';
import { addSpec, emptyResolve, typeSpecArb, type TypeSpec } from './build-resolve.js';
import { valueOf } from './values.js';

const WIT = `package test:values;

interface api {
  record point { x: s32, y: s32 }
  enum color { red, green }
  variant shape { circle(u32), square(point), none }
  flags perms { read, write }
  record opts { name: string, size: option<u32> }

  point-add: func(a: point, b: point) -> point;
  paint: func(c: color);
  area: func(s: shape) -> u32;
  sum: func(items: list<u32>) -> u64;
  big: func(v: u64);
  set-perms: func(p: perms);
  greet: func(name: string, opts: opts);
  pair: func(t: tuple<u8, bool>);
  letter: func(c: char);
  flag: func(b: bool);
  maybe: func(v: option<s32>);
  ratio: func(v: f64);
  host-get-shared-value: func() -> s32;
  try-get: func() -> result<u32, string>;
  get-point: func() -> point;
}

world w { export api; }
`;

const { resolve } = loadWitText(WIT);
const api = resolve.interfaces.find((i) => i.name === 'api');
if (api === undefined) throw new Error('no interface api');

function funcOf(name: string): Func {
  const func = api?.functions.get(name);
  if (func === undefined) throw new Error(`no function ${name}`);
  return func;
}

/** Calls export `name` with `args`; the core function stands in for a guest and returns 0. */
function callExport(name: string, args: unknown[]): unknown {
  const bind = compileExportCall(resolve, funcOf(name), { resultErrors: 'throw' }).value;
  // A u64 result comes back from the core function as an i64 (a bigint).
  return bind(testInstance(), () => (name === 'sum' ? 0n : 0))(...args);
}

/** Runs import `name` as the guest would, with a host function returning or throwing. */
function callImport(name: string, host: () => unknown): unknown {
  const func = funcOf(name);
  const bind = compileImportTrampoline(resolve, func, { resultErrors: 'throw' }).value;
  const instance = testInstance();
  // Results of these signatures that do not fit flat go to a return pointer, the core function's last argument.
  return bind(instance, host)(...(func.result !== null && layoutOf(resolve, func.result).size > 8 ? [64] : []));
}

function errorOf(run: () => unknown): AbiValueError {
  try {
    run();
  } catch (error) {
    if (error instanceof AbiValueError) return error;
    throw error;
  }
  throw new Error('expected an AbiValueError');
}

const point = (x: unknown, y: unknown) => ({ x, y });

describe('export arguments that do not fit their WIT type', () => {
  const table: [string, unknown[], string, string][] = [
    ['point-add', [point(2 ** 31, 0), point(1, 1)], '`point-add` argument `a`: field `x`: expected s32, found 2147483648', 'a.x'],
    ['point-add', [{ x: 1 }, point(1, 1)], '`point-add` argument `a`: missing record field `y` (s32)', 'a'],
    ['point-add', [point(1, 1), 5], '`point-add` argument `b`: expected record point (an object), found 5', 'b'],
    ['paint', ['purple'], '`paint` argument `c`: unknown enum case `purple` (expected one of red, green)', 'c'],
    ['paint', [0], '`paint` argument `c`: expected enum color (one of red, green), found 0', 'c'],
    [
      'area',
      [{ tag: 'triangle' }],
      '`area` argument `s`: unknown case `triangle` of variant shape (expected tag circle | square | none)',
      's',
    ],
    ['area', [{ tag: 'square', val: point(1, '2') }], '`area` argument `s`: case `square`: field `y`: expected s32 (a number), found "2"', 's.val.y'],
    ['area', [{ tag: 'circle', val: 1.5 }], '`area` argument `s`: case `circle`: expected u32, found 1.5', 's.val'],
    ['sum', [[1, 2, -3]], '`sum` argument `items`: element [2]: expected u32, found -3', 'items[2]'],
    [
      'sum',
      [new Int32Array(2)],
      '`sum` argument `items`: expected list<u32> (a Uint32Array or an array), found an Int32Array of length 2',
      'items',
    ],
    ['big', [5], '`big` argument `v`: expected u64 (a bigint), found 5', 'v'],
    ['big', [2n ** 64n], '`big` argument `v`: expected u64, found 18446744073709551616n', 'v'],
    ['set-perms', [{ read: 1 }], '`set-perms` argument `p`: flag `read`: expected bool (a boolean), found 1', 'p.read'],
    ['greet', ['x', { size: 3 }], '`greet` argument `opts`: missing record field `name` (string)', 'opts'],
    ['greet', [5, { name: 'n' }], '`greet` argument `name`: expected string, found 5', 'name'],
    ['greet', ['a', { name: 'b', size: -1 }], '`greet` argument `opts`: field `size`: expected option<u32> (a u32 or undefined), found -1', 'opts.size'],
    ['greet', ['\ud800', { name: 'b' }], '`greet` argument `name`: expected string without lone surrogates, found "\\ud800"', 'name'],
    ['pair', [[1, 'yes']], '`pair` argument `t`: element [1]: expected bool (a boolean), found "yes"', 't[1]'],
    ['pair', [[1]], '`pair` argument `t`: expected tuple<u8, bool> (an array of 2 elements), found an array of length 1', 't'],
    ['letter', ['ab'], '`letter` argument `c`: expected char (a string of one Unicode scalar value), found "ab"', 'c'],
    ['flag', [1], '`flag` argument `b`: expected bool (a boolean), found 1', 'b'],
    ['flag', [undefined], '`flag` argument `b`: expected bool (a boolean), found undefined', 'b'],
    ['maybe', [1.5], '`maybe` argument `v`: expected option<s32> (a s32 or undefined), found 1.5', 'v'],
    ['ratio', [1n], '`ratio` argument `v`: expected f64 (a number), found 1n', 'v'],
  ];

  it.each(table.map(([name, args, message, at]) => ({ name, args, message, at })))('$name → $message', ({ name, args, message, at }) => {
    const error = errorOf(() => callExport(name, args));
    expect(error.message).toBe(message);
    expect(error).toBeInstanceOf(AbiTrap);
    expect(error.code).toBe('ABI_TRAP');
    expect(error.reason).toBe('invalid-value');
    expect(error.func).toBe(name);
    expect(error.at).toBe(at);
  });

  it('accepts the values the table corrupts', () => {
    expect(() => callExport('point-add', [point(-(2 ** 31), 2 ** 31 - 1), point(0, 0)])).not.toThrow();
    expect(() => callExport('paint', ['green'])).not.toThrow();
    expect(() => callExport('area', [{ tag: 'square', val: point(1, 2) }])).not.toThrow();
    expect(() => callExport('sum', [new Uint32Array([1, 2])])).not.toThrow();
    expect(() => callExport('sum', [[1, 2, 2 ** 32 - 1]])).not.toThrow();
    expect(() => callExport('set-perms', [{ read: true }])).not.toThrow();
    expect(() => callExport('greet', ['a', { name: 'b' }])).not.toThrow();
    expect(() => callExport('maybe', [null])).not.toThrow();
  });
});

describe('import results that do not fit their WIT type', () => {
  it('names the import and "result"', () => {
    expect(errorOf(() => callImport('host-get-shared-value', () => 1.5)).message).toBe(
      '`host-get-shared-value` result: expected s32, found 1.5',
    );
    expect(errorOf(() => callImport('host-get-shared-value', () => undefined)).message).toBe(
      '`host-get-shared-value` result: expected s32 (a number), found undefined',
    );
    const error = errorOf(() => callImport('get-point', () => point(1, 2n)));
    expect(error.message).toBe('`get-point` result: field `y`: expected s32 (a number), found 2n');
    expect(error.at).toBe('result.y');
    expect(error.position).toEqual({ kind: 'result' });
  });

  it('for a result<T, E> given as return value or thrown payload, checks T and E', () => {
    expect(errorOf(() => callImport('try-get', () => -1)).message).toBe('`try-get` result: expected u32, found -1');
    const thrown = errorOf(() =>
      callImport('try-get', () => {
        throw Object.assign(new Error('no'), { payload: 5 });
      }),
    );
    expect(thrown.message).toBe('`try-get` error payload: expected string, found 5');
    expect(thrown.position).toEqual({ kind: 'error' });
    expect(thrown.at).toBe('payload');
    expect(() => callImport('try-get', () => 7)).not.toThrow();
  });

  it('lets errors of the host function itself through unchanged', () => {
    const own = new TypeError('host failed');
    expect(() =>
      callImport('host-get-shared-value', () => {
        throw own;
      }),
    ).toThrow(own);
  });
});

/** A random type without handles (their checks belong to the runtime's handle tables). */
function withoutHandles(spec: TypeSpec): boolean {
  switch (spec.t) {
    case 'own':
      return false;
    case 'prim':
      return spec.name !== 'error-context';
    case 'record':
    case 'tuple':
      return spec.items.every(withoutHandles);
    case 'variant':
      return spec.cases.every((c) => c === null || withoutHandles(c));
    case 'option':
    case 'list':
    case 'fixed':
      return withoutHandles(spec.item);
    case 'result':
      return (spec.ok === null || withoutHandles(spec.ok)) && (spec.err === null || withoutHandles(spec.err));
    case 'map':
      return withoutHandles(spec.key) && withoutHandles(spec.value);
    case 'flags':
    case 'enum':
      return true;
  }
}

const JUNK = fc.oneof(
  fc.constantFrom(1.5, -1, 2 ** 31, 2 ** 32, 2 ** 53, -0, Number.NaN, 1n, -1n, 2n ** 64n, '', 'x', 'ab', '\ud800', true, null, undefined),
  fc.constantFrom({}, [], { tag: 'zz' }, { tag: 'some' }, new Uint8Array(2), new Map()),
  fc.anything({ maxDepth: 2 }),
);

/** `value` with the part reached by following `picks` replaced by `junk`. */
function corrupt(value: unknown, junk: unknown, picks: readonly number[], depth = 0): unknown {
  const pick = picks[depth];
  if (pick === undefined || pick % 3 === 0) return junk;
  if (Array.isArray(value) && value.length > 0) {
    const copy = [...value];
    const i = pick % copy.length;
    copy[i] = corrupt(copy[i], junk, picks, depth + 1);
    return copy;
  }
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !(value instanceof Map)) {
    const keys = Object.keys(value);
    const key = keys[pick % Math.max(keys.length, 1)];
    if (key === undefined) return junk;
    return { ...value, [key]: corrupt((value as Record<string, unknown>)[key], junk, picks, depth + 1) };
  }
  return junk;
}

describe('random wrong values never pass silently', () => {
  const typeAndValue = typeSpecArb.filter(withoutHandles).chain((spec) => {
    const r: Resolve = emptyResolve();
    const type: Type = addSpec(r, spec);
    return fc.tuple(
      fc.constant(r),
      fc.constant(type),
      valueOf(layoutOf(r, type)),
      JUNK,
      fc.array(fc.nat(), { maxLength: 6 }),
    );
  });

  it('the generated checks reject exactly what the walker rejects, with the located error', () => {
    fc.assert(
      fc.property(typeAndValue, ([r, type, valid, junk, picks]) => {
        const codec = compileValueCodec(r, type, { name: 'f' }).value;
        const value = corrupt(valid, junk, picks);
        const problem = findValueProblem(r, type, value);
        for (const lower of [() => codec.lowerFlat(testInstance(), value), () => codec.store(testInstance(), value, 1024)]) {
          let thrown: unknown = null;
          try {
            lower();
          } catch (error) {
            thrown = error;
          }
          if (problem === null) {
            // Accepted values may still fail for size reasons, never as invalid values.
            expect(thrown instanceof AbiTrap && thrown.reason === 'invalid-value').toBe(false);
          } else {
            expect(thrown).toBeInstanceOf(AbiValueError);
            expect((thrown as AbiValueError).message.startsWith('`f` value')).toBe(true);
          }
        }
        // A valid value is never reported.
        expect(findValueProblem(r, type, valid)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('an export call names the first argument that is wrong, and accepts calls whose arguments are all right', () => {
    const twoParams = fc
      .tuple(typeSpecArb.filter(withoutHandles), typeSpecArb.filter(withoutHandles))
      .chain(([specA, specB]) => {
        const r: Resolve = emptyResolve();
        const types = [addSpec(r, specA), addSpec(r, specB)] as const;
        const valid = fc.tuple(valueOf(layoutOf(r, types[0])), valueOf(layoutOf(r, types[1])));
        return fc.tuple(fc.constant(r), fc.constant(types), valid, fc.nat(1), JUNK, fc.array(fc.nat(), { maxLength: 4 }));
      });
    fc.assert(
      fc.property(twoParams, ([r, types, valid, which, junk, picks]) => {
        const func: Func = {
          name: 'two',
          kind: { kind: 'freestanding' },
          async: false,
          params: [
            { name: 'first-arg', type: types[0] },
            { name: 'second-arg', type: types[1] },
          ],
          result: null,
          docs: null,
          stability: { kind: 'unknown' },
        };
        const call = compileExportCall(r, func).value(testInstance(), () => undefined);
        const args: unknown[] = [...valid];
        args[which] = corrupt(args[which], junk, picks);
        const firstBad = [0, 1].find((i) => findValueProblem(r, types[i] as Type, args[i]) !== null);
        let thrown: unknown = null;
        try {
          call(...args);
        } catch (error) {
          thrown = error;
        }
        if (firstBad === undefined) {
          expect(thrown instanceof AbiTrap && thrown.reason === 'invalid-value').toBe(false);
        } else {
          expect(thrown).toBeInstanceOf(AbiValueError);
          expect((thrown as AbiValueError).position).toEqual({ kind: 'argument', name: func.params[firstBad]?.name });
          expect((thrown as AbiValueError).message.startsWith(`\`two\` argument \`${func.params[firstBad]?.name}\``)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
