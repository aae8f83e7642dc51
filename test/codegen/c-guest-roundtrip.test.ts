/**
 * Behaviour of the generated C glue, end to end: a C guest written against
 * wit-bindgen's C conventions (test/fixtures/c-guest/roundtrip-guest.c) is
 * compiled with witgen's glue, wrapped into a component with jco (WASI
 * preview1 reactor adapter included, since the guest uses stdio), and called
 * through jco's transpile output: values of every kind cross the boundary
 * both ways, through exports, imports called from an export, and an exported
 * resource with constructor, methods, a static function and a destructor.
 *
 * Skipped only when clang cannot build wasm32-wasi reactors (reason in the name).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentEmbed, componentNew, preview1AdapterReactorPath } from '@bytecodealliance/jco';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCGuest } from '../../src/codegen/c-guest/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { transpileComponent, wasiImports, type TranspiledComponent } from '../guests/jco-host.js';
import { clangWasm as clang, reactorToolchainProblem } from '../helpers/wasm-clang.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/c-guest');
const witPath = path.join(fixtures, 'roundtrip.wit');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-c-roundtrip-'));

const problem = reactorToolchainProblem(scratch);

type Values = Record<string, (...args: unknown[]) => unknown>;
interface Counter {
  increment(by: number): number;
  name(): string;
  [Symbol.dispose]?: () => void;
}
type CounterClass = (new (start: number) => Counter) & { merge(a: Counter, b: Counter): Counter };

let component: TranspiledComponent | undefined;
let values: Values & { Counter: CounterClass };
const hostCalls: string[] = [];

beforeAll(async () => {
  if (problem !== null) return;
  const loaded = loadWit(witPath);
  const generated = generateCGuest(loaded.resolve, selectWorld(loaded, 'roundtrip'));
  for (const [name, text] of generated.files) writeFileSync(path.join(scratch, name), text);
  const wasm = path.join(scratch, 'guest.wasm');
  const failure = clang([
    '-mexec-model=reactor', '-Wl,--no-entry', '-O1', '-Wall', '-Wextra', '-Werror', `-I${scratch}`,
    path.join(scratch, generated.sourceName), path.join(fixtures, 'roundtrip-guest.c'), '-o', wasm,
  ]);
  if (failure !== null) throw new Error(`the round-trip guest does not compile:\n${failure}`);
  const binary = new Uint8Array(readFileSync(wasm));
  const embedded = await componentEmbed({ binary, witSource: readFileSync(witPath, 'utf8'), world: 'roundtrip' });
  const adapter = new Uint8Array(readFileSync(preview1AdapterReactorPath()));
  component = await transpileComponent(await componentNew(embedded, [['wasi_snapshot_preview1', adapter]]), 'roundtrip');
  const host = {
    reverse: (s: string) => {
      hostCalls.push(`reverse(${s})`);
      return [...s].reverse().join('');
    },
    weigh: (...args: unknown[]) => {
      hostCalls.push(`weigh(${args.map(String).join(',')})`);
      const numbers = args.slice(0, 15).map((v) => Number(v));
      return [numbers.reduce((sum, v) => sum + v, 0), `<${String(args[15])}>`];
    },
    total: (list: Uint32Array) => {
      hostCalls.push(`total(${list.length})`);
      return list.length === 0 ? undefined : list.reduce((sum, v) => sum + BigInt(v), 0n);
    },
  };
  const instance = await component.instantiate({ ...wasiImports(component.imports), 'witgen:roundtrip/host': host });
  values = instance['values'] as typeof values;
}, 120_000);

afterAll(() => {
  component?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const title = `a C guest on witgen's glue, called through jco${problem === null ? '' : ` [SKIPPED: ${problem}]`}`;

describe.skipIf(problem !== null)(title, () => {
  it('passes strings and lists both ways (freeing them in post-return)', () => {
    const echoString = values['echoString'] as (s: string) => string;
    for (const s of ['', 'hello', 'ünïcødé ✓ 🎉', 'x'.repeat(5000)]) expect(echoString(s)).toBe(s);
    const echoBytes = values['echoBytes'] as (b: Uint8Array) => Uint8Array;
    expect([...echoBytes(new Uint8Array([0, 1, 254, 255]))]).toEqual([1, 2, 255, 0]);
    expect([...echoBytes(new Uint8Array([]))]).toEqual([]);
    const echoStrings = values['echoStrings'] as (l: string[]) => string[];
    expect(echoStrings(['a', 'bc', '', 'déf'])).toEqual(['déf', '', 'bc', 'a']);
    // Many calls in a row: nothing leaks into the static return area between calls.
    for (let i = 0; i < 200; i++) expect(echoString(`call ${i}`)).toBe(`call ${i}`);
  });

  it('passes records, flags, enums and variants with joined flat slots', () => {
    const movePoint = values['movePoint'] as (p: object, dx: number) => { x: number; y: number; label: string };
    expect(movePoint({ x: 1.5, y: -2.25, label: 'p' }, 2)).toEqual({ x: 3.5, y: -4.5, label: 'moved p' });
    const toggle = values['toggle'] as (p: object) => object;
    expect(toggle({ read: true, write: true, exec: false })).toEqual({ read: false, write: true, exec: true });
    const raise = values['raise'] as (l: string) => string;
    expect(raise('low')).toBe('mid');
    expect(raise('high')).toBe('high');
    const echoShape = values['echoShape'] as (s: object) => object;
    expect(echoShape({ tag: 'nothing' })).toEqual({ tag: 'nothing' });
    expect(echoShape({ tag: 'circle', val: 1.25 })).toEqual({ tag: 'circle', val: 2.5 });
    expect(echoShape({ tag: 'big', val: 2n ** 63n })).toEqual({ tag: 'big', val: 2n ** 63n + 1n });
    expect(echoShape({ tag: 'named', val: 'shape ✓' })).toEqual({ tag: 'named', val: 'shape ✓' });
    expect(echoShape({ tag: 'pair', val: [-5, 0.125] })).toEqual({ tag: 'pair', val: [5, 0.125] });
  });

  it('maps option and result signatures to bool returns with out-parameters', () => {
    const describeMaybe = values['describeMaybe'] as (x: number | undefined) => string | undefined;
    expect(describeMaybe(7)).toBe('got 7');
    expect(describeMaybe(undefined)).toBeUndefined();
    const check = values['check'] as (x: number) => number;
    expect(check(4)).toBe(40);
    expect(() => check(-1)).toThrow();
    try {
      check(-1);
    } catch (error) {
      expect((error as { payload?: unknown }).payload ?? (error as Error).message).toContain('negative');
    }
  });

  it('spills more than 16 flat parameters to memory', () => {
    const sumMany = values['sumMany'] as (...args: unknown[]) => number;
    const args = [1, -2, 3, -4, 5, -6, 7n, -8n, 0.5, 0.25, 1, 2, 3, 4, 5, 6, 'abcd'];
    expect(sumMany(...args)).toBe(1 - 2 + 3 - 4 + 5 - 6 + 7 - 8 + 0.5 + 0.25 + 1 + 2 + 3 + 4 + 5 + 6 + 4);
  });

  it('calls imports from an export: option<u64> results through out-parameters', () => {
    const viaHost = values['viaHost'] as (s: string, l: Uint32Array) => [string, bigint];
    expect(viaHost('abc', new Uint32Array([1, 2, 3]))).toEqual(['cba', 6n]);
    expect(viaHost('', new Uint32Array([]))).toEqual(['', 999n]);
    expect(hostCalls).toEqual(['reverse(abc)', 'total(3)', 'reverse()', 'total(0)']);
  });

  it('supports UTF-16 strings (--string-encoding utf16): code units in, code units out', async () => {
    const wit16 = path.join(fixtures, 'strings16.wit');
    const loaded = loadWit(wit16);
    const generated = generateCGuest(loaded.resolve, selectWorld(loaded), { stringEncoding: 'utf16' });
    const dir = mkdtempSync(path.join(scratch, 'utf16-'));
    for (const [name, text] of generated.files) writeFileSync(path.join(dir, name), text);
    const wasm = path.join(dir, 'guest.wasm');
    const failure = clang([
      '-mexec-model=reactor', '-Wl,--no-entry', '-O1', '-Wall', '-Wextra', '-Werror', `-I${dir}`,
      path.join(dir, generated.sourceName), path.join(fixtures, 'strings16-guest.c'), '-o', wasm,
    ]);
    expect(failure).toBeNull();
    const binary = new Uint8Array(readFileSync(wasm));
    const embedded = await componentEmbed({ binary, witSource: readFileSync(wit16, 'utf8'), world: 'strings16', stringEncoding: 'utf16' });
    const utf16 = await transpileComponent(await componentNew(embedded, []), 'strings16');
    try {
      const instance = await utf16.instantiate({ ...wasiImports(utf16.imports), 'host-name': { default: () => 'wörld 🌍' } });
      const call = (name: string, ...args: string[]): unknown => (instance[name] as (...a: string[]) => unknown)(...args);
      for (const s of ['', 'abc', 'ünï ✓ 🎉', 'y'.repeat(3000)]) expect(call('echo', s)).toBe(s);
      expect(call('exclaim', 'hé')).toBe('hé!');
      expect(call('greet')).toBe('héllo, wörld 🌍');
      // Lengths are in UTF-16 code units: the emoji counts twice.
      expect(call('units', 'a🎉')).toBe(3);
    } finally {
      utf16.dispose();
    }
  });

  it('spills more than 16 flat parameters of an import to memory', () => {
    hostCalls.length = 0;
    const viaHostMany = values['viaHostMany'] as (label: string) => string;
    const sum = 200 - 300 + 4000000000 + 2 ** 40 + 0.5 - 2.25 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15;
    expect(viaHostMany('héllo')).toBe(`${sum.toFixed(2)} <héllo>`);
    expect(hostCalls).toEqual([`weigh(200,-300,4000000000,${2n ** 40n},0.5,-2.25,7,8,9,10,11,12,13,14,15,héllo)`]);
  });

  it('implements an exported resource: constructor, methods, static function, destructor', () => {
    const { Counter } = values;
    const a = new Counter(5);
    const b = new Counter(10);
    expect(a.increment(2)).toBe(7);
    expect(b.increment(0)).toBe(10);
    const merged = Counter.merge(a, b);
    expect(merged.increment(1)).toBe(18);
    expect(merged.name()).toBe('counter-18 (3 live)');
    a[Symbol.dispose]?.();
    expect(merged.name()).toBe('counter-18 (2 live)');
  });
});
