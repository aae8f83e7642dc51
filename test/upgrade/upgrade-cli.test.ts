/**
 * `witgen upgrade` as a user runs it (the built CLI in a child process):
 * writes a component that runs, takes the legacy naming options, and reports
 * refusals as one message with its code and no stack trace, exiting 1.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiate } from '../../src/runtime/index.js';
import { buildCli, repoRoot, type BuiltCli, STACK_LINE } from '../cli/run-cli.js';

let cli: BuiltCli;
let scratch: string;

beforeAll(async () => {
  cli = await buildCli();
  mkdirSync(join(repoRoot, '.witgen-cache'), { recursive: true });
  scratch = mkdtempSync(join(repoRoot, '.witgen-cache', 'cli-upgrade-'));
}, 120_000);
afterAll(() => {
  cli?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('witgen upgrade (built CLI)', () => {
  it('upgrades the legacy C plugin into a component that runs', async () => {
    const out = join(scratch, 'plugin.component.wasm');
    const result = cli.run(['upgrade', 'guests/legacy/c/plugin/plugin.core.wasm', '--wit', 'wit', '--world', 'plugin', '-o', out]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const bytes = new Uint8Array(readFileSync(out));
    expect(result.stdout).toBe(`wrote ${out} (${bytes.length} bytes)\n`);
    const logged: number[] = [];
    let shared = 10;
    const plugin = (await instantiate(bytes, {
      hostLogValue: (v: number) => void logged.push(v),
      hostGetSharedValue: () => shared,
      hostSetSharedValue: (v: number) => {
        shared = v;
      },
    })) as { justAdd(a: bigint, b: bigint): bigint; triggerHostCalls(n: number): void };
    expect(plugin.justAdd(40n, 2n)).toBe(42n);
    plugin.triggerHostCalls(3);
    expect([logged, shared]).toEqual([[6], 18]);
  });

  it('says when it linked the WASI preview1 adapter (the Rust plugin)', () => {
    const out = join(scratch, 'rust.component.wasm');
    const result = cli.run(['upgrade', 'guests/legacy/rust/plugin/plugin.core.wasm', '--wit', 'wit', '-o', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^wrote .+ \(\d+ bytes, with the WASI preview1 reactor adapter\)\n$/);
  });

  it('takes --symbol and --import-module', async () => {
    const core = join(scratch, 'renamed.core.wasm');
    writeFileSync(core, await parse('(module (import "host" "log" (func $log (param i32))) (func (export "go") (param i32) local.get 0 call $log))'));
    const wit = join(scratch, 'renamed.wit');
    writeFileSync(wit, 'package t:r;\nworld w {\n  import host-log-value: func(v: s32);\n  export run: func(n: s32);\n}\n');
    const out = join(scratch, 'renamed.component.wasm');
    const result = cli.run(['upgrade', core, '--wit', wit, '--import-module', 'host', '--symbol', 'host-log-value=log', '--symbol', 'run=go', '-o', out]);
    expect(result.stderr).toBe('');
    const logged: number[] = [];
    const exports = (await instantiate(new Uint8Array(readFileSync(out)), { hostLogValue: (v: number) => void logged.push(v) })) as { run(n: number): void };
    exports.run(5);
    expect(logged).toEqual([5]);
  });

  it('takes --malloc and --free', async () => {
    const core = join(scratch, 'alloc.core.wasm');
    writeFileSync(
      core,
      await parse(`(module (memory (export "memory") 1) (global $b (mut i32) (i32.const 1024))
        (func (export "my_alloc") (param i32) (result i32) (local i32) global.get $b local.set 1 global.get $b local.get 0 i32.add i32.const 8 i32.add global.set $b local.get 1)
        (func (export "my_free") (param i32))
        (func (export "size") (param i32) (result i32) local.get 0 i32.load offset=4))`),
    );
    const wit = join(scratch, 'alloc.wit');
    writeFileSync(wit, 'package t:a;\nworld w {\n  export size: func(s: string) -> u32;\n}\n');
    const out = join(scratch, 'alloc.component.wasm');
    const refused = cli.run(['upgrade', core, '--wit', wit, '-o', out]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('error: `size` passes values through guest memory, so the module must export an allocator');
    const result = cli.run(['upgrade', core, '--wit', wit, '--malloc', 'my_alloc', '--free', 'my_free', '-o', out]);
    expect(result.stderr).toBe('');
    const exports = (await instantiate(new Uint8Array(readFileSync(out)), {})) as { size(s: string): number };
    expect(exports.size('wörld')).toBe(6);
  });

  it('reports every mismatch at once, without a stack trace, and exits 1', () => {
    const wit = join(scratch, 'long.wit');
    writeFileSync(wit, 'package t:l;\nworld w {\n  import test: func() -> s64;\n  export run: func() -> s64;\n}\n');
    const result = cli.run(['upgrade', 'guests/legacy/c/long-test/long-test.core.wasm', '--wit', wit, '-o', join(scratch, 'never.wasm')]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const hint = 'hint: C `long` is 32-bit on wasm32 (i32); use int64_t / long long in the guest for a 64-bit value, or declare s32 in the WIT world';
    expect(result.stderr).toBe(
      'error: the module does not match world `w` (2 problems):\n' +
        '  incompatible export type for `run` (world export `run`): expected (func (result i64)), found (func (result i32))\n' +
        `    ${hint}\n` +
        '  incompatible import type for `env::test` (world import `test`): expected (func (result i64)), found (func (result i32))\n' +
        `    ${hint}\n`,
    );
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('refuses a malformed --symbol', () => {
    const result = cli.run(['upgrade', 'guests/legacy/c/plugin/plugin.core.wasm', '--wit', 'wit', '--symbol', 'oops', '-o', join(scratch, 'never.wasm')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('`--symbol oops` must have the form K=V (e.g. `--symbol just-add=add64`)');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });
});
