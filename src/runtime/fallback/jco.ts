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
import type { Resolve, WorldId } from '../../wit/model.js';
import { checkImports } from '../component/check-imports.js';
import { wasmApi, type WasmModule } from '../core/wasm-api.js';
import type { WasiOptions } from '../wasi/options.js';
import { defaultCacheDir, MODULE_NAME, transpileCached, type Transpiled } from './cache.js';
import { FallbackError } from './errors.js';
import { importSource, jcoImports, witgenExports, type ImportSource } from './shape.js';
import { isWasiSpecifier, wasiImportsForJco } from './wasi.js';

export interface JcoFallbackOptions {
  /** Why witgen's runtime does not run this component (kept in the result and in errors). */
  readonly reason: string;
  /** Where transpiled components are cached; default `node_modules/.cache/witgen/jco`, else `<tmpdir>/witgen-jco`. */
  readonly cacheDir?: string;
  /** WASI grants, deny-by-default as on the main path. */
  readonly wasi?: WasiOptions;
  /**
   * The component's world. With it the imports are checked against the
   * world first (`ImportsError`) and mapped by the host shape, and the
   * exports object has exactly the host shape's keys; without it, imports
   * are matched by name and jco's exports are returned as they are.
   */
  readonly world?: { readonly resolve: Resolve; readonly worldId: WorldId };
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

interface Loaded {
  readonly transpiled: Transpiled;
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
  const shape: HostShape | null = options.world ? hostShape(options.world.resolve, options.world.worldId) : null;
  if (options.world && shape !== null) {
    // Before the (possibly slow) transpile: WASI interfaces witgen serves need not be in `imports`.
    const provided = new Set(shape.imports.filter((g) => isWasiSpecifier(g.witName)).map((g) => g.witName));
    checkImports(options.world.resolve, options.world.worldId, imports, { provided });
  }
  const loaded = await load(bytes, options.cacheDir ?? defaultCacheDir(), reason);
  const { transpiled } = loaded;
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
    exports = await loaded.module.instantiate(loaded.getCoreModule, jcoImports(transpiled.imports, sources, imports, wasi));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new FallbackError('FALLBACK_INSTANTIATE_FAILED', reason, `jco's instantiation failed: ${detail}`, { cause: error });
  }
  return {
    exports: shape === null ? exports : witgenExports(shape, exports),
    engine: 'jco',
    reason,
    transpile: { cached: transpiled.cached, ms: transpiled.ms, dir: transpiled.dir },
  };
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
  return { transpiled, module, getCoreModule };
}
