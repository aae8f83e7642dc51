/**
 * Values of every kind cross a real wasm boundary through witgen's generated
 * lift/lower code (three string encodings) and through jco's transpiled host
 * as the reference (see roundtrip-harness.ts). The host import answers with
 * its argument, so every call is the identity.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutOf } from '../../src/abi/layout.js';
import type { Func, Resolve } from '../../src/wit/model.js';
import { identityAnswer, outcome, roundtripHarness, type Harness, type HostAnswer } from './roundtrip-harness.js';
import { valueOf } from './values.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const witText = readFileSync(path.join(here, 'roundtrip/roundtrip.wit'), 'utf8');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-roundtrip-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Identity, except `-> tuple<T>` functions wrap their argument and `many` sums its numbers. */
function answer(resolve: Resolve): HostAnswer {
  const identity = identityAnswer(resolve);
  return (func, args) => {
    if (func.name === 'many') {
      return [args.slice(0, -1).reduce((a: number, b) => (a + Number(b)) >>> 0, 0), args[args.length - 1]];
    }
    const result = func.result === null ? undefined : resolve.types[func.result as number];
    if (result?.kind.kind === 'tuple' && result.kind.types.length === 1) return [args[0]];
    return identity(func, args);
  };
}

let harness: Harness;
// The function list is known before the hosts are built, to name the tests.
const funcNames = [...witText.matchAll(/^\s+([a-z0-9-]+): func\(/gm)].map((m) => m[1] as string);

beforeAll(async () => {
  harness = await roundtripHarness(witText, 'roundtrip', scratch, answer);
});

function argsArb(resolve: Resolve, f: Func): fc.Arbitrary<unknown[]> {
  return fc.tuple(...f.params.map((p) => valueOf(layoutOf(resolve, p.type))));
}

describe('values cross a real wasm boundary intact', () => {
  it('covers every function of the WIT', () => {
    expect(harness.funcs.map((f) => f.name)).toEqual(funcNames);
  });

  for (const name of funcNames) {
    it(`${name}: witgen (3 string encodings) and jco agree and return the host's answer`, () => {
      const f = harness.funcs.find((x) => x.name === name);
      if (f === undefined) throw new Error(`no function ${name}`);
      const host = answer(harness.resolve);
      fc.assert(
        fc.property(argsArb(harness.resolve, f), (args) => {
          const expected = outcome(() => host(f, args));
          for (const [encoding, exports] of harness.witgen) {
            expect({ encoding, value: outcome(() => exports[f.name]?.(...args)) }).toEqual({ encoding, value: expected });
          }
          expect(outcome(() => harness.jco[f.name]?.(...args))).toEqual(expected);
        }),
        { numRuns: 40 },
      );
    });
  }
});
