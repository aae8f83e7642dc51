/**
 * `upgradeLegacy`: a legacy `extern "C"` core module and its WIT world →
 * a real component of that world.
 *
 * 1. Plans the world with the legacy C ABI plan (src/runtime/legacy: the
 *    symbols, C signatures and by-pointer/sret passing `instantiateLegacy`
 *    uses) and checks the module against it: all problems at once.
 * 2. Writes the adapter core module (adapter-module.ts) that turns the C ABI
 *    into the canonical ABI, and embeds the world in it.
 * 3. Lets wit-component (jco's `componentNew`) link the unchanged legacy
 *    module (embedded with an empty world) with the adapter, which provides
 *    the legacy import module (`env`), and with jco's WASI preview1 adapter
 *    when the module imports `wasi_snapshot_preview1`. wit-component writes
 *    the component types, breaks the import cycle with its shim/fixup
 *    modules, and lifts the adapter's exports.
 */
import { AbiError } from '../abi/errors.js';
import { functionType, readCoreModuleOr, type CoreModuleInfo } from '../binary/reader.js';
import { loadPreview1Adapter, type AdapterKind } from '../build/adapter.js';
import { embeddableWit } from '../build/wit-text.js';
import { chooseAllocator, functionExports, requireAllocator, type AllocatorOptions } from '../runtime/legacy/allocator.js';
import { WASI_MODULE } from '../runtime/legacy/checks.js';
import { importUsesMemory, usesMemory } from '../runtime/legacy/codegen.js';
import { LegacyError, type LegacyErrorCode } from '../runtime/legacy/errors.js';
import { legacyWorldPlan, type LegacyWorldPlan } from '../runtime/legacy/world.js';
import { loadWit, selectWorld, type LoadedWit, type WitOptions } from '../wit/load.js';
import type { Resolve, WorldId } from '../wit/model.js';
import { adapterModuleText, importNeedsArgumentBlock } from './adapter-module.js';
import { checkModuleAgainstWorld } from './checks.js';
import { UpgradeError, type UpgradeErrorCode } from './errors.js';

export interface UpgradeOptions {
  /** Loaded WIT, a path to a `.wit` file or WIT directory, or an already resolved world. */
  readonly wit: LoadedWit | string | { readonly resolve: Resolve; readonly worldId: WorldId };
  /** The world (`w` or `ns:pkg/w@version`); optional when the main package has one world. */
  readonly world?: string;
  /** Feature gates, used only when `wit` is a path. */
  readonly witOptions?: WitOptions;
  /** WIT function name (or `ns:pkg/iface@v#f`) → core symbol, where the module does not use the snake_case name. */
  readonly names?: Readonly<Record<string, string>>;
  /** Import module of the world's imports in the legacy module; default `env`. */
  readonly importModule?: string;
  /** Guest exports that allocate and free memory (as for `instantiateLegacy`). */
  readonly allocator?: AllocatorOptions;
  /** Who owns strings and lists an export returns: `caller` (default: freed after the caller read them) or `guest`. */
  readonly resultOwnership?: 'caller' | 'guest';
}

export interface UpgradeResult {
  readonly component: Uint8Array;
  /** jco's WASI preview1 adapter linked in, or null when the module does not import WASI preview1. */
  readonly wasi: AdapterKind | null;
  /** The adapter core module, as WAT (for inspection). */
  readonly adapterText: string;
}

const LEGACY_CODES: Readonly<Partial<Record<LegacyErrorCode, UpgradeErrorCode>>> = {
  LEGACY_UNSUPPORTED: 'UPGRADE_UNSUPPORTED',
  LEGACY_NO_ALLOCATOR: 'UPGRADE_NO_ALLOCATOR',
  LEGACY_NO_MEMORY: 'UPGRADE_NO_MEMORY',
  LEGACY_EXPORTS: 'UPGRADE_MISMATCH',
};

/** Runs a step that throws the legacy path's errors, as UpgradeErrors with the same message. */
function asUpgrade<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof LegacyError) throw new UpgradeError(LEGACY_CODES[error.code] ?? 'UPGRADE_INPUT', error.message, error.problems);
    if (error instanceof AbiError) throw new UpgradeError('UPGRADE_UNSUPPORTED', error.message);
    throw error;
  }
}

function readModule(bytes: Uint8Array): CoreModuleInfo {
  return readCoreModuleOr(bytes, (why) => {
    throw new UpgradeError('UPGRADE_INPUT', `cannot read the legacy core module: ${why}`);
  });
}

function resolveWorld(options: UpgradeOptions): { resolve: Resolve; worldId: WorldId } {
  const wit = options.wit;
  if (typeof wit === 'object' && 'worldId' in wit) return wit;
  const loaded = typeof wit === 'string' ? loadWit(wit, options.witOptions) : wit;
  return { resolve: loaded.resolve, worldId: selectWorld(loaded, options.world) };
}

/** Checks the module against the world's legacy plan; returns the plan pieces the adapter needs. */
function planUpgrade(info: CoreModuleInfo, resolve: Resolve, worldId: WorldId, options: UpgradeOptions) {
  const importModule = options.importModule ?? 'env';
  const freeResults = (options.resultOwnership ?? 'caller') === 'caller';
  const plan: LegacyWorldPlan = asUpgrade(() =>
    legacyWorldPlan(resolve, worldId, { importModule, freeResults, ...(options.names === undefined ? {} : { names: options.names }) }),
  );
  const worldName = resolve.worlds[worldId]?.name ?? String(worldId);
  checkModuleAgainstWorld(plan, info, importModule, worldName);
  const imported = new Set(info.imports.filter((i) => i.module === importModule).map((i) => i.name));
  const imports = plan.imports.filter((i) => imported.has(i.plan.symbol));
  const exportTypes = functionExports(info, (index) => functionType(info, index));
  const allocator = asUpgrade(() => chooseAllocator(exportTypes, options.allocator));
  const needing = [
    ...plan.exports.filter((e) => e.needsAllocator),
    ...imports.filter((i) => i.needsAllocator || importNeedsArgumentBlock(resolve, i.plan)),
  ].map((f) => f.plan.qualifiedName);
  asUpgrade(() => requireAllocator(allocator, needing, exportTypes));
  const touching = [...plan.exports.filter((e) => usesMemory(e.plan)), ...imports.filter((i) => importUsesMemory(i.plan))].map((f) => f.plan.qualifiedName);
  const memory = info.exports.some((e) => e.name === 'memory' && e.kind === 'memory');
  if (touching.length > 0 && !memory) {
    throw new UpgradeError(
      'UPGRADE_NO_MEMORY',
      `${touching.map((n) => `\`${n}\``).join(', ')} ${touching.length === 1 ? 'passes' : 'pass'} values through guest memory, but the module exports no memory named \`memory\``,
    );
  }
  // Without a function that needs it, the allocator is left out: the adapter then never allocates.
  const usedAllocator = needing.length > 0 && allocator !== null && allocator.freeMissing !== true ? allocator : null;
  return { plan, importModule, freeResults, imports, allocator: usedAllocator, memory };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'payload' in error) return String((error as { payload: unknown }).payload);
  return String(error);
}

async function wasmTools<T>(step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new UpgradeError('UPGRADE_WASM_TOOLS', `wasm-tools failed while ${step}: ${messageOf(error)}`);
  }
}

/** The world a legacy module is embedded with: none of its own, the adapter brings the real one. */
const EMPTY_WORLD = { source: 'package witgen:upgrade;\n\nworld legacy-module {}\n', world: 'witgen:upgrade/legacy-module' };

/** Upgrades legacy core module `core` to a component of the given world. Throws UpgradeError. */
export async function upgradeLegacy(core: Uint8Array, options: UpgradeOptions): Promise<UpgradeResult> {
  const info = readModule(core);
  const { resolve, worldId } = resolveWorld(options);
  const planned = planUpgrade(info, resolve, worldId, options);
  const adapterText = adapterModuleText({
    resolve,
    exports: planned.plan.exports.map((e) => e.plan),
    imports: planned.imports.map((i) => i.plan),
    allocator: planned.allocator,
    memory: planned.memory,
    freeResults: planned.freeResults,
  });
  const jco = await import('@bytecodealliance/jco');
  const wit = embeddableWit(resolve, worldId);
  const adapterCore = await wasmTools('assembling the adapter module', () => jco.parse(adapterText));
  const adapter = await wasmTools('embedding the world in the adapter', () =>
    jco.componentEmbed({ binary: adapterCore, witSource: wit.source, world: wit.world, stringEncoding: 'utf8', features: { tag: 'all' } }),
  );
  const main = await wasmTools('embedding the legacy module', () =>
    jco.componentEmbed({ binary: core, witSource: EMPTY_WORLD.source, world: EMPTY_WORLD.world, stringEncoding: 'utf8' }),
  );
  const usesWasi = info.imports.some((i) => i.module === WASI_MODULE);
  const wasi: AdapterKind | null = usesWasi ? (info.exports.some((e) => e.name === '_start' && e.kind === 'func') ? 'command' : 'reactor') : null;
  const adapters: Array<[string, Uint8Array]> = [[planned.importModule, adapter]];
  if (wasi !== null) adapters.push([WASI_MODULE, await wasmTools(`reading jco's WASI preview1 ${wasi} adapter`, () => loadPreview1Adapter(wasi))]);
  const component = await wasmTools('creating the component', () => jco.componentNew(main, adapters));
  return { component, wasi, adapterText };
}
