/**
 * WIT-typed legacy bindings: a core module with `extern "C"` imports and
 * exports, driven through the wasm32 C ABI by the same typed host
 * implementation a component of the same world takes (scenario 5).
 *
 *   const exports = await instantiateLegacy(bytes, { hostLogValue(v) {...}, ... },
 *     { world: { wit: witText, world: 'plugin' } });
 *   exports.pointAdd({ x: 1, y: 2 }, { x: 3, y: 4 });
 *
 * - JS shape: `hostShape` (src/abi/host-shape.ts), exactly as for components.
 * - Symbols: `legacyWorldFunctions` (src/abi/legacy-names.ts), shared with the
 *   legacy guest headers: kebab → snake_case, `names` overrides, imports
 *   from `importModule` (default `env`).
 * - Values: plan.ts (C ABI from src/abi/cabi.ts) + codegen.ts.
 * - Linking: through CoreLinker, so every missing or mistyped import of the
 *   module is reported at once with the linker's diagnostics (and, for world
 *   functions, which member of the imports object would implement it).
 */
import { CoreLinker, type CoreInstance, type CoreModule, type HostFunction } from '../core/linker.js';
import { LinkError } from '../core/link-errors.js';
import type { WasiOptions } from '../wasi/options.js';
import { chooseAllocator, functionExports, requireAllocator, type AllocatorChoice, type AllocatorOptions } from './allocator.js';
import { GuestHeap, type InstanceSlot } from './heap.js';
import { importUsesMemory, usesMemory, type ExportHooks } from './codegen.js';
import { LegacyError } from './errors.js';
import { WASI_MODULE, checkExports, explainLinkError, typeOfExport } from './checks.js';
import { coreModuleOf, resolveWorld, type LegacySource, type LegacyWorld } from './source.js';
import { legacyWorldPlan, type LegacyWorldPlan, type PlannedImport } from './world.js';

export type { LegacySource, LegacyWorld } from './source.js';

export interface LegacyInstantiateOptions {
  readonly world: LegacyWorld;
  /** Guest exports that allocate and free memory for strings, lists and struct copies (see allocator.ts). */
  readonly allocator?: AllocatorOptions;
  /** WIT function name (or `ns:pkg/iface@v#f`) → core symbol, where the guest does not use the snake_case name. */
  readonly names?: Readonly<Record<string, string>>;
  /** Import module of the world's imports; default `env`. */
  readonly importModule?: string;
  /** WASI preview1 grants, for modules importing `wasi_snapshot_preview1` (deny-by-default). */
  readonly wasi?: WasiOptions;
  /** Per-instance host state, kept as the core instance's `data` (see `legacyCore`). */
  readonly data?: unknown;
  /**
   * Who owns the strings and lists an export returns: `caller` (default, the
   * C convention for returned heap data: the host frees them with the
   * allocator's free after reading) or `guest` (the host only reads them).
   */
  readonly resultOwnership?: 'caller' | 'guest';
}

type CoreFn = (...args: unknown[]) => unknown;
type HostObject = Readonly<Record<string, unknown>>;

const CORE = Symbol('witgen.legacy.core');

/** The core instance behind exports returned by `instantiateLegacy` (raw exports, memory, host state), or undefined. */
export function legacyCore(exports: object): CoreInstance<unknown> | undefined {
  return (exports as { [CORE]?: CoreInstance<unknown> })[CORE];
}

/** The JS function implementing import `imp` in `imports`, or undefined (the linker then reports it missing). */
function hostFunction(imports: HostObject, imp: PlannedImport): { fn: CoreFn; self: unknown } | undefined {
  const holder = imp.groupKey === null ? imports : imports[imp.groupKey];
  if (holder === undefined || holder === null) return undefined;
  if (typeof holder !== 'object') {
    throw new LegacyError('LEGACY_BAD_IMPORT', `imports[${JSON.stringify(imp.groupKey)}]: expected an object of functions, found ${typeof holder}`);
  }
  const fn = (holder as HostObject)[imp.jsName];
  if (fn === undefined) return undefined;
  if (typeof fn !== 'function') {
    const where = imp.groupKey === null ? imp.jsName : `${JSON.stringify(imp.groupKey)}.${imp.jsName}`;
    throw new LegacyError('LEGACY_BAD_IMPORT', `imports.${where} (world import \`${imp.plan.qualifiedName}\`): expected a function, found ${typeof fn}`);
  }
  return { fn: fn as CoreFn, self: holder };
}

/** Whether CoreLinker has W's `defineWasi` (src/runtime/wasi/preview1.ts). */
function wasiDefiner(linker: CoreLinker<unknown>): ((options: WasiOptions) => unknown) | null {
  const define = (linker as unknown as { defineWasi?: (options: WasiOptions) => unknown }).defineWasi;
  return typeof define === 'function' ? (options) => define.call(linker, options) : null;
}

/** A legacy module bound to a world: instantiate it as often as needed. */
export class LegacyModule {
  constructor(
    readonly module: CoreModule,
    readonly plan: LegacyWorldPlan,
    private readonly allocator: AllocatorChoice | null,
    private readonly options: LegacyInstantiateOptions,
  ) {}

  /** A new instance with its own memory and host implementation; returns its exports in the world's host shape. */
  instantiate(imports: object, data: unknown = this.options.data): Record<string, unknown> {
    const slot: InstanceSlot = { exports: null };
    const heap = new GuestHeap(slot, this.allocator);
    const linker = new CoreLinker<unknown>();
    if (imports === null || typeof imports !== 'object') {
      throw new LegacyError('LEGACY_BAD_IMPORT', `imports: expected an object in the world's host shape, found ${imports === null ? 'null' : typeof imports}`);
    }
    const host = imports as HostObject;
    const imported = new Set(this.module.info.imports.map((i) => `${i.module}\u0000${i.name}`));
    for (const imp of this.plan.imports) {
      if (!imported.has(`${imp.module}\u0000${imp.plan.symbol}`)) continue;
      const found = hostFunction(host, imp);
      if (found === undefined) continue;
      const trampoline = imp.bind(heap.untracked, found.fn, found.self, heap);
      linker.defineFunc(imp.module, imp.plan.symbol, imp.plan.core, trampoline as unknown as HostFunction<unknown>);
    }
    const wasi = this.module.info.imports.some((i) => i.module === WASI_MODULE) ? wasiDefiner(linker) : null;
    // Without a preview1 implementation the linker reports the WASI imports as missing, with the others.
    if (wasi !== null) wasi(this.options.wasi ?? {});
    let linked;
    try {
      linked = linker.link(this.module);
    } catch (error) {
      throw error instanceof LinkError ? explainLinkError(error, this.plan) : error;
    }
    const instance = linked.instantiate({ data });
    slot.exports = instance.exports;
    const out = this.bindExports(instance.exports, heap);
    // Non-enumerable: the exports object keeps exactly the world's shape.
    Object.defineProperty(out, CORE, { value: instance, enumerable: false });
    return out;
  }

  private bindExports(coreExports: Readonly<Record<string, unknown>>, heap: GuestHeap): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of this.plan.exportGroups) out[key] = {};
    for (const e of this.plan.exports) {
      const core = coreExports[e.plan.symbol] as CoreFn;
      const layout = e.plan.result?.layout;
      const hooks: ExportHooks = {
        state: heap,
        release: (mark) => heap.release(mark),
        free: (ptr) => heap.free(ptr),
        storeString: (func, cx, value, at) => heap.storeString(func, cx, value, at),
        freeResult: (cx, ptr) => {
          if (layout !== undefined) heap.freeValue(cx.dv, layout, ptr);
        },
      };
      const fn = e.bind(heap.tracked, core, hooks);
      const target = e.groupKey === null ? out : (out[e.groupKey] as Record<string, unknown>);
      target[e.jsName] = fn;
    }
    return out;
  }
}

/**
 * Compiles `source` (if needed) and binds it to the world: checks the world's
 * types against the C ABI, the module's exports against the world's exports,
 * and that an allocator exists when any function needs one. Throws
 * LegacyError before anything runs.
 */
export async function compileLegacy(source: LegacySource, options: LegacyInstantiateOptions): Promise<LegacyModule> {
  if (options === null || typeof options !== 'object' || options.world === undefined) {
    throw new LegacyError('LEGACY_BAD_OPTIONS', 'a core module needs a WIT world: pass options.world = { wit, world }');
  }
  const importModule = options.importModule ?? 'env';
  const { resolve, worldId } = resolveWorld(options.world);
  const plan = legacyWorldPlan(resolve, worldId, {
    importModule,
    freeResults: (options.resultOwnership ?? 'caller') === 'caller',
    ...(options.names === undefined ? {} : { names: options.names }),
  });
  const module = await coreModuleOf(source);
  checkExports(plan, module.info);
  const exportTypes = functionExports(module.info, (index) => typeOfExport(module.info, index));
  const allocator = chooseAllocator(exportTypes, options.allocator);
  const imported = new Set(module.info.imports.map((i) => `${i.module}\u0000${i.name}`));
  const needing = [
    ...plan.exports.filter((e) => e.needsAllocator).map((e) => e.plan.qualifiedName),
    ...plan.imports.filter((i) => i.needsAllocator && imported.has(`${i.module}\u0000${i.plan.symbol}`)).map((i) => i.plan.qualifiedName),
  ];
  requireAllocator(allocator, needing, exportTypes);
  const touching = [
    ...plan.exports.filter((e) => usesMemory(e.plan)).map((e) => e.plan.qualifiedName),
    ...plan.imports.filter((i) => importUsesMemory(i.plan) && imported.has(`${i.module}\u0000${i.plan.symbol}`)).map((i) => i.plan.qualifiedName),
  ];
  if (touching.length > 0 && !module.info.exports.some((e) => e.name === 'memory' && e.kind === 'memory')) {
    throw new LegacyError(
      'LEGACY_NO_MEMORY',
      `${touching.map((n) => `\`${n}\``).join(', ')} ${touching.length === 1 ? 'passes' : 'pass'} values through guest memory, ` +
        'but the module exports no memory named `memory`',
    );
  }
  return new LegacyModule(module, plan, allocator, options);
}

/** Compiles, binds and instantiates a legacy module: its exports in the world's host shape. */
export async function instantiateLegacy(
  source: LegacySource,
  imports: object,
  options: LegacyInstantiateOptions,
): Promise<Record<string, unknown>> {
  const compiled = await compileLegacy(source, options);
  return compiled.instantiate(imports, options.data);
}
