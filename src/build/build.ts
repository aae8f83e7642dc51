/**
 * `buildComponent`: wraps a core module into a component of a WIT world.
 *
 * 1. Checks the module against the world's expected core imports and exports
 *    and reports every mismatch at once (wasm-tools stops at the first one and
 *    words it in its own terms).
 * 2. Embeds the world's metadata (`componentEmbed`, WIT passed as text).
 * 3. Creates the component (`componentNew`), with jco's preview1 adapter when
 *    the module imports `wasi_snapshot_preview1`.
 */
import { readCoreModuleOr, type CoreModuleInfo } from '../binary/reader.js';
import { loadWit, selectWorld, type LoadedWit, type WitOptions } from '../wit/load.js';
import type { WorldId } from '../wit/model.js';
import { loadPreview1Adapter, type AdapterKind } from './adapter.js';
import { checkModule, PREVIEW1_MODULE } from './check.js';
import { BuildError } from './errors.js';
import { expectedInterface } from './expected.js';
import { detectScheme } from './mangling.js';
import { embeddableWit } from './wit-text.js';

export type StringEncoding = 'utf8' | 'utf16' | 'compact-utf16';

export interface BuildOptions {
  /** The core module's bytes. */
  readonly core: Uint8Array;
  /** Loaded WIT, or a path to a `.wit` file or a WIT directory (with `deps/`). */
  readonly wit: LoadedWit | string;
  /** The world (`w` or `ns:pkg/w@version`); optional when the main package has one world. */
  readonly world?: string;
  /** How strings are encoded in the module's memory (default utf8). */
  readonly stringEncoding?: StringEncoding;
  /** Feature gates, used only when `wit` is a path. */
  readonly witOptions?: WitOptions;
}

export interface BuildResult {
  readonly component: Uint8Array;
  /** The preview1 adapter applied, or null when the module does not use WASI preview1. */
  readonly adapter: AdapterKind | null;
}

export async function buildComponent(options: BuildOptions): Promise<BuildResult> {
  const loaded = typeof options.wit === 'string' ? loadWit(options.wit, options.witOptions) : options.wit;
  const worldId = selectWorld(loaded, options.world);
  const info = readModule(options.core);
  const adapter = checkAgainstWorld(loaded, worldId, info);

  const wit = embeddableWit(loaded.resolve, worldId);
  const jco = await import('@bytecodealliance/jco');
  const embedded = await wasmTools('embedding the WIT metadata', () =>
    jco.componentEmbed({
      binary: options.core,
      witSource: wit.source,
      world: wit.world,
      stringEncoding: options.stringEncoding ?? 'utf8',
      // Features were applied when the WIT was loaded; what remains is wanted.
      features: { tag: 'all' },
    }),
  );
  const adapters: Array<[string, Uint8Array]> =
    adapter === null ? [] : [[PREVIEW1_MODULE, await readAdapter(adapter)]];
  const component = await wasmTools('creating the component', () => jco.componentNew(embedded, adapters));
  return { component, adapter };
}

/** Throws a BUILD_MISMATCH BuildError listing every problem; returns the adapter the module needs. */
export function checkAgainstWorld(loaded: LoadedWit, worldId: WorldId, info: CoreModuleInfo): AdapterKind | null {
  const result = checkModule(info, expectedInterface(loaded.resolve, worldId, detectScheme(info)));
  if (result.problems.length > 0) throw BuildError.mismatch(embeddableWorldName(loaded, worldId), result.problems);
  if (!result.usesPreview1) return null;
  return result.isCommand ? 'command' : 'reactor';
}

function embeddableWorldName(loaded: LoadedWit, worldId: WorldId): string {
  return embeddableWit(loaded.resolve, worldId).world;
}

function readModule(bytes: Uint8Array): CoreModuleInfo {
  return readCoreModuleOr(bytes, (why) => {
    throw new BuildError('BUILD_INPUT', `cannot read the core module: ${why}`);
  });
}

async function readAdapter(kind: AdapterKind): Promise<Uint8Array> {
  try {
    return await loadPreview1Adapter(kind);
  } catch (error) {
    throw new BuildError('BUILD_IO', `cannot read jco's WASI preview1 ${kind} adapter: ${messageOf(error)}`);
  }
}

/** Runs a wasm-tools call; its failures become BUILD_WASM_TOOLS errors. */
async function wasmTools<T>(step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new BuildError('BUILD_WASM_TOOLS', `wasm-tools failed while ${step}: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'payload' in error) return String((error as { payload: unknown }).payload);
  return String(error);
}
