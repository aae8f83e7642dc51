#!/usr/bin/env node
/**
 * The `witgen` command line. It only parses arguments and calls library
 * functions: every command lives in ./commands/ and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { formatError } from './diagnostics.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded on demand: a run of one command loads only
 * that command's code (start-up time is most of a CLI call), while help and
 * unknown commands load them all. The order here is the order in `--help`.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  wit: async () => (await import('./commands/wit.js')).registerWitCommand,
  abi: async () => (await import('./commands/abi.js')).registerAbiCommand,
  build: async () => (await import('./commands/build.js')).registerBuildCommand,
  upgrade: async () => (await import('./commands/upgrade.js')).registerUpgradeCommand,
  guest: async () => (await import('./commands/guest.js')).registerGuestCommand,
  // The default command (see withDefaultCommand): bare `witgen` generates from the config.
  generate: async () => (await import('./commands/generate.js')).registerGenerateCommand,
};

/** Flags that are about witgen itself, not the default command. */
const PROGRAM_FLAGS = new Set(['-h', '--help', '-V', '--version']);

async function createProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('witgen')
    .description(pkg.description)
    .version(pkg.version, '-V, --version', 'print the witgen version')
    .showHelpAfterError('(run `witgen --help` for usage)')
    .exitOverride();
  const requested = argv[2];
  const only = requested !== undefined && Object.hasOwn(COMMANDS, requested) ? COMMANDS[requested] : undefined;
  const loaders = only !== undefined ? [only] : Object.values(COMMANDS);
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program);
  return program;
}

/** No command name (nothing, or options only such as `--check`) means the default command, `generate`. */
function withDefaultCommand(argv: readonly string[]): string[] {
  const first = argv[2];
  const bare = first === undefined || (first.startsWith('-') && !PROGRAM_FLAGS.has(first));
  return bare ? [...argv.slice(0, 2), 'generate', ...argv.slice(2)] : [...argv];
}

async function main(rawArgv: readonly string[]): Promise<number> {
  try {
    const argv = withDefaultCommand(rawArgv);
    const program = await createProgram(argv);
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    // Commander already printed its own message (unknown option, --help...).
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`${formatError(error, process.stderr.isTTY === true)}\n`);
    return 1;
  }
}

// `witgen wit big.wit | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
