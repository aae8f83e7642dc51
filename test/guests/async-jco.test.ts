/**
 * Async C guests on witgen's glue, run through jco 1.35's transpile output in
 * Node 20 (no JSPI): C guests from test/fixtures/c-guest/async-jco are
 * compiled with the generated glue, packaged with `buildComponent` and called
 * from JS with random values (fast-check).
 *
 * What runs here, and what does not:
 * - Async exports with the callback ABI (calc.wit): plain values, strings, a
 *   YIELD answered in the callback, a result of more than 16 flat values
 *   (task.return by pointer), and a sync host import called inside the task.
 * - future<T> / stream<T> both ways and error-context (channels.wit): futures
 *   and streams the guest returns and writes (u32, u8, string payloads), ones
 *   the host passes in (Promise, Uint8Array, array, async iterable) that the
 *   guest reads (waiting in the callback, or yielding and polling with
 *   waitable-set.poll), concurrent tasks, a reader that stops early (dispose, or
 *   `read({ count, dropAfterCopy: true })`) so the guest's pending write ends
 *   DROPPED. The guest counts its live tasks; every test ends with none left.
 * - NOT an async host import (host-async.wit): jco wraps every
 *   `[async-lower]` host import, and the `waitable-set.wait` built-in, in
 *   `new WebAssembly.Suspending(...)` when the component is instantiated, so
 *   instantiation fails with "TypeError: WebAssembly.Suspending is not a
 *   constructor" (in `_conditionalSuspending2I32ToI32` of the transpiled
 *   module); even with JSPI, the lowering (`_lowerImport`) is an async
 *   function, so the call suspends, and from a sync export it is rejected
 *   ("cannot block a synchronous task before returning", `_suspendingImport`).
 *   The same holds for the cancel built-ins the glue imports (seen for
 *   `[future-cancel-read-N]`, `[stream-cancel-read-N]` and
 *   `[stream-cancel-write-N]`): jco wraps them in `Suspending` too, so no
 *   fixture here cancels.
 *   Node 20's `--experimental-wasm-stack-switching` offers only the older
 *   `WebAssembly.Suspender` API, which jco does not use. The test checks that
 *   failure, and runs the calls for real where JSPI exists.
 *
 * One piece of JSPI is supplied: jco 1.35 passes every async-lifted export
 * through `WebAssembly.promising` at instantiation (Node 20 has none:
 * "TypeError: WebAssembly.promising is not a function"), although a callback-
 * ABI export never suspends: jco's own driver loop calls its callback. For a
 * function that never reaches a `Suspending` import, `promising(f)` is
 * exactly "call f, return a promise of its result", which is what this file
 * installs when the API is missing. `Suspending` is not supplied, so anything
 * that would really suspend fails at instantiation (the host-async case).
 *
 * Skipped only when clang cannot build wasm32-wasi reactors (reason in the name).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildComponent } from '../../src/build/index.js';
import { generateCGuest } from '../../src/codegen/c-guest/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { clangWasm as clang, reactorToolchainProblem } from '../helpers/wasm-clang.js';
import { transpileComponent, type ImportObject, type TranspiledComponent } from './jco-host.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/c-guest/async-jco');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-async-jco-'));
const problem = reactorToolchainProblem(scratch);
const skipped = problem === null ? '' : ` [SKIPPED: ${problem}]`;

type AnyFunction = (...args: never[]) => unknown;
const webAssembly = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
const hasJspi = typeof webAssembly['Suspending'] === 'function' && typeof webAssembly['promising'] === 'function';

// `promising` for callees that never suspend (see the header); the real one when the engine has it.
const nativePromising = webAssembly['promising'];
beforeAll(() => {
  if (typeof nativePromising !== 'function') {
    webAssembly['promising'] = (f: AnyFunction) => async (...args: never[]) => f(...args);
  }
});

const components: TranspiledComponent[] = [];
afterAll(() => {
  if (nativePromising === undefined) delete webAssembly['promising'];
  else webAssembly['promising'] = nativePromising;
  for (const component of components) component.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

/** Compiles `<name>-guest.c` with the glue of `<name>.wit`, packages it and transpiles it with jco. */
async function guestComponent(name: string): Promise<TranspiledComponent> {
  const witPath = path.join(fixtures, `${name}.wit`);
  const loaded = loadWit(witPath);
  const generated = generateCGuest(loaded.resolve, selectWorld(loaded));
  const dir = mkdtempSync(path.join(scratch, `${name}-`));
  for (const [file, text] of generated.files) writeFileSync(path.join(dir, file), text);
  const core = path.join(dir, 'guest.wasm');
  const failure = clang([
    '-mexec-model=reactor', '-Wl,--no-entry', '-O1', '-Wall', '-Wextra', '-Werror', `-I${dir}`,
    path.join(dir, generated.sourceName), path.join(fixtures, `${name}-guest.c`), '-o', core,
  ]);
  if (failure !== null) throw new Error(`the ${name} guest does not compile:\n${failure}`);
  const { component } = await buildComponent({ core: new Uint8Array(readFileSync(core)), wit: loaded });
  const transpiled = await transpileComponent(component, name);
  components.push(transpiled);
  return transpiled;
}

async function instance<T>(name: string, iface: string, imports: ImportObject = {}): Promise<T> {
  const component = await guestComponent(name);
  const exports = await component.instantiate(imports);
  return exports[iface] as T;
}

const u32 = fc.nat({ max: 0xffff_ffff });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const bytes = fc.uint8Array({ maxLength: 300 });
async function* later<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    yield item;
  }
}

/** Everything a stream yields: jco gives stream<u8> as Uint8Array chunks, other streams element by element. */
async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of stream) {
    if (item instanceof Uint8Array) out.push(...item);
    else out.push(item);
  }
  return out;
}

interface Summary {
  label: string;
  count: number;
  total: bigint;
  mean: number;
  min?: number;
  max?: number;
  first?: number;
  last?: number;
  evens: Uint32Array;
  odds: Uint32Array;
}
interface Calc {
  add(a: number, b: number): Promise<number>;
  addLater(a: bigint, b: bigint): Promise<bigint>;
  shout(s: string): Promise<string>;
  scaled(x: number): Promise<number>;
  summarize(values: Uint32Array): Promise<Summary>;
}

describe.skipIf(problem !== null)(`async C exports (callback ABI) through jco${skipped}`, () => {
  let calc: Calc;
  const scaleCalls: number[] = [];
  beforeAll(async () => {
    calc = await instance<Calc>('calc', 'calc', {
      'witgen:async-jco/scaler': {
        scale: (x: number) => {
          scaleCalls.push(x);
          return (x * 3) >>> 0;
        },
      },
    });
  }, 120_000);

  it('returns results delivered by task.return before the first return (property)', async () => {
    await fc.assert(
      fc.asyncProperty(u32, u32, async (a, b) => {
        expect(await calc.add(a, b)).toBe((a + b) >>> 0);
      }),
      { numRuns: 100 },
    );
  });

  it('finishes a task in its callback after a YIELD, state kept in the context slot (property)', async () => {
    await fc.assert(
      fc.asyncProperty(u64, u64, async (a, b) => {
        expect(await calc.addLater(a, b)).toBe((a + b) % 2n ** 64n);
      }),
      { numRuns: 100 },
    );
  });

  it('lifts a string argument and lowers a string result (property)', async () => {
    // The guest upper-cases bytes with C's toupper: ASCII letters only.
    const upper = (s: string): string => s.replace(/[a-z]/g, (c) => c.toUpperCase());
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        expect(await calc.shout(s)).toBe(upper(s));
      }),
      { numRuns: 100 },
    );
  });

  it('calls a sync host import inside an async task (property)', async () => {
    await fc.assert(
      fc.asyncProperty(u32, async (x) => {
        scaleCalls.length = 0;
        expect(await calc.scaled(x)).toBe((((x * 3) >>> 0) + 1) >>> 0);
        expect(scaleCalls).toEqual([x]);
      }),
      { numRuns: 100 },
    );
  });

  it('passes a result of more than 16 flat values to task.return by pointer (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(u32, { maxLength: 50 }), async (values) => {
        const total = values.reduce((sum, v) => sum + BigInt(v), 0n);
        const summary = await calc.summarize(Uint32Array.from(values));
        expect({ ...summary, evens: [...summary.evens], odds: [...summary.odds] }).toEqual({
          label: `${values.length} values`,
          count: values.length,
          total,
          mean: values.length === 0 ? 0 : Number(total) / values.length,
          min: values.length === 0 ? undefined : Math.min(...values),
          max: values.length === 0 ? undefined : Math.max(...values),
          first: values[0],
          last: values.at(-1),
          evens: values.filter((v) => v % 2 === 0),
          odds: values.filter((v) => v % 2 === 1),
        });
      }),
      { numRuns: 100 },
    );
  });

  it('runs many tasks at once, each with its own context', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(u64, u64, text), { minLength: 1, maxLength: 12 }), async (calls) => {
        const results = await Promise.all(calls.map(async ([a, b, s]) => [await calc.addLater(a, b), await calc.shout(s)]));
        expect(results.map(([sum]) => sum)).toEqual(calls.map(([a, b]) => (a + b) % 2n ** 64n));
      }),
      { numRuns: 30 },
    );
  });
});

interface Stream<T> extends AsyncIterable<T> {
  read(count: number | { count: number; dropAfterCopy?: boolean }): Promise<{ value: T; done: boolean }>;
  [Symbol.dispose](): void;
}
interface Channels {
  futureOf(v: number): Promise<PromiseLike<number>>;
  bytesOf(data: Uint8Array): Promise<Stream<Uint8Array>>;
  awaitFuture(f: PromiseLike<number>): Promise<number>;
  pollFuture(f: PromiseLike<number>): Promise<[number, number]>;
  sumStream(s: AsyncIterable<number> | Iterable<number>): Promise<bigint>;
  greetLater(name: string): Promise<PromiseLike<string>>;
  words(text: string): Promise<Stream<string>>;
  collect(s: AsyncIterable<string> | Iterable<string>): Promise<string[]>;
  failWith(message: string): unknown;
  messageOf(error: unknown): string;
  liveTasks(): number;
}

/** The guest's count of unfinished tasks once it is 0, or after 10 s of waiting for it. */
async function liveTasksWhenSettled(channels: Channels): Promise<number> {
  // A writer's task ends in the callback for its write. jco delivers that event from its tick loop,
  // which polls every 10 ms when idle, so the count reaches 0 some ticks after the host has the
  // value: on a busy machine that took more than 100 event-loop turns. The wait is bounded by
  // time, not turns; a task that never ends still fails the check.
  const deadline = Date.now() + 10_000;
  while (channels.liveTasks() !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
  return channels.liveTasks();
}

describe.skipIf(problem !== null)(`futures, streams and error contexts of a C guest through jco${skipped}`, () => {
  let channels: Channels;
  beforeAll(async () => {
    channels = await instance<Channels>('channels', 'channels');
  }, 120_000);
  // Every task the guest started has ended: no write or read left waiting.
  afterEach(async () => {
    expect(await liveTasksWhenSettled(channels)).toBe(0);
  });

  it('returns a future<u32> the guest writes once the host reads (property)', async () => {
    await fc.assert(
      fc.asyncProperty(u32, async (v) => {
        expect(await (await channels.futureOf(v))).toBe(v);
      }),
      { numRuns: 100 },
    );
  });

  it('returns a stream<u8> the guest writes, read to its end (property)', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, async (data) => {
        expect(await drain(await channels.bytesOf(data))).toEqual([...data]);
      }),
      { numRuns: 100 },
    );
  });

  it('lets the host read a stream<u8> in chunks of its choosing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }), async (data, sizes) => {
        const stream = await channels.bytesOf(data);
        const got: number[] = [];
        for (let i = 0; ; i++) {
          const { value, done } = await stream.read(sizes[i % sizes.length] ?? 1);
          if (done) break;
          expect(value.length).toBeLessThanOrEqual(sizes[i % sizes.length] ?? 1);
          got.push(...value);
        }
        expect(got).toEqual([...data]);
      }),
      { numRuns: 50 },
    );
  });

  it('reads a future<u32> from the host, ready or resolved later (property)', async () => {
    await fc.assert(
      fc.asyncProperty(u32, fc.boolean(), async (v, delayed) => {
        const future = delayed ? new Promise<number>((resolve) => setTimeout(() => resolve(v), 1)) : Promise.resolve(v);
        expect(await channels.awaitFuture(future)).toBe((v + 1) >>> 0);
      }),
      { numRuns: 100 },
    );
  });

  it('reads a future<u32> by yielding and polling its waitable set (property)', async () => {
    await fc.assert(
      fc.asyncProperty(u32, async (v) => {
        // Resolved a little later, so the first read is blocked and at least one poll is needed.
        const [value, polls] = await channels.pollFuture(new Promise<number>((resolve) => setTimeout(() => resolve(v), 2)));
        expect(value).toBe(v);
        expect(polls).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 50 },
    );
  });

  it('reads a stream<u8> from the host to its end, given as an array, bytes or an async iterable (property)', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom('array', 'bytes', 'async'), async (data, form) => {
        const sum = data.reduce((total, b) => total + BigInt(b), 0n);
        const source = form === 'array' ? [...data] : form === 'bytes' ? data : later([...data]);
        expect(await channels.sumStream(source)).toBe(sum);
      }),
      { numRuns: 100 },
    );
  });

  it('returns a future<string> of guest-allocated text (property)', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (name) => {
        expect(await (await channels.greetLater(name))).toBe(`hello, ${name}`);
      }),
      { numRuns: 100 },
    );
  });

  it('returns a stream<string> the guest writes (property)', async () => {
    const spaced = fc.array(fc.oneof(text, fc.constant(' '), fc.constant('  ')), { maxLength: 12 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(spaced, async (s) => {
        expect(await drain(await channels.words(s))).toEqual(s.split(' ').filter((w) => w !== ''));
      }),
      { numRuns: 100 },
    );
  });

  it('reads a stream<string> from the host into a list (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(text, { maxLength: 20 }), fc.boolean(), async (strings, asynchronously) => {
        expect(await channels.collect(asynchronously ? later(strings) : strings)).toEqual(strings);
      }),
      { numRuns: 100 },
    );
  });

  it('makes an error context from a message and reads the message back (property)', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (message) => {
        expect(channels.messageOf(channels.failWith(message))).toBe(message);
      }),
      { numRuns: 100 },
    );
  });

  it('runs several future and stream tasks at once (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(u32, bytes, fc.array(text, { maxLength: 5 })), { minLength: 1, maxLength: 6 }), async (jobs) => {
        const results = await Promise.all(
          jobs.map(async ([v, data, strings]) => {
            const [future, stream, list] = await Promise.all([channels.futureOf(v), channels.bytesOf(data), channels.collect(later(strings))]);
            return [await future, await drain(stream), list];
          }),
        );
        expect(results).toEqual(jobs.map(([v, data, strings]) => [v, [...data], strings]));
      }),
      { numRuns: 30 },
    );
  });

  it('lets the host stop reading a stream early: the guest sees it dropped and finishes its task (property)', async () => {
    const data = new Uint8Array(4000).map((_, i) => i % 251);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3999 }), fc.boolean(), async (count, dispose) => {
        const stream = await channels.bytesOf(data);
        // Read, then drop; or jco's read-and-drop in one step.
        const { value } = await stream.read(dispose ? count : { count, dropAfterCopy: true });
        expect([...value]).toEqual([...data.slice(0, count)]);
        if (dispose) stream[Symbol.dispose]();
        expect(await liveTasksWhenSettled(channels)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});

interface Calls {
  callAsync(a: number, b: number): Promise<number>;
  callSync(a: number, b: number): number | Promise<number>;
}

describe.skipIf(problem !== null)(`an async host import called from a C guest through jco${skipped}`, () => {
  const adder = { 'witgen:async-jco/adder': { add: async (a: number, b: number) => (a + b) >>> 0 } };

  it.skipIf(hasJspi)('needs JSPI: without WebAssembly.Suspending the component cannot be instantiated', async () => {
    const component = await guestComponent('host-async');
    // jco throws while instantiating, before any promise exists.
    await expect(async () => component.instantiate(adder)).rejects.toThrow(/WebAssembly\.Suspending is not a constructor/);
  }, 120_000);

  it.runIf(hasJspi)('with JSPI: waits for the host subtask in the callback (property); a sync export may not block', async () => {
    const calls = (await (await guestComponent('host-async')).instantiate(adder))['calls'] as Calls;
    await fc.assert(
      fc.asyncProperty(u32, u32, async (a, b) => {
        expect(await calls.callAsync(a, b)).toBe((((a + b) >>> 0) * 2) >>> 0);
      }),
      { numRuns: 50 },
    );
    await expect(async () => calls.callSync(1, 2)).rejects.toThrow(/cannot block a synchronous task/);
  }, 120_000);
});
