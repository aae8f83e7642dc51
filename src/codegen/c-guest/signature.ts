/**
 * The C signature of a WIT function, as wit-bindgen's C generator shapes it:
 *
 * - strings, lists (also fixed-length), records, tuples, variants and results are passed by
 *   pointer; `option<T>` parameters become `T *maybe_<name>` (NULL for none);
 *   scalars, enums, flags and handles are passed by value;
 * - scalars, enums, flags and handles are returned directly; `option<T>`
 *   returns `bool` with the payload in `T *ret`; `result<T, E>` returns
 *   `bool` (true for ok) with `T *ret` and `E *err`; anything else is
 *   written to a trailing `T *ret`.
 */
import type { Func, Type } from '../../wit/model.js';
import type { CGuestContext, Scope } from './context.js';
import { cParamName, snakeCase } from './names.js';

export interface CParam {
  /** The name in the C prototype. */
  readonly name: string;
  readonly type: Type;
  /** Passed as `T *name`. */
  readonly byPointer: boolean;
  /** An `option<T>` flattened into a nullable `T *maybe_name`. */
  readonly option: boolean;
}

export type CReturn =
  | { readonly kind: 'void' }
  | { readonly kind: 'value'; readonly type: Type }
  | { readonly kind: 'option'; readonly payload: Type }
  | { readonly kind: 'result'; readonly ok: Type | null; readonly err: Type | null }
  | { readonly kind: 'pointer'; readonly type: Type };

export interface CSignature {
  readonly name: string;
  readonly params: readonly CParam[];
  readonly ret: CReturn;
  /** The trailing out-parameters: names and pointee types. */
  readonly outParams: readonly { readonly name: string; readonly type: Type }[];
  /** `RET name(PARAMS)`, without the `;`. */
  readonly prototype: string;
  /** The declarations of the WIT parameters alone (no out-parameters), e.g. `uint32_t *maybe_x`. */
  readonly paramDecls: readonly string[];
  /** The names in the prototype, WIT parameters (`maybe_x` for a flattened option) then out-parameters. */
  readonly paramNames: readonly string[];
  readonly returnType: string;
}

/** The C name of a function: `<prefix>_<func>` where exports carry `exports_`. */
export function cFunctionName(ctx: CGuestContext, scope: Scope, func: Func): string {
  const prefix = scope.key === null ? `${scope.exported ? 'exports_' : ''}${ctx.worldSnake}` : scope.prefix;
  return `${prefix}_${snakeCase(func.name)}`;
}

function passedByPointer(ctx: CGuestContext, type: Type): boolean {
  const resolved = ctx.resolveType(type);
  if (resolved.kind === 'primitive') return resolved.name === 'string';
  switch (resolved.def.kind) {
    case 'variant':
    case 'option':
    case 'result':
    case 'tuple':
    case 'record':
    case 'list':
    case 'fixed-length-list':
    case 'map':
      return true;
    default:
      return false;
  }
}

function classifyReturn(ctx: CGuestContext, type: Type | null): CReturn {
  if (type === null) return { kind: 'void' };
  const resolved = ctx.resolveType(type);
  if (resolved.kind === 'primitive') return resolved.name === 'string' ? { kind: 'pointer', type } : { kind: 'value', type };
  const kind = resolved.def;
  switch (kind.kind) {
    case 'flags':
    case 'enum':
    case 'handle':
    case 'resource':
    case 'future':
    case 'stream':
      return { kind: 'value', type };
    case 'option':
      return { kind: 'option', payload: kind.type };
    case 'result':
      return { kind: 'result', ok: kind.ok, err: kind.err };
    default:
      return { kind: 'pointer', type };
  }
}

export function cSignature(ctx: CGuestContext, scope: Scope, func: Func): CSignature {
  const name = cFunctionName(ctx, scope, func);
  const params: CParam[] = func.params.map((p) => {
    // Like wit-bindgen, only a parameter whose own type is `option<T>` (not an alias of one) is flattened.
    const option = typeof p.type === 'number' && ctx.typeDef(p.type).kind.kind === 'option';
    return { name: cParamName(p.name), type: p.type, byPointer: passedByPointer(ctx, p.type), option };
  });
  const ret = classifyReturn(ctx, func.result);
  const outParams: { name: string; type: Type }[] = [];
  if (ret.kind === 'option') outParams.push({ name: 'ret', type: ret.payload });
  if (ret.kind === 'pointer') outParams.push({ name: 'ret', type: ret.type });
  if (ret.kind === 'result') {
    if (ret.ok !== null) outParams.push({ name: 'ret', type: ret.ok });
    if (ret.err !== null) outParams.push({ name: 'err', type: ret.err });
  }

  const wrapsOption = (p: CParam): boolean => p.option && typeof p.type === 'number';
  const paramDecls = params.map((p) => {
    if (wrapsOption(p) && typeof p.type === 'number') {
      const kind = ctx.typeDef(p.type).kind;
      const payload = kind.kind === 'option' ? kind.type : p.type;
      return `${ctx.typeName(payload)} *maybe_${p.name}`;
    }
    return `${ctx.typeName(p.type)} ${p.byPointer ? '*' : ''}${p.name}`;
  });
  const paramNames = [...params.map((p) => (wrapsOption(p) ? `maybe_${p.name}` : p.name)), ...outParams.map((out) => out.name)];
  const pieces = [...paramDecls];
  for (const out of outParams) pieces.push(`${ctx.typeName(out.type)} *${out.name}`);
  let returnType: string;
  switch (ret.kind) {
    case 'void':
    case 'pointer':
      returnType = 'void';
      break;
    case 'value':
      returnType = ctx.typeName(ret.type);
      break;
    case 'option':
    case 'result':
      returnType = 'bool';
      break;
  }
  const prototype = `${returnType} ${name}(${pieces.length === 0 ? 'void' : pieces.join(', ')})`;
  return { name, params, ret, outParams, prototype, returnType, paramDecls, paramNames };
}
