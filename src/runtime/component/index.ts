/**
 * witgen's component runtime: `compileComponent` (read, plan and compile
 * once) and `instantiate` (a fresh instance with its own state, in the
 * world's host shape). Components the runtime cannot run go to jco's
 * transpile (unless `fallback: 'never'`), with the reason available through
 * `runtimeInfo`; core modules go to the legacy path (they need a WIT world).
 */
import type { HostShape } from '../../abi/host-shape.js';
import { isComponent, isCoreModule } from '../../binary/component-reader.js';
import type { Resolve, WorldId } from '../../wit/model.js';
import { compileModuleSync, planComponent, type ComponentPlan } from './compile.js';
import { ComponentInputError, UnsupportedComponent } from './errors.js';
import { ComponentInstance } from './instance.js';
import { checkImports, instantiateLegacy, instantiateWithJco, isServedWasiImport, wasiImportsFor, type WasiOptions } from './seams.js';
import { readSource, type BinarySource } from './source.js';
import { checkWorld, expectedWorld } from './world-check.js';

export interface InstantiateOptions {
  /** WASI 0.2 grants for the `wasi:*` imports witgen serves (deny-by-default). */
  readonly wasi?: WasiOptions;
  /**
   * The world the caller expects (generated bindings pass theirs): the
   * component is checked against it (`WorldMismatchError`). `abi: 'c'`
   * (or a core module as source) selects the legacy C-ABI path.
   */
  readonly world?: { readonly wit: string; readonly world: string; readonly abi?: 'component' | 'c' };
  /** What to do with a component witgen cannot run: `jco` (default) transpiles it; `never` throws the reason. */
  readonly fallback?: 'jco' | 'never';
  /** Cache folder of the jco fallback. */
  readonly cacheDir?: string;
  /** Options of the legacy core-module path (allocator, symbol names...). */
  readonly legacy?: object;
}

export type ComponentSource = BinarySource | CompiledComponent;

/** Which engine runs an instance, and why the fallback was taken. */
export interface RuntimeInfo {
  readonly engine: 'witgen' | 'jco' | 'legacy';
  readonly reason: string | null;
}

/** Key of the non-enumerable runtime info on an exports object. */
export const RUNTIME_INFO: unique symbol = Symbol.for('witgen.runtimeInfo') as never;

/** The engine and fallback reason of an exports object `instantiate` returned. */
export function runtimeInfo(exports: object): RuntimeInfo | undefined {
  return (exports as { [RUNTIME_INFO]?: RuntimeInfo })[RUNTIME_INFO];
}

function tag<T extends object>(exports: T, info: RuntimeInfo): T {
  Object.defineProperty(exports, RUNTIME_INFO, { value: info, enumerable: false });
  return exports;
}

/** A component read and compiled once; instantiate it any number of times. */
export class CompiledComponent {
  private constructor(
    readonly bytes: Uint8Array,
    /** null when the fallback runs the component. */
    private readonly plan: ComponentPlan | null,
    readonly fallbackReason: string | null,
  ) {
    this.servedWasi = plan === null ? [] : plan.importNames.filter(isServedWasiImport);
  }

  /** The component's imports that the runtime can serve (WASI 0.2), found once rather than per instance. */
  private readonly servedWasi: readonly string[];

  /** `witgen` (this runtime runs it) or `jco` (the fallback transpile runs it). */
  get engine(): 'witgen' | 'jco' {
    return this.plan === null ? 'jco' : 'witgen';
  }

  /** The component's own world (decoded from its types), when witgen runs it. */
  get world(): { readonly resolve: Resolve; readonly worldId: WorldId; readonly shape: HostShape } | null {
    return this.plan === null ? null : { resolve: this.plan.resolve, worldId: this.plan.worldId, shape: this.plan.shape };
  }

  /** Names of the component's imports (`ns:pkg/iface@v`, `f`). */
  get importNames(): readonly string[] {
    return this.plan?.importNames ?? [];
  }

  static fromBytes(bytes: Uint8Array): CompiledComponent {
    try {
      return new CompiledComponent(bytes, planComponent(bytes, compileModuleSync), null);
    } catch (error) {
      if (error instanceof UnsupportedComponent) return new CompiledComponent(bytes, null, error.reason);
      throw error;
    }
  }

  /**
   * A new instance, synchronously (witgen engine only): checks the imports,
   * serves WASI, instantiates the core modules. Throws UnsupportedComponent
   * for a component the fallback runs.
   */
  instantiateSync(imports?: object, options: Pick<InstantiateOptions, 'wasi'> = {}): Record<string, unknown> {
    const plan = this.plan;
    if (plan === null) throw new UnsupportedComponent(this.fallbackReason ?? 'unknown reason');
    // A component importing nothing (or only WASI) may be given no imports object at all.
    const given = (typeof imports === 'object' && imports !== null ? imports : {}) as Record<string, unknown>;
    const wasiNames = this.servedWasi.filter((n) => !(n in given));
    checkImports(plan.resolve, plan.worldId, imports ?? undefined, { provided: new Set(wasiNames), shape: plan.shape });
    const all = wasiNames.length === 0 ? given : { ...given, ...wasiImportsFor(wasiNames, options.wasi ?? {}) };
    return tag(new ComponentInstance(plan, all).run(), { engine: 'witgen', reason: null });
  }
}

/** Reads and compiles a component (or returns an already compiled one). */
export async function compileComponent(source: ComponentSource): Promise<CompiledComponent> {
  if (source instanceof CompiledComponent) return source;
  const bytes = await readSource(source);
  if (isCoreModule(bytes)) {
    throw new ComponentInputError('CORE_MODULE_NEEDS_WORLD', 'this is a core module, not a component: instantiate it with `options.world` (a WIT world) for the legacy C-ABI path');
  }
  if (!isComponent(bytes)) {
    throw new ComponentInputError('COMPONENT_MALFORMED', 'expected a WebAssembly component (or a core module), found bytes that are neither');
  }
  return CompiledComponent.fromBytes(bytes);
}

/**
 * Instantiates a component (or, given a core module and `options.world`, a
 * legacy module) with `imports` in the world's host shape; returns the
 * exports in the host shape.
 */
export async function instantiate(
  source: ComponentSource,
  imports?: object,
  options: InstantiateOptions = {},
): Promise<Record<string, unknown>> {
  if (!(source instanceof CompiledComponent)) {
    const bytes = await readSource(source);
    if (isCoreModule(bytes) || options.world?.abi === 'c') return instantiateCore(bytes, imports ?? {}, options);
    source = await compileComponent(bytes);
  }
  const compiled = source;
  if (compiled.engine === 'witgen') {
    const world = compiled.world;
    if (options.world !== undefined && world !== null) checkWorld(world.resolve, world.worldId, options.world);
    return compiled.instantiateSync(imports, options);
  }
  const reason = compiled.fallbackReason ?? 'unknown reason';
  if (options.fallback === 'never') throw new UnsupportedComponent(reason);
  // With the caller's world, the fallback checks the imports and returns exports in the same host shape.
  const world = options.world === undefined ? undefined : expectedWorld(options.world);
  const fallback = await instantiateWithJco(compiled.bytes, (imports ?? {}) as Record<string, unknown>, {
    reason,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.wasi === undefined ? {} : { wasi: options.wasi }),
    ...(world === undefined ? {} : { world: { resolve: world.resolve, worldId: world.worldId } }),
  });
  return tag(fallback.exports, { engine: 'jco', reason });
}

async function instantiateCore(bytes: Uint8Array, imports: object, options: InstantiateOptions): Promise<Record<string, unknown>> {
  if (!isCoreModule(bytes)) {
    throw new ComponentInputError('COMPONENT_MALFORMED', "`world.abi` is 'c', but the source is not a core module");
  }
  if (options.world === undefined) {
    throw new ComponentInputError('CORE_MODULE_NEEDS_WORLD', 'this is a core module, not a component: pass `options.world` (a WIT world) to run it through the C ABI');
  }
  const exports = await instantiateLegacy(bytes, imports, {
    ...(options.legacy ?? {}),
    world: { wit: options.world.wit, world: options.world.world },
    ...(options.wasi === undefined ? {} : { wasi: options.wasi }),
  });
  return tag(exports, { engine: 'legacy', reason: null });
}

export { ComponentTrap, InstancePoisoned, ReentranceError, ResourceError, UnsupportedComponent, ComponentInputError, WorldMismatchError } from './errors.js';
export type { WorldDifference } from './errors.js';
