/**
 * Test helper: builds the CLI with the project's own tsup config (read from
 * the working directory, the repo root under vitest) into a private folder
 * under .witgen-cache/ — inside the repo so the bundle still finds
 * node_modules, private so parallel test files never race on dist/ — and runs
 * it as a child process, the way a user runs `witgen`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'tsup';

export const repoRoot = resolve(__dirname, '../..');

/** A line of a JavaScript stack trace: what a user-facing error must never print. */
export const STACK_LINE = /^\s+at .+[:(]/m;

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BuiltCli {
  /** Path of the built `cli/main.js`. */
  readonly main: string;
  run(args: readonly string[], cwd?: string): CliResult;
  dispose(): void;
}

export async function buildCli(): Promise<BuiltCli> {
  const cache = join(repoRoot, '.witgen-cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, 'cli-'));
  await build({ outDir, dts: false, sourcemap: false, silent: true });
  const main = join(outDir, 'cli', 'main.js');
  return {
    main,
    run(args, runCwd = repoRoot) {
      const result = spawnSync(process.execPath, [main, ...args], {
        cwd: runCwd,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    dispose() {
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
