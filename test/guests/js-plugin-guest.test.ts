/**
 * Scenario 5 and 6 on a JavaScript guest: guests/js/plugin/plugin.js, the
 * plugin world (wit/plugin.wit) in JS, built into a component by the real
 * ComponentizeJS (test/helpers/componentize.ts, cached by input hash) and run
 * by witgen's own component runtime — never the jco fallback — with the same
 * typed host (test/helpers/plugin-host.ts) that serves the C, legacy and
 * upgraded guests. The C component guest (guests/c/plugin) is the reference
 * on random inputs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { compileComponent, ImportsError, instantiate, runtimeInfo, type CompiledComponent } from '../../src/runtime/index.js';
import { componentizeGuest, componentizeProblem } from '../helpers/componentize.js';
import { expectSamePlugins, expectScenario5, PluginHost, type Plugin } from '../helpers/plugin-host.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

const problem = componentizeProblem();
const title = problem === null ? 'JS plugin guest (ComponentizeJS) on witgen' : `JS plugin guest (skipped: ${problem})`;

// The first build on a fresh machine runs ComponentizeJS (about 20 s, more on a busy CI machine).
const BUILD_TIMEOUT = 240_000;

describe.skipIf(problem !== null)(title, () => {
  let js: CompiledComponent;
  let c: CompiledComponent;

  beforeAll(async () => {
    // Built with `stdio` so console.log reaches WASI stdout, as the C guest's printf does.
    const bytes = await componentizeGuest({ source: read('guests/js/plugin/plugin.js'), wit: read('wit/plugin.wit'), world: 'plugin', features: ['stdio'] });
    js = await compileComponent(bytes);
    c = await compileComponent(new Uint8Array(readFileSync(path.join(root, 'guests/c/plugin/plugin.component.wasm'))));
  }, BUILD_TIMEOUT);

  const load = async (component: CompiledComponent, host: PluginHost, options: Parameters<typeof instantiate>[2] = {}): Promise<Plugin> =>
    (await instantiate(component, host.imports, { fallback: 'never', ...options })) as unknown as Plugin;

  it("runs on witgen's own runtime, not the jco fallback", async () => {
    expect(js.engine).toBe('witgen');
    expect(js.fallbackReason).toBeNull();
    expect(runtimeInfo(await load(js, new PluginHost(0)))?.engine).toBe('witgen');
  });

  it('scenario 5: the shared typed host sees the state the guest changes through its imports', async () => {
    const host = new PluginHost(100);
    expectScenario5(await load(js, host), host);
  });

  it('scenario 5: on random inputs the JS guest returns what the C guest returns and leaves the host in the same state', async () => {
    await expectSamePlugins((host) => load(js, host), (host) => load(c, host));
  });

  it("scenario 5: console.log reaches the host's stdout only when the host grants it", async () => {
    const written: Uint8Array[] = [];
    const granted = await load(js, new PluginHost(0), { wasi: { stdout: (bytes) => written.push(bytes.slice()) } });
    granted.triggerHostCalls(4);
    granted.triggerHostCalls(-7);
    const text = written.map((bytes) => new TextDecoder().decode(bytes)).join('');
    expect(text).toBe('plugin: trigger-host-calls(4)\nplugin: trigger-host-calls(-7)\n');

    // Denied (the default): the output goes nowhere, not to the process's stdout.
    const stdout = vi.spyOn(process.stdout, 'write');
    try {
      const host = new PluginHost(0);
      const denied = await load(js, host);
      denied.triggerHostCalls(4);
      expect(host.shared).toBe(9);
      expect(stdout.mock.calls.filter(([chunk]) => String(chunk).includes('trigger-host-calls'))).toEqual([]);
    } finally {
      stdout.mockRestore();
    }
  });

  it('scenario 6: instances of the same compiled component share no host state', async () => {
    const hosts = Array.from({ length: 8 }, (_, i) => new PluginHost(i * 1000));
    const plugins = await Promise.all(hosts.map((host) => load(js, host)));
    plugins.forEach((plugin, i) => plugin.triggerHostCalls(i));
    hosts.forEach((host, i) => {
      expect(host.logged).toEqual([2 * i]);
      expect(host.shared).toBe(i * 1000 + i + 5);
    });
    // A fresh instance per request starts from its own host's state, whatever the earlier ones did.
    const next = new PluginHost(0);
    (await load(js, next)).triggerHostCalls(1);
    expect(next.shared).toBe(6);
    expect(next.logged).toEqual([2]);
  });

  it('a missing host import is an ImportsError naming it, before the guest runs', async () => {
    const host = new PluginHost(0);
    const { hostLogValue, hostGetSharedValue } = host.imports;
    const written: Uint8Array[] = [];
    const attempt = instantiate(js, { hostLogValue, hostGetSharedValue }, { fallback: 'never', wasi: { stdout: (bytes) => written.push(bytes) } });
    await expect(attempt).rejects.toBeInstanceOf(ImportsError);
    await expect(attempt).rejects.toMatchObject({
      code: 'IMPORTS_INVALID',
      problems: [{ kind: 'missing', path: 'hostSetSharedValue', expected: 'host-set-shared-value: func(value: s32)' }],
    });
    expect(host.logged).toEqual([]);
    expect(written).toEqual([]);
  });
});
