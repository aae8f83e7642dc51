/**
 * `witgen guest ts` as a user runs it: the built CLI in a child process
 * writes `<world>.d.ts` (the same bytes as the library function) and reports
 * a bad world name or an unbuildable world without a stack trace.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTsGuest } from '../../src/codegen/ts-guest/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { buildCli, repoRoot, type BuiltCli } from '../cli/run-cli.js';

describe('witgen guest ts', () => {
  let cli: BuiltCli;
  const out = mkdtempSync(join(tmpdir(), 'witgen-guest-ts-cli-'));
  beforeAll(async () => {
    cli = await buildCli();
  }, 120_000);
  afterAll(() => {
    cli?.dispose();
    rmSync(out, { recursive: true, force: true });
  });

  it('writes <world>.d.ts, byte for byte what generateTsGuest returns', () => {
    const result = cli.run(['guest', 'ts', 'wit/plugin.wit', '--world', 'plugin', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`wrote ${join(out, 'plugin.d.ts')}\n`);
    const loaded = loadWit(join(repoRoot, 'wit/plugin.wit'));
    const expected = generateTsGuest(loaded.resolve, selectWorld(loaded, 'plugin')).files[0]?.content;
    expect(readFileSync(join(out, 'plugin.d.ts'), 'utf8')).toBe(expected);
  });

  it('a world that does not exist: an error naming it, exit 1, no stack trace', () => {
    const result = cli.run(['guest', 'ts', 'wit/plugin.wit', '--world', 'plugn', '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/plugn/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a world ComponentizeJS cannot build: an error naming the function, no stack trace', () => {
    const wit = join(out, 'async.wit');
    writeFileSync(wit, 'package ex:a@0.1.0;\nworld w {\n  export run: async func() -> u32;\n}\n');
    const result = cli.run(['guest', 'ts', wit, '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: world `w` cannot be built by ComponentizeJS/);
    expect(result.stderr).toMatch(/`run` is an async function/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--features enables an @unstable export', () => {
    const wit = join(out, 'gated.wit');
    writeFileSync(wit, 'package ex:g@0.1.0;\nworld gated {\n  @unstable(feature = extra)\n  export extra-fn: func() -> u32;\n  export base: func();\n}\n');
    expect(cli.run(['guest', 'ts', wit, '--out', out]).status).toBe(0);
    expect(readFileSync(join(out, 'gated.d.ts'), 'utf8')).not.toContain('extraFn');
    expect(cli.run(['guest', 'ts', wit, '--out', out, '--features', 'extra']).status).toBe(0);
    expect(readFileSync(join(out, 'gated.d.ts'), 'utf8')).toContain('extraFn: () => number | Promise<number>;');
  });
});
