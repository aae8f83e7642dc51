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
import type { CoreModuleInfo, FuncType } from '../../binary/reader.js';
import { formatCoreFuncType } from '../../abi/core-types.js';
import { loadWitText, selectWorld } from '../../wit/load.js';
import type { Resolve, WorldId } from '../../wit/model.js';
import { CoreLinker, compileCoreModule, type CoreInstance, type CoreModule, type HostFunction } from '../core/linker.js';
import { LONG_HINT, LinkError } from '../core/link-errors.js';
import { wasmApi, type WasmModule } from '../core/wasm-api.js';
import { GuestHeap, chooseAllocator, functionExports, requireAllocator, type AllocatorChoice, type AllocatorOptions, type InstanceSlot } from './allocator.js';
import type { ExportHooks } from './codegen.js';
import { LegacyError } from './errors.js';
import { legacyWorldPlan, type LegacyWorldPlan, type PlannedImport } from './world.js';
import type { WasiOptions } from '../wasi/options.js';

/** The world a legacy module implements: WIT source text and a world name, or an already resolved world. */
export type LegacyWorld =
  | { readonly wit: string; readonly world?: string }
  | { readonly resolve: Resolve; readonly worldId: WorldId };

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
  /** Per-instance host state, available to host functions registered on the core linker. */
  readonly data?: unknown;
  /**
   * Who owns the strings and lists an export returns: `caller` (default, the
   * C convention for returned heap data: the host frees them with the
   * allocator's free after reading) or `guest` (the host only reads them).
   */
  readonly resultOwnership?: 'caller' | 'guest';
}

/** A core module as bytes, a compiled WebAssembly.Module, or CoreLinker's compiled module. */
export type LegacySource = Uint8Array | ArrayBuffer | WasmModule | CoreModule;

type CoreFn = (...args: unknown[]) => unknown;
type HostObject = Readonly<Record<string, unknown>>;

const WASI_MODULE = 'wasi_snapshot_preview1';

const CORE = Symbol('witgen.legacy.core');

/** The core instance behind exports returned by `instantiateLegacy` (raw exports, memory, host state), or undefined. */
export function legacyCore(exports: object): CoreInstance<unknown> | undefined {
  return (exports as { [CORE]?: CoreInstance<unknown> })[CORE];
}

function isCoreModule(value: unknown): value is CoreModule {
  return typeof value === 'object' && value !== null && 'module' in value && 'info' in value;
}

/** Imports and exports of a precompiled module read through the JS API (no function types). */
function infoOfModule(module: WasmModule): CoreModuleInfo {
  const api = wasmApi as unknown as {
    Module: {
      imports(m: WasmModule): { module: string; name: string; kind: string }[];
      exports(m: WasmModule): { name: string; kind: string }[];
    };
  };
  const kind = (k: string): 'func' | 'table' | 'memory' | 'global' | 'tag' => (k === 'function' ? 'func' : (k as 'table' | 'memory' | 'global' | 'tag'));
  return {
    types: [],
    imports: api.Module.imports(module).map((i) => ({ module: i.module, name: i.name, kind: kind(i.kind), typeIndex: null })),
    functions: [],
    exports: api.Module.exports(module).map((e) => ({ name: e.name, kind: kind(e.kind), index: -1 })),
  };
}

const compiledBytes = new WeakMap<object, Promise<CoreModule>>();

async function coreModuleOf(source: LegacySource): Promise<CoreModule> {
  if (isCoreModule(source)) return source;
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    let compiled = compiledBytes.get(source);
    if (compiled === undefined) {
      compiled = compileCoreModule(source);
      compiledBytes.set(source, compiled);
    }
    return compiled;
  }
  return { module: source, info: infoOfModule(source) };
}

const witCache = new Map<string, { resolve: Resolve; worldId: WorldId }>();

function resolveWorld(world: LegacyWorld): { resolve: Resolve; worldId: WorldId } {
  if ('resolve' in world) return world;
  const key = `${world.world ?? ''}\u0000${world.wit}`;
  let found = witCache.get(key);
  if (found === undefined) {
    const loaded = loadWitText(world.wit);
    found = { resolve: loaded.resolve, worldId: selectWorld(loaded, world.world) };
    witCache.set(key, found);
  }
  return found;
}

function typeOfExport(info: CoreModuleInfo, index: number): FuncType | null {
  if (index < 0) return null;
  const imported = info.imports.filter((i) => i.kind === 'func').length;
  const typeIndex = index < imported ? info.imports.filter((i) => i.kind === 'func')[index]?.typeIndex : info.functions[index - imported];
  return typeIndex === undefined || typeIndex === null ? null : (info.types[typeIndex] ?? null);
}

function sameSignature(a: { readonly params: readonly string[]; readonly results: readonly string[] }, b: typeof a): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length && a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}

function widthOnly(a: { readonly params: readonly string[]; readonly results: readonly string[] }, b: typeof a): boolean {
  const swap = (x: readonly string[], y: readonly string[]): boolean =>
    x.length === y.length && x.every((t, i) => t === y[i] || (t === 'i32' && y[i] === 'i64') || (t === 'i64' && y[i] === 'i32'));
  return swap(a.params, b.params) && swap(a.results, b.results);
}

/** Every world export must be a module export of the C signature; all problems in one error. */
function checkExports(plan: LegacyWorldPlan, info: CoreModuleInfo): void {
  const exports = new Map(info.exports.filter((e) => e.kind === 'func').map((e) => [e.name, e]));
  const problems: string[] = [];
  for (const e of plan.exports) {
    const expected = formatCoreFuncType(e.plan.core);
    const found = exports.get(e.plan.symbol);
    if (found === undefined) {
      problems.push(`missing export: \`${e.plan.symbol}\` (world export \`${e.plan.qualifiedName}\`) should be ${expected}`);
      continue;
    }
    const type = typeOfExport(info, found.index);
    if (type !== null && !sameSignature(type, e.plan.core)) {
      const hint = widthOnly(type, e.plan.core) ? `\n  ${LONG_HINT}` : '';
      problems.push(
        `incompatible export type for \`${e.plan.symbol}\` (world export \`${e.plan.qualifiedName}\`): expected ${expected}, found ${formatCoreFuncType(type)}${hint}`,
      );
    }
  }
  if (problems.length > 0) {
    const message =
      problems.length === 1
        ? (problems[0] as string)
        : `${problems.length} world exports do not match the module:\n${problems.map((p) => `  ${p.replace(/\n/g, '\n  ')}`).join('\n')}`;
    throw new LegacyError('LEGACY_EXPORTS', message, problems);
  }
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

/** Adds, under a LinkError's message, which member of the imports object implements each missing world import. */
function explainLinkError(error: LinkError, plan: LegacyWorldPlan): LinkError {
  if (error.code !== 'LINK_UNRESOLVED_IMPORTS') return error;
  const notes = error.problems.flatMap((p) => {
    if (p.kind !== 'missing' || p.module === WASI_MODULE) return [];
    const imp = plan.imports.find((i) => i.module === p.module && i.plan.symbol === p.name);
    if (imp === undefined) {
      return [`\`${p.module}::${p.name}\` is not an import of the WIT world either`];
    }
    const where = imp.groupKey === null ? `imports.${imp.jsName}` : `imports[${JSON.stringify(imp.groupKey)}].${imp.jsName}`;
    return [`\`${p.module}::${p.name}\` is world import \`${imp.plan.qualifiedName}\`: implement it as ${where}`];
  });
  if (error.problems.some((p) => p.kind === 'missing' && p.module === WASI_MODULE)) {
    notes.push(`\`${WASI_MODULE}\` imports need CoreLinker.defineWasi, which this build of witgen does not have`);
  }
  if (notes.length === 0) return error;
  return new LinkError(error.code, `${error.message}\n${notes.map((n) => `note: ${n}`).join('\n')}`, error.problems);
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
