/**
 * Random interfaces (random nested types, no resources) whose functions
 * `f(x: T) -> T` cross a real wasm boundary through witgen's lift/lower code
 * and through jco's transpiled host (roundtrip-harness.ts): both return the
 * argument for random values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { layoutOf } from '../../src/abi/layout.js';
import { identityAnswer, outcome, roundtripHarness } from './roundtrip-harness.js';
import { valueOf } from './values.js';
import { join, witTypeArb } from './wit-types.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-roundtrip-random-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function worldText(types: { text: string; decls: readonly string[] }[]): string {
  return [
    'package rnd:roundtrip@2.0.0;',
    'interface echo {',
    ...join(types).map((d) => `  ${d}`),
    ...types.map((t, i) => `  f${i}: func(x: ${t.text}) -> ${t.text};`),
    '}',
    'world w {',
    '  import echo;',
    '  export echo;',
    '}',
    '',
  ].join('\n');
}

describe('random types cross a real wasm boundary intact (witgen and jco)', () => {
  it('for 4 random interfaces of 5 functions each', async () => {
    await fc.assert(
      // No maps: jco 1.35's transpiled JS declares a loop variable twice (a
      // SyntaxError) for a value holding two maps; maps are covered by roundtrip.test.ts.
      fc.asyncProperty(fc.array(witTypeArb({ resources: false, maps: false }), { minLength: 5, maxLength: 5 }), async (types) => {
        const text = worldText(types);
        const harness = await roundtripHarness(text, 'w', scratch, identityAnswer);
        const answer = identityAnswer(harness.resolve);
        for (const f of harness.funcs) {
          const param = f.params[0];
          if (param === undefined) throw new Error('f takes one parameter');
          fc.assert(
            fc.property(valueOf(layoutOf(harness.resolve, param.type)), (x) => {
              const expected = outcome(() => answer(f, [x]));
              for (const [encoding, exports] of harness.witgen) {
                expect({ text, f: f.name, encoding, value: outcome(() => exports[f.name]?.(x)) }).toEqual({
                  text,
                  f: f.name,
                  encoding,
                  value: expected,
                });
              }
              expect({ text, f: f.name, value: outcome(() => harness.jco[f.name]?.(x)) }).toEqual({
                text,
                f: f.name,
                value: expected,
              });
            }),
            { numRuns: 15 },
          );
        }
      }),
      { numRuns: 4 },
    );
  }, 180_000);
});
