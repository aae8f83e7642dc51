/**
 * The jco fallback: a nested component (which witgen's runtime does not run)
 * and the scenario-5 plugin component, forced through jco, with witgen's
 * import/export shape, deny-by-default WASI, and the on-disk transpile cache.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { parse } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportsError } from '../../src/runtime/component/check-imports.js';
import { cacheKey } from '../../src/runtime/fallback/cache.js';
import { FallbackError } from '../../src/runtime/fallback/errors.js';
import { instantiateWithJco } from '../../src/runtime/fallback/jco.js';
import { loadWit, loadWitText, selectWorld } from '../../src/wit/load.js';

const repoRoot = resolvePath(__dirname, '../..');

/** A component that instantiates a component nested in it, passing a host import through. */
const NESTED_WAT = `(component
  (import "host-double" (func $hd (param "v" u32) (result u32)))
  (component $inner
    (import "host-double" (func $hd (param "v" u32) (result u32)))
    (core func $hd-low (canon lower (func $hd)))
    (core module $m
      (import "host" "double" (func $d (param i32) (result i32)))
      (func (export "add-doubled") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add call $d))
    (core instance $h (export "double" (func $hd-low)))
    (core instance $i (instantiate $m (with "host" (instance $h))))
    (func $f (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add-doubled")))
    (export "add-doubled" (func $f))
  )
  (instance $x (instantiate $inner (with "host-double" (func $hd))))
  (export "add-doubled" (func $x "add-doubled"))
)`;

const NESTED_WIT = `package test:nested;
world nested {
  import host-double: func(v: u32) -> u32;
  export add-doubled: func(a: u32, b: u32) -> u32;
}`;

/** A component importing a world-level resource `blob` (constructor and method) from the host. */
const ROOT_RESOURCE_WAT = `(component
  (import "blob" (type $blob (sub resource)))
  (import "[constructor]blob" (func $ctor (param "n" u32) (result (own $blob))))
  (import "[method]blob.size" (func $size (param "self" (borrow $blob)) (result u32)))
  (core func $ctor-low (canon lower (func $ctor)))
  (core func $size-low (canon lower (func $size)))
  (core func $drop (canon resource.drop $blob))
  (core module $m
    (import "h" "ctor" (func $c (param i32) (result i32)))
    (import "h" "size" (func $s (param i32) (result i32)))
    (import "h" "drop" (func $d (param i32)))
    (func (export "run") (param i32) (result i32) (local $h i32) (local $r i32)
      (local.set $h (call $c (local.get 0)))
      (local.set $r (call $s (local.get $h)))
      (call $d (local.get $h))
      (local.get $r)))
  (core instance $hi (export "ctor" (func $ctor-low)) (export "size" (func $size-low)) (export "drop" (func $drop)))
  (core instance $i (instantiate $m (with "h" (instance $hi))))
  (func $run (param "n" u32) (result u32) (canon lift (core func $i "run")))
  (export "run" (func $run))
)`;

let cacheDir: string;
let nested: Uint8Array;
const nestedWit = loadWitText(NESTED_WIT);
const nestedWorld = { resolve: nestedWit.resolve, worldId: selectWorld(nestedWit, 'nested') };

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'witgen-fallback-test-'));
  nested = await parse(NESTED_WAT);
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('instantiateWithJco: a nested component', () => {
  it('runs with witgen-shaped imports and exports and reports the reason', async () => {
    const seen: number[] = [];
    const instance = await instantiateWithJco(
      nested,
      { hostDouble: (v: number) => (seen.push(v), v * 2) },
      { reason: 'the component nests another component', cacheDir, world: nestedWorld },
    );
    expect(instance.engine).toBe('jco');
    expect(instance.reason).toBe('the component nests another component');
    expect(Object.keys(instance.exports)).toEqual(['addDoubled']);
    const addDoubled = instance.exports.addDoubled as (a: number, b: number) => number;
    expect(addDoubled(3, 4)).toBe(14);
    expect(seen).toEqual([7]);
  });

  it('caches the transpile on disk by content hash and reuses it without running jco', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'witgen-fallback-cache-'));
    try {
      const options = { reason: 'nested', cacheDir: dir, world: nestedWorld };
      const first = await instantiateWithJco(nested, { hostDouble: (v: number) => v }, options);
      const second = await instantiateWithJco(nested, { hostDouble: (v: number) => v + 1 }, options);
      expect(first.transpile.cached).toBe(false);
      expect(second.transpile.cached).toBe(true);
      expect(readdirSync(dir)).toEqual([cacheKey(nested)]);
      expect(readdirSync(join(dir, cacheKey(nested))).sort()).toEqual([
        'component.core.wasm',
        'component.js',
        'witgen-manifest.json',
        'world.wit',
      ]);
      // Instances are separate: each calls its own host function.
      expect((first.exports.addDoubled as (a: number, b: number) => number)(1, 2)).toBe(3);
      expect((second.exports.addDoubled as (a: number, b: number) => number)(1, 2)).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks the imports against the world before transpiling', async () => {
    const error = await instantiateWithJco(nested, { hostDoubl: () => 0 }, { reason: 'nested', cacheDir, world: nestedWorld }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportsError);
    expect((error as ImportsError).message).toContain('did you mean `hostDouble`?');
  });

  it('without a world, checks and shapes by the world the component declares', async () => {
    const instance = await instantiateWithJco(nested, { hostDouble: (v: number) => v * 10 }, { reason: 'nested', cacheDir });
    expect(Object.keys(instance.exports)).toEqual(['addDoubled']);
    expect((instance.exports.addDoubled as (a: number, b: number) => number)(1, 1)).toBe(20);
    const error = await instantiateWithJco(nested, { hostDoubl: () => 0 }, { reason: 'nested', cacheDir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportsError);
    expect((error as ImportsError).message.split('\n')).toEqual([
      'invalid imports (2 problems):',
      '  missing `hostDouble`: expected host-double: func(v: u32) -> u32',
      '  unexpected `hostDoubl`: the world has no such import (found function hostDoubl); did you mean `hostDouble`?',
    ]);
  });

  it('with a cache entry that has no world, maps imports by name and lists the missing ones', async () => {
    const source = join(cacheDir, cacheKey(nested));
    const other = mkdtempSync(join(tmpdir(), 'witgen-fallback-noworld-'));
    try {
      const entry = join(other, cacheKey(nested));
      cpSync(source, entry, { recursive: true });
      rmSync(join(entry, 'world.wit'));
      const manifestPath = join(entry, 'witgen-manifest.json');
      writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), world: false }));
      const instance = await instantiateWithJco(nested, { hostDouble: (v: number) => v * 3 }, { reason: 'nested', cacheDir: other });
      expect(instance.transpile.cached).toBe(true);
      expect((instance.exports.addDoubled as (a: number, b: number) => number)(1, 1)).toBe(6);
      const error = await instantiateWithJco(nested, { hostDoubl: () => 0 }, { reason: 'nested', cacheDir: other }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FallbackError);
      expect((error as FallbackError).code).toBe('FALLBACK_IMPORTS');
      expect((error as FallbackError).message).toBe(
        "the component imports `host-double`, which neither the imports object nor witgen's WASI provides (running through jco because: nested)",
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('passes a world-level resource class the host provides (jco reads it as `default`)', async () => {
    const bytes = await parse(ROOT_RESOURCE_WAT);
    const made: number[] = [];
    class Blob {
      constructor(readonly n: number) {
        made.push(n);
      }
      size(): number {
        return this.n * 10;
      }
    }
    const instance = await instantiateWithJco(bytes, { Blob }, { reason: 'root resource', cacheDir });
    expect(Object.keys(instance.exports)).toEqual(['run']);
    expect((instance.exports.run as (n: number) => number)(4)).toBe(40);
    expect(made).toEqual([4]);
    const error = await instantiateWithJco(bytes, { Blob: () => 0 }, { reason: 'root resource', cacheDir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as ImportsError).problems).toEqual([
      { path: 'Blob', kind: 'wrong-kind', expected: 'resource blob (a class)', found: 'function Blob' },
    ]);
  });

  it('names the reason when jco cannot transpile the bytes', async () => {
    const error = await instantiateWithJco(new Uint8Array([0, 97, 115, 109, 13, 0, 1, 0, 99]), {}, {
      reason: 'testing a broken binary',
      cacheDir,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FallbackError);
    expect((error as FallbackError).code).toBe('FALLBACK_TRANSPILE_FAILED');
    expect((error as FallbackError).message).toMatch(/running through jco because: testing a broken binary\)$/);
  });
});

describe('instantiateWithJco: the scenario-5 plugin forced through jco', () => {
  const loaded = loadWit(join(repoRoot, 'wit/plugin.wit'));
  const world = { resolve: loaded.resolve, worldId: selectWorld(loaded, 'plugin') };
  const bytes = new Uint8Array(readFileSync(join(repoRoot, 'guests/c/plugin/plugin.component.wasm')));

  async function plugin(initial: number, stdout?: (bytes: Uint8Array) => void) {
    const state = { logged: [] as number[], shared: initial };
    const instance = await instantiateWithJco(
      bytes,
      {
        hostLogValue: (v: number) => void state.logged.push(v),
        hostGetSharedValue: () => state.shared,
        hostSetSharedValue: (v: number) => void (state.shared = v),
      },
      { reason: 'forced by the test', cacheDir, world, wasi: stdout === undefined ? {} : { stdout } },
    );
    const exports = instance.exports as {
      justAdd(a: bigint, b: bigint): bigint;
      pointAdd(a: { x: number; y: number }, b: { x: number; y: number }): { x: number; y: number };
      triggerHostCalls(n: number): void;
    };
    return { exports, state };
  }

  it('gives the same results as the WIT says, with per-instance host state', async () => {
    const a = await plugin(10);
    const b = await plugin(100);
    expect(a.exports.justAdd(2n ** 64n - 1n, 2n)).toBe(1n);
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (x, y) => {
        expect(a.exports.pointAdd({ x, y }, { x: y, y: x })).toEqual({ x: (x + y) | 0, y: (y + x) | 0 });
      }),
      { numRuns: 30 },
    );
    a.exports.triggerHostCalls(3);
    expect(a.state).toEqual({ logged: [6], shared: 18 });
    expect(b.state).toEqual({ logged: [], shared: 100 });
  });

  it("sends the guest's stdout only where the host grants it", async () => {
    const chunks: Uint8Array[] = [];
    const granted = await plugin(0, (bytes) => void chunks.push(bytes.slice()));
    granted.exports.triggerHostCalls(2);
    expect(Buffer.concat(chunks).toString()).toBe('plugin: trigger-host-calls(2)\n');
    // Without a grant the write succeeds and goes nowhere (the call still works).
    const denied = await plugin(0);
    denied.exports.triggerHostCalls(2);
    expect(denied.state.shared).toBe(7);
  });
});
