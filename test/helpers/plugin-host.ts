/**
 * The bundled plugin world (wit/plugin.wit) as tests see it: its export
 * shape, and one host with per-instance state whose imports object serves
 * every guest of the world (component, legacy, upgraded, JavaScript), and the
 * checks every such guest must pass.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

export interface Point {
  x: number;
  y: number;
}

export interface Plugin {
  justAdd(a: bigint, b: bigint): bigint;
  triggerHostCalls(n: number): void;
  pointAdd(a: Point, b: Point): Point;
}

/** The host's shared value, what the guest logged, and the imports object over both. */
export class PluginHost {
  readonly logged: number[] = [];
  readonly imports = {
    hostLogValue: (value: number): void => {
      this.logged.push(value);
    },
    hostGetSharedValue: (): number => this.shared,
    hostSetSharedValue: (value: number): void => {
      this.shared = value;
    },
  };

  constructor(public shared: number) {}
}

/** Scenario 5's fixed calls, for any guest of the world over a host whose shared value started at 100. */
export function expectScenario5(plugin: Plugin, host: PluginHost): void {
  expect(plugin.justAdd(2n ** 64n - 1n, 3n)).toBe(2n);
  expect(plugin.pointAdd({ x: 1, y: -2 }, { x: 40, y: 50 })).toEqual({ x: 41, y: 48 });
  plugin.triggerHostCalls(4);
  plugin.triggerHostCalls(1);
  expect(host.logged).toEqual([8, 2]);
  expect(host.shared).toBe(100 + 4 + 5 + 1 + 5);
}

export type PluginLoader = (host: PluginHost) => Promise<Plugin>;

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const s32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const point = fc.record({ x: s32, y: s32 });

/**
 * Two guests of the world given the same random calls, each over its own host starting from the same
 * shared value: the same results, the same log and the same final host state (property).
 */
export async function expectSamePlugins(load: PluginLoader, reference: PluginLoader, numRuns = 25): Promise<void> {
  await fc.assert(
    fc.asyncProperty(u64, u64, point, point, fc.array(s32, { maxLength: 4 }), s32, async (a, b, p, q, triggers, initial) => {
      const host = new PluginHost(initial);
      const referenceHost = new PluginHost(initial);
      const [plugin, expected] = [await load(host), await reference(referenceHost)];
      expect(plugin.justAdd(a, b)).toBe(expected.justAdd(a, b));
      expect(plugin.pointAdd(p, q)).toEqual(expected.pointAdd(p, q));
      for (const n of triggers) {
        plugin.triggerHostCalls(n);
        expected.triggerHostCalls(n);
      }
      expect(host.logged).toEqual(referenceHost.logged);
      expect(host.shared).toBe(referenceHost.shared);
    }),
    { numRuns },
  );
}
