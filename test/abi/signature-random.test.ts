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
import { join, prim, witTypeArb, type WitType } from './wit-types.js';

const funcArb = fc.record({
  params: fc.oneof(
    fc.array(witTypeArb(), { maxLength: 4 }),
    fc.array(prim(['u32', 'u64', 'f32', 'string']), { minLength: 9, maxLength: 17 }),
  ),
  result: fc.option(witTypeArb(), { nil: null }),
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
