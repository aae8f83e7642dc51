/**
 * Compiles lift/lower code once per function signature (or value type) into
 * specialized JavaScript with `new Function`, so calls run straight-line code
 * instead of walking type trees.
 *
 * - `compileExportCall`: the host calls a core function that implements a
 *   component export (canonical `lift`): JS arguments are lowered into core
 *   values, the results lifted back into a JS value.
 * - `compileImportTrampoline`: a core module calls a host function that
 *   implements a component import (canonical `lower`): core arguments are
 *   lifted into JS values, the JS result lowered back.
 * - `compileValueCodec`: one type's store/load/lowerFlat/liftFlat, for tests
 *   and for consumers that move single values.
 */
import type { Func, Resolve, Type } from '../../wit/model.js';
import type { CoreType } from '../core-types.js';
import { AbiError } from '../errors.js';
import { flattenFunction, flattenLayout, type FunctionAbiOptions } from '../flatten.js';
import { layoutOf, recordLayout, type Layout } from '../layout.js';
import { Emitter } from './emit.js';
import { callContext, rt, type AbiInstance, type StringEncoding } from './runtime.js';
import { explainTrap, explainValueTrap } from './value-check.js';

export interface LiftLowerOptions extends FunctionAbiOptions {
  /** The `string-encoding` canonical option; utf8 by default. */
  readonly encoding?: StringEncoding;
  /**
   * How a function result of type `result<T, E>` looks in JS. `value`
   * (default): `{ tag: 'ok' | 'err', val }`. `throw` (jco's convention): the
   * export call returns T or throws `ResultError` carrying E; an import
   * implementation returns T or throws (see `errorPayload`).
   */
  readonly resultErrors?: 'value' | 'throw';
}

export interface ExportCallOptions extends LiftLowerOptions {
  /**
   * Leave the bad-argument explanation to the caller: the bound function has
   * no try/catch of its own (one costs V8 several ns per call around a wasm
   * call), and the caller, which wraps every call in its own try/catch
   * anyway, passes what it catches through `explain(error, args)`.
   */
  readonly explainInCaller?: boolean;
}

/** Turns a bare `invalid-value` trap of an export call into one naming the argument; other errors come back as they are. */
export type ExplainArguments = (error: unknown, args: readonly unknown[]) => unknown;

/** Whether `func`'s result is a `result<...>` mapped to exceptions under `options`. */
function throwsResult(resolve: Resolve, func: Func, options: LiftLowerOptions): boolean {
  if (options.resultErrors !== 'throw' || func.result === null) return false;
  const layout = layoutOf(resolve, func.result);
  return layout.kind === 'variant' && layout.source === 'result';
}

/** A core function as JS sees a wasm export: numbers/bigints in, a number/bigint/undefined out. */
export type CoreFunction = (...args: (number | bigint)[]) => unknown;

export type BoundExport = (...args: unknown[]) => unknown;
export type ExportBinder = (instance: AbiInstance, core: CoreFunction, postReturn?: CoreFunction) => BoundExport;
export type ImportBinder = (instance: AbiInstance, host: (...args: unknown[]) => unknown) => CoreFunction;

interface Compiled<T> {
  readonly source: string;
  readonly value: T;
}

/**
 * Turns a bare `invalid-value` trap into one naming the parameter, the path
 * inside the value and the WIT type (value-check.ts). Generated code calls it
 * only from a `catch`: locating costs nothing until a value is bad.
 */
type Explain = (error: unknown, values: unknown) => unknown;

/** Makes each compilation's function text unique (see `build`). */
let compilations = 0;

function build<T>(name: string, encoding: StringEncoding, helpers: string, body: string, explain: Explain): Compiled<T> {
  const source = `'use strict';\nconst FN = ${JSON.stringify(name)};\nconst ENC = ${JSON.stringify(encoding)};\n${helpers}\n${body}`;
  // The source is generated from the type plan only; no user text is spliced in unquoted.
  // The serial comment: V8 caches dynamic functions by text and lets closures of equal text share
  // type feedback, so two same-shaped functions (two components, two instances' worth of `core`
  // targets) would make each other's call sites polymorphic. The returned `source` stays deterministic.
  const factory = new Function('rt', 'callContext', 'explain', `${source}\n// compilation ${++compilations}`) as (
    r: typeof rt,
    c: typeof callContext,
    e: Explain,
  ) => T;
  return { source, value: factory(rt, callContext, explain) };
}

/** `body` inside a try whose catch rethrows through `explain(e, values)`. */
function explained(body: readonly string[], values: string): string[] {
  return ['try {', ...body, `} catch (e) { throw explain(e, ${values}); }`];
}

/** The sync ABI of `func` in `context`; the async lift/lower protocol (task.return, subtasks) is not generated. */
function syncAbi(resolve: Resolve, func: Func, context: 'lift' | 'lower', options: LiftLowerOptions) {
  const abi = flattenFunction(resolve, func, context, options);
  if (abi.async) {
    throw new AbiError(
      'ABI_UNSUPPORTED',
      `\`${func.name}\`: lift/lower code for the async ABI is not generated; use the sync ABI (the default) for async functions`,
    );
  }
  return abi;
}

/** Whether moving a value of `layout` reads memory, allocates, or converts handles (needs a CallContext). */
function usesContext(layout: Layout): boolean {
  switch (layout.kind) {
    case 'scalar':
    case 'flags':
      return false;
    case 'string':
    case 'list':
    case 'handle':
      return true;
    case 'fixed-list':
      return usesContext(layout.element);
    case 'record':
      return layout.fields.some((f) => usesContext(f.layout));
    case 'variant':
      return layout.cases.some((c) => c.layout !== null && usesContext(c.layout));
  }
}

/**
 * Statements that bind `cx` for one call. Calls that move only scalars skip
 * it entirely (the lean path for `add(u32, u32) -> u32`); the others fetch
 * the instance's context once per bound function and refresh its views.
 */
function contextPrologue(needed: boolean): { bind: string; call: string } {
  if (!needed) return { bind: '', call: '' };
  return {
    bind: 'let context = null;',
    call: 'const cx = context === null ? (context = callContext(instance)) : context;\nrt.refresh(cx);',
  };
}

function needsContext(resolve: Resolve, func: Func, indirect: boolean): boolean {
  return (
    indirect ||
    func.params.some((p) => usesContext(layoutOf(resolve, p.type))) ||
    (func.result !== null && usesContext(layoutOf(resolve, func.result)))
  );
}

function paramsLayout(resolve: Resolve, func: Func): Layout {
  return recordLayout(
    resolve,
    'tuple',
    func.params.map((p, i) => ({ name: String(i), type: p.type })),
  );
}

function args(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** Host → core export: lower the arguments, call, lift the result, run post-return. */
export function compileExportCall(
  resolve: Resolve,
  func: Func,
  options: ExportCallOptions = {},
): Compiled<ExportBinder> & { readonly explain: ExplainArguments } {
  const abi = syncAbi(resolve, func, 'lift', options);
  const em = new Emitter();
  const context = contextPrologue(needsContext(resolve, func, abi.paramsIndirect || abi.resultsIndirect));
  const body: string[] = context.call ? [context.call] : [];
  const jsArgs = args('a', func.params.length);
  let coreArgs: string[];
  if (abi.paramsIndirect) {
    const layout = paramsLayout(resolve, func);
    body.push(`const pp = rt.alloc(FN, cx, ${layout.size}, ${layout.align});`);
    if (layout.kind !== 'record') throw new Error('params layout is a record');
    layout.fields.forEach((f, i) => {
      const q = em.fresh('q');
      body.push(`const ${q} = pp + ${f.offset};`);
      em.store(f.layout, jsArgs[i] as string, q, body);
    });
    coreArgs = ['pp'];
  } else {
    coreArgs = func.params.flatMap((p, i) => em.lowerFlat(layoutOf(resolve, p.type), jsArgs[i] as string, body));
  }
  body.push(`const ret = core(${coreArgs.join(', ')});`);
  // The call may have grown memory.
  if (context.call) body.push('rt.refresh(cx);');
  if (func.result === null) {
    body.push('if (postReturn) postReturn();', 'return undefined;');
  } else {
    const layout = layoutOf(resolve, func.result);
    let value: string;
    if (abi.resultsIndirect) {
      body.push('const rp = ret >>> 0;', `rt.check(FN, cx, rp, ${layout.align}, ${layout.size});`);
      value = em.load(layout, 'rp');
    } else {
      value = em.liftFlat(layout, ['ret'], body);
    }
    body.push(`const result = ${value};`, 'if (postReturn) postReturn(ret);');
    if (throwsResult(resolve, func, options)) {
      body.push(`if (result.tag === 'err') throw new rt.ResultError(result.val);`, 'return result.val;');
    } else {
      body.push('return result;');
    }
  }
  // Only arguments can be bad host values here; a function without any needs no catch.
  const full = func.params.length > 0 && options.explainInCaller !== true ? explained(body, `[${jsArgs.join(', ')}]`) : body;
  const source = `return function bind(instance, core, postReturn) {\n${context.bind}\nreturn function ${jsIdent(func.name)}(${jsArgs.join(', ')}) {\n${full.join('\n')}\n};\n};`;
  const explain: ExplainArguments = (error, values) => explainTrap(resolve, func, error, { direction: 'arguments', values });
  const compiled = build<ExportBinder>(func.name, options.encoding ?? 'utf8', em.helperSource, source, (e, v) => explain(e, v as unknown[]));
  return { ...compiled, explain };
}

/** Core → host import: lift the arguments, call the host, lower the result. */
export function compileImportTrampoline(
  resolve: Resolve,
  func: Func,
  options: LiftLowerOptions = {},
): Compiled<ImportBinder> {
  const abi = syncAbi(resolve, func, 'lower', options);
  const em = new Emitter();
  em.exactStrings = true;
  const coreParams = args('c', abi.params.length);
  const context = contextPrologue(needsContext(resolve, func, abi.paramsIndirect || abi.resultsIndirect));
  const body: string[] = context.call ? [context.call] : [];
  let values: string[];
  if (abi.paramsIndirect) {
    const layout = paramsLayout(resolve, func);
    if (layout.kind !== 'record') throw new Error('params layout is a record');
    body.push('const pp = c0 >>> 0;', `rt.check(FN, cx, pp, ${layout.align}, ${layout.size});`);
    values = layout.fields.map((f) => {
      const q = em.fresh('q');
      const x = em.fresh('x');
      body.push(`const ${q} = pp + ${f.offset};`, `const ${x} = ${em.load(f.layout, q)};`);
      return x;
    });
  } else {
    let at = 0;
    values = func.params.map((p) => {
      const layout = layoutOf(resolve, p.type);
      const n = flattenLayout(layout).length;
      const x = em.fresh('x');
      body.push(`const ${x} = ${em.liftFlat(layout, coreParams.slice(at, at + n), body)};`);
      at += n;
      return x;
    });
  }
  const unwrapResult = throwsResult(resolve, func, options);
  if (unwrapResult) {
    body.push(
      'let r;',
      `try { r = { tag: 'ok', val: host(${values.join(', ')}) }; } catch (e) { r = { tag: 'err', val: rt.errorPayload(e) }; }`,
    );
  } else {
    body.push(`const r = host(${values.join(', ')});`);
  }
  if (func.result !== null) {
    const layout = layoutOf(resolve, func.result);
    const lower: string[] = [];
    if (abi.resultsIndirect) {
      const retptr = coreParams[coreParams.length - 1] as string;
      lower.push(`const rp = ${retptr} >>> 0;`, 'rt.refresh(cx);', `rt.check(FN, cx, rp, ${layout.align}, ${layout.size});`);
      em.store(layout, 'r', 'rp', lower);
    } else {
      const [flat] = em.lowerFlat(layout, 'r', lower);
      lower.push(`return ${flat};`);
    }
    body.push(...explained(lower, 'r'));
  }
  const source = `return function bind(instance, host) {\n${context.bind}\nreturn function ${jsIdent(func.name)}(${coreParams.join(', ')}) {\n${body.join('\n')}\n};\n};`;
  const explain: Explain = (error, value) =>
    explainTrap(resolve, func, error, { direction: 'result', value, unwrapResult });
  return build<ImportBinder>(func.name, options.encoding ?? 'utf8', em.helperSource, source, explain);
}

export interface ValueCodec {
  /** Writes `value` at `ptr` (allocating through realloc for strings/lists). */
  store(instance: AbiInstance, value: unknown, ptr: number): void;
  load(instance: AbiInstance, ptr: number): unknown;
  lowerFlat(instance: AbiInstance, value: unknown): (number | bigint)[];
  liftFlat(instance: AbiInstance, values: readonly (number | bigint)[]): unknown;
  readonly layout: Layout;
  readonly flat: readonly CoreType[];
}

/** Store/load/flatten code for one WIT type; `name` labels traps. */
export function compileValueCodec(
  resolve: Resolve,
  type: Type,
  options: { encoding?: StringEncoding; name?: string } = {},
): Compiled<ValueCodec> {
  const layout = layoutOf(resolve, type);
  const flat = flattenLayout(layout);
  const em = new Emitter();
  const storeBody: string[] = [];
  em.store(layout, 'v', 'p', storeBody);
  const loadExpr = em.load(layout, 'p');
  const lowerBody: string[] = [];
  const lowered = em.lowerFlat(layout, 'v', lowerBody);
  const liftBody: string[] = [];
  const vals = flat.map((_, i) => `vals[${i}]`);
  const lifted = em.liftFlat(layout, vals, liftBody);
  const source = `return {
store(instance, v, p) { const cx = callContext(instance);\n${explained(storeBody, 'v').join('\n')}\n},
load(instance, p) { const cx = callContext(instance); return ${loadExpr}; },
lowerFlat(instance, v) { const cx = callContext(instance);\n${explained([...lowerBody, `return [${lowered.join(', ')}];`], 'v').join('\n')}\n},
liftFlat(instance, vals) { const cx = callContext(instance);\n${liftBody.join('\n')}\nreturn ${lifted}; },
};`;
  const name = options.name ?? 'value';
  const explain: Explain = (error, value) => explainValueTrap(resolve, name, type, error, value);
  const compiled = build<Omit<ValueCodec, 'layout' | 'flat'>>(name, options.encoding ?? 'utf8', em.helperSource, source, explain);
  return { source: compiled.source, value: { ...compiled.value, layout, flat } };
}

/** A JS identifier for a component function name (`[method]r.f` → `method_r_f`), for stack traces. */
function jsIdent(name: string): string {
  const ident = name.replace(/[^A-Za-z0-9_$]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z_$]/.test(ident) ? ident : `f_${ident}`;
}
