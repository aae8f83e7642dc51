/**
 * Async components on witgen's runtime in Node 20: witgen's own engine does
 * not run the async canonical built-ins, so `instantiate` falls back to jco,
 * whose transpiled code needs `WebAssembly.promising` at instantiation (JSPI,
 * absent in Node 20). src/runtime/fallback/jspi.ts stands in for it while jco
 * instantiates (exact for callback-ABI exports, which never suspend) and
 * puts the global back; a component that must suspend (an async host import)
 * fails with a FallbackError that says so.
 *
 * The guests are the async C fixtures of test/guests/async-jco.test.ts,
 * compiled with witgen's glue and packaged with `buildComponent`. Skipped
 * only when clang cannot build wasm32-wasi reactors (reason in the name).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildComponent } from '../../src/build/index.js';
import { generateCGuest } from '../../src/codegen/c-guest/index.js';
import { compileComponent, instantiate } from '../../src/runtime/component/index.js';
import { FallbackError } from '../../src/runtime/fallback/errors.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { clangWasm as clang, reactorToolchainProblem } from '../helpers/wasm-clang.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/c-guest/async-jco');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-fallback-async-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const problem = reactorToolchainProblem(scratch);
const skipped = problem === null ? '' : ` [SKIPPED: ${problem}]`;

const webAssembly = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
const engineHasJspi = typeof webAssembly['Suspending'] === 'function';

/** Compiles `<name>-guest.c` with the glue of `<name>.wit` and packages it as a component. */
async function guestComponent(name: string): Promise<Uint8Array> {
  const loaded = loadWit(path.join(fixtures, `${name}.wit`));
  const generated = generateCGuest(loaded.resolve, selectWorld(loaded));
  const dir = mkdtempSync(path.join(scratch, `${name}-`));
  for (const [file, text] of generated.files) writeFileSync(path.join(dir, file), text);
  const core = path.join(dir, 'guest.wasm');
  const failure = clang([
    '-mexec-model=reactor', '-Wl,--no-entry', '-O1', `-I${dir}`,
    path.join(dir, generated.sourceName), path.join(fixtures, `${name}-guest.c`), '-o', core,
  ]);
  if (failure !== null) throw new Error(`the ${name} guest does not compile:\n${failure}`);
  return (await buildComponent({ core: new Uint8Array(readFileSync(core)), wit: loaded })).component;
}

interface Calc {
  add(a: number, b: number): Promise<number>;
  addLater(a: bigint, b: bigint): Promise<bigint>;
  shout(s: string): Promise<string>;
  scaled(x: number): Promise<number>;
}

describe.skipIf(problem !== null)(`async components through witgen's instantiate${skipped}`, () => {
  it('run their callback-ABI exports through the jco fallback, with random values', async () => {
    const compiled = await compileComponent(await guestComponent('calc'));
    // witgen's engine does not run async built-ins itself: the reason names one.
    expect(compiled.fallbackReason).toMatch(/canonical built-in/);
    const exports = await instantiate(compiled, { 'witgen:async-jco/scaler': { scale: (x: number) => x * 3 } });
    const calc = exports['calc'] as unknown as Calc;
    const upper = (s: string): string => s.replace(/[a-z]/g, (c) => c.toUpperCase());
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 0x7fff_ffff }),
        fc.nat({ max: 0x7fff_ffff }),
        // u64 addition in the guest: two halves never overflow.
        fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.nat({ max: 1000 }),
        async (a, b, big, s, x) => {
          expect(await calc.add(a, b)).toBe(a + b);
          expect(await calc.addLater(big, big)).toBe(2n * big);
          expect(await calc.shout(s)).toBe(upper(s));
          // The guest calls the sync host import `scale` inside its async task.
          expect(await calc.scaled(x)).toBe(x * 3 + 1);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('leave WebAssembly.promising as the engine had it', async () => {
    const before = webAssembly['promising'];
    const compiled = await compileComponent(await guestComponent('calc'));
    await Promise.all([1, 2, 3].map(() => instantiate(compiled, { 'witgen:async-jco/scaler': { scale: (x: number) => x } })));
    expect(webAssembly['promising']).toBe(before);
  }, 120_000);

  it.skipIf(engineHasJspi)('refuse a component that must suspend with a FallbackError naming JSPI', async () => {
    const compiled = await compileComponent(await guestComponent('host-async'));
    const adder = { 'witgen:async-jco/adder': { add: async (a: number, b: number) => a + b } };
    const error = await instantiate(compiled, adder).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FallbackError);
    expect((error as FallbackError).code).toBe('FALLBACK_INSTANTIATE_FAILED');
    expect((error as Error).message).toMatch(/the component suspends .*only with JSPI \(WebAssembly\.Suspending\)/);
    expect((error as Error).message).toContain(`Node ${process.versions.node}`);
  }, 120_000);
});
