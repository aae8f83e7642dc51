/**
 * The core imports and exports a world allows and requires, with their core
 * types, named the way wit-component reads a core module (in either naming
 * scheme, see mangling.ts):
 *
 * - imported functions of the world and of its imported interfaces, plus a
 *   drop intrinsic for every imported resource;
 * - exported functions, each with an optional post-return function; for
 *   resources of exported interfaces the new/rep/drop intrinsics (imports)
 *   and an optional destructor (export);
 * - the memory and the realloc function when values pass through linear
 *   memory.
 */
import type { CoreFuncType } from '../abi/core-types.js';
import { flattenFunction, type FunctionAbi } from '../abi/flatten.js';
import { layoutOf, type Layout } from '../abi/layout.js';
import { resourceIntrinsics } from '../abi/resources.js';
import { interfaceName } from '../abi/signature.js';
import type { Func, InterfaceId, Resolve, Type, WorldEntry, WorldId } from '../wit/model.js';
import { mangling, type Mangling, type NameScheme } from './mangling.js';

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
  /** Other exports that fulfil the requirement instead (the async-lifted forms of a function). */
  readonly satisfiedBy?: readonly string[];
}

export interface ExpectedInterface {
  /** The naming scheme these names follow. */
  readonly scheme: NameScheme;
  /** The name the module's memory must be exported under. */
  readonly memory: string;
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

export function importKey(module: string, name: string): string {
  return `${module}\u0000${name}`;
}

export const REALLOC_TYPE: CoreFuncType = { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] };

export function expectedInterface(resolve: Resolve, worldId: WorldId, scheme: NameScheme = 'legacy'): ExpectedInterface {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new RangeError(`world id ${worldId} is not in the Resolve`);
  const collector = new Collector(resolve, mangling(scheme));
  for (const entry of world.imports) collector.importEntry(entry);
  for (const entry of world.exports) collector.exportEntry(entry);
  collector.resources(worldId);
  return collector.finish();
}

class Collector {
  private readonly imports = new Map<string, ExpectedImport>();
  private readonly exports = new Map<string, ExpectedExport>();
  private readonly intrinsicModules: Set<string>;
  private needsMemory = false;
  private needsRealloc = false;

  constructor(
    private readonly resolve: Resolve,
    private readonly names: Mangling,
  ) {
    this.intrinsicModules = new Set([names.importModule(null)]);
  }

  finish(): ExpectedInterface {
    const realloc = this.names.realloc;
    this.addExport({ name: realloc, type: REALLOC_TYPE, origin: 'the allocator', required: this.needsRealloc });
    this.addExport({ name: this.names.initialize, type: { params: [], results: [] }, origin: 'the initializer', required: false });
    return {
      scheme: this.names.scheme,
      memory: this.names.memory,
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
        this.importFunction(this.names.importModule(null), item.func, `world function \`${item.func.name}\``);
        return;
      case 'type':
        return;
      case 'interface': {
        const iface = this.entryName(entry, item.id);
        const module = this.names.importModule(iface);
        this.intrinsicModules.add(module);
        for (const func of this.interfaceOf(item.id).functions.values()) {
          this.importFunction(module, func, `function \`${func.name}\` of imported interface \`${iface}\``);
        }
        return;
      }
    }
  }

  exportEntry(entry: WorldEntry): void {
    const item = entry.item;
    switch (item.kind) {
      case 'function':
        this.exportFunction(this.names.exportName(null, item.func.name), item.func, `world export \`${item.func.name}\``);
        return;
      case 'type':
        return;
      case 'interface': {
        const iface = this.entryName(entry, item.id);
        this.intrinsicModules.add(this.names.exportedResourceModule(iface));
        for (const func of this.interfaceOf(item.id).functions.values()) {
          const origin = `function \`${func.name}\` of exported interface \`${iface}\``;
          this.exportFunction(this.names.exportName(iface, func.name), func, origin);
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
    const post = { params: [...abi.results], results: [] };
    this.addExport({ name: this.names.postReturn(name), type: post, origin: `post-return of ${origin}`, required: false });
    if (!func.async) {
      this.addExport({ name, type: coreType(abi), origin, required: true });
      return;
    }
    // An async function may be lifted synchronously or with either async ABI.
    // Only the legacy scheme's async names are known here, so only there is
    // one of the three forms required.
    const callback = `[async-lift]${name}`;
    const stackful = `[async-lift-stackful]${name}`;
    const required = this.names.scheme === 'legacy';
    this.addExport({ name, type: coreType(abi), origin, required, satisfiedBy: [callback, stackful] });
    const callbackAbi = flattenFunction(this.resolve, func, 'lift', { async: 'async-callback' });
    this.addExport({ name: callback, type: coreType(callbackAbi), origin, required: false });
    const stackfulAbi = flattenFunction(this.resolve, func, 'lift', { async: 'async-stackful' });
    this.addExport({ name: stackful, type: coreType(stackfulAbi), origin, required: false });
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
      const type: CoreFuncType = { params: r.params, results: r.results };
      const origin = `${r.side} resource \`${r.resource}\`${r.interface === null ? '' : ` of \`${r.interface}\``}`;
      if (r.intrinsic === 'dtor') {
        this.addExport({ name: this.names.destructor(r.interface, r.resource), type, origin, required: false });
        continue;
      }
      const module =
        r.side === 'exported' ? this.names.exportedResourceModule(r.interface) : this.names.importModule(r.interface);
      this.addImport({ module, name: this.names.resourceIntrinsic(r.intrinsic, r.resource), type, origin });
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
