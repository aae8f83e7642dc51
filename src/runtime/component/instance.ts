/**
 * Running a component plan (compile.ts) as one instance: instantiate the
 * core modules in the component's order, wire each canonical function
 * (lowered imports, resource built-ins) from the compiled binders, and build
 * the exports object in the world's host shape.
 *
 * Per-instance rules (the component model's):
 * - A trap in an export (a WebAssembly trap, or an ABI trap while lifting
 *   what the guest returned) becomes `ComponentTrap` naming the export; the
 *   instance is poisoned and refuses every later call (`InstancePoisoned`).
 * - A host import that throws: its own error reaches the export's caller
 *   unchanged. The exception unwound through guest frames (the guest's
 *   stack pointer and locks are not restored), so the instance is poisoned
 *   too: later calls get `InstancePoisoned`.
 * - An export called while another export of the same instance runs (a host
 *   import calling back in) is refused with `ReentranceError` (may_enter).
 * - Borrows of host resources lent to the guest for an export call must be
 *   dropped by the guest before it returns (the spec's num_borrows check):
 *   one left over is a trap. Borrows of the guest's own resources are not
 *   handles and are not counted.
 * - The classes of exported (guest) resources are made per instance: `new`
 *   must know which instance constructs, and an object of one instance is
 *   refused by another.
 */
import type { AbiInstance, HandleHooks } from '../../abi/lift-lower/runtime.js';
import { AbiTrap } from '../../abi/lift-lower/trap.js';
import type { CoreFunction, ExplainArguments } from '../../abi/lift-lower/compile.js';
import type { WasmImports } from '../core/wasm-api.js';
import type { ComponentPlan, CoreFuncPlan, ExportPlan, HostRef, ResourcePlan } from './compile.js';
import type { CoreItemDef } from '../../binary/component-reader.js';
import { ComponentInputError, ComponentTrap, InstancePoisoned, ReentranceError, ResourceError } from './errors.js';
import { HandleTable, SLOT, guestSlot, handleHooks, type GuestObject, type GuestSlot, type HandleEntry, type HandleOwner } from './handles.js';
import type { StartOnlyModule } from './start-only.js';
import { isWasmTrap, wasm } from './wasm.js';

type AnyFunction = (...args: unknown[]) => unknown;
type Exports = Record<string, unknown>;

/** Marker for "no error unwound from a host import". */
const NONE: unique symbol = Symbol('none');

/** Per-instance call state shared by every export and import of the instance. */
export class CallState {
  poisoned: ComponentTrap | null = null;
  /** The export running now, or null; stays set once the instance is poisoned (one test guards every call). */
  active: string | null = null;
  /** The last error thrown by a host import through the guest (see `fail`). */
  unwound: unknown = NONE;
  /** The last error a canonical built-in raised for the guest's misuse (a bad handle): a trap. */
  guestFault: unknown = NONE;
  readonly lent: { index: number; entry: HandleEntry }[] = [];

  constructor(readonly table: HandleTable) {}

  /** Called when an export may not be entered. */
  refuse(label: string): never {
    if (this.poisoned !== null) throw new InstancePoisoned(label, this.poisoned);
    throw new ReentranceError(label, this.active ?? '');
  }

  /** After export `label` threw `error`: classifies it, ends the call, returns what to throw. */
  failed(label: string, error: unknown): unknown {
    const thrown = this.fail(label, error);
    this.active = this.poisoned === null ? null : label;
    if (this.lent.length !== 0) this.releaseBorrows();
    return thrown;
  }

  /** Classifies an error thrown out of export `label`; returns what to throw. */
  fail(label: string, error: unknown): unknown {
    if (this.unwound !== NONE) {
      const fromHost = this.unwound === error;
      this.unwound = NONE;
      if (fromHost) {
        // A host error (or a bad host value) unwound through guest frames: its own error, and poisoned.
        this.poisoned = new ComponentTrap(label, error);
        return error;
      }
    }
    const fault = this.guestFault === error;
    this.guestFault = NONE;
    if (fault || isWasmTrap(error) || (error instanceof AbiTrap && error.reason !== 'invalid-value')) {
      const trap = new ComponentTrap(label, error);
      this.poisoned = trap;
      return trap;
    }
    // Bad arguments from the host (invalid-value, dropped resources), `result` errors: the guest state is intact.
    return error;
  }

  /**
   * After export `label` returned: the guest must have dropped every borrow
   * lent to it for the call. Leftovers are removed from the table and make
   * the call a trap (the instance is poisoned), as the spec's task exit does.
   */
  endBorrows(label: string): void {
    const kept: string[] = [];
    for (const { index, entry } of this.lent) {
      if (this.table.removeIfPresent(index, entry)) kept.push(`handle ${index} of \`${entry.resource.witName}\``);
    }
    this.lent.length = 0;
    if (kept.length === 0) return;
    const count = kept.length === 1 ? '1 borrowed handle' : `${kept.length} borrowed handles`;
    const cause = new ResourceError('RESOURCE_BORROW_NOT_DROPPED', `the export returned without dropping ${count} it received (${kept.join(', ')})`);
    const trap = new ComponentTrap(label, cause);
    this.poisoned = trap;
    this.active = label;
    throw trap;
  }

  /** Removes the borrows lent for an export call that threw (the call failed already; nothing more to report). */
  releaseBorrows(): void {
    for (const { index, entry } of this.lent) this.table.removeIfPresent(index, entry);
    this.lent.length = 0;
  }
}

type GuardFactory = (st: CallState, label: string, inner: AnyFunction, explain: ExplainArguments) => AnyFunction;
type CatcherFactory = (st: CallState, inner: AnyFunction) => AnyFunction;

/** Factories by export / lowered import of a compiled component (weak: they go with the plan). */
const guardFactories = new WeakMap<ExportPlan, GuardFactory>();
const catcherFactories = new WeakMap<CoreFuncPlan, CatcherFactory>();
let factorySerial = 0;

/**
 * `new Function` of `source`, made distinct by a serial comment. V8 caches
 * dynamic functions by source text and hands out closures that SHARE type
 * feedback: one wrapper source for every export of an arity made each
 * wrapper's inner call site polymorphic (all exports, all components), and
 * calls were inlined or not depending on what ran first. One source per
 * export keeps every call site monomorphic (per compiled component).
 */
function distinctFunction<T>(params: readonly string[], source: string): T {
  return new Function(...params, `// witgen wrapper ${++factorySerial}\n${source}`) as T;
}

/**
 * The export wrapper enforcing poison and may_enter and naming bad
 * arguments (`explain`; the bound function has no try/catch), one per export of a
 * compiled component (no rest parameters on the hot path).
 */
function guard(exp: ExportPlan): GuardFactory {
  let factory = guardFactories.get(exp);
  if (factory === undefined) {
    const params = Array.from({ length: exp.func.params.length }, (_, i) => `a${i}`).join(', ');
    // One field test on entry: a poisoned instance keeps `active` set for good (see CallState.failed).
    const source = `return function guarded(${params}) {
  if (st.active !== null) st.refuse(label);
  st.active = label;
  let r;
  try { r = inner(${params}); }
  catch (e) { throw st.failed(label, explain(e, [${params}])); }
  st.active = null;
  if (st.lent.length !== 0) st.endBorrows(label);
  return r;
};`;
    factory = distinctFunction<GuardFactory>(['st', 'label', 'inner', 'explain'], source);
    guardFactories.set(exp, factory);
  }
  return factory;
}

/** The core function given to the guest for a lowered import: records errors that unwind through the guest. */
function catcher(def: CoreFuncPlan, arity: number): CatcherFactory {
  let factory = catcherFactories.get(def);
  if (factory === undefined) {
    const params = Array.from({ length: arity }, (_, i) => `c${i}`).join(', ');
    const source = `return function lowered(${params}) {
  try { return inner(${params}); }
  catch (e) { st.unwound = e; throw e; }
};`;
    factory = distinctFunction<CatcherFactory>(['st', 'inner'], source);
    catcherFactories.set(def, factory);
  }
  return factory;
}

/** The exports of a module that defines nothing. */
const NO_EXPORTS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Instantiates a start-only module by calling its start import; false (and
 * nothing called) when an import is not a function, so that V8's own
 * instantiation reports the link error.
 */
function runStartOnly(module: StartOnlyModule, importObject: WasmImports): boolean {
  for (const { module: from, name } of module.imports) {
    if (typeof importObject[from]?.[name] !== 'function') return false;
  }
  if (module.start !== null) {
    const start = module.imports[module.start] as StartOnlyModule['imports'][number];
    (importObject[start.module]?.[start.name] as () => unknown)();
  }
  return true;
}

/** Memory for canonical functions without a `memory` option (they move no data through memory). */
const NO_MEMORY = { buffer: new ArrayBuffer(0) };

/** One instance of a planned component. */
export class ComponentInstance implements HandleOwner {
  readonly table = new HandleTable();
  readonly state = new CallState(this.table);
  readonly lent = this.state.lent;
  readonly resourceByType: ReadonlyMap<number, ResourcePlan>;
  private readonly hooks: HandleHooks;
  private readonly coreInstances: Readonly<Record<string, unknown>>[] = [];
  private readonly coreFuncs: unknown[];
  private readonly abiInstances = new Map<string, AbiInstance>();
  /** Per guest resource: the class of its host objects (index = ResourcePlan.index). */
  private readonly guestClasses: (new (...args: unknown[]) => object)[] = [];
  private readonly guestDtors: (AnyFunction | null)[] = [];

  constructor(
    private readonly plan: ComponentPlan,
    private readonly imports: Readonly<Record<string, unknown>>,
  ) {
    this.resourceByType = plan.resourceByType;
    this.hooks = handleHooks(this);
    this.coreFuncs = new Array<unknown>(plan.coreFuncs.length);
  }

  /** Instantiates the core modules and returns the exports object. */
  run(): Exports {
    const { plan } = this;
    for (const def of plan.coreInstances) {
      if (def.kind === 'instantiate') {
        const importObject: WasmImports = {};
        for (const arg of def.args) importObject[arg.name] = this.coreInstance(arg.instance) as Record<string, unknown>;
        const module = plan.modules[def.module];
        if (module === undefined) throw new ComponentInputError('COMPONENT_MALFORMED', `core module ${def.module} does not exist`);
        const startOnly = plan.startOnly[def.module] ?? null;
        let exports: Readonly<Record<string, unknown>>;
        try {
          exports = startOnly !== null && runStartOnly(startOnly, importObject) ? NO_EXPORTS : new wasm.Instance(module, importObject).exports;
        } catch (error) {
          if (isWasmTrap(error)) throw new ComponentTrap('(start)', error);
          throw error;
        }
        this.coreInstances.push(exports);
      } else {
        const exports: Record<string, unknown> = {};
        for (const e of def.exports) exports[e.name] = this.coreItem(e.sort, e.index);
        this.coreInstances.push(exports);
      }
    }
    for (const resource of plan.resources) {
      this.guestDtors[resource.index] = resource.dtor === null ? null : (this.coreItem('func', resource.dtor) as AnyFunction);
    }
    return this.buildExports();
  }

  private coreInstance(index: number): Readonly<Record<string, unknown>> {
    const instance = this.coreInstances[index];
    if (instance === undefined) throw new ComponentInputError('COMPONENT_MALFORMED', `core instance ${index} is used before it exists`);
    return instance;
  }

  private fromAlias(def: CoreItemDef, what: string): unknown {
    if (def.kind !== 'alias') throw new ComponentInputError('COMPONENT_MALFORMED', `core ${what} is not an export of a core instance`);
    const value = this.coreInstance(def.instance)[def.name];
    if (value === undefined) throw new ComponentInputError('COMPONENT_LINK', `core instance ${def.instance} has no export \`${def.name}\``);
    return value;
  }

  private coreItem(sort: string, index: number): unknown {
    const { plan } = this;
    switch (sort) {
      case 'func': {
        let value = this.coreFuncs[index];
        if (value === undefined) {
          value = this.makeCoreFunc(plan.coreFuncs[index] as CoreFuncPlan);
          this.coreFuncs[index] = value;
        }
        return value;
      }
      case 'memory':
        return this.fromAlias(plan.coreMemories[index] as CoreItemDef, 'memory');
      case 'table':
        return this.fromAlias(plan.coreTables[index] as CoreItemDef, 'table');
      case 'global':
        return this.fromAlias(plan.coreGlobals[index] as CoreItemDef, 'global');
      default:
        throw new ComponentInputError('COMPONENT_MALFORMED', `core ${sort} items are not supported`);
    }
  }

  /** The AbiInstance of a canonical function's options (shared by functions with the same memory and realloc). */
  private abi(memory: number | null, realloc: number | null): AbiInstance {
    const key = `${memory}:${realloc}`;
    let abi = this.abiInstances.get(key);
    if (abi === undefined) {
      const mem = memory === null ? NO_MEMORY : (this.coreItem('memory', memory) as { buffer: ArrayBuffer });
      const re = realloc === null ? undefined : (this.coreItem('func', realloc) as AbiInstance['realloc']);
      abi = re === undefined ? { memory: mem, handles: this.hooks } : { memory: mem, realloc: re, handles: this.hooks };
      this.abiInstances.set(key, abi);
    }
    return abi;
  }

  private makeCoreFunc(def: CoreFuncPlan): unknown {
    const { table } = this;
    switch (def.kind) {
      case 'alias':
        return this.fromAlias(def, 'func');
      case 'lower': {
        const host = this.hostFunction(def.host, def.label);
        const core = def.binder(this.abi(def.memory, def.realloc), host);
        return catcher(def, core.length)(this.state, core as AnyFunction);
      }
      case 'resource.new': {
        const resource = def.resource;
        return (rep: number) => table.add({ rep, resource, own: true });
      }
      case 'resource.rep': {
        const resource = def.resource;
        return (index: number) => {
          try {
            return table.get(index >>> 0, resource).rep;
          } catch (error) {
            throw this.fault(error);
          }
        };
      }
      case 'resource.drop': {
        const resource = def.resource;
        return (index: number) => {
          let entry: HandleEntry;
          try {
            entry = table.remove(index >>> 0, resource);
          } catch (error) {
            throw this.fault(error);
          }
          if (!entry.own) return;
          if (resource.side === 'guest') this.guestDtors[resource.index]?.(entry.rep);
          else disposeHostObject(entry.rep);
        };
      }
    }
  }

  /** Marks `error` as the guest's fault (a trap when it reaches the export). */
  private fault(error: unknown): unknown {
    this.state.guestFault = error;
    return error;
  }

  /** The host's implementation of a lowered import, as the trampoline calls it. */
  private hostFunction(ref: HostRef, label: string): AnyFunction {
    const group = ref.key === '' ? this.imports : (this.imports[ref.key] as Readonly<Record<string, unknown>> | undefined);
    const missing = (what: string): never => {
      throw new ComponentInputError('COMPONENT_LINK', `the imports object has no ${what} for \`${label}\``);
    };
    if (typeof group !== 'object' || group === null) return missing(`object \`${ref.key}\``);
    if (ref.kind === 'func') {
      const fn = group[ref.name];
      if (typeof fn !== 'function') return missing(`function \`${ref.name}\``);
      return (fn as AnyFunction).bind(group);
    }
    const cls = group[ref.className];
    if (typeof cls !== 'function') return missing(`class \`${ref.className}\``);
    const Class = cls as (new (...args: unknown[]) => object) & Record<string, unknown>;
    switch (ref.kind) {
      case 'constructor':
        return (...args: unknown[]) => new Class(...args);
      case 'static': {
        const fn = Class[ref.name];
        if (typeof fn !== 'function') return missing(`static \`${ref.className}.${ref.name}\``);
        return (fn as AnyFunction).bind(Class);
      }
      case 'method': {
        const name = ref.name;
        return (self: unknown, ...args: unknown[]) => {
          const method = (self as Record<string, unknown>)[name];
          if (typeof method !== 'function') {
            throw new ResourceError('RESOURCE_WRONG_TYPE', `the host object passed as \`${ref.className}\` has no method \`${name}\``);
          }
          return (method as AnyFunction).apply(self, args);
        };
      }
    }
  }

  hostClass(resource: ResourcePlan): unknown {
    const group = resource.importKey === '' ? this.imports : (this.imports[resource.importKey ?? ''] as Record<string, unknown> | undefined);
    return group?.[resource.className];
  }

  wrapGuest(resource: ResourcePlan, rep: number, borrowed: boolean): object {
    const cls = this.guestClasses[resource.index];
    const object = Object.create(cls === undefined ? Object.prototype : (cls.prototype as object)) as GuestObject;
    const slot: GuestSlot = { rep, resource, owner: this, alive: true, borrowed };
    Object.defineProperty(object, SLOT, { value: slot });
    return object;
  }

  /** Drops a guest resource object held by the host: runs the guest's destructor once. */
  private dropGuest(object: unknown, resource: ResourcePlan): void {
    const slot = guestSlot(object, resource, this);
    if (slot.borrowed) throw new ResourceError('RESOURCE_BORROWED', `a borrowed \`${resource.className}\` cannot be dropped by the host`);
    slot.alive = false;
    const dtor = this.guestDtors[resource.index];
    if (dtor === null || dtor === undefined) return;
    const st = this.state;
    const label = `[dtor]${resource.witName}`;
    if (st.active !== null) st.refuse(label);
    st.active = label;
    try {
      dtor(slot.rep);
    } catch (error) {
      throw st.failed(label, error);
    }
    st.active = null;
  }

  private buildExports(): Exports {
    const { plan } = this;
    const root: Exports = {};
    const groups = new Map<string, Exports>([['', root]]);
    for (const group of plan.shape.exports) {
      const object: Exports = {};
      root[group.key] = object;
      groups.set(group.key, object);
    }
    const byWitName = new Map<string, AnyFunction>();
    for (const exp of plan.exports) {
      const fn = this.exportFunction(exp);
      byWitName.set(`${exp.key}\u0000${exp.func.name}`, fn);
      if (exp.func.kind.kind === 'freestanding') (groups.get(exp.key) as Exports)[exp.jsName] = fn;
    }
    // Resource classes of exported resources.
    for (const group of [plan.shape.root.exports, ...plan.shape.exports]) {
      for (const res of group.resources) {
        const resource = plan.resourceByType.get(res.typeId);
        if (resource === undefined || resource.side !== 'guest') continue;
        const find = (witName: string): AnyFunction | undefined => byWitName.get(`${group.key}\u0000${witName}`);
        const cls = this.guestClass(resource, res.ctor === null ? undefined : find(res.ctor.witName));
        for (const m of res.methods) {
          const fn = find(m.witName);
          if (fn === undefined) continue;
          Object.defineProperty(cls.prototype, m.jsName, {
            value: function (this: unknown, ...args: unknown[]) {
              return fn(this, ...args);
            },
            writable: true,
            configurable: true,
          });
        }
        for (const s of res.statics) {
          const fn = find(s.witName);
          if (fn !== undefined) Object.defineProperty(cls, s.jsName, { value: fn, writable: true, configurable: true });
        }
        this.guestClasses[resource.index] = cls;
        (groups.get(group.key) as Exports)[res.jsName] = cls;
      }
    }
    return root;
  }

  private exportFunction(exp: ExportPlan): AnyFunction {
    const core = this.coreItem('func', exp.coreFunc) as CoreFunction;
    const postReturn = exp.postReturn === null ? undefined : (this.coreItem('func', exp.postReturn) as CoreFunction);
    const inner = exp.binder(this.abi(exp.memory, exp.realloc), core, postReturn) as AnyFunction;
    return guard(exp)(this.state, exp.label, inner, exp.explain);
  }

  /** The class of a guest resource's host objects; `new` calls the resource's constructor export. */
  private guestClass(resource: ResourcePlan, ctor: AnyFunction | undefined): new (...args: unknown[]) => object {
    // The class body needs the instance, and its own `this` is the resource object.
    const instance = this;
    const named = {
      [resource.className]: class {
        constructor(...args: unknown[]) {
          if (ctor === undefined) {
            throw new TypeError(`resource \`${resource.witName}\` has no constructor; its objects come from the component`);
          }
          const made = ctor(...args) as GuestObject;
          const slot = guestSlot(made, resource, instance);
          slot.alive = false;
          Object.defineProperty(this, SLOT, { value: { rep: slot.rep, resource, owner: instance, alive: true, borrowed: false } satisfies GuestSlot });
        }

        [Symbol.dispose](): void {
          const slot = (this as GuestObject)[SLOT];
          // Dropping twice is a no-op (as for `using` blocks that also call dispose).
          if (slot !== undefined && !slot.alive) return;
          instance.dropGuest(this, resource);
        }
      },
    };
    return named[resource.className] as new (...args: unknown[]) => object;
  }
}

/** Runs a host resource object's `Symbol.dispose` when the guest drops its last own handle. */
function disposeHostObject(object: unknown): void {
  const dispose = (object as { [Symbol.dispose]?: unknown } | null)?.[Symbol.dispose];
  if (typeof dispose === 'function') (dispose as AnyFunction).call(object);
}
