/**
 * `witgen wit <path>`: resolve a WIT file or directory and print it back as
 * normalized WIT text, or as wasm-tools-compatible Resolve JSON with `--json`.
 */
import type { Command } from 'commander';
import { collectFeatures } from '../options.js';
import { loadWitAsync, selectWorld, type WitOptions } from '../../wit/load.js';
import { toResolveJson } from '../../wit/json.js';
import { printPackages } from '../../wit/printer.js';

export interface WitCommandOptions {
  /** Only check that this world exists (the output stays the whole package). */
  readonly world?: string;
  readonly json?: boolean;
  readonly features?: readonly string[];
  readonly allFeatures?: boolean;
}

/** Everything `witgen wit` does, as a function: returns the text to print. Throws WitError. */
export async function witCommand(path: string, options: WitCommandOptions = {}): Promise<string> {
  const witOptions: WitOptions = {
    features: options.features ?? [],
    allFeatures: options.allFeatures ?? false,
  };
  const loaded = await loadWitAsync(path, witOptions);
  if (options.world !== undefined) selectWorld(loaded, options.world);
  if (options.json) return `${JSON.stringify(toResolveJson(loaded.resolve), null, 2)}\n`;
  return printPackages(loaded.resolve, loaded.main);
}

export function registerWitCommand(program: Command): void {
  program
    .command('wit')
    .description('resolve a WIT file or directory and print it as normalized WIT (or Resolve JSON)')
    .argument('<path>', 'a .wit file, or a directory of .wit files with an optional deps/ folder')
    .option('-w, --world <name>', 'check that this world exists in the main package')
    .option('--json', 'print the resolved model as wasm-tools Resolve JSON instead of WIT')
    .option('--features <names>', 'enable @unstable features (comma-separated, repeatable)', collectFeatures)
    .option('--all-features', 'enable every @unstable feature')
    .action(async (path: string, options: WitCommandOptions) => {
      process.stdout.write(await witCommand(path, options));
    });
}
