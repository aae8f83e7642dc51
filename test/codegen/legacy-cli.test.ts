/**
 * `witgen guest c --abi legacy` and `witgen guest rust --abi legacy`: the
 * command functions (files, options, typed errors) and the built CLI (what a
 * user sees: files written, exit status, the error line).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestC, guestRust } from '../../src/cli/commands/guest.js';
import { LegacyGuestError } from '../../src/codegen/legacy/index.js';
import { buildCli, repoRoot, type BuiltCli } from '../cli/run-cli.js';

const pluginWit = path.join(repoRoot, 'wit', 'plugin.wit');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-legacy-cli-'));

describe('guest commands with --abi legacy', () => {
  it('guest c writes only <world>.h', () => {
    const files = guestC(pluginWit, { world: 'plugin', abi: 'legacy' });
    expect([...files.keys()]).toEqual(['plugin.h']);
    expect(files.get('plugin.h')).toContain('__attribute__((export_name("just_add")))');
  });

  it('guest rust writes only <world>.rs', () => {
    const files = guestRust(pluginWit, { world: 'plugin', abi: 'legacy' });
    expect([...files.keys()]).toEqual(['plugin.rs']);
    expect(files.get('plugin.rs')).toContain('#[link(wasm_import_module = "env")]');
  });

  it('applies --import-module and --symbol to both languages', () => {
    const options = { world: 'plugin', abi: 'legacy', importModule: 'host', symbol: ['just-add=add64', 'import:host-log-value=log'] } as const;
    const header = guestC(pluginWit, options).get('plugin.h') ?? '';
    expect(header).toContain('__attribute__((import_module("host"), import_name("log")))\nvoid log(int32_t value);');
    expect(header).toContain('__attribute__((export_name("add64")))\nuint64_t add64(uint64_t a, uint64_t b);');
    const rust = guestRust(pluginWit, options).get('plugin.rs') ?? '';
    expect(rust).toContain('#[link(wasm_import_module = "host")]');
    expect(rust).toContain('#[link_name = "log"]\n    pub fn log(value: i32);');
    expect(rust).toContain('const _: $module::Add64Export = add64;');
  });

  it('refuses guest rust without --abi legacy, and component-only options with it, as typed errors', () => {
    const attempt = (run: () => unknown): LegacyGuestError => {
      try {
        run();
      } catch (error) {
        if (error instanceof LegacyGuestError) return error;
        throw error;
      }
      throw new Error('expected a LegacyGuestError');
    };
    const noAbi = attempt(() => guestRust(pluginWit, { world: 'plugin' }));
    expect(noAbi.code).toBe('LEGACY_OPTION');
    expect(noAbi.message).toBe(
      'witgen guest rust: expected `--abi legacy`, found no --abi: Rust guests are generated only for the legacy C ABI (for components, use wit-bindgen)',
    );
    expect(attempt(() => guestRust(pluginWit, { world: 'plugin', abi: 'component' })).message).toContain('found `--abi component`');
    const skeleton = attempt(() => guestC(pluginWit, { world: 'plugin', abi: 'legacy', skeleton: true }));
    expect(skeleton.message).toBe('`--abi legacy` writes only <world>.h: expected none of --skeleton (they apply to component glue)');
    expect(attempt(() => guestC(pluginWit, { world: 'plugin', abi: 'legacy', symbol: ['just-add'] })).message).toBe(
      '`--symbol just-add` must have the form K=V (e.g. `--symbol just-add=add64`)',
    );
  });
});

describe('the built CLI', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 120_000);
  afterAll(() => {
    cli.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('writes plugin.h and plugin.rs and says so', () => {
    const out = path.join(scratch, 'out');
    const c = cli.run(['guest', 'c', pluginWit, '--world', 'plugin', '--abi', 'legacy', '--out', out]);
    expect(c.stderr).toBe('');
    expect(c.status).toBe(0);
    expect(c.stdout).toBe(`wrote ${path.join(out, 'plugin.h')}\n`);
    const rust = cli.run(['guest', 'rust', pluginWit, '--world', 'plugin', '--abi', 'legacy', '--out', out]);
    expect(rust.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['plugin.h', 'plugin.rs']);
    // The committed guest compiles against exactly this module.
    expect(readFileSync(path.join(out, 'plugin.rs'), 'utf8')).toBe(
      readFileSync(path.join(repoRoot, 'guests/legacy/rust/plugin/src/plugin.rs'), 'utf8'),
    );
  });

  it('exits 1 with one error line for guest rust without --abi legacy, and for a world the C ABI cannot carry', () => {
    const noAbi = cli.run(['guest', 'rust', pluginWit, '--out', path.join(scratch, 'none')]);
    expect(noAbi.status).toBe(1);
    expect(noAbi.stderr).toBe(
      'error: witgen guest rust: expected `--abi legacy`, found no --abi: Rust guests are generated only for the legacy C ABI (for components, use wit-bindgen)\n',
    );
    const resources = path.join(repoRoot, 'guests/c/kinds/kinds.wit');
    const refused = cli.run(['guest', 'c', resources, '--abi', 'legacy', '--out', path.join(scratch, 'none')]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^error: world `kinds`: `\[[a-z]+\][^`]+` is a resource function: the legacy C ABI has no resources/);
  });
});
