/**
 * `witgen build guest.js` through the built CLI: one real ComponentizeJS build
 * (the plugin guest, default features) that runs on witgen's runtime with no
 * WASI grant, and the failures a user meets, each exiting 1 with the message on
 * stderr and no stack. The failures stop before wizer runs, so they are cheap.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileComponent, instantiate } from '../../src/runtime/index.js';
import { buildCli, repoRoot, type BuiltCli, type CliResult, STACK_LINE } from '../cli/run-cli.js';
import { componentizeProblem } from '../helpers/componentize.js';
import { PluginHost, type Plugin } from '../helpers/plugin-host.js';

let cli: BuiltCli;
let scratch: string;

beforeAll(async () => {
  cli = await buildCli();
  scratch = mkdtempSync(join(tmpdir(), 'witgen-build-js-cli-'));
});
afterAll(() => {
  cli?.dispose();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const PLUGIN_JS = join(repoRoot, 'guests/js/plugin/plugin.js');
const PLUGIN_CORE = join(repoRoot, 'guests/c/plugin/plugin.core.wasm');
const problem = componentizeProblem();

function expectCleanFailure(result: CliResult, message: RegExp): void {
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_LINE);
}

describe.skipIf(problem !== null)(problem === null ? 'witgen build guest.js' : `witgen build guest.js (skipped: ${problem})`, () => {
  it(
    'builds the plugin guest with the default features (stdio); it runs on witgen with no WASI grant and prints only where stdout is granted',
    async () => {
      const out = join(scratch, 'plugin.component.wasm');
      const result = cli.run(['build', PLUGIN_JS, '--wit', 'wit', '--world', 'plugin', '-o', out]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        /^wrote .*plugin\.component\.wasm \(\d+ bytes, JavaScript guest built with ComponentizeJS 0\.22\.0, features: stdio\)\n$/,
      );

      const compiled = await compileComponent(new Uint8Array(readFileSync(out)));
      expect(compiled.engine).toBe('witgen');
      // No grant at all: the default features need none.
      const host = new PluginHost(1);
      const plugin = (await instantiate(compiled, host.imports, { fallback: 'never' })) as unknown as Plugin;
      expect(plugin.justAdd(40n, 2n)).toBe(42n);
      plugin.triggerHostCalls(2);
      expect(host.logged).toEqual([4]);
      expect(host.shared).toBe(1 + 2 + 5);

      // With stdout granted, console.log arrives.
      const written: Uint8Array[] = [];
      const loud = (await instantiate(compiled, new PluginHost(0).imports, {
        fallback: 'never',
        wasi: { stdout: (bytes) => written.push(bytes) },
      })) as unknown as Plugin;
      loud.triggerHostCalls(5);
      expect(Buffer.concat(written).toString('utf8')).toBe('plugin: trigger-host-calls(5)\n');
    },
    240_000,
  );

  it('a JS syntax error: exit 1, where and why, no stack', () => {
    const guest = join(scratch, 'broken.js');
    writeFileSync(guest, 'export function justAdd(a, b) {\n  return a +;\n}\n');
    const result = cli.run(['build', guest, '--wit', 'wit', '--world', 'plugin', '-o', join(scratch, 'never.wasm')]);
    expectCleanFailure(result, /^error: ComponentizeJS could not build broken\.js for world `witgen:example\/plugin@0\.1\.0`:\n {2}failed to parse JS source, encountered \[1\] errors\n {2}broken\.js:2\n/);
    expect(result.stderr).toContain('SyntaxError: Unexpected token');
  });
});

describe('witgen build: inputs and flags that do not fit', () => {
  it('a TypeScript file is refused with a hint', () => {
    const guest = join(scratch, 'guest.ts');
    writeFileSync(guest, 'export const x: number = 1;\n');
    expectCleanFailure(
      cli.run(['build', guest, '--wit', 'wit', '-o', join(scratch, 'x.wasm')]),
      /cannot build .*guest\.ts: expected a core WebAssembly module or a JavaScript ES module \(\.js, \.mjs\), found a \.ts file that is not WebAssembly; compile it/,
    );
  });

  it('--js-features checks its names', () => {
    const bad = cli.run(['build', PLUGIN_JS, '--wit', 'wit', '--js-features', 'stdio,sockets', '-o', join(scratch, 'x.wasm')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/option '--js-features <names>' argument 'stdio,sockets' is invalid\. expected some of stdio, random, clocks, http, fetch-event \(or none\), found `sockets`/);
  });

  it('--js-features on a core module and --string-encoding on a JS guest are refused', () => {
    expectCleanFailure(
      cli.run(['build', PLUGIN_CORE, '--wit', 'wit', '--js-features', 'none', '-o', join(scratch, 'x.wasm')]),
      /--js-features applies to JavaScript guests; .*plugin\.core\.wasm is a WebAssembly module/,
    );
    expectCleanFailure(
      cli.run(['build', PLUGIN_JS, '--wit', 'wit', '--string-encoding', 'utf16', '-o', join(scratch, 'x.wasm')]),
      /--string-encoding applies to core modules/,
    );
  });

  it('a JS guest that is not UTF-8', () => {
    const guest = join(scratch, 'latin1.js');
    writeFileSync(guest, Buffer.from([0x2f, 0x2f, 0x20, 0xe9, 0x0a]));
    expectCleanFailure(cli.run(['build', guest, '--wit', 'wit', '-o', join(scratch, 'x.wasm')]), /expected JavaScript source in UTF-8/);
  });
});
