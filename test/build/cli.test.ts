/**
 * `witgen build` through the built CLI: success writes the component, and
 * every kind of bad input exits 1 with the message on stderr and no stack.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentWit, parse } from '@bytecodealliance/jco';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, repoRoot, type BuiltCli, STACK_LINE } from '../cli/run-cli.js';

let cli: BuiltCli;
let scratch: string;

beforeAll(async () => {
  cli = await buildCli();
  scratch = mkdtempSync(join(tmpdir(), 'witgen-build-cli-'));
});
afterAll(() => {
  cli?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const PLUGIN_CORE = join(repoRoot, 'guests/c/plugin/plugin.core.wasm');

async function writeWat(name: string, wat: string): Promise<string> {
  const path = join(scratch, name);
  writeFileSync(path, await parse(wat));
  return path;
}

function expectCleanFailure(result: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_LINE);
}

describe('witgen build', () => {
  it('wraps the plugin guest with the reactor adapter and writes the component', async () => {
    const out = join(scratch, 'plugin.wasm');
    const result = cli.run(['build', PLUGIN_CORE, '--wit', 'wit', '--world', 'plugin', '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^wrote .*plugin\.wasm \(\d+ bytes, with the WASI preview1 reactor adapter\)\n$/);
    const wit = await componentWit(new Uint8Array(readFileSync(out)));
    expect(wit).toContain('export point-add: func(a: point, b: point) -> point;');
  });

  it('lists every mismatch and exits 1', async () => {
    const core = await writeWat(
      'bad.wasm',
      `(module
        (import "env" "my_extern_fun" (func))
        (import "$root" "host-get-shared-value" (func (result i64)))
        (memory (export "memory") 1)
        (func (export "just-add") (param i64 i64) (result i64) local.get 0))`,
    );
    const result = cli.run(['build', core, '--wit', 'wit', '-o', join(scratch, 'never.wasm')]);
    expectCleanFailure(result, /does not fit world `witgen:example\/plugin@0\.1\.0` \(4 problems\)/);
    expect(result.stderr).toContain('unknown import `env::my_extern_fun` (func)');
    expect(result.stderr).toContain('expected (func (result i32)), found (func (result i64))');
    expect(result.stderr).toContain('missing export `trigger-host-calls` (world export `trigger-host-calls`): expected (func (param i32))');
    expect(result.stderr).toContain('missing export `point-add`');
  });

  it('a missing core file', () => {
    expectCleanFailure(cli.run(['build', join(scratch, 'nope.wasm'), '--wit', 'wit', '-o', join(scratch, 'x.wasm')]), /cannot read .*nope\.wasm: ENOENT/);
  });

  it('a core file that is not wasm', () => {
    const path = join(scratch, 'text.wasm');
    writeFileSync(path, 'not wasm at all');
    expectCleanFailure(cli.run(['build', path, '--wit', 'wit', '-o', join(scratch, 'x.wasm')]), /cannot read the core module: not a WebAssembly binary/);
  });

  it('a core file whose code the engine refuses', () => {
    // i32.add on an empty stack: well-formed sections, invalid code.
    const path = join(scratch, 'invalid-code.wasm');
    writeFileSync(path, Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 5, 1, 3, 0, 106, 11]));
    expectCleanFailure(
      cli.run(['build', path, '--wit', 'wit', '-o', join(scratch, 'x.wasm')]),
      /cannot read the core module: it is not valid WebAssembly: Compiling function #0 failed: /,
    );
  });

  it('bad WIT is reported with its location', () => {
    const wit = join(scratch, 'broken.wit');
    writeFileSync(wit, 'package a:b;\nworld w {\n  export f: func(;\n}\n');
    expectCleanFailure(cli.run(['build', PLUGIN_CORE, '--wit', wit, '-o', join(scratch, 'x.wasm')]), /broken\.wit:3:\d+/);
  });

  it('an unknown world', () => {
    expectCleanFailure(cli.run(['build', PLUGIN_CORE, '--wit', 'wit', '--world', 'nope', '-o', join(scratch, 'x.wasm')]), /world `nope` not found/);
  });

  it('an unwritable output path', () => {
    expectCleanFailure(
      cli.run(['build', PLUGIN_CORE, '--wit', 'wit', '-o', join(scratch, 'no-such-dir', 'x.wasm')]),
      /cannot write .*x\.wasm: ENOENT/,
    );
  });

  it('requires --wit and -o, and checks --string-encoding', () => {
    const noWit = cli.run(['build', PLUGIN_CORE, '-o', join(scratch, 'x.wasm')]);
    expect(noWit.status).toBe(1);
    expect(noWit.stderr).toMatch(/required option '--wit <path>'/);
    const noOut = cli.run(['build', PLUGIN_CORE, '--wit', 'wit']);
    expect(noOut.status).toBe(1);
    expect(noOut.stderr).toMatch(/required option '-o, --out <file>'/);
    const badEncoding = cli.run(['build', PLUGIN_CORE, '--wit', 'wit', '--string-encoding', 'ascii', '-o', join(scratch, 'x.wasm')]);
    expect(badEncoding.status).toBe(1);
    expect(badEncoding.stderr).toMatch(/expected one of utf8, utf16, compact-utf16/);
  });
});
