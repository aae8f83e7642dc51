/**
 * Import wrappers (C functions calling a core wasm import) and export
 * adapters (core wasm exports calling the C function the guest implements),
 * with post-return functions that free what an export returned.
 *
 * Core signatures, flattening and spilling decisions come from src/abi's
 * `flattenFunction`; memory offsets of spilled parameters from its layouts.
 */
import { flattenFunction, type FunctionAbi } from '../../abi/flatten.js';
import { layoutOf, recordLayout } from '../../abi/layout.js';
import type { Func, Type } from '../../wit/model.js';
import { CodeWriter } from '../writer.js';
import { generateAsyncExport, generateAsyncImport } from './async-functions.js';
import { defineFuturesAndStreams } from './async-types.js';
import type { CGuestContext, Scope } from './context.js';
import { holdsBorrow, recordBorrows } from './borrow-scope.js';
import { writeDocs } from './docs.js';
import { coreCType, FunctionBody, liftFlat, lowerFlat } from './flat.js';
import { cSignature, type CSignature } from './signature.js';
import { cIdent, snakeCase } from './names.js';
import { freeCall, ownsMemory } from './types.js';

function coreDeclaration(abi: FunctionAbi, name: string, lift: boolean, argNames: string[]): string {
  const result = abi.results[0];
  const returnType = result === undefined ? 'void' : coreCType(result);
  const params = abi.params.map((p, i) => (lift ? `${coreCType(p)} ${argNames[i] ?? `arg${i}`}` : coreCType(p)));
  return `${returnType} ${name}(${params.length === 0 ? 'void' : params.join(', ')})`;
}

/** Layout of the parameters when they are spilled to memory: a tuple of them. */
export function paramsLayout(ctx: CGuestContext, func: Func) {
  return recordLayout(
    ctx.resolve,
    'tuple',
    func.params.map((p, i) => ({ name: String(i), type: p.type })),
  );
}

export function generateImport(ctx: CGuestContext, scope: Scope, func: Func): void {
  if (func.async) {
    generateAsyncImport(ctx, scope, func);
    return;
  }
  const { hFns, cFns, cAdapters } = ctx.sections;
  const sig = cSignature(ctx, scope, func);
  const abi = flattenFunction(ctx.resolve, func, 'lower');
  const coreName = `__wasm_import_${sig.name}`;

  cFns.blank();
  cFns.line(`__attribute__((__import_module__("${scope.module}"), __import_name__("${func.name}")))`);
  cFns.line(`extern ${coreDeclaration(abi, coreName, false, [])};`);

  hFns.blank();
  writeDocs(hFns, func.docs);
  hFns.line(`extern ${sig.prototype};`);

  const out = new CodeWriter();
  const body = new FunctionBody(ctx, out);
  // The C value of each parameter.
  const values = sig.params.map((p) => {
    if (p.option) {
      const local = body.tmp(p.name);
      out.line(`${ctx.typeName(p.type)} ${local};`);
      out.line(`${local}.is_some = maybe_${p.name} != NULL;`);
      out.line(`if (maybe_${p.name}) {`);
      out.line(`${local}.val = *maybe_${p.name};`);
      out.line('}');
      return local;
    }
    return p.byPointer ? `(*${p.name})` : p.name;
  });

  const args: string[] = [];
  if (abi.paramsIndirect) {
    const layout = paramsLayout(ctx, func);
    const area = body.tmp('params');
    out.line(`__attribute__((__aligned__(${layout.align}))) uint8_t ${area}[${layout.size}];`);
    layout.fields.forEach((field, i) => {
      out.line(`*((${ctx.typeName(field.type)} *) (${area} + ${field.offset})) = ${values[i] ?? ''};`);
    });
    args.push(`(int32_t) (uintptr_t) ${area}`);
  } else {
    sig.params.forEach((p, i) => {
      const flat = lowerFlat(body, p.type, values[i] ?? '');
      // Values without core representation (`tuple<>`, empty records) are not passed on.
      if (flat.length === 0) out.line(`(void) ${p.option ? `maybe_${p.name}` : p.name};`);
      args.push(...flat);
    });
  }

  let result: string | null = null;
  const call = `${coreName}(${args.join(', ')})`;
  if (func.result === null) {
    out.line(`${call};`);
  } else if (abi.resultsIndirect) {
    const layout = layoutOf(ctx.resolve, func.result);
    const area = body.tmp('ret_area');
    out.line(`__attribute__((__aligned__(${layout.align}))) uint8_t ${area}[${layout.size}];`);
    args.push(`(int32_t) (uintptr_t) ${area}`);
    out.line(`${coreName}(${args.join(', ')});`);
    result = body.tmp('result');
    out.line(`${ctx.typeName(func.result)} ${result} = *((${ctx.typeName(func.result)} *) ${area});`);
  } else {
    // At most one core result; none for values that flatten to nothing (`tuple<>`).
    const raw: string[] = [];
    const coreResult = abi.results[0];
    if (coreResult === undefined) {
      out.line(`${call};`);
    } else {
      raw.push(body.tmp('ret'));
      out.line(`${coreCType(coreResult)} ${raw[0]} = ${call};`);
    }
    const lifted = liftFlat(body, func.result, raw, { at: 0 });
    result = body.tmp('result');
    out.line(`${ctx.typeName(func.result)} ${result} = ${lifted};`);
  }
  deliverResult(out, sig, result);

  cAdapters.blank();
  cAdapters.block(sig.prototype, () => cAdapters.append(out));
  defineFuturesAndStreams(ctx, scope, func);
}

/** Hands the lifted result of an import to the caller the way the C signature says. */
function deliverResult(out: CodeWriter, sig: CSignature, result: string | null): void {
  const ret = sig.ret;
  switch (ret.kind) {
    case 'void':
      return;
    case 'value':
      out.line(`return ${result};`);
      return;
    case 'pointer':
      out.line(`*ret = ${result};`);
      return;
    case 'option':
      out.line(`if (${result}.is_some) {`);
      out.line(`*ret = ${result}.val;`);
      out.line('}');
      out.line(`return ${result}.is_some;`);
      return;
    case 'result':
      out.line(`if (!${result}.is_err) {`);
      if (ret.ok !== null) out.line(`*ret = ${result}.val.ok;`);
      out.line('return true;');
      out.line('} else {');
      if (ret.err !== null) out.line(`*err = ${result}.val.err;`);
      out.line('return false;');
      out.line('}');
      return;
  }
}

export function generateExport(ctx: CGuestContext, scope: Scope, func: Func): void {
  if (func.async) {
    generateAsyncExport(ctx, scope, func);
    return;
  }
  const { hFns, cFns, cAdapters } = ctx.sections;
  const sig = cSignature(ctx, scope, func);
  const abi = flattenFunction(ctx.resolve, func, 'lift');
  const exportName = scope.key === null ? func.name : `${scope.module}#${func.name}`;
  const coreName = `__wasm_export_${sig.name}`;

  hFns.blank();
  writeDocs(hFns, func.docs);
  hFns.line(`${sig.prototype};`);
  ctx.guestImplements.push({
    prototype: sig.prototype,
    returnType: sig.returnType,
    resourceRep: null,
    parameterNames: sig.paramNames,
  });
  if (scope.key === null) ctx.legacyAliases.push({ old: `${ctx.worldSnake}_${snakeCase(func.name)}`, current: sig.name });

  const out = new CodeWriter();
  const body = new FunctionBody(ctx, out);
  const argNames = abi.params.map((_, i) => `arg${i}`);
  const { values, args } = liftExportParams(ctx, body, func, sig, abi, argNames);

  // Borrows of imported resources in the arguments: recorded before the guest may free the
  // values holding them, and those the guest did not drop are dropped after it returns.
  const borrows = func.params.some((p) => holdsBorrow(ctx, p.type));
  func.params.forEach((p, i) => recordBorrows(ctx, body, p.type, values[i] ?? ''));
  const result = callExport(ctx, body, sig, args, func.result);
  if (borrows) body.out.line('witgen_borrows_release();');
  if (func.result !== null && result !== null) {
    if (abi.resultsIndirect) {
      const layout = layoutOf(ctx.resolve, func.result);
      ctx.retArea = {
        size: Math.max(ctx.retArea.size, layout.size),
        align: Math.max(ctx.retArea.align, layout.align),
      };
      out.line(`*((${ctx.typeName(func.result)} *) RET_AREA) = ${result};`);
      out.line('return (int32_t) (uintptr_t) RET_AREA;');
    } else {
      const [value] = lowerFlat(body, func.result, result);
      if (value !== undefined) out.line(`return ${value};`);
    }
  }

  cAdapters.blank();
  cAdapters.line(`__attribute__((__export_name__("${exportName}")))`);
  cAdapters.block(coreDeclaration(abi, coreName, true, argNames), () => cAdapters.append(out));

  if (func.result !== null && abi.resultsIndirect) writePostReturn(ctx, func.result, exportName, coreName);
  defineFuturesAndStreams(ctx, scope, func);
}

/**
 * Lifts an export's core parameters (`argNames`, or the spilled area they
 * point at) into C values; `args` are those values as the C signature takes them.
 */
export function liftExportParams(
  ctx: CGuestContext,
  body: FunctionBody,
  func: Func,
  sig: CSignature,
  abi: FunctionAbi,
  argNames: readonly string[],
): { values: string[]; args: string[] } {
  const { out } = body;
  const values: string[] = [];
  if (abi.paramsIndirect) {
    const layout = paramsLayout(ctx, func);
    const area = body.tmp('params');
    out.line(`uint8_t *${area} = (uint8_t *) (uintptr_t) arg0;`);
    for (const field of layout.fields) {
      const local = body.tmp('arg');
      out.line(`${ctx.typeName(field.type)} ${local} = *((${ctx.typeName(field.type)} *) (${area} + ${field.offset}));`);
      values.push(local);
    }
    // The caller allocated the spilled parameters with cabi_realloc; they are ours to free.
    out.line(`free(${area});`);
  } else {
    const cursor = { at: 0 };
    for (const p of func.params) {
      const lifted = liftFlat(body, p.type, argNames, cursor);
      const local = body.tmp('arg');
      out.line(`${ctx.typeName(p.type)} ${local} = ${lifted};`);
      values.push(local);
    }
  }
  const args = sig.params.map((p, i) => {
    const value = values[i] ?? '';
    if (p.option) return `${value}.is_some ? &${value}.val : NULL`;
    return p.byPointer ? `&${value}` : value;
  });
  return { values, args };
}

/** Calls the guest's implementation; returns the local holding the WIT result (or null). */
function callExport(ctx: CGuestContext, body: FunctionBody, sig: CSignature, args: string[], resultType: Type | null): string | null {
  const { out } = body;
  const ret = sig.ret;
  if (resultType === null || ret.kind === 'void') {
    out.line(`${sig.name}(${args.join(', ')});`);
    return null;
  }
  const resultName = ctx.typeName(resultType);
  const result = body.tmp('result');
  switch (ret.kind) {
    case 'value':
      out.line(`${resultName} ${result} = ${sig.name}(${args.join(', ')});`);
      return result;
    case 'pointer':
      out.line(`${resultName} ${result};`);
      out.line(`${sig.name}(${[...args, `&${result}`].join(', ')});`);
      return result;
    case 'option': {
      const payload = body.tmp('payload');
      const some = body.tmp('is_some');
      out.line(`${ctx.typeName(ret.payload)} ${payload};`);
      out.line(`bool ${some} = ${sig.name}(${[...args, `&${payload}`].join(', ')});`);
      out.line(`${resultName} ${result};`);
      out.line(`${result}.is_some = ${some};`);
      out.line(`if (${some}) {`);
      out.line(`${result}.val = ${payload};`);
      out.line('}');
      return result;
    }
    case 'result': {
      const outArgs: string[] = [];
      const ok = ret.ok === null ? null : body.tmp('ok');
      const err = ret.err === null ? null : body.tmp('err');
      if (ok !== null && ret.ok !== null) {
        out.line(`${ctx.typeName(ret.ok)} ${ok};`);
        outArgs.push(`&${ok}`);
      }
      if (err !== null && ret.err !== null) {
        out.line(`${ctx.typeName(ret.err)} ${err};`);
        outArgs.push(`&${err}`);
      }
      out.line(`${resultName} ${result};`);
      out.line(`${result}.is_err = !${sig.name}(${[...args, ...outArgs].join(', ')});`);
      if (ok !== null || err !== null) {
        out.line(`if (!${result}.is_err) {`);
        if (ok !== null) out.line(`${result}.val.ok = ${ok};`);
        out.line('} else {');
        if (err !== null) out.line(`${result}.val.err = ${err};`);
        out.line('}');
      }
      return result;
    }
  }
}

/** `cabi_post_<export>`: frees the strings and lists an export returned, once the host has read them. */
function writePostReturn(ctx: CGuestContext, type: Type, exportName: string, coreName: string): void {
  if (!ownsMemory(ctx, type)) return;
  const free = freeCall(ctx, type, `(${ctx.typeName(type)} *) (uintptr_t) arg0`);
  if (free === null) return;
  const c = ctx.sections.cFns;
  c.blank();
  c.line(`__attribute__((__weak__, __export_name__("cabi_post_${exportName}")))`);
  c.block(`void ${coreName}_post_return(int32_t arg0)`, () => c.line(free));
}
