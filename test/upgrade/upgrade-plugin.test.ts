/**
 * Scenario 5 (c): the legacy plugin guests — the C one (guests/legacy/c/plugin)
 * and the article's Rust one with WASI output (guests/legacy/rust/plugin) —
 * after `upgradeLegacy` are real components of wit/plugin.wit. The same typed
 * host implementation drives them through witgen's component runtime and
 * through jco's transpile output, with the results the legacy path
 * (`instantiateLegacy`) gives for the same calls.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { instantiate, runtimeInfo } from '../../src/runtime/index.js';
import { instantiateLegacy } from '../../src/runtime/legacy/index.js';
import { upgradeLegacy } from '../../src/upgrade/index.js';
import { loadWitText } from '../../src/wit/load.js';
import { transpileComponent, wasiImports, type TranspiledComponent } from '../guests/jco-host.js';
import { jcoRootImports, readBytes, readText } from './helpers.js';
import { expectSamePlugins, expectScenario5, PluginHost, type Plugin, type PluginLoader } from '../helpers/plugin-host.js';

const wit = readText('wit/plugin.wit');

/** Runs the same calls on `plugin` and on the legacy module; host state and results must agree. */
async function sameAsLegacy(core: Uint8Array, load: PluginLoader): Promise<void> {
  await expectSamePlugins(load, async (host) => (await instantiateLegacy(core, host.imports, { world: { wit, world: 'plugin' } })) as unknown as Plugin);
}

const guests = [
  { name: 'legacy C plugin', file: 'guests/legacy/c/plugin/plugin.core.wasm', wasi: null },
  { name: "the article's legacy Rust plugin (WASI preview1)", file: 'guests/legacy/rust/plugin/plugin.core.wasm', wasi: 'reactor' },
] as const;

for (const guest of guests) {
  describe(`upgrade: ${guest.name}`, () => {
    const core = readBytes(guest.file);
    let component: Uint8Array;
    let transpiled: TranspiledComponent;

    beforeAll(async () => {
      const result = await upgradeLegacy(core, { wit: loadWitText(wit), world: 'plugin' });
      component = result.component;
      expect(result.wasi).toBe(guest.wasi);
      transpiled = await transpileComponent(component, 'upgraded');
    });
    afterAll(() => transpiled?.dispose());

    it('is a component of the plugin world', async () => {
      const jco = await import('@bytecodealliance/jco');
      const text = await jco.componentWit(component);
      expect(text).toContain('export just-add: func(a: u64, b: u64) -> u64;');
      expect(text).toContain('export point-add: func(a: point, b: point) -> point;');
      expect(text).toContain('import host-log-value: func(value: s32);');
    });

    it("witgen's component runtime runs it like the legacy path", async () => {
      const host = new PluginHost(100);
      const plugin = (await instantiate(component, host.imports)) as unknown as Plugin;
      expect(runtimeInfo(plugin)?.engine).toBe('witgen');
      expectScenario5(plugin, host);
      await sameAsLegacy(core, async (h) => (await instantiate(component, h.imports)) as unknown as Plugin);
    });

    it("jco's transpile output runs it like the legacy path", async () => {
      const load = async (h: PluginHost): Promise<Plugin> =>
        (await transpiled.instantiate({ ...wasiImports(transpiled.imports), ...jcoRootImports(h.imports) })) as unknown as Plugin;
      await sameAsLegacy(core, load);
    });
  });
}

describe('upgrade: WASI output of the Rust plugin', () => {
  it('reaches the host only when granted, as on the legacy path', async () => {
    const core = readBytes('guests/legacy/rust/plugin/plugin.core.wasm');
    const { component } = await upgradeLegacy(core, { wit: loadWitText(wit), world: 'plugin' });
    const written: string[] = [];
    const granted = (await instantiate(component, new PluginHost(1).imports, {
      wasi: { stdout: (bytes: Uint8Array) => written.push(new TextDecoder().decode(bytes)) },
    })) as unknown as Plugin;
    expect(granted.justAdd(1n, 2n)).toBe(3n);
    expect(written.join('')).toContain('[WASM FFI] just_add called with: 1 + 2');
    const stdout = vi.spyOn(process.stdout, 'write');
    try {
      const denied = (await instantiate(component, new PluginHost(1).imports)) as unknown as Plugin;
      expect(denied.justAdd(1n, 2n)).toBe(3n);
      expect(stdout.mock.calls.filter(([chunk]) => String(chunk).includes('[WASM'))).toEqual([]);
    } finally {
      stdout.mockRestore();
    }
  });
});
