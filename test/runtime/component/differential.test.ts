/**
 * Differential test: the kinds guest through witgen's component runtime and
 * through jco's transpile (the reference host) on the same random values:
 * equal results for every kind (echo and relay), equal outcomes (value or
 * thrown payload) for results, and both refusing what the canonical ABI
 * forbids (the `bad-*` exports trap in both).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileComponent, instantiate, ComponentTrap } from '../../../src/runtime/component/index.js';
import { readGuest, transpileComponent, type ImportObject, type TranspiledComponent } from '../../guests/jco-host.js';
import { KINDS, arbitraries, camel, kindsHost, outcome, text } from './kinds-host.js';

type Fn = (...args: unknown[]) => unknown;

/** The same host in jco's import shape (`pass-x` → `{ default }`, interfaces by unversioned name). */
function jcoImports(component: TranspiledComponent, sinkClass: unknown, witgen: Record<string, unknown>): ImportObject {
  const imports: ImportObject = {};
  for (const name of component.imports) {
    if (name.endsWith('/sinks')) imports[name] = { Sink: sinkClass };
    else if (name.endsWith('/types')) imports[name] = {};
    else imports[name] = { default: witgen[camel(name)] };
  }
  return imports;
}

describe.each([
  { file: 'guests/c/kinds/kinds.component.wasm', encoding: 'utf8' },
  { file: 'guests/c/kinds/kinds.utf16.component.wasm', encoding: 'utf16' },
])('kinds ($encoding): witgen runtime vs jco transpile', ({ file }) => {
  let jco: TranspiledComponent;
  let ours: Record<string, Fn>;
  let theirs: Record<string, Fn>;

  beforeAll(async () => {
    const bytes = readGuest(file);
    const compiled = await compileComponent(bytes);
    const host = kindsHost('witgen:kinds', compiled.importNames);
    ours = (await instantiate(compiled, host.imports)) as Record<string, Fn>;
    jco = await transpileComponent(bytes);
    const reference = kindsHost('witgen:kinds', compiled.importNames);
    theirs = (await jco.instantiate(jcoImports(jco, reference.Sink, reference.imports))) as Record<string, Fn>;
  });
  afterAll(() => jco?.dispose());

  it('every kind gives equal results through echo and relay', () => {
    const arbs = arbitraries(text);
    for (const kind of KINDS) {
      for (const fn of [camel(`echo-${kind}`), camel(`relay-${kind}`)]) {
        fc.assert(
          fc.property(arbs[kind], (value) => {
            expect(ours[fn]?.(value)).toEqual(theirs[fn]?.(value));
          }),
          { numRuns: 25 },
        );
      }
    }
  });

  it('result<u32, string> gives equal values and thrown payloads', () => {
    fc.assert(
      fc.property(fc.oneof(fc.record({ tag: fc.constant('ok'), val: fc.nat() }), fc.record({ tag: fc.constant('err'), val: text })), (value) => {
        for (const fn of ['echoRes', 'relayRes']) expect(outcome(() => ours[fn]?.(value))).toEqual(outcome(() => theirs[fn]?.(value)));
      }),
      { numRuns: 50 },
    );
  });

  it('both refuse what the canonical ABI forbids', async () => {
    // bad-string's bytes are invalid UTF-8 (but may be valid UTF-16); it is checked separately below.
    for (const fn of ['badChar', 'badColor', 'badVar', 'badOpt', 'badBounds']) {
      const compiled = await compileComponent(readGuest(file));
      const fresh = (await instantiate(compiled, kindsHost('witgen:kinds', compiled.importNames).imports)) as Record<string, Fn>;
      expect(() => fresh[fn]?.(), fn).toThrow(ComponentTrap);
      expect(() => theirs[fn]?.(), fn).toThrow();
    }
  });
});

describe('invalid UTF-8 from the guest', () => {
  it('witgen traps as the canonical ABI requires; jco 1.35 decodes it with replacement characters', async () => {
    const bytes = readGuest('guests/c/kinds/kinds.component.wasm');
    const compiled = await compileComponent(bytes);
    const ours = (await instantiate(compiled, kindsHost('witgen:kinds', compiled.importNames).imports)) as Record<string, Fn>;
    expect(() => ours['badString']?.()).toThrow(ComponentTrap);
    const jco = await transpileComponent(bytes);
    try {
      const reference = kindsHost('witgen:kinds', compiled.importNames);
      const theirs = (await jco.instantiate(jcoImports(jco, reference.Sink, reference.imports))) as Record<string, Fn>;
      expect(theirs['badString']?.()).toContain('\uFFFD');
    } finally {
      jco.dispose();
    }
  });
});
