/**
 * Generated C glue checked at the core wasm level: worlds no component can
 * hold (flags of more than 64 members), and async exports driven by hand at
 * the canonical built-in level (test/guests/async-jco.test.ts runs async
 * components end to end through jco). The guest is compiled with clang and its exports
 * called directly with WebAssembly, the test playing the component's part:
 * it passes the canonical flat values, reads results from the return area,
 * and receives what the guest hands to the `task.return` built-in.
 *
 * Skipped only when clang cannot build wasm32-wasi reactors (reason in the name).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCGuest } from '../../src/codegen/c-guest/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { clangWasm as clang, reactorToolchainProblem } from '../helpers/wasm-clang.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/c-guest');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-c-core-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const problem = reactorToolchainProblem(scratch);

interface Exports {
  memory: { buffer: ArrayBuffer };
  [name: string]: unknown;
}
const wasm = (globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => { exports: Exports } };
}).WebAssembly;

/** Compiles the glue of `witFile` with `guestFile` and instantiates the core module with `imports`. */
function instantiate(witFile: string, guestFile: string, imports: Record<string, Record<string, unknown>> = {}): Exports {
  const loaded = loadWit(path.join(fixtures, witFile));
  const generated = generateCGuest(loaded.resolve, selectWorld(loaded));
  const dir = mkdtempSync(path.join(scratch, 'world-'));
  for (const [name, text] of generated.files) writeFileSync(path.join(dir, name), text);
  const out = path.join(dir, 'guest.wasm');
  const failure = clang([
    '-mexec-model=reactor', '-Wl,--no-entry', '-O1', '-Wall', '-Wextra', '-Werror', `-I${dir}`,
    path.join(dir, generated.sourceName), path.join(fixtures, guestFile), '-o', out,
  ]);
  if (failure !== null) throw new Error(`the guest does not compile:\n${failure}`);
  return new wasm.Instance(new wasm.Module(new Uint8Array(readFileSync(out))), imports).exports;
}

describe.skipIf(problem !== null)(`C glue at the core wasm level${problem === null ? '' : ` [SKIPPED: ${problem}]`}`, () => {
  it('lifts and lowers flags of 70 members as three i32 words (property)', () => {
    const instance = instantiate('huge-flags.wit', 'huge-flags-guest.c');
    const flip = instance['witgen:huge/i#flip'] as (a: number, b: number, c: number) => number;
    const word = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    // The high bits of the last word belong to no flag; keep them clear as a canonical host would.
    const last = fc.integer({ min: 0, max: 2 ** 6 - 1 });
    fc.assert(
      fc.property(word, word, last, (a, b, c) => {
        const pointer = flip(a, b, c);
        const result = [...new Uint32Array(instance.memory.buffer, pointer, 3)];
        // The guest toggles m0 (word 0 bit 0), m40 (word 1 bit 8) and m69 (word 2 bit 5).
        expect(result).toEqual([(a ^ 1) >>> 0, (b ^ (1 << 8)) >>> 0, (c ^ (1 << 5)) >>> 0]);
      }),
      { numRuns: 200 },
    );
  });

  it('runs async exports: parameters lifted, results lowered into task.return, callback code returned', () => {
    const sums: number[] = [];
    const shouted: string[] = [];
    let memory: { buffer: ArrayBuffer } | undefined;
    const instance = instantiate('async-calc.wit', 'async-calc-guest.c', {
      '[export]witgen:async-calc/calc': {
        '[task-return]add': (sum: number) => sums.push(sum),
        // The host reads (copies) the string during the call: the guest frees it afterwards.
        '[task-return]shout': (ptr: number, len: number) =>
          shouted.push(new TextDecoder().decode(new Uint8Array(memory?.buffer ?? new ArrayBuffer(0), ptr, len))),
      },
    });
    memory = instance.memory;
    const add = instance['[async-lift]witgen:async-calc/calc#add'] as (a: number, b: number) => number;
    const shout = instance['[async-lift]witgen:async-calc/calc#shout'] as (ptr: number, len: number) => number;
    const realloc = instance['cabi_realloc'] as (ptr: number, old: number, align: number, size: number) => number;
    expect(typeof instance['[callback][async-lift]witgen:async-calc/calc#add']).toBe('function');
    fc.assert(
      fc.property(fc.nat(2 ** 31), fc.nat(2 ** 31), fc.stringMatching(/^[a-z0-9 ]{0,40}$/), (a, b, text) => {
        sums.length = 0;
        shouted.length = 0;
        // 0 is CALLBACK_CODE_EXIT: the task finished, nothing to wait for.
        expect(add(a, b)).toBe(0);
        expect(sums).toEqual([(a + b) | 0]);
        // The host copies a string argument into guest memory with cabi_realloc, as the canonical ABI does.
        const bytes = new TextEncoder().encode(text);
        const pointer = realloc(0, 0, 1, bytes.length);
        new Uint8Array(instance.memory.buffer, pointer, bytes.length).set(bytes);
        expect(shout(pointer, bytes.length)).toBe(0);
        expect(shouted).toEqual([text.toUpperCase()]);
      }),
      { numRuns: 50 },
    );
  });
});
