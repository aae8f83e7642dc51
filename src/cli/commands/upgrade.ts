/**
 * `witgen upgrade <core.wasm> --wit <wit> --world W -o <component.wasm>`:
 * turns a legacy `extern "C"` core module into a component of its WIT world
 * (see src/upgrade). Takes the legacy path's naming and allocator options.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { collectFeatures } from '../options.js';
import { UpgradeError } from '../../upgrade/errors.js';
import { upgradeLegacy, type UpgradeResult } from '../../upgrade/upgrade.js';
import { loadWit } from '../../wit/load.js';

export interface UpgradeCommandOptions {
  readonly wit: string;
  readonly world?: string;
  readonly out: string;
  readonly features?: readonly string[];
  readonly allFeatures?: boolean;
  readonly importModule?: string;
  readonly symbol?: readonly string[];
  readonly malloc?: string;
  /** A name, or `false` from `--no-free`. */
  readonly free?: string | false;
  readonly resultOwnership?: 'caller' | 'guest';
}

/** Everything `witgen upgrade` does, as a function: writes the component, returns the line to print. */
export async function upgradeCommand(corePath: string, options: UpgradeCommandOptions): Promise<string> {
  const loaded = loadWit(options.wit, { features: options.features ?? [], allFeatures: options.allFeatures ?? false });
  const core = await readBytes(corePath);
  const names = Object.fromEntries((options.symbol ?? []).map(parseSymbol));
  const allocator = {
    ...(options.malloc === undefined ? {} : { malloc: options.malloc }),
    ...(options.free === undefined ? {} : { free: options.free === false ? null : options.free }),
  };
  const result = await upgradeLegacy(core, {
    wit: loaded,
    names,
    allocator,
    ...(options.world === undefined ? {} : { world: options.world }),
    ...(options.importModule === undefined ? {} : { importModule: options.importModule }),
    ...(options.resultOwnership === undefined ? {} : { resultOwnership: options.resultOwnership }),
  });
  try {
    await writeFile(options.out, result.component);
  } catch (error) {
    throw new UpgradeError('UPGRADE_INPUT', `cannot write ${options.out}: ${reason(error)}`);
  }
  return `wrote ${options.out} (${result.component.length} bytes${wasiNote(result)})\n`;
}

function wasiNote(result: UpgradeResult): string {
  return result.wasi === null ? '' : `, with the WASI preview1 ${result.wasi} adapter`;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new UpgradeError('UPGRADE_INPUT', `cannot read ${path}: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  if (error instanceof Error && 'code' in error) return String((error as NodeJS.ErrnoException).code);
  return error instanceof Error ? error.message : String(error);
}

function parseSymbol(pair: string): [string, string] {
  const eq = pair.indexOf('=');
  if (eq <= 0 || eq === pair.length - 1) {
    throw new UpgradeError('UPGRADE_INPUT', `\`--symbol ${pair}\` must have the form K=V (e.g. \`--symbol just-add=add64\`)`);
  }
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseOwnership(value: string): 'caller' | 'guest' {
  if (value !== 'caller' && value !== 'guest') throw new InvalidArgumentError('expected caller or guest');
  return value;
}

export function registerUpgradeCommand(program: Command): void {
  program
    .command('upgrade')
    .description('turn a legacy extern "C" core module into a component of its WIT world (adds the WASI preview1 adapter when needed)')
    .argument('<core>', 'the legacy core wasm module (wasm32 C ABI, world imports from `env`)')
    .requiredOption('--wit <path>', 'a .wit file, or a directory of .wit files with an optional deps/ folder')
    .option('-w, --world <name>', 'the world (`w` or `ns:pkg/w@version`); optional if there is only one')
    .requiredOption('-o, --out <file>', 'where to write the component')
    .option('--features <names>', 'enable @unstable features (comma-separated, repeatable)', collectFeatures, [])
    .option('--all-features', 'enable every @unstable feature')
    .option('--import-module <name>', 'the import module of the world imports in the core module (default env)')
    .option('--symbol <K=V>', 'core symbol V for WIT function K (or iface#func); repeatable', collect, [])
    .option('--malloc <name>', 'the allocator export: malloc-like (i32) -> i32, or cabi_realloc (default malloc, or cabi_realloc when exported)')
    .option('--free <name>', 'the free export (default free)')
    .option('--no-free', 'never free what the adapter allocates (for a module without free)')
    .option('--result-ownership <who>', 'who owns strings and lists an export returns: caller (default, freed after reading) or guest', parseOwnership)
    .action(async (core: string, options: UpgradeCommandOptions) => {
      process.stdout.write(await upgradeCommand(core, options));
    });
}
