/**
 * Runs in a worker thread (bundled by fuzz.test.ts): feeds mutated inputs to
 * `loadWitText` and reports, per input, how it ended. A worker lets the test
 * stop a parser that never returns instead of hanging the whole test run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WitError } from '../../src/wit/errors.js';
import { loadWitText } from '../../src/wit/load.js';
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
  | { readonly type: 'done'; readonly resolved: number; readonly rejected: number; readonly maxMs: number };

const job = workerData as FuzzJob;
const port = parentPort;
if (!port) throw new Error('fuzz-worker must run in a worker thread');
const send = (message: FuzzMessage): void => port.postMessage(message);

let resolved = 0;
let rejected = 0;
let maxMs = 0;
for (let n = 0; n < job.count; n++) {
  const input = fuzzInput(job.corpus, job.seed, n, job.preferred);
  // Announced before the input runs, so a hang names the exact input.
  send({ type: 'progress', n });
  const start = performance.now();
  try {
    loadWitText(input.text, { path: 'fuzz.wit', features: ['active'], allFeatures: input.allFeatures });
    resolved++;
  } catch (error) {
    if (error instanceof WitError) rejected++;
    else send({ type: 'crash', n, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  const ms = performance.now() - start;
  maxMs = Math.max(maxMs, ms);
  if (ms > job.budgetMs) send({ type: 'slow', n, ms });
}
send({ type: 'done', resolved, rejected, maxMs });
