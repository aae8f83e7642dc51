/**
 * Where a legacy module and its world come from: bytes (compiled once per
 * buffer), a precompiled WebAssembly.Module (imports and exports read through
 * the JS API, without function types), or CoreLinker's CoreModule; WIT text
 * (parsed once per text and world name) or an already resolved world.
 */
import type { CoreModuleInfo } from '../../binary/reader.js';
import { loadWitText, selectWorld } from '../../wit/load.js';
import type { Resolve, WorldId } from '../../wit/model.js';
import { compileCoreModule, type CoreModule } from '../core/linker.js';
import { wasmApi, type WasmModule } from '../core/wasm-api.js';

/** The world a legacy module implements: WIT source text and a world name, or an already resolved world. */
export type LegacyWorld =
  | { readonly wit: string; readonly world?: string }
  | { readonly resolve: Resolve; readonly worldId: WorldId };

/** A core module as bytes, a compiled WebAssembly.Module, or CoreLinker's compiled module. */
export type LegacySource = Uint8Array | ArrayBuffer | WasmModule | CoreModule;

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

export async function coreModuleOf(source: LegacySource): Promise<CoreModule> {
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

const WIT_CACHE_SIZE = 32;
const witCache = new Map<string, { resolve: Resolve; worldId: WorldId }>();

export function resolveWorld(world: LegacyWorld): { resolve: Resolve; worldId: WorldId } {
  if ('resolve' in world) return world;
  const key = `${world.world ?? ''}\u0000${world.wit}`;
  let found = witCache.get(key);
  if (found === undefined) {
    const loaded = loadWitText(world.wit);
    found = { resolve: loaded.resolve, worldId: selectWorld(loaded, world.world) };
    // A small cache: hosts pass the same few worlds over and over; a host generating WIT must not grow it forever.
    if (witCache.size >= WIT_CACHE_SIZE) witCache.delete(witCache.keys().next().value as string);
    witCache.set(key, found);
  }
  return found;
}
