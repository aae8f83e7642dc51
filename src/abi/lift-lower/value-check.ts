/**
 * Locating a bad host value, for error messages only. The generated
 * lift/lower code checks every value on its hot path with the cheapest test
 * that is exact and traps with a short `invalid-value` AbiTrap; it cannot
 * afford to track where it is inside a value. When such a trap leaves a
 * generated function, this walker checks the same value again against its
 * WIT type, with the same acceptance rules, and finds the parameter, the
 * path inside the value and the expected WIT type:
 *
 *   `point-add` argument `a`: field `x`: expected s32, found 2147483648
 *   `host-get-shared-value` result: expected s32, found 1.5
 *   `paint` argument `c`: unknown enum case `purple` (expected one of red, green)
 *
 * The rules must stay in step with scalars.ts / emit.ts / runtime.ts; the
 * property test in test/abi/value-checks.test.ts holds the two together.
 */
import type { Func, Resolve, Type, TypeDef } from '../../wit/model.js';
import { layoutOf, type ScalarKind } from '../layout.js';
import { isNullableOption, typedArrayName } from './emit.js';
import { camelCase } from './js-names.js';
import { describeValue } from './runtime.js';
import { AbiTrap } from './trap.js';
import { witTypeText } from './wit-text.js';

/** Where a bad value sits inside the value given for a parameter or result. */
export type PathStep =
  | { readonly kind: 'field'; readonly name: string; readonly js: string }
  | { readonly kind: 'element'; readonly index: number }
  | { readonly kind: 'case'; readonly name: string }
  | { readonly kind: 'flag'; readonly name: string; readonly js: string }
  | { readonly kind: 'entry'; readonly index: number; readonly part: 'key' | 'value' };

export interface ValueProblem {
  readonly path: readonly PathStep[];
  /** Without the path: `expected s32, found 1.5`, `missing record field \`y\` (s32)`. */
  readonly detail: string;
}

/** The host value that failed: an export's argument, an import's result (or its `err` payload), or a lone value. */
export type ValuePosition =
  | { readonly kind: 'argument'; readonly name: string }
  | { readonly kind: 'result' }
  | { readonly kind: 'error' }
  | { readonly kind: 'value' };

/** An `invalid-value` trap that says which value, where inside it, and what WIT type was expected. */
export class AbiValueError extends AbiTrap {
  readonly position: ValuePosition;
  readonly path: readonly PathStep[];
  /** The JS accessor of the bad part, from the value's name: `a.x`, `items[3]`, `result.y`, `payload.code`. */
  readonly at: string;

  constructor(func: string, position: ValuePosition, problem: ValueProblem) {
    const where = [positionText(func, position), ...problem.path.map(stepText)];
    super(func, 'invalid-value', problem.detail, `${where.join(': ')}: ${problem.detail}`);
    this.position = position;
    this.path = problem.path;
    this.at = accessorOf(position, problem.path);
  }
}

function positionText(func: string, position: ValuePosition): string {
  switch (position.kind) {
    case 'argument':
      return `\`${func}\` argument \`${position.name}\``;
    case 'result':
      return `\`${func}\` result`;
    case 'error':
      return `\`${func}\` error payload`;
    case 'value':
      return `\`${func}\` value`;
  }
}

function stepText(step: PathStep): string {
  switch (step.kind) {
    case 'field':
      return `field \`${step.name}\``;
    case 'element':
      return `element [${step.index}]`;
    case 'case':
      return `case \`${step.name}\``;
    case 'flag':
      return `flag \`${step.name}\``;
    case 'entry':
      return `entry [${step.index}] ${step.part}`;
  }
}

function accessorOf(position: ValuePosition, path: readonly PathStep[]): string {
  let at = position.kind === 'argument' ? camelCase(position.name) : position.kind === 'error' ? 'payload' : position.kind;
  for (const step of path) {
    if (step.kind === 'field' || step.kind === 'flag') at += `.${step.js}`;
    else if (step.kind === 'element') at += `[${step.index}]`;
    else if (step.kind === 'case') at += '.val';
    else at += `[${step.index}][${step.part === 'key' ? 0 : 1}]`;
  }
  return at;
}

/**
 * The first problem of `value` as a host value of WIT type `type`, or null
 * when the generated code accepts it. Handles (resources, streams, futures)
 * are left to the runtime's handle tables and always pass here.
 */
export function findValueProblem(resolve: Resolve, type: Type, value: unknown): ValueProblem | null {
  return new ValueWalker(resolve).check(type, value, []);
}

const INT_RANGES: Partial<Record<ScalarKind, (v: number) => boolean>> = {
  u8: (v) => (v & 0xff) === v,
  s8: (v) => (v << 24) >> 24 === v,
  u16: (v) => (v & 0xffff) === v,
  s16: (v) => (v << 16) >> 16 === v,
  u32: (v) => v >>> 0 === v,
  s32: (v) => (v | 0) === v,
};

const BIG_RANGES: Partial<Record<ScalarKind, readonly [bigint, bigint]>> = {
  u64: [0n, 2n ** 64n - 1n],
  s64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** The typed array classes generated code accepts for lists of numbers (`instanceof`, so subclasses like Buffer count). */
const TYPED_CLASSES: Readonly<Record<string, abstract new (...args: never[]) => object>> = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  BigUint64Array,
  BigInt64Array,
  Float32Array,
  Float64Array,
};

function isTypedArrayOf(value: unknown, name: string): boolean {
  const cls = TYPED_CLASSES[name];
  return cls !== undefined && value instanceof cls;
}

const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
function wellFormed(value: string): boolean {
  return nativeWellFormed !== undefined ? nativeWellFormed.call(value) : !/\p{Cs}/u.test(value);
}

class ValueWalker {
  constructor(private readonly resolve: Resolve) {}

  check(type: Type, value: unknown, path: PathStep[]): ValueProblem | null {
    if (typeof type === 'string') return this.primitive(type, value, path);
    const def = this.resolve.types[type];
    if (def === undefined) return null;
    return this.defined(type, def, value, path);
  }

  private fail(path: PathStep[], detail: string): ValueProblem {
    return { path: [...path], detail };
  }

  private mismatch(path: PathStep[], expected: string, value: unknown): ValueProblem {
    return this.fail(path, `expected ${expected}, found ${describeValue(value)}`);
  }

  private primitive(kind: Type & string, value: unknown, path: PathStep[]): ValueProblem | null {
    switch (kind) {
      case 'bool':
        return typeof value === 'boolean' ? null : this.mismatch(path, 'bool (a boolean)', value);
      case 'f32':
      case 'f64':
        return typeof value === 'number' ? null : this.mismatch(path, `${kind} (a number)`, value);
      case 'char':
        if (typeof value === 'string' && value.length > 0 && value.length <= 2) {
          const code = value.codePointAt(0) as number;
          if (String.fromCodePoint(code) === value && (code < 0xd800 || code > 0xdfff)) return null;
        }
        return this.mismatch(path, 'char (a string of one Unicode scalar value)', value);
      case 'string':
        if (typeof value !== 'string') return this.mismatch(path, 'string', value);
        return wellFormed(value) ? null : this.mismatch(path, 'string without lone surrogates', value);
      case 'error-context':
        return null;
      default: {
        const fits = INT_RANGES[kind];
        if (fits !== undefined) {
          if (typeof value !== 'number') return this.mismatch(path, `${kind} (a number)`, value);
          return fits(value) ? null : this.mismatch(path, kind, value);
        }
        const range = BIG_RANGES[kind];
        if (range === undefined) return null;
        if (typeof value !== 'bigint') return this.mismatch(path, `${kind} (a bigint)`, value);
        return value >= range[0] && value <= range[1] ? null : this.mismatch(path, kind, value);
      }
    }
  }

  private defined(id: number, def: TypeDef, value: unknown, path: PathStep[]): ValueProblem | null {
    const kind = def.kind;
    const text = witTypeText(this.resolve, id);
    switch (kind.kind) {
      case 'type':
        return this.check(kind.type, value, path);
      case 'record': {
        if (value === null || typeof value !== 'object') return this.mismatch(path, `record ${text} (an object)`, value);
        const object = value as Record<string, unknown>;
        for (const field of kind.fields) {
          const js = camelCase(field.name);
          const step: PathStep = { kind: 'field', name: field.name, js };
          const fieldValue = object[js];
          const problem = this.check(field.type, fieldValue, [...path, step]);
          if (problem === null) continue;
          if (fieldValue === undefined && !(js in object)) {
            return this.fail(path, `missing record field \`${js}\` (${witTypeText(this.resolve, field.type)})`);
          }
          return problem;
        }
        return null;
      }
      case 'tuple': {
        const n = kind.types.length;
        if (!Array.isArray(value) || value.length !== n) {
          return this.mismatch(path, `${text} (an array of ${n} elements)`, value);
        }
        return this.elements(kind.types, value, path);
      }
      case 'fixed-length-list': {
        if (!Array.isArray(value) || value.length !== kind.length) {
          return this.mismatch(path, `${text} (an array of ${kind.length} elements)`, value);
        }
        return this.elements(Array.from({ length: kind.length }, () => kind.element), value, path);
      }
      case 'list': {
        const typed = typedArrayName(layoutOf(this.resolve, kind.element));
        if (typed !== null && isTypedArrayOf(value, typed)) return null;
        if (!Array.isArray(value)) {
          return this.mismatch(path, typed === null ? `${text} (an array)` : `${text} (a ${typed} or an array)`, value);
        }
        for (let i = 0; i < value.length; i++) {
          const problem = this.check(kind.element, value[i], [...path, { kind: 'element', index: i }]);
          if (problem !== null) return problem;
        }
        return null;
      }
      case 'map': {
        if (!(value instanceof Map)) return this.mismatch(path, `${text} (a Map)`, value);
        let i = 0;
        for (const [k, v] of value) {
          const problem =
            this.check(kind.key, k, [...path, { kind: 'entry', index: i, part: 'key' }]) ??
            this.check(kind.value, v, [...path, { kind: 'entry', index: i, part: 'value' }]);
          if (problem !== null) return problem;
          i++;
        }
        return null;
      }
      case 'flags': {
        if (value === null || typeof value !== 'object') return this.mismatch(path, `flags ${text} (an object of booleans)`, value);
        const object = value as Record<string, unknown>;
        for (const flag of kind.flags) {
          const js = camelCase(flag.name);
          const bit = object[js];
          if (bit !== true && bit !== false && bit !== undefined) {
            return this.mismatch([...path, { kind: 'flag', name: flag.name, js }], 'bool (a boolean)', bit);
          }
        }
        return null;
      }
      case 'enum': {
        const names = kind.cases.map((c) => c.name);
        if (typeof value === 'string' && names.includes(value)) return null;
        if (typeof value === 'string') {
          return this.fail(path, `unknown enum case \`${value}\` (expected one of ${names.join(', ')})`);
        }
        return this.mismatch(path, `enum ${text} (one of ${names.join(', ')})`, value);
      }
      case 'variant':
        return this.tagged(
          path,
          value,
          `variant ${text}`,
          kind.cases.map((c) => ({ tag: c.name, type: c.type })),
        );
      case 'result':
        return this.tagged(path, value, text, [
          { tag: 'ok', type: kind.ok },
          { tag: 'err', type: kind.err },
        ]);
      case 'option': {
        if (isNullableOption(layoutOf(this.resolve, id))) {
          if (value === undefined || value === null) return null;
          const problem = this.check(kind.type, value, path);
          // At the top of the payload, name the option: `undefined` was a choice too.
          if (problem !== null && problem.path.length === path.length && problem.detail.startsWith('expected ')) {
            return this.mismatch(path, `${text} (a ${witTypeText(this.resolve, kind.type)} or undefined)`, value);
          }
          return problem;
        }
        return this.tagged(path, value, text, [
          { tag: 'none', type: null },
          { tag: 'some', type: kind.type },
        ]);
      }
      case 'resource':
      case 'handle':
      case 'future':
      case 'stream':
        return null;
    }
  }

  private elements(types: readonly Type[], values: readonly unknown[], path: PathStep[]): ValueProblem | null {
    for (let i = 0; i < types.length; i++) {
      const problem = this.check(types[i] as Type, values[i], [...path, { kind: 'element', index: i }]);
      if (problem !== null) return problem;
    }
    return null;
  }

  /** `{ tag, val }` values: variants, results, nested options. */
  private tagged(
    path: PathStep[],
    value: unknown,
    text: string,
    cases: readonly { readonly tag: string; readonly type: Type | null }[],
  ): ValueProblem | null {
    const tags = cases.map((c) => c.tag);
    if (value === null || typeof value !== 'object') {
      return this.mismatch(path, `${text} (an object { tag, val } with tag ${tags.join(' | ')})`, value);
    }
    const tag: unknown = (value as { tag?: unknown }).tag;
    const match = cases.find((c) => c.tag === tag);
    if (match === undefined) {
      const found = typeof tag === 'string' ? `\`${tag}\`` : describeValue(tag);
      return this.fail(path, `unknown case ${found} of ${text} (expected tag ${tags.join(' | ')})`);
    }
    if (match.type === null) return null;
    return this.check(match.type, (value as { val?: unknown }).val, [...path, { kind: 'case', name: match.tag }]);
  }
}

/**
 * The error to throw instead of `error` when it is a bare `invalid-value`
 * trap of function `func` and the bad value can be located; else `error`
 * itself. `values` are the export's arguments (`direction: 'arguments'`) or
 * the import's result (`direction: 'result'`, with `unwrapResult` when a
 * `result<T, E>` result was given as a return value or a thrown payload).
 */
export function explainTrap(
  resolve: Resolve,
  func: Func,
  error: unknown,
  located: { direction: 'arguments'; values: readonly unknown[] } | { direction: 'result'; value: unknown; unwrapResult: boolean },
): unknown {
  if (!(error instanceof AbiTrap) || error instanceof AbiValueError || error.reason !== 'invalid-value' || error.func !== func.name) {
    return error;
  }
  if (located.direction === 'arguments') {
    for (let i = 0; i < func.params.length; i++) {
      const param = func.params[i];
      if (param === undefined) continue;
      const problem = findValueProblem(resolve, param.type, located.values[i]);
      if (problem !== null) return withCause(new AbiValueError(func.name, { kind: 'argument', name: param.name }, problem), error);
    }
    return error;
  }
  if (func.result === null) return error;
  if (located.unwrapResult) {
    const kind = resultKind(resolve, func.result);
    const wrapped = located.value as { tag?: unknown; val?: unknown } | null;
    if (kind !== null && wrapped !== null && typeof wrapped === 'object') {
      const isErr = wrapped.tag === 'err';
      const type = isErr ? kind.err : kind.ok;
      const problem = type === null ? null : findValueProblem(resolve, type, wrapped.val);
      if (problem !== null) return withCause(new AbiValueError(func.name, { kind: isErr ? 'error' : 'result' }, problem), error);
      return error;
    }
  }
  const problem = findValueProblem(resolve, func.result, located.value);
  return problem === null ? error : withCause(new AbiValueError(func.name, { kind: 'result' }, problem), error);
}

/** The located error for a lone value (`compileValueCodec`), or `error` itself. */
export function explainValueTrap(resolve: Resolve, name: string, type: Type, error: unknown, value: unknown): unknown {
  if (!(error instanceof AbiTrap) || error instanceof AbiValueError || error.reason !== 'invalid-value' || error.func !== name) {
    return error;
  }
  const problem = findValueProblem(resolve, type, value);
  return problem === null ? error : withCause(new AbiValueError(name, { kind: 'value' }, problem), error);
}

function resultKind(resolve: Resolve, type: Type): { ok: Type | null; err: Type | null } | null {
  let current: Type = type;
  for (;;) {
    if (typeof current === 'string') return null;
    const kind = resolve.types[current]?.kind;
    if (kind === undefined) return null;
    if (kind.kind === 'type') current = kind.type;
    else return kind.kind === 'result' ? { ok: kind.ok, err: kind.err } : null;
  }
}

function withCause(error: AbiValueError, cause: AbiTrap): AbiValueError {
  Object.defineProperty(error, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return error;
}
