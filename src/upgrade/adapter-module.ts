/**
 * The adapter core module between a legacy core module and the canonical
 * ABI, as WAT. wit-component (jco's `componentNew`) links it to the legacy
 * module as the provider of the legacy import module (`env`): it
 *
 * - exports each world export under its canonical name with the canonical
 *   (lifted) core signature, and calls the legacy export with the C one:
 *   by-pointer struct arguments are copied into memory from the legacy
 *   allocator, the result area is passed as the C `sret` pointer (the C
 *   layout of `cTypeOfWit` is the canonical one, so it is returned as is),
 *   and argument copies are freed after the call, result blocks in
 *   `cabi_post_*`, as the legacy host path does;
 * - exports each legacy import (`host_log_value`) with the C signature the
 *   module imports, calling the canonical lowered world import;
 * - exports `cabi_realloc` built on the legacy allocator.
 *
 * It imports the legacy module's memory (`env::memory`, wit-component's
 * name for the main memory) and its exports (`__main_module__::*`).
 */
import type { CoreType } from '../abi/core-types.js';
import { flattenFunction, flattenLayout } from '../abi/flatten.js';
import { recordLayout, type Layout } from '../abi/layout.js';
import type { AllocatorChoice } from '../runtime/legacy/allocator.js';
import type { LegacyFunctionPlan } from '../runtime/legacy/plan.js';
import type { Resolve } from '../wit/model.js';
import { allocateEmptyBlock, freeAllocatedBlock, freeBlock, loadFlat, ownsMemory, storeFlat, visitOwned, type BlockVisitor } from './memory-code.js';
import { funcSignature, watString, WatFunction, type Expr } from './wat-function.js';

export interface AdapterInput {
  readonly resolve: Resolve;
  /** World exports: the legacy export each one calls. */
  readonly exports: readonly LegacyFunctionPlan[];
  /** World imports the legacy module imports (from its import module, which the adapter stands for). */
  readonly imports: readonly LegacyFunctionPlan[];
  /** The legacy allocator, or null when no function needs one. */
  readonly allocator: AllocatorChoice | null;
  /** Whether the module exports `memory` (imported by the adapter when it does). */
  readonly memory: boolean;
  /** Whether strings and lists an export returns are freed after the caller read them (caller-owned results). */
  readonly freeResults: boolean;
}

/** `f` → (`$root`, `f`); `ns:pkg/iface@v#f` → (`ns:pkg/iface@v`, `f`): the canonical import of a world import. */
export function canonicalImport(qualifiedName: string): { module: string; name: string } {
  const hash = qualifiedName.lastIndexOf('#');
  return hash < 0 ? { module: '$root', name: qualifiedName } : { module: qualifiedName.slice(0, hash), name: qualifiedName.slice(hash + 1) };
}

/**
 * Whether calling world import `plan` needs a block from the legacy allocator: over 16 flat
 * parameters go to the canonical import as one tuple in memory, which is the C argument itself
 * only when that is the single, by-pointer argument.
 */
export function importNeedsArgumentBlock(resolve: Resolve, plan: LegacyFunctionPlan): boolean {
  return flattenFunction(resolve, plan.func, 'lower').paramsIndirect && !singleByPointer(plan);
}

function singleByPointer(plan: LegacyFunctionPlan): boolean {
  return plan.params.length === 1 && plan.params[0]?.passing.kind === 'indirect';
}

class AdapterWriter {
  private readonly hasAlloc: boolean;
  private readonly hasFree: boolean;

  constructor(private readonly input: AdapterInput) {
    this.hasAlloc = input.allocator !== null;
    this.hasFree = input.allocator !== null && input.allocator.free !== null;
  }

  /** Code leaving a fresh block of `size` bytes (aligned to `align`) in local `into`. */
  private alloc(fn: WatFunction, size: number, align: number, into: number): void {
    fn.emit(`i32.const ${Math.max(size, 1)}`, `i32.const ${align}`, 'call $alloc', `local.set ${into}`);
  }

  /** Frees `block` and, with `layout`, the strings and lists inside it (`visit` decides how each is freed). */
  private release(fn: WatFunction, block: number, layout: Layout | null, visit: BlockVisitor = freeAllocatedBlock): void {
    if (!this.hasFree) return;
    if (layout !== null) visitOwned(fn, layout, block, 0, visit);
    fn.emit(`local.get ${block}`, 'call $free');
  }

  private exportFunction(plan: LegacyFunctionPlan, index: number): string[] {
    const { resolve } = this.input;
    const abi = flattenFunction(resolve, plan.func, 'lift');
    const fn = new WatFunction(abi.params, abi.results);
    if (this.input.exports.some((e) => this.hasPostReturn(e))) fn.emit('call $flush_pending');
    const args: Expr[] = [];
    const after: (() => void)[] = [];
    let sret = -1;
    if (plan.sret && plan.result !== null) {
      sret = fn.local('i32');
      this.alloc(fn, plan.result.layout.size, plan.result.layout.align, sret);
      args.push([`local.get ${sret}`]);
    }
    if (abi.paramsIndirect) {
      // All arguments are in one block the caller allocated, laid out as a tuple: by-pointer ones are passed in place.
      const tuple = recordLayout(resolve, 'tuple', plan.func.params.map((p, i) => ({ name: String(i), type: p.type })));
      plan.params.forEach((param, i) => {
        const offset = tuple.fields[i]?.offset ?? 0;
        if (param.passing.kind === 'direct') args.push(...loadFlat(param.layout, 0, offset));
        else if (param.passing.kind === 'indirect') args.push(['local.get 0', `i32.const ${offset}`, 'i32.add']);
      });
      after.push(() => this.release(fn, 0, tuple));
    } else {
      let next = 0;
      for (const param of plan.params) {
        const width = flattenLayout(param.layout).length;
        const values = Array.from({ length: width }, (_, k): Expr => [`local.get ${next + k}`]);
        next += width;
        if (param.passing.kind === 'direct') args.push(...values);
        else if (param.passing.kind === 'indirect') {
          const copy = fn.local('i32');
          this.alloc(fn, param.layout.size, param.layout.align, copy);
          storeFlat(fn, param.layout, copy, 0, values);
          args.push([`local.get ${copy}`]);
          after.push(() => this.release(fn, copy, param.layout));
        }
      }
    }
    for (const arg of args) fn.emit(...arg);
    fn.emit(`call $legacy_${index}`);
    const direct = plan.core.results[0];
    const kept = direct === undefined ? -1 : fn.local(direct);
    if (kept >= 0) fn.emit(`local.set ${kept}`);
    for (const step of after) step();
    if (kept >= 0) fn.emit(`local.get ${kept}`);
    if (sret >= 0 && plan.result !== null) {
      const flat = abi.flatResults;
      if (abi.resultsIndirect) {
        fn.emit(`local.get ${sret}`);
      } else if (flat.length === 1) {
        const value = fn.local(flat[0] as CoreType);
        fn.emit(...(loadFlat(plan.result.layout, sret, 0)[0] ?? []), `local.set ${value}`);
        this.release(fn, sret, null);
        fn.emit(`local.get ${value}`);
      } else {
        this.release(fn, sret, null);
      }
    }
    const out = [fn.text(`$export_${index}`, plan.qualifiedName)];
    if (this.hasPostReturn(plan)) {
      const release = new WatFunction(['i32'], []);
      // The legacy guest allocated the result's strings and lists with its malloc, empty ones too.
      this.release(release, 0, this.input.freeResults && plan.result !== null && ownsMemory(plan.result.layout) ? plan.result.layout : null, freeBlock);
      out.push(release.text(`$release_${index}`));
      // Post-return may not call out of the component (the spec's may_leave), and a legacy export can
      // (wasm-ld runs constructors, which read the WASI environment, on each call of a module without
      // `_initialize`): the result is only remembered here and freed when the next export is called.
      const post = new WatFunction(['i32'], []);
      post.emit('local.get 0', 'global.set $pending_ptr', `i32.const ${index + 1}`, 'global.set $pending_export');
      out.push(post.text(`$post_${index}`, `cabi_post_${plan.qualifiedName}`));
    }
    return out;
  }

  /** Whether export `plan` returns a result block the caller reads before it is freed. */
  private hasPostReturn(plan: LegacyFunctionPlan): boolean {
    return plan.sret && plan.result !== null && this.hasFree && flattenFunction(this.input.resolve, plan.func, 'lift').resultsIndirect;
  }

  /** Frees the result block a post-return left pending, if any; called first by every export. */
  private flushFunction(): string {
    const fn = new WatFunction([], []);
    const kind = fn.local('i32');
    fn.emit('global.get $pending_export', `local.set ${kind}`, 'i32.const 0', 'global.set $pending_export');
    this.input.exports.forEach((plan, index) => {
      if (!this.hasPostReturn(plan)) return;
      fn.emit(`local.get ${kind}`, `i32.const ${index + 1}`, 'i32.eq', 'if', 'global.get $pending_ptr', `call $release_${index}`, 'end');
    });
    return fn.text('$flush_pending');
  }

  private importFunction(plan: LegacyFunctionPlan, index: number): string {
    const { resolve } = this.input;
    const abi = flattenFunction(resolve, plan.func, 'lower');
    const fn = new WatFunction(plan.core.params, plan.core.results);
    const sret = plan.sret ? 0 : -1;
    let next = plan.sret ? 1 : 0;
    const args: Expr[] = [];
    const after: (() => void)[] = [];
    if (!abi.paramsIndirect) {
      for (const param of plan.params) {
        if (param.passing.kind === 'direct') {
          for (let k = 0; k < param.passing.core.length; k++) args.push([`local.get ${next + k}`]);
          next += param.passing.core.length;
        } else if (param.passing.kind === 'indirect') {
          args.push(...loadFlat(param.layout, next, 0));
          next += 1;
        }
      }
    } else if (singleByPointer(plan)) {
      // The canonical import takes its arguments as one tuple in memory: a tuple of one is that argument.
      args.push([`local.get ${next}`]);
    } else {
      // The canonical import takes its arguments as one tuple in memory: built from the C arguments.
      const tuple = recordLayout(resolve, 'tuple', plan.func.params.map((p, i) => ({ name: String(i), type: p.type })));
      const block = fn.local('i32');
      this.alloc(fn, tuple.size, tuple.align, block);
      plan.params.forEach((param, i) => {
        const offset = tuple.fields[i]?.offset ?? 0;
        if (param.passing.kind === 'direct') {
          const values = param.passing.core.map((_, k): Expr => [`local.get ${next + k}`]);
          next += param.passing.core.length;
          storeFlat(fn, param.layout, block, offset, values);
        } else if (param.passing.kind === 'indirect') {
          fn.emit(`local.get ${block}`, `i32.const ${offset}`, 'i32.add', `local.get ${next}`, `i32.const ${param.layout.size}`, 'memory.copy');
          next += 1;
        }
      });
      args.push([`local.get ${block}`]);
      after.push(() => this.release(fn, block, null));
    }
    if (abi.resultsIndirect) args.push([`local.get ${sret}`]);
    for (const arg of args) fn.emit(...arg);
    fn.emit(`call $canon_${index}`);
    if (abi.resultsIndirect && plan.result !== null && this.hasAlloc) visitOwned(fn, plan.result.layout, sret, 0, allocateEmptyBlock);
    const flat = abi.resultsIndirect ? [] : abi.flatResults;
    if (flat.length === 1 && (sret >= 0 || after.length > 0)) {
      // Keep the result aside while the argument block is freed (or store it through the C result pointer).
      const value = fn.local(flat[0] as CoreType);
      fn.emit(`local.set ${value}`);
      if (sret >= 0 && plan.result !== null) storeFlat(fn, plan.result.layout, sret, 0, [[`local.get ${value}`]]);
      for (const step of after) step();
      if (sret < 0) fn.emit(`local.get ${value}`);
    } else {
      for (const step of after) step();
    }
    return fn.text(`$import_${index}`, plan.symbol);
  }

  private allocatorFunctions(): string[] {
    const choice = this.input.allocator;
    if (choice === null) return [];
    const alloc = new WatFunction(['i32', 'i32'], ['i32']);
    if (choice.kind === 'malloc') alloc.emit('local.get 0', 'call $legacy_alloc');
    else alloc.emit('i32.const 0', 'i32.const 0', 'local.get 1', 'local.get 0', 'call $legacy_alloc');
    // cabi_realloc(old, old_size, align, new_size): a fresh block, with the old contents moved over when growing one.
    const realloc = new WatFunction(['i32', 'i32', 'i32', 'i32'], ['i32']);
    const fresh = realloc.local('i32');
    // An empty value needs no block (as jco's pointer 1): the alignment is a valid, never freed address.
    realloc.emit('local.get 0', 'i32.eqz', 'local.get 3', 'i32.eqz', 'i32.and', 'if', 'local.get 2', 'return', 'end');
    realloc.emit('local.get 3', 'local.get 2', 'call $alloc', `local.set ${fresh}`);
    realloc.emit('local.get 0', 'if');
    realloc.emit(`local.get ${fresh}`, 'local.get 0', 'local.get 1', 'local.get 3', 'local.get 1', 'local.get 3', 'i32.lt_u', 'select', 'memory.copy');
    if (this.hasFree) realloc.emit('local.get 0', 'call $free');
    realloc.emit('end', `local.get ${fresh}`);
    return [alloc.text('$alloc'), realloc.text('$cabi_realloc', 'cabi_realloc')];
  }

  text(): string {
    const { input } = this;
    const lines: string[] = ['(module'];
    if (input.memory) lines.push('  (import "env" "memory" (memory 0))');
    const choice = input.allocator;
    if (choice !== null) {
      const type = choice.kind === 'malloc' ? funcSignature(['i32'], ['i32']) : funcSignature(['i32', 'i32', 'i32', 'i32'], ['i32']);
      lines.push(`  (import "__main_module__" ${watString(choice.alloc)} (func $legacy_alloc ${type}))`);
      if (choice.free !== null) lines.push(`  (import "__main_module__" ${watString(choice.free)} (func $free ${funcSignature(['i32'], [])}))`);
    }
    input.exports.forEach((plan, i) => {
      lines.push(`  (import "__main_module__" ${watString(plan.symbol)} (func $legacy_${i} ${funcSignature(plan.core.params, plan.core.results)}))`);
    });
    input.imports.forEach((plan, i) => {
      const abi = flattenFunction(input.resolve, plan.func, 'lower');
      const target = canonicalImport(plan.qualifiedName);
      lines.push(`  (import ${watString(target.module)} ${watString(target.name)} (func $canon_${i} ${funcSignature(abi.params, abi.results)}))`);
    });
    if (this.hasAlloc) lines.push(...this.allocatorFunctions());
    if (input.exports.some((e) => this.hasPostReturn(e))) {
      lines.push('  (global $pending_ptr (mut i32) (i32.const 0))', '  (global $pending_export (mut i32) (i32.const 0))', this.flushFunction());
    }
    input.exports.forEach((plan, i) => lines.push(...this.exportFunction(plan, i)));
    input.imports.forEach((plan, i) => lines.push(this.importFunction(plan, i)));
    lines.push(')');
    return `${lines.join('\n')}\n`;
  }
}

/** The adapter module's WAT text. */
export function adapterModuleText(input: AdapterInput): string {
  return new AdapterWriter(input).text();
}
