/**
 * Every value kind through witgen's component runtime on the kinds guests
 * (three string encodings, and the build through generated glue): random
 * values go host → guest → host (`echo-*`) and host → guest → host import →
 * guest → host (`relay-*`); `result` returns or throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileComponent, instantiate } from '../../../src/runtime/component/index.js';
import { readGuest } from '../../guests/jco-host.js';
import { KINDS, arbitraries, assertEchoAndRelay, kindsHost, latin1, text } from './kinds-host.js';

type Fn = (...args: unknown[]) => unknown;

const BUILDS = [
  { name: 'kinds utf8', file: 'guests/c/kinds/kinds.component.wasm', pkg: 'witgen:kinds', strings: text },
  { name: 'kinds utf16', file: 'guests/c/kinds/kinds.utf16.component.wasm', pkg: 'witgen:kinds', strings: text },
  { name: 'kinds latin1+utf16 (latin1 strings)', file: 'guests/c/kinds/kinds.latin1.component.wasm', pkg: 'witgen:kinds', strings: latin1 },
  { name: 'kinds latin1+utf16 (any strings)', file: 'guests/c/kinds/kinds.latin1.component.wasm', pkg: 'witgen:kinds', strings: text },
  { name: 'kinds-bindgen', file: 'guests/c/kinds-bindgen/kinds-bindgen.component.wasm', pkg: 'witgen:kinds-bindgen', strings: text },
] as const;

const RUNS = 30;

describe.each(BUILDS)('$name', ({ file, pkg, strings }) => {
  const arbs = arbitraries(strings);

  it('every kind round-trips through echo and relay', async () => {
    const compiled = await compileComponent(readGuest(file));
    expect(compiled.engine).toBe('witgen');
    const host = kindsHost(pkg, compiled.importNames);
    const exports = (await instantiate(compiled, host.imports)) as Record<string, Fn>;
    for (const kind of KINDS) assertEchoAndRelay(exports, host.received, kind, arbs[kind], RUNS);
  });

  it('result<u32, string>: ok returns the value, err throws with the payload', async () => {
    const compiled = await compileComponent(readGuest(file));
    const host = kindsHost(pkg, compiled.importNames);
    const { echoRes, relayRes } = (await instantiate(compiled, host.imports)) as Record<string, Fn>;
    fc.assert(
      fc.property(fc.oneof(fc.record({ tag: fc.constant('ok' as const), val: fc.nat() }), fc.record({ tag: fc.constant('err' as const), val: strings })), (value) => {
        for (const call of [echoRes, relayRes]) {
          if (value.tag === 'ok') expect(call?.(value)).toBe(value.val);
          else expect(() => call?.(value)).toThrow(expect.objectContaining({ payload: value.val }));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('17 parameters are passed through memory', async () => {
    const compiled = await compileComponent(readGuest(file));
    const { spill } = (await instantiate(compiled, kindsHost(pkg, compiled.importNames).imports)) as Record<string, Fn>;
    const args = Array.from({ length: 17 }, (_, i) => i * 1000 + 7);
    expect(Array.from(spill?.(...args) as Iterable<number>)).toEqual(args);
  });
});
