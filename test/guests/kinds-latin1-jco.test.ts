/**
 * The kinds guest's latin1+utf16 build under jco, through composition.
 *
 * jco 1.35's JS glue cannot lift or lower a latin1+utf16 string, so the
 * guest is put behind a relay (latin1-relay.ts) that faces the host with
 * utf8: every string then crosses encodings inside the component, in the
 * adapters jco generates for component-to-component calls. The relay is
 * checked on the utf8 and utf16 builds, whose round trips must come back
 * intact (for utf16 through jco's utf16 <-> utf8 transcoders). For the
 * latin1+utf16 build jco 1.35 has no transcoder to or from latin1 or
 * compact utf16: its transpile panics, which the last test pins so that a
 * jco able to run it is noticed (then add the build to RELAYED_BUILDS).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { arbitraries, assertEchoAndRelay, camel, kindsHost, KINDS, latin1, text, u32, type KindsHost } from '../runtime/component/kinds-host.js';
import { readGuest, repoRoot, transpileComponent, type ImportObject, type TranspiledComponent } from './jco-host.js';
import { relayedGuest, type RelayInput } from './latin1-relay.js';

const kindsWit = loadWit(join(repoRoot, 'guests/c/kinds/kinds.wit'));

function relayInput(file: string, relayEncoding: 'utf8' | 'utf16' = 'utf8'): RelayInput {
  return {
    guest: readGuest(file),
    resolve: kindsWit.resolve,
    world: selectWorld(kindsWit, 'kinds'),
    sinksInterface: 'witgen:kinds/sinks@0.1.0',
    relayEncoding,
  };
}

/** jco's import object from the kinds host (jco names an interface without its version, a function import `{ default }`). */
function jcoImports(host: KindsHost, names: readonly string[]): ImportObject {
  const imports: ImportObject = {};
  for (const name of names) {
    const value = host.imports[`${name}@0.1.0`] ?? host.imports[camel(name)];
    if (value === undefined) throw new Error(`the kinds host has no import ${name}`);
    imports[name] = name.includes('/') ? (value as Record<string, unknown>) : { default: value };
  }
  return imports;
}

const RUNS = 40;
/** Any strings, and strings of Latin-1 characters only. */
const strings = fc.oneof(text, latin1);

const RELAYED_BUILDS = [
  { encoding: 'utf8', file: 'guests/c/kinds/kinds.component.wasm' },
  { encoding: 'utf16', file: 'guests/c/kinds/kinds.utf16.component.wasm' },
] as const;

describe.each(RELAYED_BUILDS)('kinds guest, $encoding strings, behind a utf8 relay', ({ file }) => {
  let component: TranspiledComponent;
  let host: KindsHost;
  let exports: Record<string, (...args: unknown[]) => unknown>;

  beforeAll(async () => {
    component = await transpileComponent(await relayedGuest(relayInput(file)));
    host = kindsHost('witgen:kinds', component.imports);
    exports = (await component.instantiate(jcoImports(host, component.imports))) as typeof exports;
  });
  afterAll(() => component?.dispose());

  const arbs = arbitraries(strings);
  for (const kind of KINDS) {
    it(`${kind}: echo and relay return the value intact`, () => {
      assertEchoAndRelay(exports, host.received, kind, arbs[kind], RUNS);
    });
  }

  it('result<u32, string>: ok returns the value, err throws with the payload', () => {
    const ok = fc.record({ tag: fc.constant('ok' as const), val: u32 });
    const err = fc.record({ tag: fc.constant('err' as const), val: strings });
    fc.assert(
      fc.property(fc.oneof(ok, err), (value) => {
        for (const call of [exports['echoRes'], exports['relayRes']]) {
          if (value.tag === 'ok') {
            expect(call?.(value)).toBe(value.val);
            continue;
          }
          let thrown: unknown;
          try {
            call?.(value);
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toMatchObject({ payload: value.val });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('17 parameters (spilled to memory) pass through both relays in order', () => {
    fc.assert(
      fc.property(fc.array(u32, { minLength: 17, maxLength: 17 }), (args) => {
        expect([...(exports['spill']?.(...args) as Uint32Array)]).toEqual(args);
      }),
      { numRuns: RUNS },
    );
  });

  // A fresh instance per run: jco 1.35's borrow transfer gives the relay the
  // rep instead of a handle for any rep its table ever held an own handle
  // of (resourceTransferBorrow's `_createdReps` check), so from the second
  // sink of an instance on, the host receives the wrong object. The first
  // sink of each instance goes through correctly.
  it('drain: the guest writes to a host sink through the relayed resource functions', async () => {
    await fc.assert(
      fc.asyncProperty(strings, fc.array(strings, { maxLength: 5 }), async (name, items) => {
        const fresh = kindsHost('witgen:kinds', component.imports);
        const root = await component.instantiate(jcoImports(fresh, component.imports));
        expect((root['drain'] as (n: string, i: string[]) => number)(name, items)).toBe(items.length);
        expect(fresh.sinks).toEqual([{ name, texts: items, disposed: true }]);
      }),
      { numRuns: 10 },
    );
  });
});

/**
 * Transpiles in a child process: after a panic jco's transpiler instance
 * refuses every later call ("cannot enter component instance").
 */
function transpileElsewhere(bytes: Uint8Array): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'witgen-latin1-'));
  try {
    const path = join(dir, 'relayed.wasm');
    writeFileSync(path, bytes);
    const script = `import { transpile } from '@bytecodealliance/jco';
import { readFileSync } from 'node:fs';
await transpile(readFileSync(${JSON.stringify(path)}), { name: 'k', instantiation: 'async', noTypescript: true, quiet: true });`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    return { status: run.status, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('kinds guest, latin1+utf16 strings, behind a relay', () => {
  // The first string adapter jco generates for each relay encoding, and the
  // transcoder it lacks (jco 1.35 implements utf8 copy, utf8 -> utf16, utf16 -> utf8 only;
  // its panic message names the missing one).
  it.each([
    { relayEncoding: 'utf8', missing: 'latin to utf8 transcoder' },
    { relayEncoding: 'utf16', missing: 'utf16 copier' },
  ] as const)('$relayEncoding relay: jco 1.35 cannot transpile it ($missing)', async ({ relayEncoding, missing }) => {
    const relayed = await relayedGuest(relayInput('guests/c/kinds/kinds.latin1.component.wasm', relayEncoding));
    const { status, stderr } = transpileElsewhere(relayed);
    expect(status).not.toBe(0);
    expect(stderr).toContain('js-component-bindgen/src/transpile_bindgen.rs');
    expect(stderr).toContain(missing);
  }, 60_000);
});
