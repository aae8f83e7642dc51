/**
 * Scenario 5: ONE typed host implementation of the plugin world
 * (wit/plugin.wit) drives (a) the C component guest (guests/c/plugin) through
 * witgen's component runtime and (b) the legacy C guest
 * (guests/legacy/c/plugin, extern "C" through the wasm32 C ABI) and (c) the
 * article's legacy Rust guest (guests/legacy/rust/plugin, with WASI output) —
 * directly with instantiateLegacy and through the runtime's `instantiate`,
 * which detects the core module and takes the legacy path.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { instantiate, runtimeInfo } from '../../src/runtime/index.js';
import { instantiateLegacy } from '../../src/runtime/legacy/index.js';
import { expectScenario5, PluginHost, type Plugin } from '../helpers/plugin-host.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string): Uint8Array => readFileSync(path.join(root, file));
const wit = readFileSync(path.join(root, 'wit/plugin.wit'), 'utf8');


const guests: [string, (host: PluginHost) => Promise<Plugin>][] = [
  [
    'C component (witgen component runtime)',
    async (host) => (await instantiate(read('guests/c/plugin/plugin.component.wasm'), host.imports)) as unknown as Plugin,
  ],
  [
    'legacy C core module (instantiateLegacy)',
    async (host) => (await instantiateLegacy(read('guests/legacy/c/plugin/plugin.core.wasm'), host.imports, { world: { wit, world: 'plugin' } })) as unknown as Plugin,
  ],
  [
    "legacy Rust core module, the article's guest (instantiateLegacy, WASI denied)",
    async (host) => (await instantiateLegacy(read('guests/legacy/rust/plugin/plugin.core.wasm'), host.imports, { world: { wit, world: 'plugin' } })) as unknown as Plugin,
  ],
  [
    'legacy C core module (instantiate detects it)',
    async (host) => (await instantiate(read('guests/legacy/c/plugin/plugin.core.wasm'), host.imports, { world: { wit, world: 'plugin' } })) as unknown as Plugin,
  ],
];

describe('scenario 5: one host implementation for every plugin guest', () => {
  for (const [name, load] of guests) {
    it(name, async () => {
      const host = new PluginHost(100);
      expectScenario5(await load(host), host);
    });
  }

  it("the Rust guest's WASI output reaches the host only when granted", async () => {
    const rust = read('guests/legacy/rust/plugin/plugin.core.wasm');
    const written: string[] = [];
    const host = new PluginHost(1);
    const granted = (await instantiateLegacy(rust, host.imports, {
      world: { wit, world: 'plugin' },
      wasi: { stdout: (bytes) => written.push(new TextDecoder().decode(bytes)) },
    })) as unknown as Plugin;
    expect(granted.justAdd(1n, 2n)).toBe(3n);
    expect(written.join('')).toContain('[WASM FFI] just_add called with: 1 + 2');
    // Denied (the default): the guest's println! goes nowhere, not to the process's stdout.
    const stdout = vi.spyOn(process.stdout, 'write');
    try {
      const denied = (await instantiateLegacy(rust, new PluginHost(1).imports, { world: { wit, world: 'plugin' } })) as unknown as Plugin;
      expect(denied.justAdd(1n, 2n)).toBe(3n);
      expect(stdout.mock.calls.filter(([chunk]) => String(chunk).includes('[WASM'))).toEqual([]);
    } finally {
      stdout.mockRestore();
    }
  });

  it('the runtime says which path ran', async () => {
    const legacy = await instantiate(read('guests/legacy/c/plugin/plugin.core.wasm'), new PluginHost(0).imports, { world: { wit, world: 'plugin' } });
    expect(runtimeInfo(legacy)?.engine).toBe('legacy');
  });
});
