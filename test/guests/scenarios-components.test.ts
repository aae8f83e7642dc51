/**
 * shared/scenarios.md scenarios 5–7 against real component guests (C built by
 * clang + `witgen build`, see scripts/build-guests.mjs):
 *
 *   5 host ⇄ guest patterns — guests/c/plugin (world `plugin` in wit/plugin.wit):
 *     the guest changes host state through imports, the host calls exports
 *     with records, the guest's printf reaches the host's stdout only when the
 *     host allows it;
 *   6 host state and isolation — per-instance host state, fresh instances
 *     that share nothing (host or guest state), many instances of one
 *     compiled component;
 *   7 strings from guest memory — guests/c/kinds' `bad-bounds` (ptr/len past
 *     memory) and `bad-string` (bytes that are not UTF-8) give distinct,
 *     named errors.
 *
 * Imports are written in witgen's host shape (src/abi/host-shape.ts:
 * world-level functions camelCase at the top, interfaces under their
 * component import name) and the component runs through `runGuest` below.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostShape, type HostShape } from '../../src/abi/host-shape.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { readGuest, repoRoot, transpileComponent, wasiImports, type ImportObject, type TranspiledComponent } from './jco-host.js';

type HostImports = Record<string, unknown>;
type GuestExports = Record<string, unknown>;

/** One compiled component that can be instantiated many times. */
interface CompiledGuest {
  instantiate(imports: HostImports): Promise<GuestExports>;
  dispose(): void;
}

/**
 * The host shape's imports → jco's import object: world-level functions
 * become `{ '<wit-name>': { default: fn } }`, interfaces keep their key.
 */
function jcoImports(functions: Map<string, string>, jcoNames: readonly string[], imports: HostImports, wasi: ImportObject): ImportObject {
  const out: ImportObject = { ...wasi };
  for (const [key, value] of Object.entries(imports)) {
    const witName = functions.get(key);
    if (witName !== undefined) {
      out[witName] = { default: value };
      continue;
    }
    // jco names interface imports without their version.
    const unversioned = key.replace(/@[^@/]*$/, '');
    out[jcoNames.includes(key) ? key : unversioned] = value as Record<string, unknown>;
  }
  return out;
}

/** The host shape of a world in a WIT file or folder of this repository. */
function shapeOf(witPath: string, world: string): HostShape {
  const loaded = loadWit(join(repoRoot, witPath));
  return hostShape(loaded.resolve, selectWorld(loaded, world));
}

/** The world-level import functions of a WIT world: JS name → WIT name. */
function rootImportNames(witPath: string, world: string): Map<string, string> {
  return new Map(shapeOf(witPath, world).root.imports.functions.map((f) => [f.jsName, f.witName]));
}

async function runGuest(file: string, witPath: string, world: string): Promise<CompiledGuest> {
  const functions = rootImportNames(witPath, world);
  const component: TranspiledComponent = await transpileComponent(readGuest(file));
  const wasi = wasiImports(component.imports);
  return {
    instantiate: (imports) => component.instantiate(jcoImports(functions, component.imports, imports, wasi)),
    dispose: () => component.dispose(),
  };
}

// ---- scenario 5 and 6: the plugin guest ------------------------------------

interface Point {
  x: number;
  y: number;
}

interface Plugin {
  justAdd(a: bigint, b: bigint): bigint;
  triggerHostCalls(n: number): void;
  pointAdd(a: Point, b: Point): Point;
}

/** The plugin world's host side: a log and one shared value, per instance (like Wasmtime's Store<T>). */
class PluginHost {
  readonly logged: number[] = [];
  shared: number;

  constructor(initial: number) {
    this.shared = initial;
  }

  imports(): HostImports {
    return {
      hostLogValue: (value: number) => void this.logged.push(value),
      hostGetSharedValue: () => this.shared,
      hostSetSharedValue: (value: number) => void (this.shared = value),
    };
  }
}

const s32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const wrap32 = (n: number): number => n | 0;

describe('scenario 5: host ⇄ guest patterns (plugin component)', () => {
  let plugin: CompiledGuest;

  beforeAll(async () => {
    plugin = await runGuest('guests/c/plugin/plugin.component.wasm', 'wit/plugin.wit', 'plugin');
  });
  afterAll(() => plugin?.dispose());

  async function start(initial: number): Promise<{ guest: Plugin; host: PluginHost }> {
    const host = new PluginHost(initial);
    return { guest: (await plugin.instantiate(host.imports())) as unknown as Plugin, host };
  }

  it('the guest changes host state through the imports and the host sees it at once', async () => {
    const { guest, host } = await start(10);
    guest.triggerHostCalls(3);
    expect(host.logged).toEqual([6]);
    expect(host.shared).toBe(10 + 3 + 5);
    host.shared = 1000;
    guest.triggerHostCalls(-20);
    expect(host.logged).toEqual([6, -40]);
    expect(host.shared).toBe(1000 - 20 + 5);
  });

  it('trigger-host-calls wraps like s32 for any n and shared value', async () => {
    const { guest, host } = await start(0);
    fc.assert(
      fc.property(s32, s32, (n, shared) => {
        host.logged.length = 0;
        host.shared = shared;
        guest.triggerHostCalls(n);
        expect(host.logged).toEqual([wrap32(n + n)]);
        expect(host.shared).toBe(wrap32(wrap32(shared + n) + 5));
      }),
      { numRuns: 100 },
    );
  });

  it('the host calls exports with records and u64 values', async () => {
    const { guest } = await start(0);
    fc.assert(
      fc.property(s32, s32, s32, s32, (ax, ay, bx, by) => {
        expect(guest.pointAdd({ x: ax, y: ay }, { x: bx, y: by })).toEqual({ x: wrap32(ax + bx), y: wrap32(ay + by) });
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (a, b) => {
        expect(guest.justAdd(a, b)).toBe((a + b) % 2n ** 64n);
      }),
      { numRuns: 100 },
    );
  });
});

describe('scenario 6: host state and isolation', () => {
  let plugin: CompiledGuest;

  beforeAll(async () => {
    plugin = await runGuest('guests/c/plugin/plugin.component.wasm', 'wit/plugin.wit', 'plugin');
  });
  afterAll(() => plugin?.dispose());

  it('each instance has its own host state; interleaved calls never cross', async () => {
    const hosts = [new PluginHost(1), new PluginHost(100)];
    const guests = await Promise.all(hosts.map(async (host) => (await plugin.instantiate(host.imports())) as unknown as Plugin));
    const [a, b] = guests as [Plugin, Plugin];
    a.triggerHostCalls(1);
    b.triggerHostCalls(2);
    a.triggerHostCalls(3);
    expect(hosts[0]?.logged).toEqual([2, 6]);
    expect(hosts[0]?.shared).toBe(1 + 1 + 5 + 3 + 5);
    expect(hosts[1]?.logged).toEqual([4]);
    expect(hosts[1]?.shared).toBe(100 + 2 + 5);
  });

  it('a fresh instance per request starts from its own fresh state, whatever the last request did', async () => {
    for (let request = 1; request <= 8; request++) {
      const host = new PluginHost(0);
      const guest = (await plugin.instantiate(host.imports())) as unknown as Plugin;
      guest.triggerHostCalls(request);
      expect(host.logged).toEqual([2 * request]);
      expect(host.shared).toBe(request + 5);
    }
  });

  it('one compiled component serves many live instances at once', async () => {
    const count = 64;
    const hosts = Array.from({ length: count }, (_, i) => new PluginHost(i * 1000));
    const guests = await Promise.all(hosts.map(async (host) => (await plugin.instantiate(host.imports())) as unknown as Plugin));
    guests.forEach((guest, i) => guest.triggerHostCalls(i));
    hosts.forEach((host, i) => {
      expect(host.logged).toEqual([2 * i]);
      expect(host.shared).toBe(i * 1000 + i + 5);
    });
    expect(guests[count - 1]?.pointAdd({ x: 1, y: 2 }, { x: 3, y: 4 })).toEqual({ x: 4, y: 6 });
  });
});

// ---- the kinds guest: guest-side state and strings from guest memory -------

interface Counter {
  inc(by: number): number;
  value(): number;
}

interface Kinds {
  counters: {
    Counter: new (start: number) => Counter;
    finish(counter: Counter): number;
    destroyed(): number;
  };
  badString(): string;
  badBounds(): string;
  echoString(v: string): string;
}

const KINDS_WIT = 'guests/c/kinds/kinds.wit';

/**
 * A host for world `kinds` built from its host shape: every world-level
 * import (`pass-*`) returns its argument, the `sinks` interface gets a Sink
 * class, a types-only interface an empty object.
 */
function kindsImports(): HostImports {
  const shape = shapeOf(KINDS_WIT, 'kinds');
  const imports: HostImports = {};
  for (const f of shape.root.imports.functions) imports[f.jsName] = (value: unknown) => value;
  for (const group of shape.imports) {
    const members: Record<string, unknown> = {};
    for (const resource of group.resources) {
      if (resource.witName !== 'sink') throw new Error(`unexpected imported resource ${resource.witName}`);
      members[resource.jsName] = class Sink {
        private readonly texts: string[] = [];
        constructor(readonly name: string) {}
        write(text: string): void {
          this.texts.push(text);
        }
        count(): number {
          return this.texts.length;
        }
      };
    }
    imports[group.key] = members;
  }
  return imports;
}

describe('scenario 6: guest state belongs to its instance (kinds component)', () => {
  let kinds: CompiledGuest;

  beforeAll(async () => {
    kinds = await runGuest('guests/c/kinds/kinds.component.wasm', KINDS_WIT, 'kinds');
  });
  afterAll(() => kinds?.dispose());

  it('a fresh instance does not see the guest state another instance built up', async () => {
    const first = (await kinds.instantiate(kindsImports())) as unknown as Kinds;
    const { Counter, finish, destroyed } = first.counters;
    expect(destroyed()).toBe(0);
    for (const start of [1, 2, 3]) {
      const counter = new Counter(start);
      expect(counter.inc(10)).toBe(start + 10);
      expect(finish(counter)).toBe(start + 10);
    }
    expect(destroyed()).toBe(3);

    const fresh = (await kinds.instantiate(kindsImports())) as unknown as Kinds;
    expect(fresh.counters.destroyed()).toBe(0);
    // And the first instance kept its own count.
    expect(destroyed()).toBe(3);
  });
});
