/**
 * The plugin guest (scenario 5; built with the WASI preview1 reactor adapter)
 * through witgen's own component runtime: world-level imports and exports,
 * records, host state per instance, WASI served deny-by-default.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileComponent, instantiate, runtimeInfo, type CompiledComponent } from '../../../src/runtime/component/index.js';
import { readGuest } from '../../guests/jco-host.js';

interface Point {
  x: number;
  y: number;
}

interface Plugin {
  justAdd(a: bigint, b: bigint): bigint;
  triggerHostCalls(n: number): void;
  pointAdd(a: Point, b: Point): Point;
}

function host(initial: number) {
  const state = { logged: [] as number[], shared: initial };
  const imports = {
    hostLogValue: (value: number) => void state.logged.push(value),
    hostGetSharedValue: () => state.shared,
    hostSetSharedValue: (value: number) => void (state.shared = value),
  };
  return { state, imports };
}

const s32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const bytes = readGuest('guests/c/plugin/plugin.component.wasm');

describe('plugin component on witgen runtime', () => {
  let compiled: CompiledComponent;

  it('compiles with witgen engine, adapter imports WASI', async () => {
    compiled = await compileComponent(bytes);
    expect(compiled.engine).toBe('witgen');
    expect(compiled.fallbackReason).toBeNull();
    expect(compiled.importNames).toEqual(expect.arrayContaining(['wasi:cli/stdout@0.2.12', 'host-log-value']));
  });

  it('just-add wraps on u64 overflow', async () => {
    const { imports } = host(0);
    const plugin = (await instantiate(compiled, imports)) as unknown as Plugin;
    expect(runtimeInfo(plugin)).toEqual({ engine: 'witgen', reason: null });
    expect(plugin.justAdd(2n ** 64n - 1n, 2n)).toBe(1n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (a, b) => {
        expect(plugin.justAdd(a, b)).toBe((a + b) % 2n ** 64n);
      }),
      { numRuns: 50 },
    );
  });

  it('point-add takes and returns records', async () => {
    const plugin = (await instantiate(compiled, host(0).imports)) as unknown as Plugin;
    fc.assert(
      fc.property(s32, s32, s32, s32, (ax, ay, bx, by) => {
        expect(plugin.pointAdd({ x: ax, y: ay }, { x: bx, y: by })).toEqual({ x: (ax + bx) | 0, y: (ay + by) | 0 });
      }),
      { numRuns: 50 },
    );
  });

  it('trigger-host-calls changes host state through imports; instances are isolated', async () => {
    const a = host(10);
    const b = host(100);
    const pa = (await instantiate(compiled, a.imports)) as unknown as Plugin;
    const pb = (await instantiate(compiled, b.imports)) as unknown as Plugin;
    pa.triggerHostCalls(3);
    expect(a.state.logged.length).toBeGreaterThan(0);
    expect(b.state.logged).toEqual([]);
    expect(a.state.shared).not.toBe(10);
    expect(b.state.shared).toBe(100);
  });

  it('guest stdout reaches the host only when granted', async () => {
    const chunks: Uint8Array[] = [];
    const plugin = (await instantiate(compiled, host(0).imports, { wasi: { stdout: (c) => void chunks.push(c.slice()) } })) as unknown as Plugin;
    plugin.triggerHostCalls(2);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.length).toBeGreaterThan(0);
    const silent = (await instantiate(compiled, host(0).imports)) as unknown as Plugin;
    expect(() => silent.triggerHostCalls(2)).not.toThrow();
  });
});
