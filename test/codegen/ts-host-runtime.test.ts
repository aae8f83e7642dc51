/**
 * Generated bindings against witgen's real runtime: the plugin component
 * (guests/c/plugin, wit/plugin.wit) runs through `instantiate` of a module
 * generated for the world, and the runtime's types accept the call the
 * generated code makes (checked by `npm run typecheck`).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { generateTsHost, type TsHostOptions } from '../../src/codegen/ts-host/index.js';
import type * as Runtime from '../../src/runtime/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import type * as Agreed from '../fixtures/ts-host/runtime.js';
import { repoRoot } from '../cli/run-cli.js';

// Inside the repo so the generated module's relative import of the runtime source resolves under vitest.
const cache = join(repoRoot, '.witgen-cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'ts-host-runtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Point {
  x: number;
  y: number;
}
interface PluginBindings {
  instantiate(
    source: Uint8Array,
    imports: { hostLogValue(v: number): void; hostGetSharedValue(): number; hostSetSharedValue(v: number): void },
  ): Promise<{ justAdd(a: bigint, b: bigint): bigint; triggerHostCalls(n: number): void; pointAdd(a: Point, b: Point): Point }>;
  WORLD: { wit: string; world: string };
}

interface Counter {
  inc(by: number): number;
  value(): number;
  [Symbol.dispose](): void;
}
interface KindsBindings {
  instantiate(
    source: Uint8Array,
    imports: object,
  ): Promise<{
    drain(name: string, items: string[]): number;
    relayOptopt(v: unknown): unknown;
    echoRes(v: { tag: 'ok'; val: number }): number;
    counters: { Counter: { new (start: number): Counter; merge(a: Counter, b: Counter): Counter } };
  }>;
}

describe('generated bindings on the real runtime', () => {
  it('the runtime accepts what the generated instantiate passes (the agreed signature)', () => {
    expectTypeOf<object>().toMatchTypeOf<Parameters<typeof Runtime.instantiate>[1]>();
    expectTypeOf<Agreed.ComponentSource>().toMatchTypeOf<Runtime.ComponentSource>();
    expectTypeOf<{ world: { wit: string; world: string; abi: 'c' }; legacy: object }>().toMatchTypeOf<Runtime.InstantiateOptions>();
    expectTypeOf<Awaited<ReturnType<typeof Runtime.instantiate>>>().toEqualTypeOf<Record<string, unknown>>();
  });

  /** One host implementation of the plugin world, with its state. */
  function pluginHost() {
    const state = { shared: 10, logged: [] as number[] };
    const imports = {
      hostLogValue: (v: number) => {
        state.logged.push(v);
      },
      hostGetSharedValue: () => state.shared,
      hostSetSharedValue: (v: number) => {
        state.shared = v;
      },
    };
    return { state, imports };
  }

  async function pluginBindings(name: string, options: TsHostOptions): Promise<PluginBindings> {
    const loaded = loadWit(join(repoRoot, 'wit/plugin.wit'));
    const runtimeImport = relative(dir, join(repoRoot, 'src/runtime/index.js')).split('\\').join('/');
    const { files } = generateTsHost(loaded.resolve, selectWorld(loaded, 'plugin'), { runtimeImport, ...options });
    expect(files[0]?.path).toBe('plugin.ts');
    writeFileSync(join(dir, name), files[0]?.content ?? '');
    return (await import(join(dir, name))) as PluginBindings;
  }

  // Scenario 5: the same typed host implementation drives the component and the legacy core module.
  for (const [abi, binary] of [
    ['component', 'guests/c/plugin/plugin.component.wasm'],
    ['c', 'guests/legacy/c/plugin/plugin.core.wasm'],
  ] as const) {
    it(`plugin world, abi ${abi}: host state through imports, u64 as bigint, records both ways`, async () => {
      const bindings = await pluginBindings(`plugin-${abi}.ts`, { abi });
      expect(bindings.WORLD.world).toBe('witgen:example/plugin@0.1.0');
      const { state, imports } = pluginHost();
      const exports = await bindings.instantiate(readFileSync(join(repoRoot, binary)), imports);
      expect(exports.justAdd(2n, 3n)).toBe(5n);
      expect(exports.justAdd(2n ** 64n - 1n, 2n)).toBe(1n);
      expect(exports.pointAdd({ x: 1, y: -2 }, { x: 10, y: 20 })).toEqual({ x: 11, y: 18 });
      exports.triggerHostCalls(4);
      expect(state.logged).toEqual([8]);
      expect(state.shared).toBe(10 + 4 + 5);
    });
  }

  it("abi c: legacy options baked into the bindings reach the runtime (a wrong allocator name is refused)", async () => {
    const bindings = await pluginBindings('plugin-c-alloc.ts', { abi: 'c', legacy: { allocator: { malloc: 'alloc' } } });
    const bytes = readFileSync(join(repoRoot, 'guests/legacy/c/plugin/plugin.core.wasm'));
    await expect(bindings.instantiate(bytes, pluginHost().imports)).rejects.toThrow(/malloc export `alloc` does not exist/);
  });

  it('kinds world: the Imports shape (host class for an imported resource, types-only key) and exported resource classes', async () => {
    const loaded = loadWit(join(repoRoot, 'guests/c/kinds/kinds.wit'));
    const runtimeImport = relative(dir, join(repoRoot, 'src/runtime/index.js')).split('\\').join('/');
    const { files } = generateTsHost(loaded.resolve, selectWorld(loaded, 'kinds'), { runtimeImport });
    writeFileSync(join(dir, 'kinds.ts'), files[0]?.content ?? '');
    const bindings = (await import(join(dir, 'kinds.ts'))) as KindsBindings;

    const written: string[] = [];
    class Sink {
      constructor(readonly name: string) {}
      write(text: string): void {
        written.push(`${this.name}:${text}`);
      }
      count(): number {
        return written.length;
      }
    }
    const identity = (v: unknown): unknown => v;
    const imports: Record<string, unknown> = {
      'witgen:kinds/sinks@0.1.0': { Sink },
      'witgen:kinds/types@0.1.0': {},
      passRes: (v: { tag: string; val: unknown }) => {
        if (v.tag === 'ok') return v.val;
        throw { payload: v.val };
      },
    };
    for (const kind of ['bool', 'u8', 's8', 'u16', 's16', 'u32', 's32', 'u64', 's64', 'f32', 'f64', 'char', 'string', 'bytes', 'strings', 'rec', 'var', 'color', 'perms', 'opt', 'optopt', 'tup']) {
      imports[`pass${kind.charAt(0).toUpperCase()}${kind.slice(1)}`] = identity;
    }
    const exports = await bindings.instantiate(readFileSync(join(repoRoot, 'guests/c/kinds/kinds.component.wasm')), imports);
    expect(exports.drain('s', ['a', 'b'])).toBe(2);
    expect(written).toEqual(['s:a', 's:b']);
    expect(exports.relayOptopt({ tag: 'some', val: undefined })).toEqual({ tag: 'some', val: undefined });
    expect(exports.echoRes({ tag: 'ok', val: 7 })).toBe(7);
    const { Counter } = exports.counters;
    const counter = new Counter(5);
    expect(counter.inc(2)).toBe(7);
    const merged = Counter.merge(counter, new Counter(1));
    expect(merged.value()).toBe(8);
    merged[Symbol.dispose]();
    counter[Symbol.dispose]();
  });
});
