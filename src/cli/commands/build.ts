/**
 * `witgen build <core.wasm> --wit <wit> --world W -o <component.wasm>`:
 * wraps a core module into a component of a WIT world (see src/build).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { collectFeatures } from '../options.js';
import { buildComponent, type BuildResult, type StringEncoding } from '../../build/build.js';
import { BuildError } from '../../build/errors.js';
import { loadWit } from '../../wit/load.js';

export interface BuildCommandOptions {
  readonly wit: string;
  readonly world?: string;
  readonly out: string;
  readonly stringEncoding?: StringEncoding;
  readonly features?: readonly string[];
  readonly allFeatures?: boolean;
}

/** Everything `witgen build` does, as a function: writes the component, returns the line to print. */
export async function buildCommand(corePath: string, options: BuildCommandOptions): Promise<string> {
  const loaded = loadWit(options.wit, { features: options.features ?? [], allFeatures: options.allFeatures ?? false });
  const core = await readBytes(corePath);
  const result = await buildComponent({
    core,
    wit: loaded,
    ...(options.world === undefined ? {} : { world: options.world }),
    ...(options.stringEncoding === undefined ? {} : { stringEncoding: options.stringEncoding }),
  });
  try {
    await writeFile(options.out, result.component);
  } catch (error) {
    throw new BuildError('BUILD_IO', `cannot write ${options.out}: ${reason(error)}`);
  }
  return `wrote ${options.out} (${result.component.length} bytes${adapterNote(result)})\n`;
}

function adapterNote(result: BuildResult): string {
  return result.adapter === null ? '' : `, with the WASI preview1 ${result.adapter} adapter`;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new BuildError('BUILD_IO', `cannot read ${path}: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  if (error instanceof Error && 'code' in error) return String((error as NodeJS.ErrnoException).code);
  return error instanceof Error ? error.message : String(error);
}

const ENCODINGS: readonly StringEncoding[] = ['utf8', 'utf16', 'compact-utf16'];

function parseEncoding(value: string): StringEncoding {
  const found = ENCODINGS.find((e) => e === value);
  if (found === undefined) throw new InvalidArgumentError(`expected one of ${ENCODINGS.join(', ')}`);
  return found;
}

export function registerBuildCommand(program: Command): void {
  program
    .command('build')
    .description('wrap a core wasm module into a component of a WIT world (adds the WASI preview1 adapter when needed)')
    .argument('<core>', 'the core wasm module (e.g. compiled by clang for wasm32-wasi)')
    .requiredOption('--wit <path>', 'a .wit file, or a directory of .wit files with an optional deps/ folder')
    .option('-w, --world <name>', 'the world (`w` or `ns:pkg/w@version`); optional if there is only one')
    .requiredOption('-o, --out <file>', 'where to write the component')
    .option('--string-encoding <encoding>', 'how the module encodes strings: utf8, utf16 or compact-utf16', parseEncoding)
    .option('--features <names>', 'enable @unstable features (comma-separated, repeatable)', collectFeatures, [])
    .option('--all-features', 'enable every @unstable feature')
    .action(async (core: string, options: BuildCommandOptions) => {
      process.stdout.write(await buildCommand(core, options));
    });
}
