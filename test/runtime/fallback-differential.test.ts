/**
 * The jco fallback against witgen's own runtime: the same component, the
 * same host implementation, random calls — equal results and equal host
 * state.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiateWithJco } from '../../src/runtime/fallback/jco.js';
import { instantiate, runtimeInfo } from '../../src/runtime/component/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';

const repoRoot = resolvePath(__dirname, '../..');
const pluginBytes = new Uint8Array(readFileSync(join(repoRoot, 'guests/c/plugin/plugin.component.wasm')));
const loaded = loadWit(join(repoRoot, 'wit/plugin.wit'));
const world = { resolve: loaded.resolve, worldId: selectWorld(loaded, 'plugin') };

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

type Call =
  | { readonly f: 'justAdd'; readonly a: bigint; readonly b: bigint }
  | { readonly f: 'pointAdd'; readonly a: Point; readonly b: Point }
  | { readonly f: 'triggerHostCalls'; readonly n: number };

const s32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const pointArb = fc.record({ x: s32, y: s32 });
const callArb: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ f: fc.constant('justAdd' as const), a: u64, b: u64 }),
  fc.record({ f: fc.constant('pointAdd' as const), a: pointArb, b: pointArb }),
  fc.record({ f: fc.constant('triggerHostCalls' as const), n: s32 }),
);

function run(plugin: Plugin, call: Call): unknown {
  switch (call.f) {
    case 'justAdd':
      return plugin.justAdd(call.a, call.b);
    case 'pointAdd':
      return plugin.pointAdd(call.a, call.b);
    case 'triggerHostCalls':
      return plugin.triggerHostCalls(call.n);
  }
}

let cacheDir: string;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'witgen-fallback-diff-'));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('jco fallback vs witgen runtime', () => {
  it('gives equal results and equal host state for random call sequences on the plugin', async () => {
    await fc.assert(
      fc.asyncProperty(s32, fc.array(callArb, { minLength: 1, maxLength: 8 }), async (initial, calls) => {
        const ours = host(initial);
        const theirs = host(initial);
        const witgen = (await instantiate(pluginBytes, ours.imports)) as unknown as Plugin;
        const jco = (await instantiateWithJco(pluginBytes, theirs.imports, { reason: 'differential test', cacheDir, world }))
          .exports as unknown as Plugin;
        expect(runtimeInfo(witgen as unknown as object)?.engine).toBe('witgen');
        for (const call of calls) expect(run(witgen, call)).toEqual(run(jco, call));
        expect(ours.state).toEqual(theirs.state);
      }),
      { numRuns: 10 },
    );
  });

});
