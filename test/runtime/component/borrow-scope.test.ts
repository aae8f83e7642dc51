/**
 * Borrow scope of an export call (the canonical ABI's num_borrows): a
 * borrow of a host resource lowered into the guest's handle table must be
 * dropped by the guest (resource.drop) before the export returns; one left
 * over makes the call trap (ComponentTrap naming the export) and poisons the
 * instance. Borrows of the guest's own exported resources are passed as the
 * guest's representation, not as handles, and are not counted.
 *
 * witgen's C glue drops leftover borrows itself, so the component here is a
 * hand-written core module (WAT, assembled with jco's `parse`) wrapped with
 * jco's `componentEmbed` and `componentNew`.
 *
 * Reference: jco 1.35's transpile does not trap here (checked by hand: the
 * `keeps` export returns normally and the borrow stays in jco's table, the
 * handle index growing call after call), so this is not a differential test.
 */
import { componentEmbed, componentNew, parse } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ComponentTrap,
  InstancePoisoned,
  ResourceError,
  compileComponent,
  instantiate,
  runtimeInfo,
  type CompiledComponent,
} from '../../../src/runtime/component/index.js';

// jco's wasm-tools calls take a moment, longer beside other suites.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const WIT = `package test:scope;

interface host {
  resource r {
    constructor(v: u32);
    value: func() -> u32;
  }
}

interface mine-api {
  resource mine {
    constructor(v: u32);
    get: func() -> u32;
  }
  peek: func(m: borrow<mine>) -> u32;
}

world w {
  import host;
  use host.{r};
  export drops: func(x: borrow<r>) -> u32;
  export keeps: func(x: borrow<r>) -> u32;
  export keeps-two: func(a: borrow<r>, b: borrow<r>) -> u32;
  export drops-one-of-two: func(a: borrow<r>, b: borrow<r>) -> u32;
  export mine-api;
}
`;

// Each export returns a handle index it received, so the test sees whether the table slot was freed.
const WAT = `(module
  (import "test:scope/host" "[resource-drop]r" (func $drop_r (param i32)))
  (import "[export]test:scope/mine-api" "[resource-new]mine" (func $new_mine (param i32) (result i32)))
  (func (export "drops") (param i32) (result i32)
    local.get 0
    call $drop_r
    local.get 0)
  (func (export "keeps") (param i32) (result i32)
    local.get 0)
  (func (export "keeps-two") (param i32 i32) (result i32)
    local.get 1)
  (func (export "drops-one-of-two") (param i32 i32) (result i32)
    local.get 0
    call $drop_r
    local.get 1)
  (func (export "test:scope/mine-api#[constructor]mine") (param i32) (result i32)
    local.get 0
    call $new_mine)
  (func (export "test:scope/mine-api#[method]mine.get") (param i32) (result i32)
    local.get 0)
  ;; A borrow of the guest's own resource is its representation: nothing to drop.
  (func (export "test:scope/mine-api#peek") (param i32) (result i32)
    local.get 0)
  (func (export "test:scope/mine-api#[dtor]mine") (param i32))
)`;

class R {
  constructor(readonly v: number) {}
  value(): number {
    return this.v;
  }
}

interface Mine {
  get(): number;
  [Symbol.dispose](): void;
}

interface Exports {
  drops(x: R): number;
  keeps(x: R): number;
  keepsTwo(a: R, b: R): number;
  dropsOneOfTwo(a: R, b: R): number;
  mineApi: { Mine: new (v: number) => Mine; peek(m: Mine): number };
}

let compiled: CompiledComponent;

beforeAll(async () => {
  const core = await parse(WAT);
  const embedded = await componentEmbed({ binary: core, witSource: WIT, world: 'w', stringEncoding: 'utf8' });
  compiled = await compileComponent(await componentNew(embedded, []));
});

async function start(): Promise<Exports> {
  const exports = await instantiate(compiled, { 'test:scope/host': { R } }, { fallback: 'never' });
  expect(runtimeInfo(exports)?.engine).toBe('witgen');
  return exports as unknown as Exports;
}

/** Calls `run`, expecting a trap; returns it. */
function trapOf(run: () => unknown): ComponentTrap {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ComponentTrap);
    return error as ComponentTrap;
  }
  throw new Error('expected the call to trap, it returned');
}

describe('borrow scope of an export call', () => {
  it('a borrow the guest drops before returning is fine, call after call (its table slot is freed)', async () => {
    const g = await start();
    const r = new R(7);
    for (let i = 0; i < 5; i++) expect(g.drops(r)).toBe(1);
    // The host's object is untouched by the guest's borrows.
    expect(r.value()).toBe(7);
  });

  it('an export that returns holding a borrow traps, naming the export, and poisons the instance', async () => {
    const g = await start();
    expect(g.drops(new R(1))).toBe(1);
    const trap = trapOf(() => g.keeps(new R(2)));
    expect(trap.export).toBe('keeps');
    expect(trap.code).toBe('COMPONENT_TRAP');
    expect(trap.message).toContain('component trapped in export `keeps`');
    expect(trap.message).toContain('the export returned without dropping 1 borrowed handle it received');
    expect(trap.message).toMatch(/handle 1 of `[^`]*r`/);
    expect(trap.cause).toBeInstanceOf(ResourceError);
    expect((trap.cause as ResourceError).code).toBe('RESOURCE_BORROW_NOT_DROPPED');
    // Poisoned: every later call is refused, including ones that would have been fine.
    expect(() => g.drops(new R(3))).toThrow(InstancePoisoned);
    expect(() => g.mineApi.peek(new g.mineApi.Mine(4))).toThrow(InstancePoisoned);
  });

  it('counts every borrow left over, and only those', async () => {
    const a = await start();
    expect(trapOf(() => a.keepsTwo(new R(1), new R(2))).message).toContain('without dropping 2 borrowed handles it received');
    const b = await start();
    const one = trapOf(() => b.dropsOneOfTwo(new R(1), new R(2)));
    expect(one.export).toBe('drops-one-of-two');
    expect(one.message).toContain('without dropping 1 borrowed handle it received');
  });

  it("borrows of the guest's own resources are not counted", async () => {
    const g = await start();
    const m = new g.mineApi.Mine(42);
    for (let i = 0; i < 3; i++) expect(g.mineApi.peek(m)).toBe(42);
    expect(m.get()).toBe(42);
    expect(g.drops(new R(5))).toBe(1);
  });

  it('property: any mix of dropping calls never traps, and a later leftover always does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant('drops' as const), fc.constant('drops-one-of-two' as const), fc.constant('peek' as const)), { maxLength: 12 }),
        fc.nat({ max: 0xffff }),
        async (calls, v) => {
          const g = await start();
          const m = new g.mineApi.Mine(v);
          for (const call of calls) {
            if (call === 'drops') expect(g.drops(new R(v))).toBe(1);
            else if (call === 'peek') expect(g.mineApi.peek(m)).toBe(v);
            else expect(() => g.dropsOneOfTwo(new R(v), new R(v))).toThrow(ComponentTrap);
            if (call === 'drops-one-of-two') return;
          }
          expect(trapOf(() => g.keeps(new R(v))).export).toBe('keeps');
          expect(() => g.drops(new R(v))).toThrow(InstancePoisoned);
        },
      ),
      { numRuns: 25 },
    );
  });
});
