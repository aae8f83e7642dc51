/**
 * Fixed-length lists (`list<T, N>`) through the generated C glue, end to end:
 * a C guest (test/fixtures/c-guest/fixed-lists-guest.c) compiled with witgen's
 * glue for fixed-lists.wit, made a component with jco, and called through
 * jco's transpile output. Values go through flat parameters and results,
 * spilled parameters and return areas, records, variants, options, lists of
 * fixed lists, owned strings inside fixed lists, and imports the guest calls.
 *
 * Skipped only when clang cannot build wasm32-wasi reactors (reason in the name).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentEmbed, componentNew, preview1AdapterReactorPath } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCoreModule } from '../../src/binary/reader.js';
import { generateCGuest } from '../../src/codegen/c-guest/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { transpileComponent, wasiImports, type TranspiledComponent } from '../guests/jco-host.js';
import { clangWasm as clang, reactorToolchainProblem } from '../helpers/wasm-clang.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/c-guest');
const witPath = path.join(fixtures, 'fixed-lists.wit');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-c-fixed-'));

const problem = reactorToolchainProblem(scratch);

type Fn = (...args: unknown[]) => unknown;
let component: TranspiledComponent | undefined;
let arrays: Record<string, Fn>;
let rootSum: Fn;
const hostCalls: string[] = [];

beforeAll(async () => {
  if (problem !== null) return;
  const loaded = loadWit(witPath);
  const generated = generateCGuest(loaded.resolve, selectWorld(loaded, 'fixed'));
  for (const [name, text] of generated.files) writeFileSync(path.join(scratch, name), text);
  const wasm = path.join(scratch, 'guest.wasm');
  const failure = clang([
    '-mexec-model=reactor', '-Wl,--no-entry', '-O1', '-Wall', '-Wextra', '-Werror', `-I${scratch}`,
    path.join(scratch, generated.sourceName), path.join(fixtures, 'fixed-lists-guest.c'), '-o', wasm,
  ]);
  if (failure !== null) throw new Error(`the fixed-list guest does not compile:\n${failure}`);
  const binary = new Uint8Array(readFileSync(wasm));
  const embedded = await componentEmbed({ binary, witSource: readFileSync(witPath, 'utf8'), world: 'fixed' });
  const needsWasi = readCoreModule(binary).imports.some((i) => i.module === 'wasi_snapshot_preview1');
  const adapters: [string, Uint8Array][] = needsWasi
    ? [['wasi_snapshot_preview1', new Uint8Array(readFileSync(preview1AdapterReactorPath()))]]
    : [];
  component = await transpileComponent(await componentNew(embedded, adapters), 'fixed');
  const host = {
    wide: (a: number[]) => {
      hostCalls.push(`wide(${a.length})`);
      return [...a].map((v) => v + 1);
    },
    strings: (s: string[]) => {
      hostCalls.push(`strings(${s.join(',')})`);
      return [...s].reverse().map((v) => v.toUpperCase());
    },
  };
  const instance = await component.instantiate({
    ...wasiImports(component.imports),
    'witgen:fixed/arrays': host,
    'root-echo': { default: (a: number[]) => a.map((v) => v * 2) },
  });
  arrays = instance['arrays'] as Record<string, Fn>;
  rootSum = instance['rootSum'] as Fn;
}, 120_000);

afterAll(() => {
  component?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const title = `fixed-length lists through witgen's C glue and jco${problem === null ? '' : ` [SKIPPED: ${problem}]`}`;
/** jco's values as plain JSON data (typed arrays as arrays, bigints tagged) to compare structurally. */
const plain = (value: unknown): unknown =>
  value === undefined
    ? undefined
    : JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : ArrayBuffer.isView(v) ? [...(v as Uint8Array)] : v)));

describe.skipIf(problem !== null)(title, () => {
  it('passes fixed lists as flat parameters and results, nested and alone', () => {
    expect(plain(arrays['echoIpv4']?.([10, 0, 0, 1]))).toEqual([1, 0, 0, 10]);
    expect(plain(arrays['echoOne']?.([41]))).toEqual([42]);
    expect(plain(arrays['transpose']?.([[1.5, 2.5], [3.5, -4.5]]))).toEqual([[1.5, 3.5], [2.5, -4.5]]);
    expect(plain(rootSum([5n, -7n]))).toBe(plain(5n - 7n + 2n + 4n + 6n));
  });

  it('round-trips random values of every shape (property)', () => {
    const u8 = fc.integer({ min: 0, max: 255 });
    const s16 = fc.integer({ min: -32768, max: 32767 });
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    const char = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).map((s) => [...s][0] ?? 'a');
    fc.assert(
      fc.property(
        fc.array(u8, { minLength: 16, maxLength: 16 }),
        fc.tuple(fc.string(), fc.string()),
        fc.nat(2 ** 31),
        fc.option(fc.tuple(s16, s16), { nil: undefined }),
        fc.tuple(u64, u64),
        fc.array(fc.tuple(char, char, char), { maxLength: 8 }),
        (digest, names, id, pair, slotPair, triples) => {
          const tagged = arrays['echoTagged']?.({ id, digest, names }) as { id: number; digest: unknown; names: unknown };
          expect(plain(tagged)).toEqual({ id: id + 1, digest: [...digest].reverse(), names: [names[1], names[0]] });
          expect(plain(arrays['maybePair']?.(pair))).toEqual(pair === undefined ? undefined : [pair[1], pair[0]]);
          expect(plain(arrays['echoSlot']?.({ tag: 'pair', val: slotPair }))).toEqual(plain({ tag: 'pair', val: [slotPair[1], slotPair[0]] }));
          expect(plain(arrays['many']?.(triples))).toEqual(triples.map(([a, b, c]) => [b, c, a]));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('passes variants with fixed-list payloads in joined flat slots', () => {
    expect(plain(arrays['echoSlot']?.({ tag: 'empty' }))).toEqual({ tag: 'empty' });
    expect(plain(arrays['echoSlot']?.({ tag: 'one', val: [2.5] }))).toEqual({ tag: 'one', val: [-2.5] });
  });

  it('spills 20 flat values to memory both ways and calls the import with them', () => {
    hostCalls.length = 0;
    const input = Array.from({ length: 20 }, (_, i) => i * 1000);
    expect(plain(arrays['wide']?.(input))).toEqual(input.map((v) => v + 1).reverse());
    expect(hostCalls).toEqual(['wide(20)']);
  });

  it('hands owned strings inside a fixed list to an import and back (freed in post-return)', () => {
    hostCalls.length = 0;
    for (let i = 0; i < 50; i++) {
      expect(plain(arrays['strings']?.(['ä', `b${i}`, '']))).toEqual(['', `B${i}`, 'Ä']);
    }
    expect(hostCalls[0]).toBe('strings(ä,b0,)');
  });
});
