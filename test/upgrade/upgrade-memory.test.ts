/**
 * The adapter frees exactly what the legacy conventions say, no more: a
 * guest that counts its live heap blocks (fixtures/counted.wat, whose `free`
 * traps on a pointer it never handed out or once nothing is live) must be
 * back to zero live blocks after any sequence of calls — argument copies and
 * their strings and lists freed after each call, results freed once read
 * (by the next export call), host strings freed by the guest itself — in
 * witgen's runtime and in jco's transpile output.
 */
import { parse } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiate } from '../../src/runtime/index.js';
import { upgradeLegacy } from '../../src/upgrade/index.js';
import { loadWitText } from '../../src/wit/load.js';
import { transpileComponent, type TranspiledComponent } from '../guests/jco-host.js';
import { jcoRootImports, readText } from './helpers.js';

interface Person {
  name: string;
  tags: string[];
}
interface Counted {
  take(p: Person): number;
  make(n: number): Person;
  greet(): number;
  live(): number;
}

const text = fc.string({ unit: 'grapheme', maxLength: 6 });
const call = fc.oneof(
  fc.record({ kind: fc.constant('take' as const), person: fc.record({ name: text, tags: fc.array(text, { maxLength: 4 }) }) }),
  fc.record({ kind: fc.constant('make' as const), n: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('greet' as const), name: text }),
);

describe('upgrade: what the adapter frees', () => {
  let component: Uint8Array;
  let transpiled: TranspiledComponent;

  beforeAll(async () => {
    const core = await parse(readText('test/upgrade/fixtures/counted.wat'));
    ({ component } = await upgradeLegacy(core, { wit: loadWitText(readText('test/upgrade/fixtures/counted.wit')) }));
    transpiled = await transpileComponent(component, 'counted');
  });
  afterAll(() => transpiled?.dispose());

  const engines: [string, (imports: Record<string, unknown>) => Promise<Counted>][] = [
    ["witgen's component runtime", async (imports) => (await instantiate(component, imports)) as unknown as Counted],
    ["jco's transpile output", async (imports) => (await transpiled.instantiate(jcoRootImports(imports))) as unknown as Counted],
  ];

  for (const [engine, load] of engines) {
    it(`${engine}: no block is leaked or freed twice`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(call, { maxLength: 8 }), async (calls) => {
          let name = '';
          const counted = await load({ hostName: () => name });
          for (const c of calls) {
            if (c.kind === 'take') expect(counted.take(c.person)).toBe(c.person.tags.length);
            if (c.kind === 'make') expect(counted.make(c.n)).toEqual({ name: 'x', tags: Array.from({ length: c.n }, () => 'y') });
            if (c.kind === 'greet') {
              name = c.name;
              expect(counted.greet()).toBe(new TextEncoder().encode(c.name).length);
            }
          }
          expect(counted.live()).toBe(0);
        }),
        { numRuns: 40 },
      );
    });
  }
});
