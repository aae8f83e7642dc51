/**
 * Differential property: for random WIT interfaces (random nested types in
 * random function signatures), witgen's core signatures equal those of the
 * dummy module wit-component generates, for imports and exports.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coreSignatures } from '../../src/abi/signature.js';
import { loadWitText, selectWorld } from '../../src/wit/load.js';
import { dummyModule, dummySignatures, mangledInterfaceName, type DummySignature } from '../helpers/wasm-dummy.js';

/** A WIT type as text, with the named declarations it needs. */
interface WitType {
  readonly text: string;
  readonly decls: readonly string[];
}

const PRIMS = ['bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string'];
const KEY_PRIMS = ['u8', 'u32', 'u64', 's32', 'char', 'string'];

let counter = 0;
const fresh = (prefix: string) => `${prefix}${counter++}`;

const prim = (names: string[]) => fc.constantFrom(...names).map((text): WitType => ({ text, decls: [] }));

function join(parts: readonly WitType[]): readonly string[] {
  return parts.flatMap((p) => p.decls);
}

const witTypeArb: fc.Arbitrary<WitType> = fc.letrec<{ t: WitType }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    prim(PRIMS),
    fc.array(tie('t'), { minLength: 1, maxLength: 4 }).map((fields): WitType => {
      const name = fresh('rec');
      const body = fields.map((f, i) => `f${i}: ${f.text}`).join(', ');
      return { text: name, decls: [...join(fields), `record ${name} { ${body} }`] };
    }),
    fc.array(tie('t'), { minLength: 1, maxLength: 3 }).map((items) => ({
      text: `tuple<${items.map((i) => i.text).join(', ')}>`,
      decls: join(items),
    })),
    fc.array(fc.option(tie('t'), { nil: null }), { minLength: 1, maxLength: 4 }).map((cases): WitType => {
      const name = fresh('var');
      const payloads = cases.flatMap((c) => (c === null ? [] : [c]));
      const body = cases.map((c, i) => (c === null ? `c${i}` : `c${i}(${c.text})`)).join(', ');
      return { text: name, decls: [...join(payloads), `variant ${name} { ${body} }`] };
    }),
    fc.integer({ min: 1, max: 300 }).map((count): WitType => {
      const name = fresh('en');
      const body = Array.from({ length: count }, (_, i) => `e${i}`).join(', ');
      return { text: name, decls: [`enum ${name} { ${body} }`] };
    }),
    fc.integer({ min: 1, max: 32 }).map((count): WitType => {
      const name = fresh('fl');
      const body = Array.from({ length: count }, (_, i) => `g${i}`).join(', ');
      return { text: name, decls: [`flags ${name} { ${body} }`] };
    }),
    fc.constant(null).map((): WitType => {
      const name = fresh('res');
      return { text: name, decls: [`resource ${name};`] };
    }),
    tie('t').map((t) => ({ text: `option<${t.text}>`, decls: t.decls })),
    tie('t').map((t) => ({ text: `list<${t.text}>`, decls: t.decls })),
    fc
      .record({ t: tie('t'), n: fc.integer({ min: 1, max: 4 }) })
      .map(({ t, n }) => ({ text: `list<${t.text}, ${n}>`, decls: t.decls })),
    fc
      .record({ ok: fc.option(tie('t'), { nil: null }), err: fc.option(tie('t'), { nil: null }) })
      .map(({ ok, err }): WitType => {
        const decls = [...(ok?.decls ?? []), ...(err?.decls ?? [])];
        if (ok === null && err === null) return { text: 'result', decls };
        if (err === null) return { text: `result<${ok?.text}>`, decls };
        return { text: `result<${ok === null ? '_' : ok.text}, ${err.text}>`, decls };
      }),
    fc
      .record({ k: prim(KEY_PRIMS), v: tie('t') })
      .map(({ k, v }) => ({ text: `map<${k.text}, ${v.text}>`, decls: v.decls })),
  ),
})).t;

const funcArb = fc.record({
  params: fc.oneof(
    fc.array(witTypeArb, { maxLength: 4 }),
    fc.array(prim(['u32', 'u64', 'f32', 'string']), { minLength: 9, maxLength: 17 }),
  ),
  result: fc.option(witTypeArb, { nil: null }),
});

function worldText(funcs: { params: WitType[]; result: WitType | null }[]): string {
  const decls = funcs.flatMap((f) => [...join(f.params), ...(f.result?.decls ?? [])]);
  const sigs = funcs.map((f, i) => {
    const params = f.params.map((p, j) => `p${j}: ${p.text}`).join(', ');
    return `  f${i}: func(${params})${f.result === null ? '' : ` -> ${f.result.text}`};`;
  });
  return [
    'package rnd:abi@0.1.0;',
    'interface api {',
    ...decls.map((d) => `  ${d}`),
    ...sigs,
    '}',
    'world w {',
    '  import api;',
    '  export api;',
    '}',
    '',
  ].join('\n');
}

function sorted(list: DummySignature[]): DummySignature[] {
  const key = (s: DummySignature) => `${s.kind} ${s.interface ?? ''}#${s.name}`;
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

describe('core signatures of random worlds match wit-component dummy modules', () => {
  it('for random nested types in random signatures', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(funcArb, { minLength: 1, maxLength: 4 }), async (funcs) => {
        const text = worldText(funcs);
        const expected = sorted(dummySignatures(await dummyModule({ source: text }, 'w')));
        const loaded = loadWitText(text);
        const actual = coreSignatures(loaded.resolve, selectWorld(loaded, 'w')).map((s) => ({
          ...s,
          interface: mangledInterfaceName(s.interface),
        }));
        expect({ text, signatures: sorted(actual) }).toEqual({ text, signatures: expected });
      }),
      { numRuns: 80 },
    );
  });
});
