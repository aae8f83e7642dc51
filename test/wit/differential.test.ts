/**
 * witgen's WIT front-end against wasm-tools (jco) as the reference:
 * - every disagreement the differential hunt found (scripts/wit-differential.mjs),
 *   pinned with the verdict both must give, checked against both;
 * - a property: generated documents and mutated corpus files get the same
 *   verdict from both, and where both accept, wasm-tools sees the same worlds
 *   in the text witgen prints back as in the original.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WitError } from '../../src/wit/errors.js';
import { loadWitText, selectWorld } from '../../src/wit/load.js';
import { compareWithWasmTools, printAll, witgenVerdict, type DiffOutcome } from './differential.js';
import { generatedInput } from './differential-generate.js';
import { fuzzInput } from './fuzz-mutate.js';
import { WasmTools, type Features } from './wasm-tools.js';
import { witFilesUnder } from '../helpers/wit-corpus.js';

const wasmTools = new WasmTools();
afterAll(() => wasmTools.close());
const TIMEOUT_MS = 10_000;

interface Pinned {
  readonly name: string;
  readonly text: string;
  readonly features?: Features;
  /**
   * `accept`: both resolve it; `reject`: both refuse it; `world-rejects`:
   * both resolve it, but no component can be made of `world` (wasm-tools
   * fails making one, witgen's selectWorld throws).
   */
  readonly verdict: 'accept' | 'reject' | 'world-rejects';
  readonly world?: string;
}

const iface = (body: string): string => `package t:t;\ninterface i {\n${body}\n}\nworld w { export i; }\n`;

const pinned: Pinned[] = [
  // Versions are read from tokens, as wit-parser does.
  {
    name: 'a `-` or `+` with nothing after it adds nothing to a version',
    text: 'package t:t;\nworld w { import o:o/j@1.0.0; import p:p/k@1.0.0; }\npackage o:o@1.0.0- { interface j { f: func(); } }\npackage p:p@1.0.0 + { interface k { f: func(); } }\n',
    verdict: 'accept',
  },
  { name: 'a pre-release of an integer then letters', text: 'package t:t@1.0.0-0a;\nworld w {}\n', verdict: 'accept' },
  { name: 'a pre-release part may start with `-` after a `.`', text: 'package t:t@1.0.0-a.-1;\nworld w {}\n', verdict: 'accept' },
  { name: 'a keyword ends the pre-release', text: 'package t:t@1.0.0-type;\nworld w {}\n', verdict: 'reject' },
  { name: 'a `.` not followed by a part ends the version', text: 'package t:t@1.0.0-a.;\nworld w {}\n', verdict: 'reject' },
  { name: 'an empty pre-release before build metadata', text: 'package t:t@1.0.0-+b;\nworld w {}\n', verdict: 'reject' },
  { name: 'whitespace inside a version', text: 'package t:t@1.0.0- a;\nworld w {}\n', verdict: 'reject' },
  // Lexing.
  { name: 'a lone carriage return', text: 'package t:t;\rworld w {}\n', verdict: 'reject' },
  { name: 'CRLF line ends', text: 'package t:t;\r\nworld w {\r\n  import f: func();\r\n}\r\n', verdict: 'accept' },
  // Grammar.
  {
    name: '`include ... with { ... };` (WIT.md shows the `;`, wasm-tools rejects it)',
    text: 'package t:t;\nworld a { import f: func(); }\nworld w { include a with { f as g }; }\n',
    verdict: 'reject',
  },
  { name: 'a primitive inside 99 anonymous types', text: iface(`type a = ${'list<'.repeat(99)}u8${'>'.repeat(99)};`), verdict: 'accept' },
  { name: 'a primitive inside 100 anonymous types', text: iface(`type a = ${'list<'.repeat(100)}u8${'>'.repeat(100)};`), verdict: 'reject' },
  // Resolved by wit-parser, refused only when a world using them becomes a component.
  { name: 'duplicate record fields', text: iface('record r { a: u32, a: u32 }'), verdict: 'world-rejects', world: 't:t/w' },
  { name: 'record fields equal except for case', text: iface('record r { a: u32, A: u32 }'), verdict: 'world-rejects', world: 't:t/w' },
  { name: 'duplicate flags', text: iface('flags f { a, a }'), verdict: 'world-rejects', world: 't:t/w' },
  { name: 'duplicate enum cases', text: iface('enum e { a, a }'), verdict: 'world-rejects', world: 't:t/w' },
  { name: 'duplicate variant cases', text: iface('variant v { a, a(u8) }'), verdict: 'world-rejects', world: 't:t/w' },
  { name: 'parameters equal except for case', text: iface('f: func(a: u32, A: u32);'), verdict: 'world-rejects', world: 't:t/w' },
  { name: 'a fixed-length list of no elements', text: iface('type z = list<u8, 0>;'), verdict: 'world-rejects', world: 't:t/w' },
  {
    name: 'a world-level type no component can hold',
    text: 'package t:t;\nworld w { type z = list<u8, 0>; }\n',
    verdict: 'world-rejects',
    world: 't:t/w',
  },
  {
    name: 'a bad type in an interface the world does not use is fine',
    text: 'package t:t;\ninterface i { record r { a: u32, a: u32 } }\ninterface j { f: func(); }\nworld w { import j; }\n',
    verdict: 'accept',
  },
  { name: 'a parameter name written twice', text: iface('f: func(a: u32, a: u32);'), verdict: 'reject' },
  // World elaboration.
  {
    name: '`export k` (which uses `i`) before `export x: i` needs `i` both imported and exported',
    text: 'package t:t;\ninterface i { record r { a: bool } }\ninterface k { use i.{r}; }\nworld w { export k; export x: i; }\n',
    verdict: 'reject',
  },
  {
    name: '`export x: i` before `export k` (which uses `i`) imports `i` for `k`',
    text: 'package t:t;\ninterface i { record r { a: bool } }\ninterface k { use i.{r}; }\nworld w { export x: i; export k; }\n',
    verdict: 'accept',
  },
  {
    name: 'including a world with a named interface of another package under a plain name',
    text: 'package t:t;\nworld w { include o:o/v; export y: o:o/j; }\npackage o:o {\n  interface j { f: func(); }\n  world v { export x: j; import z: j; }\n}\n',
    verdict: 'accept',
  },
];

async function wasmToolsVerdict(text: string, features: Features): Promise<'accept' | 'reject'> {
  const verdict = await wasmTools.verdict(text, features, TIMEOUT_MS);
  if ('timeout' in verdict || 'trap' in verdict) throw new Error(`wasm-tools gave no verdict: ${JSON.stringify(verdict)}`);
  return verdict.accept ? 'accept' : 'reject';
}

describe('disagreements with wasm-tools found by the differential hunt stay fixed', () => {
  for (const c of pinned) {
    it(`${c.verdict}: ${c.name}`, async () => {
      const features = c.features ?? ['active'];
      const ours = witgenVerdict({ text: c.text, features });
      if ('crash' in ours) throw new Error(ours.crash);
      expect(await wasmToolsVerdict(c.text, features)).toBe(c.verdict === 'reject' ? 'reject' : 'accept');
      if (c.verdict === 'reject') {
        expect(ours.accept).toBe(false);
        if (!ours.accept) expect(ours.error.location, ours.error.render()).toBeDefined();
        return;
      }
      if (!ours.accept) throw new Error(ours.error.render());
      if (c.verdict === 'world-rejects') {
        const world = c.world ?? '';
        expect('error' in (await wasmTools.view(c.text, world, TIMEOUT_MS, features))).toBe(true);
        let caught: unknown;
        try {
          selectWorld(ours.loaded, world);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(WitError);
        expect((caught as WitError).location, (caught as WitError).render()).toBeDefined();
        return;
      }
      // Both accept: every world looks the same to wasm-tools in witgen's printed text.
      const printed = printAll(ours.loaded);
      for (const world of ours.loaded.resolve.worlds) {
        const pkg = ours.loaded.resolve.packages[world.package ?? -1];
        if (!pkg) continue;
        const ref = `${pkg.name.namespace}:${pkg.name.name}/${world.name}${pkg.name.version ? `@${pkg.name.version}` : ''}`;
        expect(() => selectWorld(ours.loaded, ref)).not.toThrow();
        const original = await wasmTools.view(c.text, ref, TIMEOUT_MS, features);
        expect(await wasmTools.view(printed, ref, TIMEOUT_MS, features), printed).toEqual(original);
      }
    }, 60_000);
  }

  it('keeps a named interface of another package where it is when a world including it is copied', () => {
    const loaded = loadWitText(pinned.find((c) => c.name.startsWith('including a world'))?.text ?? '');
    const w = loaded.resolve.worlds[selectWorld(loaded, 't:t/w')];
    const x = w?.exports.find((e) => e.key.kind === 'name' && e.key.name === 'x');
    if (x?.item.kind !== 'interface') throw new Error('expected export x to be an interface');
    const target = loaded.resolve.interfaces[x.item.id];
    expect(target?.name).toBe('j');
    expect(loaded.resolve.packages[target?.package ?? -1]?.name.name).toBe('o');
  });
});

// ---- the property ----------------------------------------------------------

const root = resolve(__dirname, '../..');
const conformance = resolve(root, '../shared/conformance/wit-parser');
const SEED = Number(process.env['DIFF_SEED'] ?? 20261126);
const GENERATED = 600;
const MUTANTS = 300;

/** Outcomes that are agreement (see world-order-differs, unprintable-gate), or no reference verdict at all (a wasm-tools panic or timeout). */
const AGREE: ReadonlySet<DiffOutcome['kind']> = new Set(['both-accept', 'world-order-differs', 'unprintable-gate', 'both-reject', 'wasm-tools-panic', 'timeout']);

describe('witgen and wasm-tools agree on generated and mutated WIT', () => {
  it(`${GENERATED} generated documents and ${MUTANTS} mutated corpus files (seed ${SEED})`, async () => {
    const corpus = [...witFilesUnder(conformance), ...witFilesUnder(join(root, 'wit'))].map((f) => readFileSync(f, 'utf8'));
    const preferred = corpus.flatMap((text, i) => (witgenVerdict({ text, features: ['active'] }) as { accept?: boolean }).accept ? [i] : []);
    const inputs = [
      ...Array.from({ length: GENERATED }, (_, n) => ({ label: `generated ${SEED}:${n}`, ...generatedInput(SEED, n) })),
      ...Array.from({ length: MUTANTS }, (_, n) => {
        const input = fuzzInput(corpus, SEED, n, preferred);
        return { label: `mutant ${SEED}:${n}`, text: input.text, features: (input.allFeatures ? 'all' : ['active']) as Features };
      }),
    ];
    const counts = new Map<string, number>();
    let worlds = 0;
    const disagreements: string[] = [];
    for (const input of inputs) {
      const outcome = await compareWithWasmTools(wasmTools, input, { timeoutMs: TIMEOUT_MS, maxWorlds: 2 });
      counts.set(outcome.kind, (counts.get(outcome.kind) ?? 0) + 1);
      if (outcome.kind === 'both-accept') worlds += outcome.worlds;
      if (!AGREE.has(outcome.kind)) disagreements.push(`${input.label}: ${JSON.stringify(outcome)}\n${input.text}`);
    }
    console.log(`differential outcomes: ${JSON.stringify(Object.fromEntries(counts))}, worlds compared: ${worlds}`);
    expect(disagreements, disagreements.join('\n\n')).toEqual([]);
    // The inputs exercise both sides: many resolve, many do not.
    expect(counts.get('both-accept') ?? 0).toBeGreaterThan(GENERATED / 4);
    expect(counts.get('both-reject') ?? 0).toBeGreaterThan(MUTANTS / 4);
    expect(worlds).toBeGreaterThan(GENERATED / 4);
  }, 300_000);
});
