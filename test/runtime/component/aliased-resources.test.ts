/**
 * Two component shapes wit-component writes for ordinary C guests, run by
 * witgen's own runtime (`fallback: 'never'`), built at test time from the
 * bindgen-style fixtures (test/fixtures/c-guest/bindgen-style):
 *
 * - resource_aggregates: the exported interface `guest-things` uses the
 *   imported resource `host-things.thing` inside records, lists, variants,
 *   options, and `more-things` uses `guest-things.mono`. wit-component
 *   re-declares such types in a shim component over its own imported
 *   resources, so they only name the right resources once the shim's type
 *   imports are substituted by its instantiation's arguments.
 * - world_items: world-level types, flags, variants and a world resource,
 *   an imported and an exported interface under plain names.
 *
 * Each scenario records what it observes; the same scenario through the jco
 * fallback must record the same (differential check).
 *
 * Skipped only when clang cannot build wasm32-wasi reactors (reason in the name).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ComponentTypes, type TypeId, type ValType } from '../../../src/binary/component-types.js';
import { typeSubstitution } from '../../../src/binary/type-substitution.js';
import { buildComponent } from '../../../src/build/index.js';
import { generateCGuest } from '../../../src/codegen/c-guest/index.js';
import { compileComponent, instantiate, runtimeInfo, type CompiledComponent } from '../../../src/runtime/component/index.js';
import { instantiateWithJco } from '../../../src/runtime/component/seams.js';
import { loadWit, selectWorld } from '../../../src/wit/load.js';
import { clangWasm, reactorToolchainProblem } from '../../helpers/wasm-clang.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../fixtures/c-guest/bindgen-style');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-aliased-resources-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Building a guest (clang, wasm-ld, componentNew) and jco's transpile take seconds alone, much longer beside other suites.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const problem = reactorToolchainProblem(scratch);
const suite = problem === null ? describe : describe.skip;
const title = (name: string): string => (problem === null ? name : `${name} (skipped: ${problem})`);

/** Generates the glue of `wit`, compiles `source` with it (as the bindgen-style test does) and builds the component. */
async function buildComponentFrom(name: string, wit: string, source: string): Promise<CompiledComponent> {
  const dir = path.join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const loaded = loadWit(wit);
  const generated = generateCGuest(loaded.resolve, selectWorld(loaded), {});
  for (const [file, text] of generated.files) writeFileSync(path.join(dir, file), text);
  const core = path.join(dir, `${name}.core.wasm`);
  const failure = clangWasm([
    '-mexec-model=reactor', '-Wl,--no-entry', '-O1', '-Wall', '-Wextra', '-Werror', `-I${dir}`,
    path.join(dir, generated.sourceName), source, '-o', core,
  ]);
  if (failure !== null) throw new Error(`the ${name} guest does not compile against witgen's glue:\n${failure}`);
  const { component } = await buildComponent({ core: new Uint8Array(readFileSync(core)), wit: loaded });
  return compileComponent(component);
}

/** A bindgen-style fixture: `<name>.wit` and `<name>.c`. */
const buildGuest = (name: string): Promise<CompiledComponent> =>
  buildComponentFrom(name, path.join(fixtures, `${name}.wit`), path.join(fixtures, `${name}.c`));

type Engine = 'witgen' | 'jco';
type Call = (...args: unknown[]) => unknown;
type Exports = Record<string, unknown>;

/** Instantiates with witgen's runtime (no fallback allowed) or, for the differential check, with jco. */
async function start(compiled: CompiledComponent, imports: Record<string, unknown>, engine: Engine): Promise<Exports> {
  if (engine === 'witgen') {
    const exports = await instantiate(compiled, imports, { fallback: 'never' });
    expect(runtimeInfo(exports)?.engine).toBe('witgen');
    return exports;
  }
  const world = compiled.world;
  if (world === null) throw new Error('witgen does not run this component: no world to give jco');
  const jco = await instantiateWithJco(compiled.bytes, imports, {
    reason: 'differential check',
    cacheDir: path.join(scratch, 'jco-cache'),
    world: { resolve: world.resolve, worldId: world.worldId },
  });
  return jco.exports;
}

class Thing {
  constructor(
    readonly v: number,
    private readonly disposed: number[],
  ) {}
  value(): number {
    return this.v;
  }
  [Symbol.dispose](): void {
    this.disposed.push(this.v);
  }
}

interface Mono {
  get(): number;
  [Symbol.dispose](): void;
}

interface GuestThings {
  Mono: new (v: number) => Mono;
  sumHolder(h: { owned: Thing; borrowed: Thing; mine: Mono; label: string }): number;
  sumOwner(o: { things: Thing[]; monos: Mono[] }): number;
  pick(e: { tag: string; val?: unknown }): number;
  makeMonos(n: number): Mono[];
  maybeThing(t: Thing | undefined): Thing | undefined;
  pair(a: number, b: number): [Mono, Mono];
  tryMono(v: number): Mono;
  liveMonos(): number;
}

interface MoreThings {
  unwrap(w: { m: Mono; extra: number }): number;
  peek(m: Mono): number;
}

/**
 * The resource_aggregates scenario (the bindgen-style test's calls and
 * checks): returns what it observed, in order, for the differential check.
 */
async function aggregatesScenario(compiled: CompiledComponent, engine: Engine): Promise<unknown[]> {
  const log: unknown[] = [];
  const see = <T>(label: string, value: T): T => (log.push([label, value]), value);
  const disposed: number[] = [];
  // The class the host gives for `thing`: the guest's constructor and the host's own code make the same objects.
  const HostThing = class extends Thing {
    constructor(v: number) {
      super(v, disposed);
    }
  };
  const make = (v: number): Thing => new HostThing(v);
  const exports = await start(compiled, {
    'test:aggregates/host-things': {
      Thing: HostThing,
      makeThings: (n: number) => Array.from({ length: n }, (_, i) => make(i)),
      sumBorrowed: (l: Thing[]) => l.reduce((sum, t) => sum + t.value(), 0),
    },
  }, engine);
  (exports['run'] as Call)();
  // The guest dropped the three things make-things gave it and the one it constructed.
  expect(see('run disposed', [...disposed].sort())).toEqual([0, 1, 2, 41]);
  disposed.length = 0;

  const guest = exports['guestThings'] as GuestThings;
  const more = exports['moreThings'] as MoreThings;
  const mine = new guest.Mono(100);
  const kept = make(20);
  expect(see('sum-holder', guest.sumHolder({ owned: make(1), borrowed: kept, mine, label: 'abc' }))).toBe(1 + 20 + 100 + 3);
  // The owned thing went to the guest, which dropped it (the host's class saw the drop); the borrowed one is still the host's.
  expect(see('disposed after sum-holder', [...disposed])).toEqual([1]);
  expect(see('kept', kept.value())).toBe(20);
  expect(see('mine after sum-holder', mine.get())).toBe(100);
  expect(see('live', guest.liveMonos())).toBe(1);
  expect(see('sum-owner', guest.sumOwner({ things: [make(2), make(3)], monos: [new guest.Mono(4)] }))).toBe(9);
  expect(see('disposed after sum-owner', [...disposed])).toEqual([1, 2, 3]);
  expect(see('live', guest.liveMonos())).toBe(1);
  expect(see('pick t', guest.pick({ tag: 't', val: make(7) }))).toBe(7);
  expect(see('pick m', guest.pick({ tag: 'm', val: new guest.Mono(8) }))).toBe(8);
  expect(see('pick neither', guest.pick({ tag: 'neither' }))).toBe(1000);
  expect(see('disposed after pick', [...disposed])).toEqual([1, 2, 3, 7]);
  expect(see('live', guest.liveMonos())).toBe(1);
  const monos = guest.makeMonos(3);
  expect(see('make-monos', monos.map((m) => m.get()))).toEqual([0, 10, 20]);
  expect(see('live', guest.liveMonos())).toBe(4);
  // Handed back as owns: the guest drops them.
  expect(see('sum-owner monos', guest.sumOwner({ things: [], monos }))).toBe(30);
  expect(see('live', guest.liveMonos())).toBe(1);
  expect(see('maybe-thing none', guest.maybeThing(undefined))).toBeUndefined();
  // The same host object comes back: an own handle of an imported resource goes through the host's table both ways.
  const five = make(5);
  const back = guest.maybeThing(five);
  expect(see('maybe-thing some', back?.value())).toBe(5);
  expect(see('maybe-thing identity', back === five)).toBe(true);
  const [a, b] = guest.pair(1, 2);
  expect(see('pair', [a.get(), b.get()])).toEqual([1, 2]);
  expect(see('live', guest.liveMonos())).toBe(3);
  a[Symbol.dispose]();
  b[Symbol.dispose]();
  expect(see('live after disposing the pair', guest.liveMonos())).toBe(1);
  let error: unknown;
  try {
    guest.tryMono(-1);
  } catch (caught) {
    error = caught;
  }
  expect(see('try-mono err', (error as { payload?: unknown } | undefined)?.payload)).toBe('negative');
  const tried = guest.tryMono(5);
  expect(see('try-mono ok', tried.get())).toBe(5);
  tried[Symbol.dispose]();
  // `more-things` uses `guest-things.mono`: the same resource, one table.
  expect(see('peek', more.peek(mine))).toBe(100);
  expect(see('mine after peek', mine.get())).toBe(100);
  const before = guest.liveMonos();
  expect(see('unwrap', more.unwrap({ m: new guest.Mono(6), extra: 1 }))).toBe(7);
  expect(see('live after unwrap', guest.liveMonos())).toBe(before);
  mine[Symbol.dispose]();
  expect(see('live at the end', guest.liveMonos())).toBe(0);
  expect(see('disposed at the end', [...disposed])).toEqual([1, 2, 3, 7]);
  return log;
}

/** The world_items scenario (the bindgen-style test's calls and checks), returning what it observed. */
async function worldItemsScenario(compiled: CompiledComponent, engine: Engine): Promise<unknown[]> {
  const log: unknown[] = [];
  const see = <T>(label: string, value: T): T => (log.push([label, value]), value);
  const dropped: number[][] = [];
  const flips: string[] = [];
  class Cursor {
    private at: { x: number; y: number };
    constructor(at: { x: number; y: number }) {
      this.at = { ...at };
    }
    position(): { x: number; y: number } {
      return this.at;
    }
    nudge(by: number, d: 'horizontal' | 'vertical'): void {
      this.at = d === 'horizontal' ? { x: this.at.x + by, y: this.at.y } : { x: this.at.x, y: this.at.y + by };
    }
    [Symbol.dispose](): void {
      dropped.push([this.at.x, this.at.y]);
    }
  }
  const seenEvents: unknown[] = [];
  const exports = await start(compiled, {
    'host-ops': {
      scale: (p: { x: number; y: number }, factor: number) => ({ x: p.x * factor, y: p.y * factor }),
      flip: (a: string) => (flips.push(a), a === 'vertical' ? 'horizontal' : 'vertical'),
    },
    Cursor,
    keysOf: (e: { tag: string; val?: unknown }) => (seenEvents.push(e), { shift: false, ctrl: e.tag === 'clicked' }),
    length: (s: { start: { x: number; y: number }; end: { x: number; y: number }; along: string }) => (
      seenEvents.push(s), Math.hypot(s.end.x - s.start.x, s.end.y - s.start.y)
    ),
  }, engine);
  (exports['run'] as Call)();
  expect(see('dropped', dropped)).toEqual([[7, -3]]);
  expect(see('flips', flips)).toEqual(['vertical']);
  // The world-level variant, record and enum as the host receives them from the guest.
  expect(see('events', seenEvents)).toEqual([
    { tag: 'clicked', val: { x: 2, y: -3 } },
    { tag: 'idle' },
    { start: { x: 0, y: 0 }, end: { x: 3, y: 4 }, along: 'vertical' },
  ]);
  const describe = exports['describe'] as Call;
  expect(see('describe', describe({ start: { x: 1, y: 2 }, end: { x: -3, y: 4 }, along: 'horizontal' }, { shift: true, ctrl: true }))).toBe(
    '(1,2)->(-3,4) h+shift+ctrl',
  );
  expect(see('describe plain', describe({ start: { x: 0, y: 0 }, end: { x: 0, y: -1 }, along: 'vertical' }, { shift: false, ctrl: false }))).toBe(
    '(0,0)->(0,-1) v',
  );
  const guestOps = exports['guestOps'] as { recordClick(p: { x: number; y: number }): unknown };
  expect(see('click 1', guestOps.recordClick({ x: 5, y: 6 }))).toEqual({ count: 1, last: '5,6' });
  expect(see('click 2', guestOps.recordClick({ x: -1, y: 0 }))).toEqual({ count: 2, last: '-1,0' });
  return log;
}

suite(title('an exported interface using an imported resource, and one using another export\'s resource'), () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await buildGuest('resource_aggregates');
  });

  it('is run by witgen itself', () => {
    expect(compiled.fallbackReason).toBeNull();
    expect(compiled.engine).toBe('witgen');
  });

  it('gives a `use`d resource the identity of the resource it names', () => {
    const world = compiled.world;
    if (world === null) throw new Error('no world');
    const { resolve } = world;
    const typeIn = (iface: string, name: string): number => {
      const id = resolve.interfaces.find((i) => i.name === iface)?.types.get(name);
      if (id === undefined) throw new Error(`${iface}.${name} missing`);
      return id;
    };
    // guest-things.thing is host-things.thing; more-things.mono is guest-things.mono.
    expect(resolve.types[typeIn('guest-things', 'thing')]?.kind).toEqual({ kind: 'type', type: typeIn('host-things', 'thing') });
    expect(resolve.types[typeIn('more-things', 'mono')]?.kind).toEqual({ kind: 'type', type: typeIn('guest-things', 'mono') });
    expect(resolve.types[typeIn('host-things', 'thing')]?.kind).toEqual({ kind: 'resource' });
    expect(resolve.types[typeIn('guest-things', 'mono')]?.kind).toEqual({ kind: 'resource' });
  });

  it('moves own and borrowed handles inside records, lists, variants, options, results and tuples (fallback never)', async () => {
    await aggregatesScenario(compiled, 'witgen');
  });

  it('disposes exported resources lifted from lists and tuples, and traps on a handle used after it was given away', async () => {
    const disposed: number[] = [];
    const exports = await start(compiled, {
      'test:aggregates/host-things': {
        Thing: class extends Thing {
          constructor(v: number) {
            super(v, disposed);
          }
        },
        makeThings: () => [],
        sumBorrowed: () => 0,
      },
    }, 'witgen');
    const guest = exports['guestThings'] as GuestThings;
    const more = exports['moreThings'] as MoreThings;
    const monos = guest.makeMonos(4);
    expect(guest.liveMonos()).toBe(4);
    for (const m of monos) m[Symbol.dispose]();
    expect(guest.liveMonos()).toBe(0);
    // Disposing twice is harmless.
    monos[0]?.[Symbol.dispose]();
    expect(guest.liveMonos()).toBe(0);
    // A mono given to the guest as an own (through more-things' record) is no longer the host's to use.
    const given = new guest.Mono(3);
    expect(more.unwrap({ m: given, extra: 0 })).toBe(3);
    expect(() => given.get()).toThrow();
    expect(() => more.peek(given)).toThrow();
  });

  it('behaves as the jco fallback does (differential)', async () => {
    const ours = await aggregatesScenario(compiled, 'witgen');
    const theirs = await aggregatesScenario(compiled, 'jco');
    expect(ours).toEqual(theirs);
  });
});

suite(title('world-level types, resources and plainly named interfaces'), () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await buildGuest('world_items');
  });

  it('is run by witgen itself', () => {
    expect(compiled.fallbackReason).toBeNull();
    expect(compiled.engine).toBe('witgen');
  });

  it('passes world-level records, variants, flags and a world resource both ways (fallback never)', async () => {
    await worldItemsScenario(compiled, 'witgen');
  });

  it('behaves as the jco fallback does (differential)', async () => {
    const ours = await worldItemsScenario(compiled, 'witgen');
    const theirs = await worldItemsScenario(compiled, 'jco');
    expect(ours).toEqual(theirs);
  });
});

/**
 * More shapes of the same kind, written here: an exported interface `use`s an
 * imported resource and an imported record of its handles, takes and returns
 * them bare, in results and tuples; a second exported interface `use`s both
 * the imported resource and the first one's resource and record; a world
 * export takes a borrow of the imported resource through a world-level `use`.
 */
const EXTRA_WIT = `package test:extra;

interface host {
  resource gadget {
    constructor(v: u32);
    value: func() -> u32;
  }
  record bundle { main: gadget, extras: list<gadget> }
}

interface first {
  use host.{gadget, bundle};
  resource widget {
    constructor(v: u32);
    get: func() -> u32;
    many: static func(n: u32) -> list<widget>;
  }
  record pack { w: widget, g: option<borrow<gadget>> }
  measure: func(g: borrow<gadget>) -> u32;
  pass-back: func(g: gadget) -> result<gadget, string>;
  open-bundle: func(b: bundle) -> u32;
  live-widgets: func() -> u32;
}

interface second {
  use host.{gadget};
  use first.{widget, pack};
  read-pack: func(p: pack) -> u32;
  echo: func(g: gadget) -> tuple<gadget, u32>;
  widgets-sum: func(ws: list<borrow<widget>>) -> u32;
}

world extra-world {
  use host.{gadget};
  import host;
  export first;
  export second;
  export twice: func(g: borrow<gadget>) -> u32;
}
`;

const EXTRA_C = `#include <stdlib.h>
#include "extra_world.h"

struct exports_test_extra_first_widget_t {
  uint32_t v;
};

static uint32_t live = 0;

void exports_test_extra_first_widget_destructor(exports_test_extra_first_widget_t *rep) {
  live--;
  free(rep);
}

exports_test_extra_first_own_widget_t exports_test_extra_first_constructor_widget(uint32_t v) {
  exports_test_extra_first_widget_t *rep = malloc(sizeof(*rep));
  rep->v = v;
  live++;
  return exports_test_extra_first_widget_new(rep);
}

uint32_t exports_test_extra_first_method_widget_get(exports_test_extra_first_borrow_widget_t self) { return self->v; }

void exports_test_extra_first_static_widget_many(uint32_t n, exports_test_extra_first_list_own_widget_t *ret) {
  ret->len = n;
  ret->ptr = malloc(sizeof(exports_test_extra_first_own_widget_t) * (n > 0 ? n : 1));
  for (uint32_t i = 0; i < n; i++) ret->ptr[i] = exports_test_extra_first_constructor_widget(i + 1);
}

uint32_t exports_test_extra_first_measure(exports_test_extra_first_borrow_gadget_t g) {
  return 2 * test_extra_host_method_gadget_value(g);
}

bool exports_test_extra_first_pass_back(exports_test_extra_first_own_gadget_t g, exports_test_extra_first_own_gadget_t *ret, extra_world_string_t *err) {
  if (test_extra_host_method_gadget_value(test_extra_host_borrow_gadget(g)) == 0) {
    test_extra_host_gadget_drop_own(g);
    extra_world_string_dup(err, "zero");
    return false;
  }
  *ret = g;
  return true;
}

uint32_t exports_test_extra_first_open_bundle(exports_test_extra_first_bundle_t *b) {
  uint32_t sum = test_extra_host_method_gadget_value(test_extra_host_borrow_gadget(b->main));
  test_extra_host_gadget_drop_own(b->main);
  for (size_t i = 0; i < b->extras.len; i++) {
    sum += 10 * test_extra_host_method_gadget_value(test_extra_host_borrow_gadget(b->extras.ptr[i]));
    test_extra_host_gadget_drop_own(b->extras.ptr[i]);
  }
  free(b->extras.ptr);
  return sum;
}

uint32_t exports_test_extra_first_live_widgets(void) { return live; }

uint32_t exports_test_extra_second_read_pack(exports_test_extra_second_pack_t *p) {
  uint32_t v = exports_test_extra_first_widget_rep(p->w)->v;
  if (p->g.is_some) {
    v += 100 * test_extra_host_method_gadget_value(p->g.val);
    test_extra_host_gadget_drop_borrow(p->g.val);
  }
  exports_test_extra_first_widget_drop_own(p->w);
  return v;
}

void exports_test_extra_second_echo(exports_test_extra_second_own_gadget_t g, exports_test_extra_second_tuple2_own_gadget_u32_t *ret) {
  ret->f1 = test_extra_host_method_gadget_value(test_extra_host_borrow_gadget(g));
  ret->f0 = g;
}

uint32_t exports_test_extra_second_widgets_sum(exports_test_extra_second_list_borrow_widget_t *ws) {
  uint32_t sum = 0;
  for (size_t i = 0; i < ws->len; i++) sum += ws->ptr[i]->v;
  exports_test_extra_second_list_borrow_widget_free(ws);
  return sum;
}

uint32_t exports_extra_world_twice(extra_world_borrow_gadget_t g) { return 2 * test_extra_host_method_gadget_value(g); }
`;

interface Widget {
  get(): number;
  [Symbol.dispose](): void;
}

/** The scenario of the shapes above, returning what it observed. */
async function extraScenario(compiled: CompiledComponent, engine: Engine): Promise<unknown[]> {
  const log: unknown[] = [];
  const see = <T>(label: string, value: T): T => (log.push([label, value]), value);
  const disposed: number[] = [];
  class Gadget {
    constructor(readonly v: number) {}
    value(): number {
      return this.v;
    }
    [Symbol.dispose](): void {
      disposed.push(this.v);
    }
  }
  const exports = await start(compiled, { 'test:extra/host': { Gadget } }, engine);
  const first = exports['first'] as {
    Widget: (new (v: number) => Widget) & { many(n: number): Widget[] };
    measure(g: Gadget): number;
    passBack(g: Gadget): Gadget;
    openBundle(b: { main: Gadget; extras: Gadget[] }): number;
    liveWidgets(): number;
  };
  const second = exports['second'] as {
    readPack(p: { w: Widget; g: Gadget | undefined }): number;
    echo(g: Gadget): [Gadget, number];
    widgetsSum(ws: Widget[]): number;
  };
  const g3 = new Gadget(3);
  expect(see('measure', first.measure(g3))).toBe(6);
  expect(see('twice', (exports['twice'] as Call)(g3))).toBe(6);
  const back = first.passBack(g3);
  expect(see('pass-back identity', back === g3)).toBe(true);
  let error: unknown;
  try {
    first.passBack(new Gadget(0));
  } catch (caught) {
    error = caught;
  }
  expect(see('pass-back err', (error as { payload?: unknown } | undefined)?.payload)).toBe('zero');
  expect(see('disposed after pass-back', [...disposed])).toEqual([0]);
  expect(see('open-bundle', first.openBundle({ main: new Gadget(1), extras: [new Gadget(2), new Gadget(4)] }))).toBe(61);
  expect(see('disposed after open-bundle', [...disposed].sort())).toEqual([0, 1, 2, 4]);
  const [echoed, value] = second.echo(g3);
  expect(see('echo', [echoed === g3, value])).toEqual([true, 3]);
  const widgets = first.Widget.many(3);
  expect(see('many', widgets.map((w) => w.get()))).toEqual([1, 2, 3]);
  expect(see('live', first.liveWidgets())).toBe(3);
  expect(see('widgets-sum', second.widgetsSum(widgets))).toBe(6);
  expect(see('widgets after widgets-sum', widgets.map((w) => w.get()))).toEqual([1, 2, 3]);
  expect(see('read-pack', second.readPack({ w: new first.Widget(5), g: g3 }))).toBe(305);
  expect(see('read-pack none', second.readPack({ w: new first.Widget(6), g: undefined }))).toBe(6);
  expect(see('live after read-pack', first.liveWidgets())).toBe(3);
  // Handed back as owns through second's record (jco's Symbol.dispose on objects lifted from a list is unreliable).
  expect(see('read-pack each', widgets.map((w) => second.readPack({ w, g: undefined })))).toEqual([1, 2, 3]);
  expect(see('live at the end', first.liveWidgets())).toBe(0);
  expect(see('g3 still the host\'s', [g3.value(), disposed.includes(3)])).toEqual([3, false]);
  return log;
}

suite(title('imported resources and records of their handles in two exported interfaces and a world export'), () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    const dir = path.join(scratch, 'extra-src');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'extra.wit'), EXTRA_WIT);
    writeFileSync(path.join(dir, 'extra.c'), EXTRA_C);
    compiled = await buildComponentFrom('extra', path.join(dir, 'extra.wit'), path.join(dir, 'extra.c'));
  });

  it('is run by witgen itself, with fallback never', async () => {
    expect(compiled.fallbackReason).toBeNull();
    await extraScenario(compiled, 'witgen');
  });

  it('behaves as the jco fallback does (differential)', async () => {
    const ours = await extraScenario(compiled, 'witgen');
    const theirs = await extraScenario(compiled, 'jco');
    expect(ours).toEqual(theirs);
  });
});

/** A value type tree over two resources: `nested` (a shim's imported resource) and `outer` (defined elsewhere). */
type Tree =
  | { readonly k: 'u32' | 'string' }
  | { readonly k: 'own' | 'borrow' | 'own-alias'; readonly r: 'nested' | 'outer' }
  | { readonly k: 'list' | 'option'; readonly t: Tree }
  | { readonly k: 'record' | 'tuple'; readonly ts: readonly Tree[] }
  | { readonly k: 'result'; readonly ok: Tree | null; readonly err: Tree | null }
  | { readonly k: 'func'; readonly ts: readonly Tree[]; readonly result: Tree | null };

const trees = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ k: fc.constantFrom('u32' as const, 'string' as const) }),
    fc.record({ k: fc.constantFrom('own' as const, 'borrow' as const, 'own-alias' as const), r: fc.constantFrom('nested' as const, 'outer' as const) }),
    fc.record({ k: fc.constantFrom('list' as const, 'option' as const), t: tie('tree') }),
    fc.record({ k: fc.constantFrom('record' as const, 'tuple' as const), ts: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ k: fc.constant('result' as const), ok: fc.option(tie('tree'), { nil: null }), err: fc.option(tie('tree'), { nil: null }) }),
  ),
})).tree;
const funcs = fc.record({ k: fc.constant('func' as const), ts: fc.array(trees, { maxLength: 3 }), result: fc.option(trees, { nil: null }) });

/** Adds `tree` to `types` the way a decoder would (children first); resources by the ids given. */
function build(types: ComponentTypes, tree: Tree, resources: { nested: TypeId; nestedAlias: TypeId; outer: TypeId }): ValType {
  const id = (def: Parameters<ComponentTypes['add']>[0]): ValType => ({ kind: 'id', id: types.add(def) });
  const val = (t: Tree): ValType => build(types, t, resources);
  switch (tree.k) {
    case 'u32':
    case 'string':
      return { kind: 'primitive', name: tree.k };
    case 'own':
    case 'borrow':
      return id({ kind: 'defined', def: { kind: tree.k, resource: resources[tree.r] } });
    case 'own-alias':
      // A handle naming the resource through an `eq` alias of it.
      return id({ kind: 'defined', def: { kind: 'own', resource: tree.r === 'nested' ? resources.nestedAlias : resources.outer } });
    case 'list':
      return id({ kind: 'defined', def: { kind: 'list', element: val(tree.t) } });
    case 'option':
      return id({ kind: 'defined', def: { kind: 'option', type: val(tree.t) } });
    case 'record':
      return id({ kind: 'defined', def: { kind: 'record', fields: tree.ts.map((t, i) => ({ name: `f${i}`, type: val(t) })) } });
    case 'tuple':
      return id({ kind: 'defined', def: { kind: 'tuple', types: tree.ts.map(val) } });
    case 'result':
      return id({ kind: 'defined', def: { kind: 'result', ok: tree.ok === null ? null : val(tree.ok), err: tree.err === null ? null : val(tree.err) } });
    case 'func':
      return id({ kind: 'func', async: false, params: tree.ts.map((t, i) => ({ name: `p${i}`, type: val(t) })), result: tree.result === null ? null : val(tree.result) });
  }
}

/** The structure of a type, resources named by `names` (aliases followed). */
function render(types: ComponentTypes, type: ValType | null, names: ReadonlyMap<TypeId, string>): string {
  if (type === null) return '_';
  if (type.kind === 'primitive') return type.name;
  const info = types.definition(type.id);
  const r = (t: ValType | null): string => render(types, t, names);
  if (info.kind === 'func') return `func(${info.params.map((p) => r(p.type)).join(',')})->${r(info.result)}`;
  if (info.kind !== 'defined') return '?';
  const def = info.def;
  switch (def.kind) {
    case 'own':
    case 'borrow':
      return `${def.kind}<${names.get(types.underlying(def.resource)) ?? '?'}>`;
    case 'list':
      return `list<${r(def.element)}>`;
    case 'option':
      return `option<${r(def.type)}>`;
    case 'record':
      return `record{${def.fields.map((f) => r(f.type)).join(',')}}`;
    case 'tuple':
      return `tuple<${def.types.map(r).join(',')}>`;
    case 'result':
      return `result<${r(def.ok)},${r(def.err)}>`;
    default:
      return def.kind;
  }
}

describe('type substitution of a nested component\'s type imports', () => {
  it('replaces the imported resource everywhere (through aliases), keeps types that do not mention it, and is stable', () => {
    fc.assert(
      fc.property(fc.oneof(trees, funcs), (tree) => {
        const types = new ComponentTypes();
        const outer = types.add({ kind: 'resource', destructor: null });
        const given = types.add({ kind: 'resource', destructor: 3 });
        const nested = types.add({ kind: 'resource', destructor: null });
        const nestedAlias = types.add({ kind: 'alias', of: nested });
        const type = build(types, tree, { nested, nestedAlias, outer });
        const before = types.infos.length;
        const substitute = typeSubstitution(types, new Map([[nested, given]]));
        const after = type.kind === 'id' ? substitute(type.id) : null;
        const substituted: ValType = after === null ? type : { kind: 'id', id: after };
        const expected = render(types, type, new Map([[outer, 'outer'], [nested, 'given']]));
        expect(render(types, substituted, new Map([[outer, 'outer'], [given, 'given']]))).toBe(expected);
        const mentionsNested = render(types, type, new Map([[outer, 'outer'], [nested, 'nested']])).includes('nested');
        // Nothing to replace: the same id, and no new types.
        if (!mentionsNested) {
          expect(after).toBe(type.kind === 'id' ? type.id : null);
          expect(types.infos.length).toBe(before);
        }
        // Asking again gives the same answer without adding types.
        const count = types.infos.length;
        if (type.kind === 'id') expect(substitute(type.id)).toBe(after);
        expect(types.infos.length).toBe(count);
      }),
      { numRuns: 300 },
    );
  });
});

interface NeverDropped {
  roundTrip(label: string): string;
  stampAll(ns: Uint32Array): number;
}

/** Host side of never_dropped.wit: every ticket and stamp the guest made must come back exactly once. */
function ticketDesk(): { imports: Record<string, unknown>; outstanding: () => number } {
  const issued = new Set<object>();
  class Ticket {
    constructor(readonly label: string) {
      issued.add(this);
    }
  }
  class Stamp {
    constructor(readonly n: number) {
      issued.add(this);
    }
  }
  const takeBack = (item: object): void => {
    if (!issued.delete(item)) throw new Error('a resource came back that the desk never issued, or came back twice');
  };
  return {
    imports: {
      'witgen:never-dropped/tickets': {
        Ticket,
        Stamp,
        redeem: (t: Ticket) => (takeBack(t), t.label),
        tally: (stamps: Stamp[]) => stamps.reduce((sum, s) => (takeBack(s), (sum + s.n) >>> 0), 0),
      },
    },
    outstanding: () => issued.size,
  };
}

suite(title('host resources the guest never drops (named nowhere at the component level)'), () => {
  let compiled: CompiledComponent;
  beforeAll(async () => {
    compiled = await buildGuest('never_dropped');
  });

  it('is run by witgen itself: the resources are known from the world', () => {
    expect(compiled.engine).toBe('witgen');
  });

  it.each(['witgen', 'jco'] as const)('creates host resources through their constructors and moves them back (%s, property)', async (engine) => {
    const desk = ticketDesk();
    const guest = (await start(compiled, desk.imports, engine)) as unknown as NeverDropped;
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), fc.array(fc.nat({ max: 1_000_000 }), { maxLength: 20 }), async (label, ns) => {
        expect(guest.roundTrip(label)).toBe(label);
        expect(guest.stampAll(Uint32Array.from(ns))).toBe(ns.reduce((a, b) => (a + b) >>> 0, 0));
        expect(desk.outstanding()).toBe(0);
      }),
      { numRuns: engine === 'jco' ? 20 : 100 },
    );
  });
});
