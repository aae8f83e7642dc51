/**
 * Robustness: at least 10,000 mutated WIT inputs through `loadWitText`. Each
 * must end in a result or a WitError — never another exception, never a hang —
 * and each result must print to WIT that resolves to the same model.
 * Reproduce a failure with FUZZ_SEED=<seed> and the input number it reports;
 * hunt longer with FUZZ_COUNT=<n> and other seeds.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'tsup';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWitText } from '../../src/wit/load.js';
import { fuzzInput } from './fuzz-mutate.js';
import type { FuzzJob, FuzzMessage } from './fuzz-worker.js';
import { witFilesUnder } from '../helpers/wit-corpus.js';

const root = resolve(__dirname, '../..');
const conformance = resolve(root, '../shared/conformance/wit-parser');
/** At least 10,000; FUZZ_COUNT raises it for a longer hunt. */
const COUNT = Math.max(10_000, Number(process.env['FUZZ_COUNT'] ?? 0));
/** One input may take this long (generous: the machine's 2 cores are shared). */
const BUDGET_MS = 1_000;
/** No progress report for this long means the worker is stuck in one input. */
const STALL_MS = 10_000;
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261125);

/** Newer syntax the wit-parser corpus barely uses, so mutations reach those paths too. */
const NEWER_WIT = `package a:b@1.0.0;
interface types {
  type m = map<string, u32>;
  type v = list<f32, 4>;
  type f = future<string>;
  type s = stream<u8>;
  type e = error-context;
  @since(version = 1.0.0) @deprecated(version = 1.1.0)
  go: async func(x: borrow<res>) -> result<_, e>;
  resource res { constructor() -> result<res, e>; run: async func() -> option<m>; make: static func() -> res; }
}
world w { export %interface: func(%type: u8); import x: types; @unstable(feature = active) import y: func(); }
`;
const wasi = join(root, 'node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12');
const corpus = [
  ...[...witFilesUnder(conformance), ...witFilesUnder(join(root, 'wit')), ...witFilesUnder(wasi)].map((file) => readFileSync(file, 'utf8')),
  NEWER_WIT,
];
/** Corpus files that resolve on their own (many need deps/ or are meant to fail). */
const preferred = corpus.flatMap((text, i) => {
  try {
    loadWitText(text, { features: ['active'] });
    return [i];
  } catch {
    return [];
  }
});
mkdirSync(join(root, '.witgen-cache'), { recursive: true });
const outDir = mkdtempSync(join(root, '.witgen-cache', 'fuzz-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Bundles the worker (it runs outside vitest, so it cannot load .ts itself). */
async function bundleWorker(): Promise<string> {
  await build({
    config: false,
    entry: { 'fuzz-worker': join(root, 'test/wit/fuzz-worker.ts') },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    splitting: false,
    dts: false,
    silent: true,
    outExtension: () => ({ js: '.mjs' }),
  });
  return join(outDir, 'fuzz-worker.mjs');
}

interface Outcome {
  crashes: { n: number; error: string }[];
  printing: { n: number; error: string }[];
  slow: { n: number; ms: number }[];
  stalledAt: number | null;
  done: { resolved: number; rejected: number; maxMs: number } | null;
}

function runWorker(script: string, job: FuzzJob): Promise<Outcome> {
  const outcome: Outcome = { crashes: [], printing: [], slow: [], stalledAt: null, done: null };
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(script, { workerData: job });
    let lastN = 0;
    let watchdog = setTimeout(stalled, STALL_MS);
    function stalled(): void {
      outcome.stalledAt = lastN;
      void worker.terminate();
    }
    worker.on('message', (message: FuzzMessage) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(stalled, STALL_MS);
      if (message.type === 'progress') lastN = message.n;
      else if (message.type === 'crash') outcome.crashes.push(message);
      else if (message.type === 'slow') outcome.slow.push(message);
      else if (message.type === 'print') outcome.printing.push(message);
      else outcome.done = message;
    });
    worker.on('error', (error) => {
      clearTimeout(watchdog);
      reject(error);
    });
    worker.on('exit', () => {
      clearTimeout(watchdog);
      resolvePromise(outcome);
    });
  });
}

function show(n: number): string {
  return JSON.stringify(fuzzInput(corpus, SEED, n, preferred).text);
}

describe(`fuzz loadWitText (seed ${SEED})`, () => {
  it('has a corpus', () => {
    expect(corpus.length).toBeGreaterThan(50);
    expect(preferred.length).toBeGreaterThan(20);
  });

  it(`turns ${COUNT} mutated inputs into a result or a WitError, each within ${BUDGET_MS} ms`, async () => {
    const script = await bundleWorker();
    const outcome = await runWorker(script, { corpus, preferred, seed: SEED, count: COUNT, budgetMs: BUDGET_MS });

    const stalled = outcome.stalledAt;
    expect(stalled, stalled === null ? '' : `input #${stalled} ran for over ${STALL_MS} ms: ${show(stalled)}`).toBeNull();
    expect(
      outcome.crashes.slice(0, 3).map(({ n, error }) => `input #${n} ${show(n)}\n${error}`),
      `${outcome.crashes.length} inputs threw something other than WitError`,
    ).toEqual([]);
    // Whatever resolves must also print to WIT that resolves to the same model.
    expect(
      outcome.printing.slice(0, 3).map(({ n, error }) => `input #${n} ${show(n)}\n${error}`),
      `${outcome.printing.length} resolved inputs did not survive print + re-resolve`,
    ).toEqual([]);
    expect(
      outcome.slow.slice(0, 3).map(({ n, ms }) => `input #${n} took ${ms.toFixed(0)} ms: ${show(n)}`),
    ).toEqual([]);
    const done = outcome.done;
    expect(done).not.toBeNull();
    if (!done) return;
    console.log(`fuzz seed ${SEED}: ${done.resolved} resolved, ${done.rejected} rejected, slowest ${done.maxMs.toFixed(1)} ms`);
    expect(done.resolved + done.rejected).toBe(COUNT);
    // Mutations must exercise both paths, or the fuzzer is not testing much.
    expect(done.resolved).toBeGreaterThan(COUNT / 20);
    expect(done.rejected).toBeGreaterThan(COUNT / 10);
  });
});
