/**
 * Scenario 5 (c): the legacy plugin guests — the C one (guests/legacy/c/plugin)
 * and the article's Rust one with WASI output (guests/legacy/rust/plugin) —
 * after `upgradeLegacy` are real components of wit/plugin.wit. The same typed
 * host implementation drives them through witgen's component runtime and
 * through jco's transpile output, with the results the legacy path
 * (`instantiateLegacy`) gives for the same calls.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { instantiate, runtimeInfo } from '../../src/runtime/index.js';
import { instantiateLegacy } from '../../src/runtime/legacy/index.js';
import { upgradeLegacy } from '../../src/upgrade/index.js';
import { loadWitText } from '../../src/wit/load.js';
import { transpileComponent, wasiImports, type TranspiledComponent } from '../guests/jco-host.js';
import { jcoRootImports, readBytes, readText } from './helpers.js';
import { PluginHost, type Plugin } from '../helpers/plugin-host.js';

const wit = readText('wit/plugin.wit');

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const s32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const point = fc.record({ x: s32, y: s32 });

/** Runs the same calls on `plugin` and on the legacy module; host state and results must agree. */
async function sameAsLegacy(core: Uint8Array, load: (host: PluginHost) => Promise<Plugin>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(u64, u64, point, point, fc.array(s32, { maxLength: 4 }), s32, async (a, b, p, q, triggers, initial) => {
      const hostA = new PluginHost(initial);
      const hostB = new PluginHost(initial);
      const upgraded = await load(hostA);
      const legacy = (await instantiateLegacy(core, hostB.imports, { world: { wit, world: 'plugin' } })) as unknown as Plugin;
      expect(upgraded.justAdd(a, b)).toBe(legacy.justAdd(a, b));
      expect(upgraded.pointAdd(p, q)).toEqual(legacy.pointAdd(p, q));
      for (const n of triggers) {
        upgraded.triggerHostCalls(n);
        legacy.triggerHostCalls(n);
      }
      expect(hostA.logged).toEqual(hostB.logged);
      expect(hostA.shared).toBe(hostB.shared);
    }),
    { numRuns: 25 },
  );
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
      expect(plugin.justAdd(2n ** 64n - 1n, 3n)).toBe(2n);
      expect(plugin.pointAdd({ x: 1, y: -2 }, { x: 40, y: 50 })).toEqual({ x: 41, y: 48 });
      plugin.triggerHostCalls(4);
      plugin.triggerHostCalls(1);
      expect(host.logged).toEqual([8, 2]);
      expect(host.shared).toBe(100 + 4 + 5 + 1 + 5);
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
