/**
 * Compiles the JavaScript that calls a legacy export or implements a legacy
 * import, once per function, with `new Function` — the same approach (and
 * the same value code, lift-lower/emit.ts's `Emitter`) as the component
 * path's compile.ts; only the way values map onto core parameters differs:
 * the C ABI plan of plan.ts instead of canonical flattening.
 *
 * Export call (`bind(abi, core, hooks)` → `f(...jsArgs)`):
 *   one guest block (the "frame") holds the sret area and the copies of
 *   by-pointer arguments; it is allocated on the first call and kept for the
 *   instance's life (a nested call of the same export, from inside a host
 *   import, gets a block of its own). Scalars go direct; strings and lists
 *   inside arguments are allocated per call. After the call the result is
 *   read, the strings/lists it points to freed (caller-owned results), and
 *   everything allocated for the call released.
 * Import trampoline (`bind(abi, host, self, state)` → `f(caller, ...core)`):
 *   by-pointer arguments are read (bounds-checked) from guest memory, the
 *   host function is called, and its result is checked and returned direct
 *   or written through the sret pointer.
 */
import { alignTo } from '../../abi/layout.js';
import { Emitter } from '../../abi/lift-lower/emit.js';
import { callContext, rt, type AbiInstance, type CallContext } from '../../abi/lift-lower/runtime.js';
import type { LegacyFunctionPlan } from './plan.js';
import { allocates } from './plan.js';

type CoreFn = (...args: unknown[]) => unknown;

/** Per-instance call state shared by the export and import code (GuestHeap). */
export interface CallState {
  /** Host import calls in progress: an export called while this is > 0 is nested inside another export. */
  depth: number;
  /** Blocks allocated for the export calls in progress (see GuestHeap). */
  readonly owned: number[];
}

/** What the export code needs from its instance besides memory. */
export interface ExportHooks {
  readonly state: CallState;
  /** Frees every tracked block above `mark`. */
  release(mark: number): void;
  /** Frees the strings/lists inside the result at `ptr` (caller-owned results); `cx.dv` views current memory. */
  freeResult(cx: { readonly dv: DataView }, ptr: number): void;
  /** Frees one guest block (nothing for NULL or without a free export). */
  free(ptr: number): void;
  /** Stores a string argument as `{ ptr, len }` at `at` (allocation tracked, freed by `release`). */
  storeString(func: string, cx: CallContext, value: unknown, at: number): void;
}

export type LegacyExportBinder = (abi: AbiInstance | null, core: CoreFn, hooks: ExportHooks) => (...args: unknown[]) => unknown;
export type LegacyImportBinder = (abi: AbiInstance | null, host: CoreFn, self: unknown, state: CallState) => (...args: unknown[]) => unknown;

export interface Compiled<T> {
  readonly source: string;
  readonly value: T;
}

function build<T>(name: string, helpers: string, body: string): Compiled<T> {
  const source = `'use strict';\nconst FN = ${JSON.stringify(name)};\nconst ENC = "utf8";\n${helpers}\n${body}`;
  // Generated from the type plan only; names are spliced in as JSON string literals.
  const factory = new Function('rt', 'callContext', source) as (r: typeof rt, c: typeof callContext) => T;
  return { source, value: factory(rt, callContext) };
}

/** Whether calls of `plan` touch guest memory at all (scalar-only functions skip the call context). */
export function usesMemory(plan: LegacyFunctionPlan): boolean {
  return plan.sret || plan.params.some((p) => p.passing.kind === 'indirect' || allocates(p.layout));
}

/** Whether implementing import `plan` reads or writes guest memory. */
export function importUsesMemory(plan: LegacyFunctionPlan): boolean {
  return plan.sret || plan.params.some((p) => p.passing.kind === 'indirect') || (plan.result !== null && allocates(plan.result.layout));
}

function jsIdent(name: string): string {
  const ident = name.replace(/[^A-Za-z0-9_$]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[A-Za-z_$]/.test(ident) ? ident : `f_${ident}`;
}

interface FrameSlot {
  readonly offset: number;
}

/** Lays out the sret area and the by-pointer argument copies in one block. */
function frameLayout(plan: LegacyFunctionPlan): { size: number; align: number; sret: FrameSlot | null; params: (FrameSlot | null)[] } {
  let size = 0;
  let align = 1;
  const place = (layout: { size: number; align: number }): FrameSlot => {
    size = alignTo(size, layout.align);
    const slot = { offset: size };
    size += layout.size;
    align = Math.max(align, layout.align);
    return slot;
  };
  const sret = plan.sret && plan.result !== null ? place(plan.result.layout) : null;
  const params = plan.params.map((p) => (p.passing.kind === 'indirect' ? place(p.layout) : null));
  return { size, align, sret, params };
}

/** Host → guest: the JS function of a world export. */
export function compileLegacyExport(plan: LegacyFunctionPlan, freesResult: boolean): Compiled<LegacyExportBinder> {
  const em = new Emitter();
  const memory = usesMemory(plan);
  const jsArgs = plan.params.map((_, i) => `a${i}`);
  const body: string[] = [];
  const frame = frameLayout(plan);
  if (memory) {
    body.push(
      // Not inside a host import: no other export call is active, so tracked blocks left over
      // from a call that threw belong to nobody and are freed now.
      'const nested = state.depth !== 0;',
      'if (!nested && owned.length !== 0) hooks.release(0);',
      'const mark = owned.length;',
      'const cx = context === null ? (context = callContext(abi)) : context;',
      'rt.refresh(cx);',
    );
  }
  if (memory && frame.size > 0) {
    // The frame is a block kept per function and instance, allocated on the first call; a call nested
    // inside a host import (maybe of this same export) allocates its own, freed on return.
    body.push(
      'let frame;',
      `if (nested) frame = rt.alloc(FN, cx, ${frame.size}, ${frame.align});`,
      // The first allocation is untracked (popped): the block outlives the call.
      `else { if (scratch === 0) { scratch = rt.alloc(FN, cx, ${frame.size}, ${frame.align}); owned.pop(); } frame = scratch; }`,
    );
  }
  const coreArgs: string[] = [];
  if (frame.sret !== null) coreArgs.push(`frame + ${frame.sret.offset}`);
  plan.params.forEach((p, i) => {
    const v = jsArgs[i] as string;
    if (p.passing.kind === 'direct' && p.layout.kind === 'scalar' && (p.layout.scalar === 'u64' || p.layout.scalar === 's64')) {
      // The same check as lift-lower's (a bigint in range), written with BigInt.asUintN/asIntN, which
      // TurboFan lowers: on Node 20 the `<`/`>` comparisons with bigint literals are runtime calls and
      // cost more than the call itself.
      const wrap = p.layout.scalar === 'u64' ? 'asUintN' : 'asIntN';
      body.push(`if (typeof ${v} !== 'bigint' || BigInt.${wrap}(64, ${v}) !== ${v}) rt.invalid(FN, ${JSON.stringify(`a ${p.layout.scalar} bigint`)}, ${v});`);
      coreArgs.push(v);
    } else if (p.passing.kind === 'direct') {
      coreArgs.push(...em.lowerFlat(p.layout, v, body));
    } else if (p.passing.kind === 'indirect') {
      const q = em.fresh('q');
      body.push(`const ${q} = frame + ${(frame.params[i] as FrameSlot).offset};`);
      // A string argument (the common case) takes the heap's one-block path.
      if (p.layout.kind === 'string') body.push(`hooks.storeString(FN, cx, ${v}, ${q});`);
      else em.store(p.layout, v, q, body);
      coreArgs.push(q);
    }
  });
  body.push(`const ret = core(${coreArgs.join(', ')});`);
  const result = plan.result;
  const cleanup = memory ? ['if (owned.length > mark) hooks.release(mark);'] : [];
  if (result === null) {
    body.push(...cleanup, 'return undefined;');
  } else {
    if (memory) body.push('rt.refresh(cx);');
    let value: string;
    if (result.passing.kind === 'indirect' && frame.sret !== null) {
      body.push(`const rp = frame + ${frame.sret.offset};`);
      value = em.load(result.layout, 'rp');
    } else if (result.passing.kind === 'direct') {
      value = em.liftFlat(result.layout, ['ret'], body);
    } else {
      value = em.liftFlat(result.layout, [], body);
    }
    body.push(`const result = ${value};`);
    if (freesResult && frame.sret !== null && allocates(result.layout)) {
      // A string or a list of plain values is one block: free it inline; anything deeper walks the layout.
      const flat = result.layout.kind === 'string' || (result.layout.kind === 'list' && !allocates(result.layout.element));
      body.push(flat ? 'hooks.free(cx.dv.getUint32(rp, true));' : 'hooks.freeResult(cx, rp);');
    }
    body.push(...cleanup);
    if (plan.throwsResult) {
      body.push(`if (result.tag === 'err') throw new rt.ResultError(result.val);`, 'return result.val;');
    } else {
      body.push('return result;');
    }
  }
  // No try/finally: a wasm call inside a try block runs measurably slower in V8. If a call throws
  // (guest trap, host error, bad argument), its tracked blocks are freed by the next outermost call.
  const source = `return function bind(abi, core, hooks) {\nconst state = hooks.state, owned = state.owned;\nlet context = null, scratch = 0;\nreturn function ${jsIdent(plan.symbol)}(${jsArgs.join(', ')}) {\n${body.join('\n')}\n};\n};`;
  return build<LegacyExportBinder>(plan.qualifiedName, em.helperSource, source);
}

/** Guest → host: the core function (caller context first, as CoreLinker passes it) of a world import. */
export function compileLegacyImport(plan: LegacyFunctionPlan): Compiled<LegacyImportBinder> {
  const em = new Emitter();
  const coreParams = plan.core.params.map((_, i) => `c${i}`);
  const memory = importUsesMemory(plan);
  const body: string[] = [];
  if (memory) body.push('const cx = context === null ? (context = callContext(abi)) : context;', 'rt.refresh(cx);');
  let at = 0;
  if (plan.sret) {
    body.push(`const rp = ${coreParams[0] as string} >>> 0;`);
    at = 1;
  }
  const values = plan.params.map((p) => {
    const x = em.fresh('x');
    if (p.passing.kind === 'direct') {
      const n = p.passing.core.length;
      body.push(`const ${x} = ${em.liftFlat(p.layout, coreParams.slice(at, at + n), body)};`);
      at += n;
    } else if (p.passing.kind === 'indirect') {
      const q = em.fresh('q');
      body.push(`const ${q} = ${coreParams[at] as string} >>> 0;`, `rt.check(FN, cx, ${q}, ${p.layout.align}, ${p.layout.size});`);
      body.push(`const ${x} = ${em.load(p.layout, q)};`);
      at += 1;
    } else {
      body.push(`const ${x} = ${em.liftFlat(p.layout, [], body)};`);
    }
    return x;
  });
  const args = ['self', ...values].join(', ');
  // `depth` tells exports the host calls from here that they are nested (see compileLegacyExport).
  body.push('let r;', 'state.depth++;');
  if (plan.throwsResult) {
    body.push(
      `try { r = { tag: 'ok', val: host.call(${args}) }; } catch (e) { r = { tag: 'err', val: rt.errorPayload(e) }; } finally { state.depth--; }`,
    );
  } else {
    body.push(`try { r = host.call(${args}); } finally { state.depth--; }`);
  }
  const result = plan.result;
  if (result !== null && result.passing.kind === 'direct') {
    const [flat] = em.lowerFlat(result.layout, 'r', body);
    body.push(`return ${flat as string};`);
  } else if (result !== null && result.passing.kind === 'indirect') {
    body.push('rt.refresh(cx);', `rt.check(FN, cx, rp, ${result.layout.align}, ${result.layout.size});`);
    em.store(result.layout, 'r', 'rp', body);
  }
  const source = `return function bind(abi, host, self, state) {\nlet context = null;\nreturn function ${jsIdent(plan.symbol)}(caller${coreParams.map((c) => `, ${c}`).join('')}) {\n${body.join('\n')}\n};\n};`;
  return build<LegacyImportBinder>(plan.qualifiedName, em.helperSource, source);
}
