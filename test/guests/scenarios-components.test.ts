/**
 * shared/scenarios.md scenarios 5–7 against real component guests (C built by
 * clang + `witgen build`, see scripts/build-guests.mjs), run by witgen's own
 * component runtime (`compileComponent` + `instantiate`, src/runtime):
 *
 *   5 host ⇄ guest patterns — guests/c/plugin (world `plugin` in wit/plugin.wit):
 *     the guest changes host state through imports, the host calls exports
 *     with records, the guest's printf (WASI through the preview1 adapter)
 *     reaches the host's stdout only when the host grants it;
 *   6 host state and isolation — per-instance host state, fresh instances
 *     that share nothing (host state, guest memory, resource handles), many
 *     live instances of one compiled component;
 *   7 strings from guest memory — the kinds guests' `bad-bounds` (ptr/len past
 *     memory) and `bad-string` (bytes that are not UTF-8) give distinct,
 *     named errors that name the export, and the trapped instance refuses
 *     further calls.
 *
 * Imports are written in witgen's host shape (src/abi/host-shape.ts:
 * world-level functions camelCase at the top, interfaces under their
 * component import name).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostShape, type HostShape } from '../../src/abi/host-shape.js';
import { AbiTrap } from '../../src/abi/lift-lower/trap.js';
import {
  compileComponent,
  ComponentTrap,
  instantiate,
  InstancePoisoned,
  ResourceError,
  runtimeInfo,
  type CompiledComponent,
  type InstantiateOptions,
} from '../../src/runtime/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { buildCli, type BuiltCli } from '../cli/run-cli.js';
import { readGuest, repoRoot } from './jco-host.js';

type HostImports = Record<string, unknown>;

/** The host shape of a world in a WIT file or folder of this repository. */
function shapeOf(witPath: string, world: string): HostShape {
  const loaded = loadWit(join(repoRoot, witPath));
  return hostShape(loaded.resolve, selectWorld(loaded, world));
}

/** A guest compiled once by witgen's runtime, which must run it itself (no jco fallback). */
async function compileGuest(file: string): Promise<CompiledComponent> {
  const compiled = await compileComponent(readGuest(file));
  if (compiled.engine !== 'witgen') throw new Error(`${file} fell back to jco: ${compiled.fallbackReason ?? ''}`);
  return compiled;
}

/** A fresh instance, checked to run on witgen's engine. */
async function start<T>(compiled: CompiledComponent, imports: HostImports, options: InstantiateOptions = {}): Promise<T> {
  const exports = await instantiate(compiled, imports, options);
  expect(runtimeInfo(exports)?.engine).toBe('witgen');
  return exports as T;
}

// ---- scenario 5 and 6: the plugin guest ------------------------------------

const PLUGIN = 'guests/c/plugin/plugin.component.wasm';

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
const PRINTED = 'plugin: trigger-host-calls(7)\n';

describe('scenario 5: host ⇄ guest patterns (plugin component)', () => {
  let plugin: CompiledComponent;

  beforeAll(async () => {
    plugin = await compileGuest(PLUGIN);
  });

  async function run(initial: number, options: InstantiateOptions = {}): Promise<{ guest: Plugin; host: PluginHost }> {
    const host = new PluginHost(initial);
    return { guest: await start<Plugin>(plugin, host.imports(), options), host };
  }

  it('the guest changes host state through the imports and the host sees it at once', async () => {
    const { guest, host } = await run(10);
    guest.triggerHostCalls(3);
    expect(host.logged).toEqual([6]);
    expect(host.shared).toBe(10 + 3 + 5);
    host.shared = 1000;
    guest.triggerHostCalls(-20);
    expect(host.logged).toEqual([6, -40]);
    expect(host.shared).toBe(1000 - 20 + 5);
  });

  it('trigger-host-calls wraps like s32 for any n and shared value', async () => {
    const { guest, host } = await run(0);
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
    const { guest } = await run(0);
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

  it('a host import that returns a value of the wrong type is an error, not a coercion', async () => {
    const host = new PluginHost(0);
    const guest = await start<Plugin>(plugin, { ...host.imports(), hostGetSharedValue: () => 2 ** 31 });
    expect(() => guest.triggerHostCalls(1)).toThrow(/host-get-shared-value/);
  });

  it('granted stdout: the guest output reaches the host callback, stderr gets nothing', async () => {
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    const { guest, host } = await run(0, { wasi: { stdout: (bytes) => out.push(bytes.slice()), stderr: (bytes) => err.push(bytes.slice()) } });
    guest.triggerHostCalls(7);
    expect(Buffer.concat(out).toString('utf8')).toBe(PRINTED);
    expect(err).toEqual([]);
    expect(host.shared).toBe(7 + 5);
  });

  describe('the host process stdout (child processes)', () => {
    let cli: BuiltCli;

    // The child runs the runtime as built for users (tsup, into a private folder).
    beforeAll(async () => {
      cli = await buildCli();
    }, 180_000);
    afterAll(() => cli?.dispose());

    function host(wasi: string): { status: number | null; stdout: string; stderr: string } {
      const runtime = pathToFileURL(join(cli.main, '..', '..', 'runtime', 'index.js')).href;
      const script = join(cli.main, '..', '..', `plugin-host-${Math.random().toString(36).slice(2)}.mjs`);
      writeFileSync(
        script,
        `import { readFileSync } from 'node:fs';
import { instantiate } from ${JSON.stringify(runtime)};
const imports = { hostLogValue() {}, hostGetSharedValue: () => 0, hostSetSharedValue() {} };
const plugin = await instantiate(readFileSync(${JSON.stringify(join(repoRoot, PLUGIN))}), imports, { wasi: ${wasi} });
plugin.triggerHostCalls(7);
process.stdout.write('host done\\n');
`,
      );
      const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    it('no grant: the guest runs, its output reaches neither stdout nor stderr', () => {
      const result = host('{}');
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe('host done\n');
      expect(result.stderr).toBe('');
    });

    it("stdout: 'inherit': the output reaches the host's stdout", () => {
      const result = host("{ stdout: 'inherit' }");
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${PRINTED}host done\n`);
      expect(result.stderr).toBe('');
    });

    it('stdout sent to the host stderr: the output reaches stderr only', () => {
      const result = host('{ stdout: (bytes) => process.stderr.write(bytes) }');
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe('host done\n');
      expect(result.stderr).toBe(PRINTED);
    });
  });
});

describe('scenario 6: host state and isolation (plugin component)', () => {
  let plugin: CompiledComponent;

  beforeAll(async () => {
    plugin = await compileGuest(PLUGIN);
  });

  it('each instance has its own host state; interleaved calls never cross', async () => {
    const hosts = [new PluginHost(1), new PluginHost(100)] as const;
    const a = await start<Plugin>(plugin, hosts[0].imports());
    const b = await start<Plugin>(plugin, hosts[1].imports());
    a.triggerHostCalls(1);
    b.triggerHostCalls(2);
    a.triggerHostCalls(3);
    expect(hosts[0].logged).toEqual([2, 6]);
    expect(hosts[0].shared).toBe(1 + 1 + 5 + 3 + 5);
    expect(hosts[1].logged).toEqual([4]);
    expect(hosts[1].shared).toBe(100 + 2 + 5);
  });

  it('a fresh instance per request starts from its own fresh state, whatever the last request did', async () => {
    for (let request = 1; request <= 8; request++) {
      const host = new PluginHost(0);
      const guest = await start<Plugin>(plugin, host.imports());
      guest.triggerHostCalls(request);
      expect(host.logged).toEqual([2 * request]);
      expect(host.shared).toBe(request + 5);
    }
  });

  it('one compiled component serves many live instances at once, compiled once', async () => {
    expect(await compileComponent(plugin)).toBe(plugin);
    const count = 64;
    const hosts = Array.from({ length: count }, (_, i) => new PluginHost(i * 1000));
    const guests = await Promise.all(hosts.map((host) => start<Plugin>(plugin, host.imports())));
    guests.forEach((guest, i) => guest.triggerHostCalls(i));
    hosts.forEach((host, i) => {
      expect(host.logged).toEqual([2 * i]);
      expect(host.shared).toBe(i * 1000 + i + 5);
    });
    // The synchronous path of the same compiled component gives an equal, independent instance.
    const host = new PluginHost(-5);
    const sync = plugin.instantiateSync(host.imports()) as unknown as Plugin;
    sync.triggerHostCalls(5);
    expect(host.shared).toBe(5);
    expect(hosts[0]?.shared).toBe(5);
  });
});

// ---- the kinds guests: guest-side state and strings from guest memory ------

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

/**
 * A host for world `kinds` built from its host shape: every world-level
 * import (`pass-*`) returns its argument, the `sinks` interface gets a Sink
 * class, the types-only interface an empty object.
 */
function kindsImports(wit = 'guests/c/kinds/kinds.wit'): HostImports {
  const shape = shapeOf(wit, 'kinds');
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
  let kinds: CompiledComponent;

  beforeAll(async () => {
    kinds = await compileGuest('guests/c/kinds/kinds.component.wasm');
  });

  it('a fresh instance does not see the guest state another instance built up', async () => {
    const first = await start<Kinds>(kinds, kindsImports());
    const { Counter, finish, destroyed } = first.counters;
    expect(destroyed()).toBe(0);
    for (const initial of [1, 2, 3]) {
      const counter = new Counter(initial);
      expect(counter.inc(10)).toBe(initial + 10);
      expect(finish(counter)).toBe(initial + 10);
    }
    expect(destroyed()).toBe(3);

    const fresh = await start<Kinds>(kinds, kindsImports());
    expect(fresh.counters.destroyed()).toBe(0);
    // And the first instance kept its own count.
    expect(destroyed()).toBe(3);
  });

  it("a resource of one instance is refused by another: handles are per instance", async () => {
    const a = await start<Kinds>(kinds, kindsImports());
    const b = await start<Kinds>(kinds, kindsImports());
    const counter = new a.counters.Counter(5);
    let thrown: unknown;
    try {
      b.counters.finish(counter);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ResourceError);
    expect(thrown).toMatchObject({ code: 'RESOURCE_WRONG_TYPE' });
    // The refused call left the counter with its own instance, intact.
    expect(counter.value()).toBe(5);
    expect(a.counters.finish(counter)).toBe(5);
    expect(b.counters.destroyed()).toBe(0);
  });
});

// ---- scenario 7 ---------------------------------------------------------------

function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe.each([
  { guest: 'kinds', file: 'guests/c/kinds/kinds.component.wasm', wit: 'guests/c/kinds/kinds.wit' },
  { guest: 'kinds-bindgen', file: 'guests/c/kinds-bindgen/kinds-bindgen.component.wasm', wit: 'guests/c/kinds-bindgen/kinds.wit' },
])('scenario 7: strings from guest memory ($guest component)', ({ file, wit }) => {
  let kinds: CompiledComponent;

  beforeAll(async () => {
    kinds = await compileGuest(file);
  });

  it.each([
    { exportName: 'bad-bounds', call: (g: Kinds) => g.badBounds(), reason: 'out-of-bounds', detail: /64 bytes at 4294967280 exceed memory of \d+ bytes/ },
    { exportName: 'bad-string', call: (g: Kinds) => g.badString(), reason: 'invalid-utf8', detail: /not valid UTF-8/ },
  ])('$exportName: a trap naming the export, with reason $reason; the instance is then poisoned', async ({ exportName, call, reason, detail }) => {
    const guest = await start<Kinds>(kinds, kindsImports(wit));
    const error = thrownBy(() => call(guest));
    expect(error).toBeInstanceOf(ComponentTrap);
    expect(error).toMatchObject({ code: 'COMPONENT_TRAP', export: exportName });
    const cause = (error as ComponentTrap).cause;
    expect(cause).toBeInstanceOf(AbiTrap);
    expect(cause).toMatchObject({ code: 'ABI_TRAP', reason });
    expect((error as Error).message).toMatch(detail);
    expect((error as Error).message).toContain(`\`${exportName}\``);

    // The spec forbids entering a trapped instance again; a fresh one works.
    expect(thrownBy(() => guest.echoString('again'))).toBeInstanceOf(InstancePoisoned);
    const fresh = await start<Kinds>(kinds, kindsImports(wit));
    expect(fresh.echoString('fine')).toBe('fine');
  });

  it('the two failures are told apart by their reason', async () => {
    const reasons = [];
    for (const call of [(g: Kinds) => g.badBounds(), (g: Kinds) => g.badString()]) {
      const error = thrownBy(() => call(kinds.instantiateSync(kindsImports(wit)) as unknown as Kinds));
      reasons.push(((error as ComponentTrap).cause as AbiTrap).reason);
    }
    expect(new Set(reasons).size).toBe(2);
  });
});
