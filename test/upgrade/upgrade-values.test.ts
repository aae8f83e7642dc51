/**
 * The legacy values guest (guests/legacy/c/values: strings, lists, records
 * with pointers inside, enums, flags, options, variants, results, sret and
 * single-scalar structs) upgraded to a component, checked differentially:
 * for random arguments, witgen's component runtime and jco's transpile
 * output of the upgraded component give what the legacy path
 * (`instantiateLegacy`) gives for the same host imports, including what the
 * host imports saw.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiate } from '../../src/runtime/index.js';
import { instantiateLegacy } from '../../src/runtime/legacy/index.js';
import { upgradeLegacy } from '../../src/upgrade/index.js';
import { loadWitText } from '../../src/wit/load.js';
import { transpileComponent, type TranspiledComponent } from '../guests/jco-host.js';
import { jcoRootImports, readBytes, readText } from './helpers.js';

const core = readBytes('guests/legacy/c/values/values.core.wasm');
const wit = readText('guests/legacy/c/values/values.wit');

type Fn = (...args: unknown[]) => unknown;
type Exports = Record<string, Fn>;

/** The host imports of the values world, recording what the guest handed over. */
function valuesHost() {
  const seen: unknown[] = [];
  const imports = {
    hostGreet(name: string): string {
      seen.push(['greet', name]);
      return `hello, ${name}`;
    },
    hostSum(values: ArrayLike<number>): bigint {
      seen.push(['sum', Array.from(values)]);
      let sum = 0n;
      for (let i = 0; i < values.length; i++) sum += BigInt(values[i] as number);
      return sum;
    },
    hostOrigin(): { x: number; y: number } {
      seen.push(['origin']);
      return { x: -10, y: 20 };
    },
    hostWrap(v: number): { inner: number } {
      seen.push(['wrap', v]);
      return { inner: v * 2 };
    },
  };
  return { seen, imports };
}

/** A call's outcome in a form every engine can be compared by: the value, or the error result's payload. */
function outcome(call: () => unknown): unknown {
  try {
    return { ok: normalize(call()) };
  } catch (error) {
    if (error !== null && typeof error === 'object' && 'payload' in error) return { err: (error as { payload: unknown }).payload };
    return { trap: true };
  }
}

/** Typed arrays as plain arrays, so engines returning either compare equal. */
function normalize(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

const u8 = fc.integer({ min: 0, max: 0xff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const s32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const text = fc.string({ unit: 'grapheme', maxLength: 24 });
const point = fc.record({ x: s32, y: s32 });
const person = fc.record({ name: text, age: u8, tags: fc.array(text, { maxLength: 4 }) });
const perms = fc.record({ read: fc.boolean(), write: fc.boolean(), exec: fc.boolean() });
const shape = fc.oneof(
  fc.record({ tag: fc.constant('circle'), val: fc.float({ noNaN: true, noDefaultInfinity: true }) }),
  fc.record({ tag: fc.constant('square'), val: u32 }),
  fc.constant({ tag: 'dot' }),
);
const numberish = fc.oneof(fc.integer({ min: 0, max: 0xffff_ffff }).map(String), text);

/** Each export with arguments for it. */
const calls: [string, fc.Arbitrary<unknown[]>][] = [
  ['add', fc.tuple(u32, u32)],
  ['echo', fc.tuple(text)],
  ['pointAdd', fc.tuple(point, point)],
  ['greetViaHost', fc.tuple(text)],
  ['sumViaHost', fc.tuple(fc.array(u32, { maxLength: 12 }).map((a) => Uint32Array.from(a)))],
  ['originMoved', fc.tuple(s32, s32)],
  ['describe', fc.tuple(person)],
  ['makePerson', fc.tuple(text, u8)],
  ['sumList', fc.tuple(fc.array(u32, { maxLength: 12 }).map((a) => Uint32Array.from(a)))],
  ['nextColor', fc.tuple(fc.constantFrom('red', 'green', 'blue'))],
  ['toggle', fc.tuple(perms)],
  ['maybeDouble', fc.tuple(fc.option(u32, { nil: undefined }))],
  ['rewrap', fc.tuple(fc.record({ inner: fc.integer({ min: 0, max: 0x7ffe }) }))],
  ['area', fc.tuple(shape)],
  ['parse', fc.tuple(numberish)],
];

describe('upgrade: legacy values guest', () => {
  let component: Uint8Array;
  let transpiled: TranspiledComponent;

  beforeAll(async () => {
    ({ component } = await upgradeLegacy(core, { wit: loadWitText(wit), world: 'values' }));
    transpiled = await transpileComponent(component, 'values');
  });
  afterAll(() => transpiled?.dispose());

  const engines: [string, (imports: Record<string, unknown>) => Promise<Exports>][] = [
    ["witgen's component runtime", async (imports) => (await instantiate(component, imports)) as Exports],
    ["jco's transpile output", async (imports) => (await transpiled.instantiate(jcoRootImports(imports))) as Exports],
  ];

  for (const [engine, load] of engines) {
    it(`${engine}: every export gives the legacy path's results for random arguments`, async () => {
      const upgradedHost = valuesHost();
      const legacyHost = valuesHost();
      // One instance each for the whole run: guest memory is reused across calls, so leaks or stale frees would show.
      const upgraded = await load(upgradedHost.imports);
      const legacy = (await instantiateLegacy(core, legacyHost.imports, { world: { wit, world: 'values' } })) as Exports;
      for (const [name, args] of calls) {
        fc.assert(
          fc.property(args, (values) => {
            const want = outcome(() => (legacy[name] as Fn)(...values));
            expect(want).not.toEqual({ trap: true });
            expect(outcome(() => (upgraded[name] as Fn)(...values))).toEqual(want);
          }),
          { numRuns: 40 },
        );
      }
      expect(upgradedHost.seen).toEqual(legacyHost.seen);
    });

    it(`${engine}: known values`, async () => {
      const v = await load(valuesHost().imports);
      expect(v.describe?.({ name: 'Ada', age: 36, tags: ['math', 'engines'] })).toBe('Ada (36): math,engines');
      expect(normalize(v.makePerson?.('Bo', 7))).toEqual({ name: 'Bo', age: 7, tags: ['made', 'in-c'] });
      expect(v.greetViaHost?.('Grüße')).toBe('[hello, Grüße]');
      expect(v.originMoved?.(1, 2)).toEqual({ x: -9, y: 22 });
      expect(v.rewrap?.({ inner: 20 })).toEqual({ inner: 42 });
      expect(outcome(() => v.parse?.('12a'))).toEqual(outcome(() => {
        throw Object.assign(new Error(), { payload: 'not a number: 12a' });
      }));
    });
  }

  it('a host string that runs past guest memory traps in the upgraded component as on the legacy path', async () => {
    const v = (await instantiate(component, valuesHost().imports)) as Exports;
    expect(() => v.greetOutOfBounds?.()).toThrow();
    const legacy = (await instantiateLegacy(core, valuesHost().imports, { world: { wit, world: 'values' } })) as Exports;
    expect(() => legacy.greetOutOfBounds?.()).toThrow();
  });
});
