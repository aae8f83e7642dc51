#!/usr/bin/env node
/**
 * The `witgen` command line. It only parses arguments and calls library
 * functions: every command lives in ./commands/ and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { formatError } from './diagnostics.js';
import { registerAbiCommand } from './commands/abi.js';
import { registerBuildCommand } from './commands/build.js';
import { registerGuestCommand } from './commands/guest.js';
import { registerWitCommand } from './commands/wit.js';

function createProgram(): Command {
  const program = new Command('witgen')
    .description(pkg.description)
    .version(pkg.version, '-V, --version', 'print the witgen version')
    .showHelpAfterError('(run `witgen --help` for usage)')
    .exitOverride();
  registerWitCommand(program);
  registerAbiCommand(program);
  registerBuildCommand(program);
  registerGuestCommand(program);
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
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
