import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { buildCli, repoRoot, type BuiltCli, STACK_LINE } from './run-cli.js';

let cli: BuiltCli;
let scratch: string;

beforeAll(async () => {
  cli = await buildCli();
  mkdirSync(join(repoRoot, '.witgen-cache'), { recursive: true });
  scratch = mkdtempSync(join(repoRoot, '.witgen-cache', 'cli-wit-'));
});
afterAll(() => {
  cli?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Writes a scratch WIT file and returns its path relative to the repo root. */
function witFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

/** A stack trace line (`    at foo (file:1:2)`), which the CLI must never print. */

describe('witgen (built CLI)', () => {
  it('is the file package.json names as the witgen bin', () => {
    // run-cli builds with the project tsup config into its own folder; `dist/` is the real one.
    expect(pkg.bin.witgen).toBe('dist/cli/main.js');
    expect(cli.main.endsWith(join('cli', 'main.js'))).toBe(true);
  });

  it('starts with a node shebang', () => {
    expect(readFileSync(cli.main, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('prints its version', () => {
    const result = cli.run(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('prints help naming the wit command and its options', () => {
    const top = cli.run(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/Usage: witgen/);
    expect(top.stdout).toMatch(/\bwit\b.*<path>/);
    const wit = cli.run(['wit', '--help']);
    expect(wit.status).toBe(0);
    for (const option of ['--world', '--json', '--features', '--all-features']) expect(wit.stdout).toContain(option);
  });

  it('lists every command in help although a command run loads only its own module', () => {
    const top = cli.run(['--help']);
    for (const command of ['wit', 'abi', 'build', 'guest']) expect(top.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const unknown = cli.run(['toString']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'toString'/);
    expect(unknown.stderr).not.toMatch(STACK_LINE);
  });

  it('reports an unknown option without a stack trace', () => {
    const result = cli.run(['wit', 'wit', '--no-such-option']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/unknown option '--no-such-option'/);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).toBe('');
  });

  it('reports a missing path argument and a missing path', () => {
    const noArg = cli.run(['wit']);
    expect(noArg.status).toBe(1);
    expect(noArg.stderr).toMatch(/missing required argument 'path'/);
    const missing = cli.run(['wit', join(scratch, 'does-not-exist')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^error: /);
    expect(missing.stderr).toContain('does-not-exist');
    expect(missing.stderr).not.toMatch(STACK_LINE);
  });

  it('prints the bundled example world as normalized WIT', () => {
    const result = cli.run(['wit', 'wit']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^(\/\/\/.*\n)*package witgen:example@0\.1\.0;\n/);
    expect(result.stdout).toContain('world plugin {');
    expect(result.stdout).toContain('  import host-log-value: func(value: s32);');
    expect(result.stdout).toContain('  export point-add: func(a: point, b: point) -> point;');
    expect(result.stdout).toContain('  /// The horizontal coordinate.');
  });

  it('prints WIT that witgen reads back to the same text', () => {
    const first = cli.run(['wit', 'wit']);
    const again = cli.run(['wit', witFile('printed.wit', first.stdout)]);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(first.stdout);
  });

  it('prints Resolve JSON with --json', () => {
    const result = cli.run(['wit', 'wit', '--json']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\{\n {2}"/);
    const json = JSON.parse(result.stdout) as {
      worlds: { name: string; imports: Record<string, unknown>; exports: Record<string, unknown> }[];
      packages: { name: string }[];
    };
    expect(json.packages.map((p) => p.name)).toEqual(['witgen:example@0.1.0']);
    const world = json.worlds.find((w) => w.name === 'plugin');
    expect(Object.keys(world?.exports ?? {})).toEqual(['just-add', 'trigger-host-calls', 'point-add']);
    expect(Object.keys(world?.imports ?? {})).toEqual(
      expect.arrayContaining(['host-log-value', 'host-get-shared-value', 'host-set-shared-value']),
    );
  });

  it('prints exactly wit-parser\'s Resolve JSON for a corpus case with deps', () => {
    const corpus = join(repoRoot, '../shared/conformance/wit-parser');
    const result = cli.run(['wit', join(corpus, 'foreign-deps'), '--json', '--features', 'active']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(readFileSync(join(corpus, 'foreign-deps.wit.json'), 'utf8')));
  });

  it('checks --world', () => {
    const ok = cli.run(['wit', 'wit', '--world', 'plugin']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('world plugin {');
    const bad = cli.run(['wit', 'wit', '--world', 'nope']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^error: .*nope/);
    expect(bad.stderr).not.toMatch(STACK_LINE);
  });

  it('renders a syntax error as a located diagnostic with a snippet and caret', () => {
    const path = witFile('broken.wit', 'package a:b;\n\ninterface i {\n  f: func(x: u32) -> ;\n}\n');
    const result = cli.run(['wit', path]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const [headline, arrow, gutter, source, caret] = result.stderr.split('\n');
    expect(headline).toMatch(/^error: \S/);
    expect(arrow).toBe(`  --> ${path}:4:22`);
    expect(gutter).toBe('  |');
    expect(source).toBe('4 |   f: func(x: u32) -> ;');
    expect(caret).toBe('  |                      ^');
    // Not a terminal: no colour codes.
    expect(result.stderr).not.toContain('\u001b[');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('applies --features and --all-features to @unstable items', () => {
    const path = witFile(
      'gated.wit',
      'package a:b;\n\ninterface i {\n  @unstable(feature = fancy)\n  fancy: func();\n  plain: func();\n}\n',
    );
    const without = cli.run(['wit', path]);
    expect(without.status).toBe(0);
    expect(without.stdout).not.toContain('fancy: func();');
    expect(without.stdout).toContain('plain: func();');
    for (const flags of [['--features', 'other,fancy'], ['--all-features']]) {
      const withIt = cli.run(['wit', path, ...flags]);
      expect(withIt.status).toBe(0);
      expect(withIt.stdout).toContain('  @unstable(feature = fancy)\n  fancy: func();');
    }
    const empty = cli.run(['wit', path, '--features', 'a,,b']);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/feature names must not be empty/);
  });
});
