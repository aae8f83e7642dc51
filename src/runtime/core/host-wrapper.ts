/**
 * Wraps a host function for a core import: passes the caller context first
 * and checks the returned value against the core result types, so a wrong
 * value fails with the import's name instead of V8's anonymous
 * "Cannot convert a BigInt value to a number".
 *
 * Value rules (the linker's contract with host functions):
 * - i32 accepts an integer `number` in -2^31 .. 2^32-1, i.e. both the signed
 *   and the unsigned reading of 32 bits (WIT s32 and u32 both lower to i32).
 * - i64 accepts a `bigint` in -2^63 .. 2^64-1 (s64 and u64), never a number:
 *   a number would silently lose precision above 2^53.
 * - f32/f64 accept any `number` (NaN included).
 * - No result: the function must return `undefined`. Several results: an
 *   array of exactly that many values.
 *
 * The wrapper source is generated once per signature and cached, so a call
 * does one host call plus `typeof`/range checks and allocates nothing.
 */
import { formatCoreFuncType, type CoreType } from '../../abi/core-types.js';
import { CoreCallError, renderValue } from './link-errors.js';

/** A core function type whose value types are those of the canonical ABI. */
export interface HostFuncType {
  readonly params: readonly CoreType[];
  readonly results: readonly CoreType[];
}

type Fail = (value: unknown) => never;
type AnyFunction = (...args: never[]) => unknown;
type WrapperFactory = (fn: AnyFunction, caller: unknown, fail: Fail) => (...args: unknown[]) => unknown;

const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

/** A boolean JS expression that is true when `v` is NOT a valid value of `type`. */
function invalidCheck(type: CoreType, v: string): string {
  switch (type) {
    case 'i32':
      return `typeof ${v} !== 'number' || ((${v} | 0) !== ${v} && (${v} >>> 0) !== ${v})`;
    case 'i64':
      return `typeof ${v} !== 'bigint' || ${v} < I64_MIN || ${v} > U64_MAX`;
    case 'f32':
    case 'f64':
      return `typeof ${v} !== 'number'`;
  }
}

function factorySource(type: HostFuncType): string {
  const args = type.params.map((_, i) => `a${i}`).join(', ');
  const call = `const r = fn(caller${type.params.length > 0 ? `, ${args}` : ''});`;
  let checks: string;
  if (type.results.length === 0) {
    checks = 'if (r !== undefined) fail(r);';
  } else if (type.results.length === 1) {
    checks = `if (${invalidCheck(type.results[0] as CoreType, 'r')}) fail(r);`;
  } else {
    checks = `if (!Array.isArray(r) || r.length !== ${type.results.length}) fail(r);\n`;
    checks += type.results.map((t, i) => `{ const v = r[${i}]; if (${invalidCheck(t, 'v')}) fail(r); }`).join('\n');
  }
  return `return function wrap(fn, caller, fail) {\n  return function (${args}) {\n    ${call}\n    ${checks}\n    return r;\n  };\n};`;
}

const factories = new Map<string, WrapperFactory>();

function factoryFor(type: HostFuncType): WrapperFactory {
  const key = `${type.params.join(',')}->${type.results.join(',')}`;
  let factory = factories.get(key);
  if (factory === undefined) {
    // Generated code only ever contains the fixed fragments above and
    // parameter indices, never user text.
    const make = new Function('I64_MIN', 'U64_MAX', factorySource(type)) as (min: bigint, max: bigint) => WrapperFactory;
    factory = make(I64_MIN, U64_MAX);
    factories.set(key, factory);
  }
  return factory;
}

/** `env::f returned 1.5 where (result i32) is expected` */
export function badResultMessage(importName: string, type: HostFuncType, value: unknown): string {
  const expected =
    type.results.length === 0 ? 'no result' : formatCoreFuncType({ params: [], results: type.results }).slice('(func '.length, -1);
  return `${importName} returned ${renderValue(value)} where ${expected} is expected`;
}

/**
 * The function given to WebAssembly for a host import: `fn(caller, ...args)`
 * with its result checked against `type`.
 */
export function wrapHostFunction(
  importName: string,
  type: HostFuncType,
  fn: AnyFunction,
  caller: unknown,
): (...args: unknown[]) => unknown {
  const fail: Fail = (value) => {
    throw new CoreCallError('CALL_BAD_RESULT', importName, badResultMessage(importName, type, value));
  };
  return factoryFor(type)(fn, caller, fail);
}

/** An import that traps with a named error when the guest calls it. */
export function trappingFunction(importName: string): () => never {
  return () => {
    throw new CoreCallError(
      'CALL_UNKNOWN_IMPORT',
      importName,
      `unknown import ${importName} was called; it was defined as a trap by defineUnknownImportsAsTraps`,
    );
  };
}

/** An import that returns the zero value of each of its result types. */
export function defaultValueFunction(results: readonly string[]): () => unknown {
  const zeros = results.map((t) => (t === 'i64' ? 0n : t === 'i32' || t === 'f32' || t === 'f64' ? 0 : null));
  if (zeros.length === 0) return () => undefined;
  if (zeros.length === 1) {
    const zero = zeros[0];
    return () => zero;
  }
  return () => zeros.slice();
}
