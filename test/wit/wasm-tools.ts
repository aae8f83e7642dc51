/**
 * wasm-tools (through jco, in a worker thread) as the reference WIT front-end
 * for tests: how it sees a world of some WIT text (`view`), and whether it
 * accepts the text at all (`verdict`). A call that runs past its time ends
 * the worker (a fresh one serves the next call) and answers `timeout`; after
 * a trap (a wasm-tools panic) jco's instance refuses every later call, so the
 * worker is replaced as well.
 */
import { Worker } from 'node:worker_threads';

/** wasm-tools' answer for one world: its WIT text, an error, or no answer in time. */
export type WasmToolsView = { wit: string } | { error: string } | { timeout: true };

/**
 * Whether wasm-tools resolves a WIT text; a rejection carries its message. A
 * panic (`trap`) is no verdict: wasm-tools neither accepted nor rejected.
 */
export type WasmToolsVerdict = { accept: true } | { accept: false; error: string } | { trap: string } | { timeout: true };

/** Features as the worker takes them: a list of names, or every feature. */
export type Features = readonly string[] | 'all';

interface Request {
  witSource?: string;
  witPath?: string;
  world?: string;
  features?: Features;
  print?: boolean;
}

type Answer = { wit: string } | { ok: true } | { error: string } | { timeout: true };

/**
 * Errors wasm-tools raises only after the whole text resolved, while picking
 * the world to embed when none is named: the text itself is valid.
 */
const WORLD_SELECTION = /contains no worlds|There are multiple worlds in/;

export class WasmTools {
  private worker: Worker | null = null;
  private nextId = 0;

  /** `wit` is WIT source text, or `{ path }` of a file or directory for wasm-tools to read. */
  async view(wit: string | { path: string }, world: string, timeoutMs: number, features?: Features): Promise<WasmToolsView> {
    const source = typeof wit === 'string' ? { witSource: wit } : { witPath: wit.path };
    const answer = await this.call({ ...source, world, ...(features ? { features } : {}) }, timeoutMs);
    return 'ok' in answer ? { error: 'no world printed' } : answer;
  }

  /** Does wasm-tools accept `text` (one file, nested packages allowed) with these features? */
  async verdict(text: string, features: Features, timeoutMs: number): Promise<WasmToolsVerdict> {
    const answer = await this.call({ witSource: text, features, print: false }, timeoutMs);
    if ('timeout' in answer) return answer;
    if ('error' in answer && answer.error.includes('wasm trap')) return { trap: answer.error };
    if ('error' in answer && !WORLD_SELECTION.test(answer.error)) return { accept: false, error: answer.error };
    return { accept: true };
  }

  private async call(request: Request, timeoutMs: number): Promise<Answer> {
    if (!this.worker) {
      const worker = new Worker(new URL('./jco-world-worker.mjs', import.meta.url));
      this.worker = worker;
      // The first call also compiles jco's wasm; keep that out of the per-call budget.
      await this.ask(worker, { witSource: 'package a:b;\nworld w {}\n', print: false }, 60_000);
      if (this.worker !== worker) return { timeout: true };
    }
    return this.ask(this.worker, request, timeoutMs);
  }

  private ask(worker: Worker, request: Request, timeoutMs: number): Promise<Answer> {
    const id = this.nextId++;
    return new Promise((settle) => {
      const retire = (): void => {
        void worker.terminate();
        if (this.worker === worker) this.worker = null;
      };
      const timer = setTimeout(() => {
        worker.off('message', onMessage);
        retire();
        settle({ timeout: true });
      }, timeoutMs);
      const onMessage = (message: { id: number; wit?: string; ok?: true; error?: string }): void => {
        if (message.id !== id) return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        if (message.wit !== undefined) settle({ wit: message.wit });
        else if (message.ok) settle({ ok: true });
        else {
          if (message.error?.includes('wasm trap')) retire();
          settle({ error: message.error ?? 'unknown error' });
        }
      };
      worker.on('message', onMessage);
      worker.postMessage({ id, ...request });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
