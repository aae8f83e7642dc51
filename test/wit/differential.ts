/**
 * Differential check of witgen's WIT front-end against wasm-tools' wit-parser
 * (through jco): for one WIT text and a feature set, do both accept or both
 * reject it, and where both accept, does wasm-tools see the same worlds in
 * the text witgen prints back from its own model as in the original?
 */
import { WitError } from '../../src/wit/errors.js';
import { loadWitText, type LoadedWit } from '../../src/wit/load.js';
import type { PackageId } from '../../src/wit/model.js';
import { printPackages } from '../../src/wit/printer.js';
import type { Features, WasmTools } from './wasm-tools.js';

export interface DiffInput {
  readonly text: string;
  readonly features: Features;
}

export type WitgenVerdict =
  | { readonly accept: true; readonly loaded: LoadedWit }
  | { readonly accept: false; readonly error: WitError }
  /** Anything thrown that is not a WitError: always a witgen bug. */
  | { readonly crash: string };

export type DiffOutcome =
  /** `worlds`: how many worlds wasm-tools compared (those it can make a component of). */
  | { readonly kind: 'both-accept'; readonly worlds: number }
  | { readonly kind: 'both-reject'; readonly witgen: string; readonly wasmTools: string }
  | { readonly kind: 'witgen-only-accepts'; readonly wasmTools: string }
  | { readonly kind: 'wasm-tools-only-accepts'; readonly witgen: string }
  /** Both accept, but wasm-tools sees world `world` differently in witgen's printed text. */
  | { readonly kind: 'world-differs'; readonly world: string; readonly original: string; readonly printed: string }
  /**
   * Both accept and wasm-tools sees the same items in world `world`, but in
   * another order: witgen's printer puts an interface's types before its
   * functions (as wasm-tools' printer does), and wasm-tools' encoding follows
   * the declaration order, so this says nothing about resolution.
   */
  | { readonly kind: 'world-order-differs'; readonly world: string }
  /**
   * Both accept, but the printed text cannot say it: a world of an
   * unversioned package includes items gated `@since(version = ...)` from a
   * versioned one, and WIT allows no version gate in an unversioned package.
   * wit-parser's Resolve keeps those gates the same way, so this is a limit
   * of WIT text, not a difference in resolution.
   */
  | { readonly kind: 'unprintable-gate'; readonly world: string }
  | { readonly kind: 'witgen-crash'; readonly error: string }
  /** wasm-tools panicked (e.g. on the doc comment `/**\/`): no reference verdict. */
  | { readonly kind: 'wasm-tools-panic'; readonly error: string }
  | { readonly kind: 'timeout' };

export function witgenVerdict(input: DiffInput): WitgenVerdict {
  const options =
    input.features === 'all'
      ? { allFeatures: true }
      : { features: input.features };
  try {
    return { accept: true, loaded: loadWitText(input.text, { ...options, path: 'input.wit' }) };
  } catch (error) {
    if (error instanceof WitError) return { accept: false, error };
    return { crash: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

/** The main package first (printed as the file's package), then every other one nested. */
export function printAll(loaded: LoadedWit): string {
  const rest = loaded.resolve.packages.map((_, id) => id).filter((id) => !loaded.main.includes(id));
  return printPackages(loaded.resolve, [...loaded.main, ...rest] as PackageId[]);
}

/** `ns:pkg/world@version` of every world witgen resolved, the main package's first. */
export function worldRefs(loaded: LoadedWit): string[] {
  return loaded.resolve.worlds.map((world) => {
    const pkg = loaded.resolve.packages[world.package ?? -1];
    if (!pkg) throw new Error(`world ${world.name} has no package`);
    const { namespace, name, version } = pkg.name;
    return `${namespace}:${name}/${world.name}${version ? `@${version}` : ''}`;
  });
}

export interface CompareOptions {
  readonly timeoutMs: number;
  /** Compare at most this many worlds per input through wasm-tools (each costs two calls). */
  readonly maxWorlds: number;
}

export async function compareWithWasmTools(wasmTools: WasmTools, input: DiffInput, options: CompareOptions): Promise<DiffOutcome> {
  const ours = witgenVerdict(input);
  if ('crash' in ours) return { kind: 'witgen-crash', error: ours.crash };
  const theirs = await wasmTools.verdict(input.text, input.features, options.timeoutMs);
  if ('timeout' in theirs) return { kind: 'timeout' };
  if ('trap' in theirs) return { kind: 'wasm-tools-panic', error: theirs.trap };
  if (!ours.accept) {
    return theirs.accept
      ? { kind: 'wasm-tools-only-accepts', witgen: ours.error.render() }
      : { kind: 'both-reject', witgen: ours.error.render(), wasmTools: theirs.error };
  }
  if (!theirs.accept) return { kind: 'witgen-only-accepts', wasmTools: theirs.error };
  const printed = printAll(ours.loaded);
  let compared = 0;
  for (const world of worldRefs(ours.loaded).slice(0, options.maxWorlds)) {
    const original = await wasmTools.view(input.text, world, options.timeoutMs, input.features);
    // Only worlds wasm-tools can build a dummy component for are compared.
    if (!('wit' in original)) continue;
    const again = await wasmTools.view(printed, world, options.timeoutMs * 2, input.features);
    if ('timeout' in again) return { kind: 'timeout' };
    if ('error' in again && again.error.includes('contains a feature gate with a version specifier')) {
      return { kind: 'unprintable-gate', world };
    }
    const seen = 'wit' in again ? again.wit : `error: ${again.error}`;
    if (seen !== original.wit && sortedLines(seen) === sortedLines(original.wit)) return { kind: 'world-order-differs', world };
    if (seen !== original.wit) return { kind: 'world-differs', world, original: original.wit, printed: `${printed}\n--- wasm-tools on it ---\n${seen}` };
    compared++;
  }
  return { kind: 'both-accept', worlds: compared };
}

function sortedLines(text: string): string {
  return text.split('\n').sort().join('\n');
}
