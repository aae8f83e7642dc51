/**
 * The core imports and exports a world allows and requires, with their core
 * types, named the way wit-component reads a core module:
 *
 * - imported functions: module `$root` (world functions) or the interface's
 *   name (`ns:pkg/iface@1.0.0`, or the plain name of an inline interface),
 *   plus `[resource-drop]r` for every imported resource;
 * - exported functions: `f` or `ns:pkg/iface@1.0.0#f`, an optional
 *   `cabi_post_<export>`; for exported resources the module imports
 *   `[resource-new]r`/`[resource-rep]r`/`[resource-drop]r` from
 *   `[export]<iface>` and may export `<iface>#[dtor]r`;
 * - `memory` and `cabi_realloc` when values pass through linear memory.
 */
import type { CoreFuncType } from '../abi/core-types.js';
import { flattenFunction, type FunctionAbi } from '../abi/flatten.js';
import { layoutOf, type Layout } from '../abi/layout.js';
import { resourceIntrinsics } from '../abi/resources.js';
import { interfaceName } from '../abi/signature.js';
import type { Func, InterfaceId, Resolve, Type, WorldEntry, WorldId } from '../wit/model.js';

export interface ExpectedImport {
  readonly module: string;
  readonly name: string;
  readonly type: CoreFuncType;
  /** What this import is for, in words (`WIT function \`f\``...). */
  readonly origin: string;
}

export interface ExpectedExport {
  readonly name: string;
  readonly type: CoreFuncType;
  readonly origin: string;
  readonly required: boolean;
}

export interface ExpectedInterface {
  /** Keyed by `importKey(module, name)`. */
  readonly imports: ReadonlyMap<string, ExpectedImport>;
  /** Keyed by export name. */
  readonly exports: ReadonlyMap<string, ExpectedExport>;
  /** Modules whose `[...]` intrinsics (async builtins) wit-component also accepts. */
  readonly intrinsicModules: ReadonlySet<string>;
  /** A WIT function lifts or lowers values that live in linear memory. */
  readonly needsMemory: boolean;
  /** The host must allocate in the module (strings/lists passed into it). */
  readonly needsRealloc: boolean;
}

export const ROOT_MODULE = '$root';

export function importKey(module: string, name: string): string {
  return `${module}\u0000${name}`;
}

export const REALLOC_TYPE: CoreFuncType = { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] };

export function expectedInterface(resolve: Resolve, worldId: WorldId): ExpectedInterface {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new RangeError(`world id ${worldId} is not in the Resolve`);
  const collector = new Collector(resolve);
  for (const entry of world.imports) collector.importEntry(entry);
  for (const entry of world.exports) collector.exportEntry(entry);
  collector.resources(worldId);
  return collector.finish();
}

class Collector {
  private readonly imports = new Map<string, ExpectedImport>();
  private readonly exports = new Map<string, ExpectedExport>();
  private readonly intrinsicModules = new Set<string>([ROOT_MODULE]);
  private needsMemory = false;
  private needsRealloc = false;

  constructor(private readonly resolve: Resolve) {}

  finish(): ExpectedInterface {
    if (this.needsRealloc) {
      this.addExport({ name: 'cabi_realloc', type: REALLOC_TYPE, origin: 'the allocator', required: true });
    }
    if (!this.exports.has('cabi_realloc')) {
      this.addExport({ name: 'cabi_realloc', type: REALLOC_TYPE, origin: 'the allocator', required: false });
    }
    return {
      imports: this.imports,
      exports: this.exports,
      intrinsicModules: this.intrinsicModules,
      needsMemory: this.needsMemory || this.needsRealloc,
      needsRealloc: this.needsRealloc,
    };
  }

  importEntry(entry: WorldEntry): void {
    const item = entry.item;
    switch (item.kind) {
      case 'function':
        this.importFunction(ROOT_MODULE, item.func, `world function \`${item.func.name}\``);
        return;
      case 'type':
        return;
      case 'interface': {
        const module = this.entryName(entry, item.id);
        this.intrinsicModules.add(module);
        for (const func of this.interfaceOf(item.id).functions.values()) {
          this.importFunction(module, func, `function \`${func.name}\` of imported interface \`${module}\``);
        }
        return;
      }
    }
  }

  exportEntry(entry: WorldEntry): void {
    const item = entry.item;
    switch (item.kind) {
      case 'function':
        this.exportFunction(item.func.name, item.func, `world export \`${item.func.name}\``);
        return;
      case 'type':
        return;
      case 'interface': {
        const iface = this.entryName(entry, item.id);
        const module = `[export]${iface}`;
        this.intrinsicModules.add(module);
        for (const func of this.interfaceOf(item.id).functions.values()) {
          this.exportFunction(`${iface}#${func.name}`, func, `function \`${func.name}\` of exported interface \`${iface}\``);
        }
        return;
      }
    }
  }

  private importFunction(module: string, func: Func, origin: string): void {
    this.noteMemoryUse(func, 'lower');
    const sync = coreType(flattenFunction(this.resolve, func, 'lower'));
    this.addImport({ module, name: func.name, type: sync, origin });
    if (func.async) {
      const lowered = flattenFunction(this.resolve, func, 'lower', { async: 'async-callback' });
      this.addImport({ module, name: `[async-lower]${func.name}`, type: coreType(lowered), origin });
    }
  }

  private exportFunction(name: string, func: Func, origin: string): void {
    this.noteMemoryUse(func, 'lift');
    const abi = flattenFunction(this.resolve, func, 'lift');
    // wit-component also accepts async exports lifted with `[async-lift]`;
    // the sync-lifted name is what every synchronous guest exports.
    const required = !func.async;
    this.addExport({ name, type: coreType(abi), origin, required });
    this.addExport({ name: `cabi_post_${name}`, type: { params: [...abi.results], results: [] }, origin: `post-return of ${origin}`, required: false });
    if (func.async) {
      const callback = flattenFunction(this.resolve, func, 'lift', { async: 'async-callback' });
      this.addExport({ name: `[async-lift]${name}`, type: coreType(callback), origin, required: false });
      const stackful = flattenFunction(this.resolve, func, 'lift', { async: 'async-stackful' });
      this.addExport({ name: `[async-lift-stackful]${name}`, type: coreType(stackful), origin, required: false });
    }
  }

  /**
   * Values in linear memory need the module's `memory`; values the host
   * writes into the module (export params, import results) need `cabi_realloc`.
   */
  private noteMemoryUse(func: Func, context: 'lift' | 'lower'): void {
    const abi = flattenFunction(this.resolve, func, context);
    const params = func.params.map((p) => p.type);
    const results = func.result === null ? [] : [func.result];
    const anyInMemory = [...params, ...results].some((t) => this.holdsPointer(t));
    if (abi.paramsIndirect || abi.resultsIndirect || anyInMemory) this.needsMemory = true;
    const intoModule = context === 'lift' ? params : results;
    if (intoModule.some((t) => this.holdsPointer(t)) || (context === 'lift' && abi.paramsIndirect)) {
      this.needsRealloc = true;
    }
  }

  private holdsPointer(type: Type): boolean {
    return layoutHoldsPointer(layoutOf(this.resolve, type));
  }

  /**
   * `[resource-drop]r` from the interface's module for imported resources;
   * for exported ones `[resource-new/rep/drop]r` from `[export]<iface>` and
   * an optional `<iface>#[dtor]r` export.
   */
  resources(worldId: WorldId): void {
    for (const r of resourceIntrinsics(this.resolve, worldId)) {
      const owner = r.interface ?? ROOT_MODULE;
      const type: CoreFuncType = { params: r.params, results: r.results };
      const origin = `${r.side} resource \`${r.resource}\`${r.interface === null ? '' : ` of \`${r.interface}\``}`;
      if (r.kind === 'export') {
        const name = r.interface === null ? r.name : `${r.interface}#${r.name}`;
        this.addExport({ name, type, origin, required: false });
      } else {
        this.addImport({ module: r.side === 'exported' ? `[export]${owner}` : owner, name: r.name, type, origin });
      }
    }
  }

  private addImport(expected: ExpectedImport): void {
    this.imports.set(importKey(expected.module, expected.name), expected);
  }

  private addExport(expected: ExpectedExport): void {
    this.exports.set(expected.name, expected);
  }

  private interfaceOf(id: InterfaceId): NonNullable<Resolve['interfaces'][number]> {
    const iface = this.resolve.interfaces[id];
    if (iface === undefined) throw new RangeError(`interface id ${id} is not in the Resolve`);
    return iface;
  }

  private entryName(entry: WorldEntry, id: InterfaceId): string {
    return entry.key.kind === 'name' ? entry.key.name : interfaceName(this.resolve, id);
  }
}

/** Only the core function type of a planned function. */
function coreType(abi: FunctionAbi): CoreFuncType {
  return { params: [...abi.params], results: [...abi.results] };
}

/** Whether a value of this layout contains a (pointer, length) pair. */
function layoutHoldsPointer(layout: Layout): boolean {
  switch (layout.kind) {
    case 'string':
    case 'list':
      return true;
    case 'fixed-list':
      return layout.length > 0 && layoutHoldsPointer(layout.element);
    case 'record':
      return layout.fields.some((f) => layoutHoldsPointer(f.layout));
    case 'variant':
      return layout.cases.some((c) => c.layout !== null && layoutHoldsPointer(c.layout));
    default:
      return false;
  }
}
