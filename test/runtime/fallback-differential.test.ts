/**
 * The jco fallback against witgen's own runtime: the same component, the
 * same host implementation, random calls — equal results and equal host
 * state; on the kinds guest with no world given (its WIT depends on
 * another package, which jco's componentWit does not print, so the fallback
 * maps by name), every value kind and resources both ways. And the
 * runtime's `instantiate` takes the fallback by itself for a nested component.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { parse } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiateWithJco } from '../../src/runtime/fallback/jco.js';
import { instantiate, runtimeInfo } from '../../src/runtime/component/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { arbitraries, camel, KINDS, kindsHost, text } from './component/kinds-host.js';

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

describe('jco fallback vs witgen runtime on the kinds guest (no world given)', () => {
  const kindsBytes = new Uint8Array(readFileSync(join(repoRoot, 'guests/c/kinds/kinds.component.wasm')));
  const importNames = ['witgen:kinds/types@0.1.0'];

  async function both() {
    const ours = kindsHost('witgen:kinds', importNames);
    const theirs = kindsHost('witgen:kinds', importNames);
    const witgen = await instantiate(kindsBytes, ours.imports);
    const jco = await instantiateWithJco(kindsBytes, theirs.imports, { reason: 'differential test', cacheDir });
    return { ours, theirs, witgen, jco: jco.exports };
  }

  it('has the same export keys', async () => {
    const { witgen, jco } = await both();
    const ourKeys = Object.keys(witgen);
    const theirKeys = Object.keys(jco);
    expect({ onlyWitgen: ourKeys.filter((k) => !theirKeys.includes(k)), onlyJco: theirKeys.filter((k) => !ourKeys.includes(k)) }).toEqual({
      onlyWitgen: [],
      onlyJco: [],
    });
  });

  it('echoes and relays random values of every kind alike', async () => {
    const { ours, theirs, witgen, jco } = await both();
    const values = arbitraries(text);
    for (const kind of KINDS) {
      const echo = camel(`echo-${kind}`);
      const relay = camel(`relay-${kind}`);
      fc.assert(
        fc.property(values[kind], (value) => {
          const call = (exports: Record<string, unknown>, name: string) => (exports[name] as (v: unknown) => unknown)(value);
          expect(call(jco, echo)).toEqual(call(witgen, echo));
          expect(call(jco, relay)).toEqual(call(witgen, relay));
        }),
        { numRuns: 10 },
      );
    }
    expect(theirs.received).toEqual(ours.received);
  });

  it('drives guest resources and host resources alike', async () => {
    const { ours, theirs, witgen, jco } = await both();
    for (const exports of [witgen, jco]) {
      const counters = exports.counters as {
        Counter: (new (start: number) => { inc(by: number): number; value(): number }) & {
          merge(a: object, b: object): { value(): number };
        };
        finish(c: object): number;
        destroyed(): number;
      };
      const a = new counters.Counter(5);
      expect(a.inc(2)).toBe(7);
      const b = new counters.Counter(10);
      expect(counters.Counter.merge(a, b).value()).toBe(17);
      expect(counters.finish(b)).toBe(10);
      expect(counters.destroyed()).toBe(1);
      (exports.drain as (name: string, items: string[]) => number)('log', ['a', 'b', 'c']);
    }
    expect(theirs.sinks.map((s) => [s.name, s.texts])).toEqual(ours.sinks.map((s) => [s.name, s.texts]));
  });
});

describe('the runtime takes the fallback by itself', () => {
  it('for a nested component, saying so and why through runtimeInfo', async () => {
    const nested = await parse(`(component
      (component $inner
        (core module $m (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
        (core instance $i (instantiate $m))
        (func $add (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add")))
        (export "add" (func $add)))
      (instance $x (instantiate $inner))
      (export "add" (func $x "add")))`);
    const exports = await instantiate(nested, {}, { cacheDir });
    const info = runtimeInfo(exports);
    expect(info?.engine).toBe('jco');
    expect(info?.reason).toMatch(/nest/);
    expect((exports.add as (a: number, b: number) => number)(40, 2)).toBe(42);
  });
});
