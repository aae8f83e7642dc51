/**
 * Compiling a component: read the binary (src/binary/component-reader.ts),
 * decode the world its imports and exports describe, compile every core
 * module, and compile the lift/lower code of every lifted export and
 * lowered import once (src/abi/lift-lower). The result is a plan that
 * `instantiate` (instance.ts) runs per instance without further compiling.
 *
 * Anything the plan cannot express raises `UnsupportedComponent` with the
 * reason; `instantiate` then falls back to jco (or reports the reason).
 */
import { hostShape, type HostShape, type ShapeGroup, type ShapeResource } from '../../abi/host-shape.js';
import {
  compileExportCall,
  compileImportTrampoline,
  type ExplainArguments,
  type ExportBinder,
  type ImportBinder,
} from '../../abi/lift-lower/compile.js';
import { AbiError } from '../../abi/errors.js';
import type { Entity, TypeId as ArenaId } from '../../binary/component-types.js';
import {
  readComponent,
  UnsupportedEncoding,
  type CanonOptions,
  type CoreInstanceDef,
  type CoreItemDef,
  type FuncDef,
  type ParsedComponent,
} from '../../binary/component-reader.js';
import { BinaryError } from '../../binary/reader.js';
import { decodeComponentWorld } from '../../wit/decode.js';
import { WitError } from '../../wit/errors.js';
import type { Func, Resolve, TypeId, WorldId } from '../../wit/model.js';
import type { WasmModule } from '../core/wasm-api.js';
import { ComponentInputError, UnsupportedComponent } from './errors.js';
import { startOnlyModule, type StartOnlyModule } from './start-only.js';
import { wasm } from './wasm.js';

/** A resource type of the component's world, as the runtime tracks it. */
export interface ResourcePlan {
  /** Index in `ComponentPlan.resources`. */
  readonly index: number;
  /** The resource's id in `ComponentPlan.resolve`. */
  readonly typeId: TypeId;
  readonly witName: string;
  /** The JS class name (`Counter`). */
  readonly className: string;
  /** Defined by the component (exported; the guest holds the representation) or by the host (imported). */
  readonly side: 'guest' | 'host';
  /** For a guest resource: the core function index of its destructor, if any. */
  readonly dtor: number | null;
  /** For a host resource: the key of the imports object holding its class ('' for the top level). */
  readonly importKey: string | null;
}

/** Where a lowered import's host function lives in the imports object. */
export type HostRef =
  | { readonly kind: 'func'; readonly key: string; readonly name: string }
  | { readonly kind: 'constructor' | 'method' | 'static'; readonly key: string; readonly className: string; readonly name: string };

export type CoreFuncPlan =
  | { readonly kind: 'alias'; readonly instance: number; readonly name: string }
  | {
      readonly kind: 'lower';
      readonly binder: ImportBinder;
      readonly host: HostRef;
      /** `ns:pkg/iface@v#f` or `f`, for messages. */
      readonly label: string;
      readonly memory: number | null;
      readonly realloc: number | null;
    }
  | { readonly kind: 'resource.new' | 'resource.rep' | 'resource.drop'; readonly resource: ResourcePlan };

export interface ExportPlan {
  /** `ns:pkg/iface@v#f` or `f`. */
  readonly label: string;
  /** Key in the exports object ('' for the top level). */
  readonly key: string;
  readonly jsName: string;
  readonly func: Func;
  readonly binder: ExportBinder;
  /** Names the bad argument in an `invalid-value` trap the binder's function threw (it has no try/catch of its own). */
  readonly explain: ExplainArguments;
  readonly coreFunc: number;
  readonly postReturn: number | null;
  readonly memory: number | null;
  readonly realloc: number | null;
}

export interface ComponentPlan {
  readonly resolve: Resolve;
  readonly worldId: WorldId;
  readonly shape: HostShape;
  readonly modules: readonly WasmModule[];
  /** Per module: its start-only form when it defines nothing (start-only.ts), else null. */
  readonly startOnly: readonly (StartOnlyModule | null)[];
  readonly coreInstances: readonly CoreInstanceDef[];
  readonly coreFuncs: readonly CoreFuncPlan[];
  readonly coreMemories: readonly CoreItemDef[];
  readonly coreTables: readonly CoreItemDef[];
  readonly coreGlobals: readonly CoreItemDef[];
  readonly exports: readonly ExportPlan[];
  readonly resources: readonly ResourcePlan[];
  /** Resource plan by every Resolve type id that names it (the resource and its `use` aliases). */
  readonly resourceByType: ReadonlyMap<TypeId, ResourcePlan>;
  /** Component-level import names (`ns:pkg/iface@v`, `f`), for serving WASI and checking imports. */
  readonly importNames: readonly string[];
}

/** Reads and plans `bytes`; core modules are compiled by the caller (sync or async). */
export function planComponent(bytes: Uint8Array, compileModule: (bytes: Uint8Array) => WasmModule): ComponentPlan {
  let parsed: ParsedComponent;
  try {
    parsed = readComponent(bytes);
  } catch (error) {
    if (error instanceof UnsupportedEncoding) throw new UnsupportedComponent(`${error.what} (offset ${error.offset})`);
    if (error instanceof BinaryError) {
      throw new ComponentInputError('COMPONENT_MALFORMED', `invalid component binary: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const first = parsed.unsupported[0];
  if (first !== undefined) throw new UnsupportedComponent(`${first.what} (offset ${first.offset})`);
  return new Planner(bytes, parsed, compileModule).plan();
}

class Planner {
  private resolve!: Resolve;
  private worldId!: WorldId;
  private shape!: HostShape;
  private readonly resources: ResourcePlan[] = [];
  private readonly resourceByArena = new Map<ArenaId, ResourcePlan>();
  private readonly resourceByType = new Map<TypeId, ResourcePlan>();

  constructor(
    private readonly componentBytes: Uint8Array,
    private readonly parsed: ParsedComponent,
    private readonly compileModule: (bytes: Uint8Array) => WasmModule,
  ) {}

  plan(): ComponentPlan {
    const { parsed } = this;
    this.decodeWorld();
    this.planResources();
    const coreFuncs = parsed.coreFuncs.map((def) => this.coreFunc(def));
    const exports = this.planExports();
    return {
      resolve: this.resolve,
      worldId: this.worldId,
      shape: this.shape,
      modules: parsed.modules.map((m, i) => this.compileCoreModule(m, i)),
      startOnly: parsed.modules.map((m) => startOnlyModule(m)),
      coreInstances: parsed.coreInstances,
      coreFuncs,
      coreMemories: parsed.coreMemories,
      coreTables: parsed.coreTables,
      coreGlobals: parsed.coreGlobals,
      exports,
      resources: this.resources,
      resourceByType: this.resourceByType,
      importNames: parsed.imports.map((i) => i.name),
    };
  }

  /** The world: the component's imports as they are, its exports with the types of what they export. */
  private decodeWorld(): void {
    const { parsed } = this;
    const imports = new Map<string, Entity>(parsed.imports.map((i) => [i.name, i.entity]));
    const exports = new Map<string, Entity>();
    for (const exp of parsed.exports) {
      if (exp.sort === 'func') {
        // An ascribed type is the export's type (it may name exported types rather than the lifted function's).
        const type = exp.ascribed?.kind === 'func' ? exp.ascribed.type : (parsed.funcTypes[exp.index] as ArenaId);
        exports.set(exp.name, { kind: 'func', type });
      } else if (exp.sort === 'instance') {
        const inst = parsed.instances[exp.index];
        if (inst === undefined) throw new UnsupportedComponent(`export \`${exp.name}\` names no instance`);
        exports.set(exp.name, { kind: 'instance', type: inst.type });
      } else if (exp.sort !== 'type') {
        throw new UnsupportedComponent(`export \`${exp.name}\` is a ${exp.sort}, which has no WIT form`);
      }
    }
    try {
      const decoded = decodeComponentWorld(parsed.types, { imports, exports });
      this.resolve = decoded.resolve;
      this.worldId = decoded.world;
    } catch (error) {
      if (error instanceof WitError) throw new UnsupportedComponent(error.message);
      throw error;
    }
    this.shape = hostShape(this.resolve, this.worldId);
  }

  /** The Resolve type of resource `name` of interface `iface` (a component import/export name) or of the world. */
  private resolveResource(iface: string | null, name: string): TypeId | null {
    if (iface === null) {
      const world = this.resolve.worlds[this.worldId];
      for (const entry of [...(world?.imports ?? []), ...(world?.exports ?? [])]) {
        if (entry.key.kind === 'name' && entry.key.name === name && entry.item.kind === 'type') return this.root(entry.item.id);
      }
      return null;
    }
    const group = [...this.shape.imports, ...this.shape.exports].find((g) => g.witName === iface);
    const id = group?.interfaceId === null || group === undefined ? undefined : this.resolve.interfaces[group.interfaceId]?.types.get(name);
    return id === undefined ? null : this.root(id);
  }

  /** Follows `type` aliases (`use`) to the defining type. */
  private root(id: TypeId): TypeId {
    let cur = id;
    for (let def = this.resolve.types[cur]; def?.kind.kind === 'type' && typeof def.kind.type === 'number'; def = this.resolve.types[cur]) {
      cur = def.kind.type;
    }
    return cur;
  }

  private planResources(): void {
    const { parsed } = this;
    const types = parsed.types;
    const named = (arena: ArenaId, iface: string | null, name: string, side: 'guest' | 'host'): void => {
      const underlying = types.underlying(arena);
      const info = types.get(underlying);
      if (info.kind !== 'resource' || this.resourceByArena.has(underlying)) return;
      const typeId = this.resolveResource(iface, name);
      if (typeId === null) return;
      let plan = this.resources.find((r) => r.typeId === typeId);
      if (plan === undefined) {
        const group = iface === null ? null : this.groupOf(iface);
        const shapeResource = [...(group?.resources ?? []), ...this.shape.root.imports.resources, ...this.shape.root.exports.resources].find(
          (r) => r.typeId === typeId,
        );
        plan = {
          index: this.resources.length,
          typeId,
          witName: name,
          className: shapeResource?.jsName ?? name,
          side,
          dtor: side === 'guest' ? info.destructor : null,
          importKey: side === 'host' ? (group?.key ?? '') : null,
        };
        this.resources.push(plan);
      }
      this.resourceByArena.set(underlying, plan);
    };
    // Imported resources: exports of imported instances, and top-level type imports.
    parsed.typeOrigins.forEach((origin, i) => {
      const arena = parsed.typeSpace[i] as ArenaId;
      if (origin.kind === 'instance-export') {
        const inst = parsed.instances[origin.instance];
        if (inst?.kind === 'import') named(arena, inst.name, origin.name, 'host');
      } else if (origin.kind === 'import') {
        named(arena, null, origin.name, 'host');
      }
    });
    // Exported resources: types in exported instances, and top-level type exports.
    for (const exp of parsed.exports) {
      if (exp.sort === 'type') {
        const origin = parsed.typeOrigins[exp.index];
        if (origin?.kind !== 'import') named(parsed.typeSpace[exp.index] as ArenaId, null, exp.name, 'guest');
      } else if (exp.sort === 'instance') {
        const inst = parsed.instances[exp.index];
        if (inst?.kind !== 'exports') continue;
        for (const item of inst.items) {
          if (item.sort === 'type' && item.type === undefined) named(parsed.typeSpace[item.index] as ArenaId, exp.name, item.name, 'guest');
        }
      }
    }
    // Resources of imported interfaces that the component never names at its own level: it may use
    // one only through the functions of its instance (wit-component aliases out just the types other
    // imports refer to; e.g. wasi:http/types `fields`, reached only by `[constructor]fields`).
    for (const group of [...this.shape.imports, this.shape.root.imports]) {
      for (const resource of group.resources) {
        if (!this.resources.some((r) => r.typeId === resource.typeId)) this.resources.push(this.hostResourcePlan(resource, group));
      }
    }
    // Every Resolve type id that stands for a planned resource (aliases made by `use`).
    this.resolve.types.forEach((_, id) => {
      const plan = this.resources.find((r) => r.typeId === this.root(id));
      if (plan !== undefined) this.resourceByType.set(id, plan);
    });
  }

  /** Core module `index` compiled; the engine's refusal becomes COMPONENT_MALFORMED naming the module and where it is. */
  private compileCoreModule(bytes: Uint8Array, index: number): WasmModule {
    try {
      return this.compileModule(bytes);
    } catch (error) {
      if (!(error instanceof wasm.CompileError)) throw error;
      const at = bytes.byteOffset - this.componentBytes.byteOffset;
      throw new ComponentInputError(
        'COMPONENT_MALFORMED',
        `core module ${index} of the component (bytes ${at}..${at + bytes.length}) is not valid WebAssembly: ${error.message.replace(/^WebAssembly\.Module\(\): /, '')}`,
        { cause: error },
      );
    }
  }

  /** The plan of a resource the host implements, known from the world only (no component-level type). */
  private hostResourcePlan(resource: ShapeResource, group: ShapeGroup): ResourcePlan {
    return {
      index: this.resources.length,
      typeId: resource.typeId,
      witName: resource.witName,
      className: resource.jsName,
      side: 'host',
      dtor: null,
      importKey: group.key,
    };
  }

  private groupOf(iface: string): ShapeGroup | undefined {
    return [...this.shape.imports, ...this.shape.exports].find((g) => g.witName === iface);
  }

  private resourceOfArena(arena: ArenaId): ResourcePlan {
    const plan = this.resourceByArena.get(this.parsed.types.underlying(arena));
    if (plan === undefined) throw new UnsupportedComponent('a resource type that is neither imported nor exported by name');
    return plan;
  }

  private coreFunc(def: CoreItemDef): CoreFuncPlan {
    switch (def.kind) {
      case 'alias':
        return def;
      case 'unsupported':
        throw new UnsupportedComponent(def.what);
      case 'resource.new':
      case 'resource.rep':
      case 'resource.drop':
        return { kind: def.kind, resource: this.resourceOfArena(def.type) };
      case 'lower':
        return this.lower(def.func, def.options);
    }
  }

  private lower(funcIndex: number, options: CanonOptions): CoreFuncPlan {
    const def = this.parsed.funcs[funcIndex] as FuncDef;
    if (def.kind === 'unsupported') throw new UnsupportedComponent(def.what);
    if (def.kind === 'lift') throw new UnsupportedComponent('a lowered function that the component lifts itself');
    const func = this.importedFunc(def.instance, def.name);
    const host = this.hostRef(def.instance, func);
    const binder = this.compile(() => compileImportTrampoline(this.resolve, func, { encoding: options.encoding, resultErrors: 'throw' }).value);
    const label = def.instance === null ? def.name : `${def.instance}#${def.name}`;
    return { kind: 'lower', binder, host, label, memory: options.memory, realloc: options.realloc };
  }

  /** Compiles lift/lower code; the ABI's unsupported cases (async ABI...) make the component unsupported. */
  private compile<T>(make: () => T): T {
    try {
      return make();
    } catch (error) {
      if (error instanceof AbiError) throw new UnsupportedComponent(error.message);
      throw error;
    }
  }

  private importedFunc(iface: string | null, name: string): Func {
    const world = this.resolve.worlds[this.worldId];
    if (iface === null) {
      for (const entry of world?.imports ?? []) {
        if (entry.item.kind === 'function' && entry.item.func.name === name) return entry.item.func;
      }
    } else {
      const group = this.groupOf(iface);
      const func = group?.interfaceId === null || group === undefined ? undefined : this.resolve.interfaces[group.interfaceId]?.functions.get(name);
      if (func !== undefined) return func;
    }
    throw new UnsupportedComponent(`lowered function \`${iface === null ? name : `${iface}#${name}`}\` is not in the component's world`);
  }

  private hostRef(iface: string | null, func: Func): HostRef {
    const group = iface === null ? this.shape.root.imports : this.groupOf(iface);
    if (group === undefined) throw new UnsupportedComponent(`import \`${iface ?? ''}\` has no place in the host shape`);
    const key = group.key;
    const free = group.functions.find((f) => f.witName === func.name);
    if (free !== undefined) return { kind: 'func', key, name: free.jsName };
    for (const res of group.resources) {
      if (res.ctor?.witName === func.name) return { kind: 'constructor', key, className: res.jsName, name: res.jsName };
      const method = res.methods.find((m) => m.witName === func.name);
      if (method !== undefined) return { kind: 'method', key, className: res.jsName, name: method.jsName };
      const stat = res.statics.find((m) => m.witName === func.name);
      if (stat !== undefined) return { kind: 'static', key, className: res.jsName, name: stat.jsName };
    }
    throw new UnsupportedComponent(`import function \`${func.name}\` has no place in the host shape`);
  }

  private planExports(): ExportPlan[] {
    const { parsed } = this;
    const out: ExportPlan[] = [];
    const world = this.resolve.worlds[this.worldId];
    const add = (funcIndex: number, func: Func, key: string, jsName: string, label: string): void => {
      const def = parsed.funcs[funcIndex];
      if (def?.kind !== 'lift') throw new UnsupportedComponent(`export \`${label}\` is not a function the component lifts`);
      const options = def.options;
      // The export guard (instance.ts) catches every call anyway: it explains bad arguments itself.
      const compiled = this.compile(() => compileExportCall(this.resolve, func, { encoding: options.encoding, resultErrors: 'throw', explainInCaller: true }));
      out.push({
        label,
        key,
        jsName,
        func,
        binder: compiled.value,
        explain: compiled.explain,
        coreFunc: def.coreFunc,
        postReturn: options.postReturn,
        memory: options.memory,
        realloc: options.realloc,
      });
    };
    for (const exp of parsed.exports) {
      if (exp.sort === 'func') {
        const entry = world?.exports.find((e) => e.key.kind === 'name' && e.key.name === exp.name && e.item.kind === 'function');
        const shaped = this.shape.root.exports.functions.find((f) => f.witName === exp.name);
        if (entry?.item.kind !== 'function' || shaped === undefined) throw new UnsupportedComponent(`export \`${exp.name}\` is not in the world`);
        add(exp.index, entry.item.func, '', shaped.jsName, exp.name);
      } else if (exp.sort === 'instance') {
        const inst = parsed.instances[exp.index];
        const group = this.shape.exports.find((g) => g.witName === exp.name);
        if (inst?.kind !== 'exports' || group === undefined || group.interfaceId === null) {
          throw new UnsupportedComponent(`exported instance \`${exp.name}\` is not an interface of the world`);
        }
        const iface = this.resolve.interfaces[group.interfaceId];
        for (const item of inst.items) {
          if (item.sort !== 'func') continue;
          const func = iface?.functions.get(item.name);
          if (func === undefined) throw new UnsupportedComponent(`\`${exp.name}#${item.name}\` is not in the world`);
          add(item.index, func, group.key, memberName(group, item.name), `${exp.name}#${item.name}`);
        }
      }
    }
    return out;
  }
}

/** The JS name of a function of a group: a freestanding function, or a resource member. */
function memberName(group: ShapeGroup, witName: string): string {
  const free = group.functions.find((f) => f.witName === witName);
  if (free !== undefined) return free.jsName;
  for (const res of group.resources) {
    if (res.ctor?.witName === witName) return res.jsName;
    const member = [...res.methods, ...res.statics].find((m) => m.witName === witName);
    if (member !== undefined) return member.jsName;
  }
  return witName;
}

/** Compiles core modules synchronously (`new WebAssembly.Module`). */
export function compileModuleSync(bytes: Uint8Array): WasmModule {
  return new wasm.Module(bytes);
}
