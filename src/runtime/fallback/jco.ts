/**
 * The fallback for components witgen's own runtime cannot run (nested
 * components, the async ABI...): jco transpiles the component in-process
 * (cached on disk by content hash, see cache.ts), its ES module is imported
 * and instantiated with the host's imports mapped from witgen's shape to
 * jco's, and WASI served deny-by-default like on the main path. The caller
 * always learns that this path was taken and why (`reason` in the result):
 * never a silently different engine.
 */
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostShape, type HostShape } from '../../abi/host-shape.js';
import { camelCase } from '../../abi/lift-lower/js-names.js';
import { loadWitText, selectWorld } from '../../wit/load.js';
import type { Resolve, WorldId } from '../../wit/model.js';
import { checkImports } from '../component/check-imports.js';
import { wasmApi, type WasmModule } from '../core/wasm-api.js';
import type { WasiOptions } from '../wasi/options.js';
import { defaultCacheDir, MODULE_NAME, transpileCached, type Transpiled } from './cache.js';
import { FallbackError } from './errors.js';
import { importSource, jcoImports, witgenExports, type ImportSource } from './shape.js';
import { isWasiSpecifier, wasiImportsForJco } from './wasi.js';
import { explainJspiFailure, withoutJspi } from './jspi.js';

export interface JcoFallbackOptions {
  /** Why witgen's runtime does not run this component (kept in the result and in errors). */
  readonly reason: string;
  /** Where transpiled components are cached; default `node_modules/.cache/witgen/jco`, else `<tmpdir>/witgen-jco`. */
  readonly cacheDir?: string;
  /** WASI grants, deny-by-default as on the main path. */
  readonly wasi?: WasiOptions;
  /**
   * The component's world. The imports are checked against it
   * (`ImportsError`, before transpiling) and mapped by its host shape, and
   * the exports object has exactly the host shape's keys. Without it the
   * world the component itself declares is used (printed by jco's
   * `componentWit`, kept in the cache entry); when witgen cannot read that
   * (jco prints no packages the world depends on), imports are matched by
   * name and the exports are the ones jco lists.
   */
  readonly world?: World;
}

export interface JcoInstance {
  /** The instance's exports in witgen's shape. */
  readonly exports: Record<string, unknown>;
  /** Always `jco`: this instance runs jco's transpiled code. */
  readonly engine: 'jco';
  /** Why the fallback was taken (the `reason` option). */
  readonly reason: string;
  /** How the transpiled code was obtained: from the cache (no jco run) or by transpiling, and how long that took. */
  readonly transpile: { readonly cached: boolean; readonly ms: number; readonly dir: string };
}

/** What jco's `instantiation: 'async'` output exports. */
interface TranspiledModule {
  instantiate(
    getCoreModule: (path: string) => Promise<WasmModule>,
    imports: Record<string, Record<string, unknown>>,
  ): Promise<Record<string, unknown>>;
}

type World = { readonly resolve: Resolve; readonly worldId: WorldId };

interface Loaded {
  readonly transpiled: Transpiled;
  /** The component's own world, from the cache entry's WIT text; null when it has none witgen can read. */
  readonly world: World | null;
  readonly module: TranspiledModule;
  readonly getCoreModule: (path: string) => Promise<WasmModule>;
}

/** Loaded transpiles by cache folder, so a second instance skips the disk and core-module compilation. */
const loadedByDir = new Map<string, Promise<Loaded>>();

/** Instantiates `bytes` through jco's transpile output; see the module comment. */
export async function instantiateWithJco(
  bytes: Uint8Array,
  imports: Readonly<Record<string, unknown>>,
  options: JcoFallbackOptions,
): Promise<JcoInstance> {
  const { reason } = options;
  // Given a world, check before the (possibly slow) transpile.
  if (options.world) checkAgainst(options.world, imports);
  const loaded = await load(bytes, options.cacheDir ?? defaultCacheDir(), reason);
  const { transpiled } = loaded;
  const world = options.world ?? loaded.world;
  if (!options.world && world !== null) checkAgainst(world, imports);
  const shape: HostShape | null = world === null ? null : hostShape(world.resolve, world.worldId);
  const userKeys = Object.keys(imports);
  const sources = new Map<string, ImportSource>(
    transpiled.imports.map((s) => [s, importSource(s, shape, userKeys, isWasiSpecifier)]),
  );
  // Without a world to check against, at least every import jco will read must be there (all listed at once).
  const absent = [...sources].filter(([, source]) => !provides(source, imports)).map(([s]) => `\`${s}\``);
  if (absent.length > 0) {
    throw new FallbackError(
      'FALLBACK_IMPORTS',
      reason,
      `the component imports ${absent.join(', ')}, which neither the imports object nor witgen's WASI provides`,
    );
  }
  const wasiSpecifiers = [...sources].filter(([, source]) => source.kind === 'wasi').map(([s]) => s);
  const wasi = wasiImportsForJco(wasiSpecifiers, options.wasi ?? {});
  let exports: Record<string, unknown>;
  try {
    exports = await withoutJspi(() =>
      loaded.module.instantiate(loaded.getCoreModule, jcoImports(transpiled.imports, sources, imports, wasi)),
    );
  } catch (error) {
    const detail = explainJspiFailure(error) ?? (error instanceof Error ? error.message : String(error));
    throw new FallbackError('FALLBACK_INSTANTIATE_FAILED', reason, `jco's instantiation failed: ${detail}`, { cause: error });
  }
  return {
    exports: shape === null ? listedExports(transpiled, exports) : witgenExports(shape, exports),
    engine: 'jco',
    reason,
    transpile: { cached: transpiled.cached, ms: transpiled.ms, dir: transpiled.dir },
  };
}

/**
 * Without a world: the exports jco lists (it also puts each exported
 * interface under its full name, which witgen's shape has only on a clash).
 */
function listedExports(transpiled: Transpiled, exports: Record<string, unknown>): Record<string, unknown> {
  const names = transpiled.exports.map(([name]) => name);
  const shortOf = (name: string): string | null => {
    const match = /^[^/]+:[^/]+\/([^@]+)(@.*)?$/.exec(name);
    return match?.[1] === undefined ? null : camelCase(match[1]);
  };
  const kept = names.filter((name) => {
    const short = shortOf(name);
    return short === null || !names.includes(short) || exports[short] !== exports[name];
  });
  return Object.fromEntries(kept.map((name) => [name, exports[name]]));
}

/** Throws `ImportsError` for every problem of `imports` in `world`; WASI interfaces witgen serves need not be there. */
function checkAgainst(world: World, imports: Readonly<Record<string, unknown>>): void {
  const shape = hostShape(world.resolve, world.worldId);
  const provided = new Set(shape.imports.filter((g) => isWasiSpecifier(g.witName)).map((g) => g.witName));
  checkImports(world.resolve, world.worldId, imports, { provided });
}

/** The world `witText` declares (jco prints one world, `root`), or null when witgen cannot read it. */
function worldOf(witText: string | null): World | null {
  if (witText === null) return null;
  try {
    const loaded = loadWitText(witText, { path: 'component-world.wit' });
    return { resolve: loaded.resolve, worldId: selectWorld(loaded) };
  } catch {
    return null;
  }
}

/** Whether `imports` holds what `source` points at: a function for a world-level import, an object for an interface. */
function provides(source: ImportSource, imports: Readonly<Record<string, unknown>>): boolean {
  switch (source.kind) {
    case 'root':
      return typeof imports[source.jsName] === 'function';
    case 'interface': {
      const value = imports[source.key];
      return value !== null && typeof value === 'object';
    }
    case 'wasi':
      return true;
    case 'unknown':
      return false;
  }
}

function load(bytes: Uint8Array, cacheDir: string, reason: string): Promise<Loaded> {
  // Keyed by content through the cache folder name (transpileCached hashes the bytes).
  const pending = (async (): Promise<Loaded> => {
    const transpiled = await transpileCached(bytes, cacheDir, reason);
    const existing = loadedByDir.get(transpiled.dir);
    if (existing !== undefined) {
      const earlier = await existing;
      return { ...earlier, transpiled: { ...earlier.transpiled, cached: true, ms: transpiled.ms } };
    }
    const fresh = importTranspiled(transpiled);
    loadedByDir.set(transpiled.dir, fresh);
    fresh.catch(() => loadedByDir.delete(transpiled.dir));
    return fresh;
  })();
  return pending;
}

async function importTranspiled(transpiled: Transpiled): Promise<Loaded> {
  const module = (await import(pathToFileURL(join(transpiled.dir, `${MODULE_NAME}.js`)).href)) as TranspiledModule;
  const compiled = new Map<string, Promise<WasmModule>>();
  const getCoreModule = (path: string): Promise<WasmModule> => {
    let core = compiled.get(path);
    if (core === undefined) {
      core = wasmApi.compile(new Uint8Array(readFileSync(join(transpiled.dir, path))));
      compiled.set(path, core);
    }
    return core;
  };
  return { transpiled, world: worldOf(transpiled.witText), module, getCoreModule };
}
