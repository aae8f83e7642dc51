/**
 * `witgen generate` (and bare `witgen`): TypeScript host bindings for the
 * worlds of the config, or for the world given by flags. `--check` writes
 * nothing and fails when a file is stale or missing; `--watch` regenerates
 * on every change to the WIT or the config.
 */
import { relative, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '../../config/errors.js';
import { findConfig, loadConfig, type LoadedConfig } from '../../config/load.js';
import { checkTargets, generateTargets, StaleBindingsError, type FileOutcome } from '../../config/run.js';
import { resolveTargets, type GenerateTarget, type TargetFlags } from '../../config/targets.js';
import { watchBindings } from '../../config/watch.js';
import { formatError } from '../diagnostics.js';
import { collectFeatures } from '../options.js';

export interface GenerateCliOptions extends TargetFlags {
  readonly config?: string;
  readonly check?: boolean;
  readonly watch?: boolean;
}

/** The targets of one run: the config (unless the flags say everything), flags applied. */
export async function generateTargetsFor(options: GenerateCliOptions, cwd: string): Promise<GenerateTarget[]> {
  const flagsComplete = options.wit !== undefined && options.out !== undefined && options.config === undefined;
  // Complete flags need no config; one found nearby still supplies defaults for the same world.
  const config: LoadedConfig | null = flagsComplete
    ? await loadConfig({ cwd }).catch(() => null)
    : await loadConfig({ cwd, ...(options.config === undefined ? {} : { path: options.config }) });
  return resolveTargets(config, options, cwd);
}

function show(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') ? path : rel;
}

function summary(outcomes: readonly FileOutcome[], cwd: string): string {
  const written = outcomes.filter((o) => o.state === 'written').map((o) => show(o.path, cwd));
  const unchanged = outcomes.length - written.length;
  const parts = written.length > 0 ? [`wrote ${written.join(', ')}`] : [];
  if (unchanged > 0) parts.push(`${unchanged} file${unchanged === 1 ? '' : 's'} already up to date`);
  return parts.join('; ');
}

/** Runs the command (a failed --check throws StaleBindingsError; --watch returns when stopped). */
export async function generateCommand(options: GenerateCliOptions, cwd = process.cwd()): Promise<void> {
  if (options.check && options.watch) {
    throw new ConfigError('CONFIG_INVALID', '--check and --watch cannot be combined (expected one of them)');
  }
  if (options.watch) return watchCommand(options, cwd);
  const targets = await generateTargetsFor(options, cwd);
  if (options.check) {
    const outcomes = await checkTargets(targets);
    const bad = outcomes.filter((o) => o.state !== 'current');
    if (bad.length > 0) throw new StaleBindingsError(bad, (path) => show(path, cwd));
    process.stdout.write(`${outcomes.length} generated file${outcomes.length === 1 ? ' is' : 's are'} up to date\n`);
    return;
  }
  const outcomes = await generateTargets(targets);
  process.stdout.write(`${summary(outcomes, cwd)}\n`);
}

/** Watches until the process is stopped (SIGINT/SIGTERM close the watchers). */
async function watchCommand(options: GenerateCliOptions, cwd: string): Promise<void> {
  const configPath = options.config !== undefined ? resolve(cwd, options.config) : findConfig(cwd);
  const watcher = await watchBindings({
    targets: () => generateTargetsFor(options, cwd),
    extraFiles: configPath === null ? [] : [configPath],
    onEvent: (event) => {
      const after = event.trigger === null ? '' : ` (${show(event.trigger, cwd)} changed)`;
      if (event.kind === 'generated') process.stdout.write(`${summary(event.outcomes, cwd)}${after}\n`);
      else process.stderr.write(`${formatError(event.error, process.stderr.isTTY === true)}${after}\n`);
    },
  });
  process.stdout.write('watching for changes (Ctrl+C to stop)\n');
  return new Promise<void>((done) => {
    const stop = (): void => {
      watcher.close();
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function parseAbi(value: string): 'component' | 'c' {
  if (value !== 'component' && value !== 'c') throw new InvalidArgumentError("expected 'component' or 'c'");
  return value;
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('generate typed TypeScript host bindings (one module per world) from the witgen config or flags')
    .option('-c, --config <file>', 'the config file (default: found from the working folder)')
    .option('--wit <path>', 'a .wit file or a folder of .wit files (with --out: ignore the config)')
    .option('-w, --world <name>', 'the world (`w` or `ns:pkg/w@version`); with a config, only that world')
    .option('-o, --out <dir>', 'the folder to write `<world>.ts` to')
    .option('--abi <abi>', "'component' (default) or 'c' for a legacy core module", parseAbi)
    .option('--runtime-import <specifier>', 'what the bindings import the runtime from (default witgen/runtime)')
    .option('--features <names>', 'enable @unstable features (comma-separated, repeatable)', collectFeatures)
    .option('--all-features', 'enable every @unstable feature')
    .option('--check', 'write nothing; exit 1 when a generated file is missing or stale')
    .option('--watch', 'regenerate whenever the WIT or the config changes')
    .action(async (options: GenerateCliOptions) => {
      await generateCommand(options);
    });
}
