/**
 * `witgen build <core.wasm | guest.js> --wit <wit> --world W -o <component.wasm>`:
 * wraps a core module into a component of a WIT world, or builds a JavaScript
 * module into one with ComponentizeJS (see src/build).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { collectFeatures } from '../options.js';
import { basename } from 'node:path';
import { buildComponent, type BuildResult, type StringEncoding } from '../../build/build.js';
import { BuildError } from '../../build/errors.js';
import { detectBuildInput } from '../../build/input-kind.js';
import { buildJsGuest } from '../../build/js.js';
import { DEFAULT_JS_FEATURES, isJsFeature, JS_FEATURES, type JsFeature } from '../../build/js-features.js';
import { loadWit, type LoadedWit } from '../../wit/load.js';

export interface BuildCommandOptions {
  readonly wit: string;
  readonly world?: string;
  readonly out: string;
  readonly stringEncoding?: StringEncoding;
  readonly features?: readonly string[];
  readonly allFeatures?: boolean;
  /** ComponentizeJS features for a JavaScript guest; default DEFAULT_JS_FEATURES. */
  readonly jsFeatures?: readonly JsFeature[];
}

/** Everything `witgen build` does, as a function: writes the component, returns the line to print. */
export async function buildCommand(inputPath: string, options: BuildCommandOptions): Promise<string> {
  const input = await readBytes(inputPath);
  const kind = detectBuildInput(inputPath, input);
  if (kind === 'javascript' && options.stringEncoding !== undefined) {
    throw new BuildError('BUILD_INPUT', '--string-encoding applies to core modules; a JavaScript guest is built with the encoding ComponentizeJS chooses');
  }
  if (kind === 'core-wasm' && options.jsFeatures !== undefined) {
    throw new BuildError('BUILD_INPUT', `--js-features applies to JavaScript guests; ${inputPath} is a WebAssembly module`);
  }
  const loaded = loadWit(options.wit, { features: options.features ?? [], allFeatures: options.allFeatures ?? false });
  if (kind === 'javascript') return buildJs(inputPath, input, loaded, options);
  const core = input;
  const result = await buildComponent({
    core,
    wit: loaded,
    ...(options.world === undefined ? {} : { world: options.world }),
    ...(options.stringEncoding === undefined ? {} : { stringEncoding: options.stringEncoding }),
  });
  await writeOut(options.out, result.component);
  return `wrote ${options.out} (${result.component.length} bytes${adapterNote(result)})\n`;
}

async function buildJs(sourcePath: string, bytes: Uint8Array, loaded: LoadedWit, options: BuildCommandOptions): Promise<string> {
  const result = await buildJsGuest({
    source: decodeSource(sourcePath, bytes),
    sourceName: basename(sourcePath),
    wit: loaded,
    ...(options.world === undefined ? {} : { world: options.world }),
    ...(options.jsFeatures === undefined ? {} : { features: options.jsFeatures }),
  });
  await writeOut(options.out, result.component);
  const features = result.features.length === 0 ? 'no features' : `features: ${result.features.join(', ')}`;
  return `wrote ${options.out} (${result.component.length} bytes, JavaScript guest built with ComponentizeJS ${result.componentizeVersion}, ${features})\n`;
}

function decodeSource(path: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BuildError('BUILD_INPUT', `cannot read ${path}: expected JavaScript source in UTF-8, found bytes that are not UTF-8`);
  }
}

async function writeOut(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw new BuildError('BUILD_IO', `cannot write ${path}: ${reason(error)}`);
  }
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

/** `--js-features stdio,clocks --js-features random` → the set; `none` alone means no features. */
function collectJsFeatures(value: string, previous: readonly JsFeature[] | undefined): JsFeature[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.length === 1 && names[0] === 'none') return [...(previous ?? [])];
  const unknown = names.filter((name) => !isJsFeature(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`expected some of ${JS_FEATURES.join(', ')} (or none), found ${unknown.map((n) => `\`${n}\``).join(', ')}`);
  return [...new Set([...(previous ?? []), ...names.filter(isJsFeature)])];
}

export function registerBuildCommand(program: Command): void {
  program
    .command('build')
    .description(
      'wrap a core wasm module into a component of a WIT world (adds the WASI preview1 adapter when needed), ' +
        'or build a JavaScript module (.js, .mjs) into one with ComponentizeJS',
    )
    .argument('<input>', 'the core wasm module (e.g. compiled by clang for wasm32-wasi) or the JavaScript ES module of the guest')
    .requiredOption('--wit <path>', 'a .wit file, or a directory of .wit files with an optional deps/ folder')
    .option('-w, --world <name>', 'the world (`w` or `ns:pkg/w@version`); optional if there is only one')
    .requiredOption('-o, --out <file>', 'where to write the component')
    .option('--string-encoding <encoding>', 'how the module encodes strings: utf8, utf16 or compact-utf16', parseEncoding)
    .option('--features <names>', 'enable @unstable features (comma-separated, repeatable)', collectFeatures, [])
    .option('--all-features', 'enable every @unstable feature')
    .option(
      '--js-features <names>',
      `JavaScript guests: ComponentizeJS features to build in (${JS_FEATURES.join(', ')}, or none; comma-separated, repeatable; ` +
        `default ${DEFAULT_JS_FEATURES.join(',')}: witgen's runtime grants clocks and random only when asked)`,
      collectJsFeatures,
    )
    .action(async (core: string, options: BuildCommandOptions) => {
      process.stdout.write(await buildCommand(core, options));
    });
}
