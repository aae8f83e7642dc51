/**
 * `async` functions with the canonical ABI's async lowering and callback
 * lifting (CanonicalABI.md, `flatten_functype` with `async`), shaped like
 * wit-bindgen's C generator:
 *
 * - An imported async function `f` calls the core import `[async-lower]f`:
 *   `<world>_subtask_status_t <prefix>_f(T *arg | <prefix>_f_args_t *args, R *result)`.
 *   At most 4 flat parameters are passed as values, more as a pointer to
 *   the arguments; the callee writes the result at `result` when the
 *   subtask returns (the caller keeps both alive until then). The status
 *   says whether it already returned or gives the subtask handle to wait on.
 * - An exported async function is the core export `[async-lift]<name>`
 *   and returns a callback code; the guest implements
 *   `<world>_callback_code_t <prefix>_f(params)` and
 *   `<world>_callback_code_t <prefix>_f_callback(<world>_event_t *event)`
 *   (called through `[callback][async-lift]<name>` for each event the task
 *   waited for), and delivers the result with `<prefix>_f_return(R ret)`,
 *   which calls `[task-return]f` of the `[export]` module.
 *
 * Core signatures come from src/abi's `flattenFunction` in `async-callback` mode.
 */
import { flattenFunction, flattenType, MAX_FLAT_PARAMS } from '../../abi/flatten.js';
import type { CoreType } from '../../abi/core-types.js';
import type { Func } from '../../wit/model.js';
import { CodeWriter } from '../writer.js';
import { declareImport, defineFuturesAndStreams, useAsyncTasks } from './async-types.js';
import type { CGuestContext, Scope } from './context.js';
import { writeDocs } from './docs.js';
import { coreCType, FunctionBody, lowerFlat } from './flat.js';
import { liftExportParams, paramsLayout } from './functions.js';
import { cIdent } from './names.js';
import { cSignature } from './signature.js';

function coreDecl(name: string, params: readonly CoreType[], results: readonly CoreType[], names?: readonly string[]): string {
  const ret = results[0] === undefined ? 'void' : coreCType(results[0]);
  const list = params.map((p, i) => (names === undefined ? coreCType(p) : `${coreCType(p)} ${names[i] ?? `arg${i}`}`));
  return `${ret} ${name}(${list.length === 0 ? 'void' : list.join(', ')})`;
}

export function generateAsyncImport(ctx: CGuestContext, scope: Scope, func: Func): void {
  useAsyncTasks(ctx);
  const { hDefs, hFns, cFns, cAdapters } = ctx.sections;
  const sig = cSignature(ctx, scope, func);
  const abi = flattenFunction(ctx.resolve, func, 'lower', { async: 'async-callback' });
  const status = `${ctx.worldSnake}_subtask_status_t`;
  const coreName = `__wasm_import_${sig.name}`;
  cFns.blank();
  cFns.line(`__attribute__((__import_module__("${scope.module}"), __import_name__("[async-lower]${func.name}")))`);
  cFns.line(`extern ${coreDecl(coreName, abi.params, abi.results)};`);

  // The arguments: one parameter by pointer, several in a struct laid out like their canonical tuple.
  const decls: string[] = [];
  let argValue: (i: number) => string = () => '';
  let argsPointer = 'NULL';
  const [single] = func.params;
  if (func.params.length === 1 && single !== undefined) {
    decls.push(`${ctx.typeName(single.type)} *arg`);
    argValue = () => '(*arg)';
    argsPointer = 'arg';
  } else if (func.params.length > 1) {
    const argsType = `${sig.name}_args_t`;
    ctx.claimCName(argsType);
    hDefs.blank();
    hDefs.block(`typedef struct ${sig.name}_args`, () => {
      for (const p of func.params) hDefs.line(`${ctx.typeName(p.type)} ${cIdent(p.name)};`);
    }, ` ${argsType};`);
    const layout = paramsLayout(ctx, func);
    ctx.layoutChecks.push({ name: argsType, size: layout.size, align: layout.align });
    decls.push(`${argsType} *args`);
    argValue = (i) => `args->${cIdent(func.params[i]?.name ?? '')}`;
    argsPointer = 'args';
  }
  if (func.result !== null) decls.push(`${ctx.typeName(func.result)} *result`);
  const prototype = `${status} ${sig.name}(${decls.length === 0 ? 'void' : decls.join(', ')})`;
  hFns.blank();
  writeDocs(hFns, func.docs);
  hFns.line(`extern ${prototype};`);

  const out = new CodeWriter();
  const body = new FunctionBody(ctx, out);
  const args: string[] = [];
  if (abi.paramsIndirect) {
    args.push(`(int32_t) (uintptr_t) ${argsPointer}`);
  } else {
    func.params.forEach((p, i) => args.push(...lowerFlat(body, p.type, argValue(i))));
  }
  if (abi.resultsIndirect) args.push('(int32_t) (uintptr_t) result');
  out.line(`return (${status}) ${coreName}(${args.join(', ')});`);
  cAdapters.blank();
  cAdapters.block(prototype, () => cAdapters.append(out));
  defineFuturesAndStreams(ctx, scope, func);
}

export function generateAsyncExport(ctx: CGuestContext, scope: Scope, func: Func): void {
  useAsyncTasks(ctx);
  const { hFns, hHelpers, cAdapters, cHelpers } = ctx.sections;
  const snake = ctx.worldSnake;
  const sig = cSignature(ctx, scope, func);
  const abi = flattenFunction(ctx.resolve, func, 'lift', { async: 'async-callback' });
  const exportName = `[async-lift]${scope.key === null ? func.name : `${scope.module}#${func.name}`}`;
  const code = `${snake}_callback_code_t`;
  const coreName = `__wasm_export_${sig.name}`;

  const prototype = `${code} ${sig.name}(${sig.paramDecls.length === 0 ? 'void' : sig.paramDecls.join(', ')})`;
  const callback = `${code} ${sig.name}_callback(${snake}_event_t *event)`;
  hFns.blank();
  writeDocs(hFns, func.docs);
  hFns.line(`${prototype};`);
  hFns.line(`${callback};`);
  ctx.guestImplements.push({ prototype, returnType: code, resourceRep: null, parameterNames: sig.paramNames.slice(0, sig.params.length) });
  ctx.guestImplements.push({ prototype: callback, returnType: code, resourceRep: null, parameterNames: ['event'] });

  const out = new CodeWriter();
  const body = new FunctionBody(ctx, out);
  const argNames = abi.params.map((_, i) => `arg${i}`);
  const { args } = liftExportParams(ctx, body, func, sig, abi, argNames);
  out.line(`return (int32_t) ${sig.name}(${args.join(', ')});`);
  cAdapters.blank();
  cAdapters.line(`__attribute__((__export_name__("${exportName}")))`);
  cAdapters.block(coreDecl(coreName, abi.params, abi.results, argNames), () => cAdapters.append(out));
  cAdapters.blank();
  cAdapters.line(`__attribute__((__export_name__("[callback]${exportName}")))`);
  cAdapters.block(`int32_t ${coreName}_callback(int32_t event, int32_t waitable, int32_t code)`, () => {
    cAdapters.line(`${snake}_event_t ev = { (${snake}_event_code_t) event, (uint32_t) waitable, (uint32_t) code };`);
    cAdapters.line(`return (int32_t) ${sig.name}_callback(&ev);`);
  });

  // `task.return` takes the flat results as parameters, or a pointer to them past MAX_FLAT_PARAMS.
  const flat = func.result === null ? [] : [...flattenType(ctx.resolve, func.result)];
  const byPointer = flat.length > MAX_FLAT_PARAMS;
  const params: CoreType[] = byPointer ? ['i32'] : flat;
  const taskReturn = `${coreName}_task_return`;
  declareImport(ctx, { module: `[export]${scope.module}`, name: `[task-return]${func.name}`, params, results: [] }, taskReturn);
  const retDecl = func.result === null ? 'void' : `${ctx.typeName(func.result)} ret`;
  hHelpers.blank();
  hHelpers.line(`// Delivers the result of \`${sig.name}\` to its caller; the task is done once called.`);
  hHelpers.line(`void ${sig.name}_return(${retDecl});`);
  const ret = new CodeWriter();
  const retBody = new FunctionBody(ctx, ret);
  let values: string[] = [];
  if (func.result !== null) {
    // The host copies the result out during the call, so it may live on this stack frame.
    values = byPointer ? ['(int32_t) (uintptr_t) &ret'] : lowerFlat(retBody, func.result, 'ret');
    if (values.length === 0) ret.line('(void) ret;');
  }
  ret.line(`${taskReturn}(${values.join(', ')});`);
  cHelpers.blank();
  cHelpers.block(`void ${sig.name}_return(${retDecl})`, () => cHelpers.append(ret));
  defineFuturesAndStreams(ctx, scope, func);
}
