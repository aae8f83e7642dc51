/**
 * The adapter's corner cases on a legacy guest written in WAT
 * (fixtures/edges.wat, world fixtures/edges.wit): a record of 17 fields
 * (over the 16 flat parameters, so the canonical side passes it in memory)
 * both ways, alone and followed by a scalar, a variant whose payload slots join f32, u64 and a string both
 * ways, strings the host hands to the guest (empty ones too: the guest frees
 * them, and its `free` traps on any pointer it did not hand out), and narrow
 * scalars passed direct. Checked differentially against the legacy path.
 */
import { parse } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiate } from '../../src/runtime/index.js';
import { instantiateLegacy } from '../../src/runtime/legacy/index.js';
import { upgradeLegacy } from '../../src/upgrade/index.js';
import { loadWitText } from '../../src/wit/load.js';
import { transpileComponent, type TranspiledComponent } from '../guests/jco-host.js';
import { jcoRootImports, readText } from './helpers.js';

const wit = readText('test/upgrade/fixtures/edges.wit');
const FIELDS = 'abcdefghijklmnopq'.split('');

type Fn = (...args: unknown[]) => unknown;
type Exports = Record<string, Fn>;
type Mixed = { tag: 'small'; val: number } | { tag: 'big'; val: bigint } | { tag: 'text'; val: string } | { tag: 'nothing' };

function edgesHost() {
  const seen: unknown[] = [];
  const imports = {
    hostWide(w: Record<string, number>): number {
      seen.push(['wide', w]);
      return FIELDS.reduce((sum, f) => (sum + (w[f] ?? 0) * 3) >>> 0, 0);
    },
    hostWideScaled(w: Record<string, number>, k: number): number {
      seen.push(['wide-scaled', w, k]);
      return FIELDS.reduce((sum, f) => (sum + (w[f] ?? 0) * k) >>> 0, 0);
    },
    hostMixed(m: Mixed): Mixed {
      seen.push(['mixed', m]);
      switch (m.tag) {
        case 'small':
          return { tag: 'text', val: String(m.val) };
        case 'big':
          return { tag: 'small', val: Number(m.val % 1000n) };
        case 'text':
          return { tag: 'big', val: BigInt(m.val.length) };
        case 'nothing':
          return { tag: 'text', val: '' };
      }
    },
    hostText(n: number): string {
      seen.push(['text', n]);
      return 'é'.repeat(n % 7);
    },
  };
  return { seen, imports };
}

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const wide = fc.record(Object.fromEntries(FIELDS.map((f) => [f, u32])) as Record<string, fc.Arbitrary<number>>);
const mixed: fc.Arbitrary<Mixed> = fc.oneof(
  fc.record({ tag: fc.constant('small' as const), val: fc.float({ noNaN: true }) }),
  fc.record({ tag: fc.constant('big' as const), val: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
  fc.record({ tag: fc.constant('text' as const), val: fc.string({ unit: 'grapheme', maxLength: 12 }) }),
  fc.constant({ tag: 'nothing' as const }),
);
const char = fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c));
const calls: [string, fc.Arbitrary<unknown[]>][] = [
  ['sumWide', fc.tuple(wide)],
  ['sumWideHost', fc.tuple(wide)],
  ['sumWideScaled', fc.tuple(wide, u32)],
  ['echoMixed', fc.tuple(mixed)],
  ['mixedViaHost', fc.tuple(mixed)],
  ['textLen', fc.tuple(fc.integer({ min: 0, max: 30 }))],
  [
    'many',
    fc.tuple(
      fc.integer({ min: -128, max: 127 }),
      fc.integer({ min: -32768, max: 32767 }),
      fc.boolean(),
      char,
      fc.integer({ min: 0, max: 0xffff }),
      fc.double({ min: -1e12, max: 1e12, noNaN: true }),
    ),
  ],
];

describe('upgrade: corner cases of the adapter', () => {
  let core: Uint8Array;
  let component: Uint8Array;
  let transpiled: TranspiledComponent;

  beforeAll(async () => {
    core = await parse(readText('test/upgrade/fixtures/edges.wat'));
    ({ component } = await upgradeLegacy(core, { wit: loadWitText(wit), world: 'edges' }));
    transpiled = await transpileComponent(component, 'edges');
  });
  afterAll(() => transpiled?.dispose());

  const engines: [string, (imports: Record<string, unknown>) => Promise<Exports>][] = [
    ["witgen's component runtime", async (imports) => (await instantiate(component, imports)) as Exports],
    ["jco's transpile output", async (imports) => (await transpiled.instantiate(jcoRootImports(imports))) as Exports],
  ];

  for (const [engine, load] of engines) {
    it(`${engine}: the legacy path's results and host calls for random arguments`, async () => {
      const upgradedHost = edgesHost();
      const legacyHost = edgesHost();
      const upgraded = await load(upgradedHost.imports);
      const legacy = (await instantiateLegacy(core, legacyHost.imports, { world: { wit, world: 'edges' } })) as Exports;
      for (const [name, args] of calls) {
        fc.assert(
          fc.property(args, (values) => {
            expect((upgraded[name] as Fn)(...values)).toEqual((legacy[name] as Fn)(...values));
          }),
          { numRuns: 60 },
        );
      }
      expect(upgradedHost.seen).toEqual(legacyHost.seen);
    });

    it(`${engine}: known values`, async () => {
      const e = await load(edgesHost().imports);
      const ones = Object.fromEntries(FIELDS.map((f, i) => [f, i + 1]));
      expect(e.sumWide?.(ones)).toBe(153);
      expect(e.sumWideHost?.(ones)).toBe(153 * 3 + 1);
      expect(e.sumWideScaled?.(ones, 2)).toBe(153 * 2 * 2);
      expect(e.echoMixed?.({ tag: 'big', val: 2n ** 64n - 1n })).toEqual({ tag: 'big', val: 2n ** 64n - 1n });
      expect(e.echoMixed?.({ tag: 'small', val: -1.5 })).toEqual({ tag: 'small', val: -1.5 });
      expect(e.mixedViaHost?.({ tag: 'nothing' })).toEqual({ tag: 'text', val: '' });
      expect(e.mixedViaHost?.({ tag: 'text', val: 'abc' })).toEqual({ tag: 'big', val: 3n });
      expect(e.textLen?.(0)).toBe(0);
      expect(e.textLen?.(3)).toBe(6);
      expect(e.many?.(-1, -1, true, 'A', 1, 2.9)).toBe(-1n - 256n + 16777216n + 65n * 33554432n + 1099511627776n + 2n);
    });
  }
});
