/**
 * Runs in a worker thread (bundled by fuzz.test.ts): feeds mutated inputs to
 * `loadWitText` and reports, per input, how it ended. A worker lets the test
 * stop a parser that never returns instead of hanging the whole test run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WitError } from '../../src/wit/errors.js';
import { isDeepStrictEqual } from 'node:util';
import { loadWitText, type LoadedWit } from '../../src/wit/load.js';
import { printPackages } from '../../src/wit/printer.js';
import { canonicalPackages } from './canonical.js';
import { fuzzInput } from './fuzz-mutate.js';

export interface FuzzJob {
  readonly corpus: readonly string[];
  /** Indexes of corpus files that resolve unmutated (see fuzzInput). */
  readonly preferred: readonly number[];
  readonly seed: number;
  readonly count: number;
  readonly budgetMs: number;
}

export type FuzzMessage =
  | { readonly type: 'progress'; readonly n: number }
  | { readonly type: 'crash'; readonly n: number; readonly error: string }
  | { readonly type: 'slow'; readonly n: number; readonly ms: number }
  /** The input resolved, but printing it did not round-trip. */
  | { readonly type: 'print'; readonly n: number; readonly error: string }
  | { readonly type: 'done'; readonly resolved: number; readonly rejected: number; readonly maxMs: number };

const job = workerData as FuzzJob;
const port = parentPort;
if (!port) throw new Error('fuzz-worker must run in a worker thread');
const send = (message: FuzzMessage): void => port.postMessage(message);

/** Every package, the main one first: the text must resolve to the same model and reprint identically. */
function printRoundTrip(loaded: LoadedWit): string | null {
  const order = [...loaded.main, ...loaded.resolve.packages.map((_, id) => id).filter((id) => !loaded.main.includes(id))];
  const text = printPackages(loaded.resolve, order);
  let again: LoadedWit;
  try {
    again = loadWitText(text, { path: 'printed.wit', features: ['active'], allFeatures: true });
  } catch (error) {
    return `printed text does not resolve: ${error instanceof WitError ? error.render() : String(error)}\n${text}`;
  }
  if (!isDeepStrictEqual(canonicalPackages(again.resolve), canonicalPackages(loaded.resolve))) {
    return `printed text resolves to a different model:\n${text}`;
  }
  const againOrder = [...again.main, ...again.resolve.packages.map((_, id) => id).filter((id) => !again.main.includes(id))];
  const reprint = printPackages(again.resolve, againOrder);
  return reprint === text ? null : `reprint differs:\n${text}\n---\n${reprint}`;
}

let resolved = 0;
let rejected = 0;
let maxMs = 0;
for (let n = 0; n < job.count; n++) {
  const input = fuzzInput(job.corpus, job.seed, n, job.preferred);
  // Announced before the input runs, so a hang names the exact input.
  send({ type: 'progress', n });
  const start = performance.now();
  try {
    const loaded = loadWitText(input.text, { path: 'fuzz.wit', features: ['active'], allFeatures: input.allFeatures });
    resolved++;
    const problem = printRoundTrip(loaded);
    if (problem !== null) send({ type: 'print', n, error: problem });
  } catch (error) {
    if (error instanceof WitError) rejected++;
    else send({ type: 'crash', n, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  const ms = performance.now() - start;
  maxMs = Math.max(maxMs, ms);
  if (ms > job.budgetMs) send({ type: 'slow', n, ms });
}
send({ type: 'done', resolved, rejected, maxMs });
