/**
 * `--watch`: regenerate whenever a WIT file or the config changes. Uses
 * node:fs.watch (recursive on WIT folders; Node 20 supports that on Linux,
 * macOS and Windows). Changes arriving close together are handled as one
 * (debounced), and the watched set is rebuilt after every run because an
 * edited config may name other WIT folders. A run that fails (bad WIT, bad
 * config) is reported and watching goes on.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { generateTargets, type FileOutcome } from './run.js';
import type { GenerateTarget } from './targets.js';

/** Files loadWit reads from a WIT folder and its deps/. */
const WIT_INPUT = /\.(wit|wasm|wat)$/;

export type WatchEvent =
  | { readonly kind: 'generated'; readonly outcomes: readonly FileOutcome[]; readonly trigger: string | null }
  | { readonly kind: 'failed'; readonly error: unknown; readonly trigger: string | null };

export interface WatchOptions {
  /** Produces the targets; called before every run so config edits take effect. */
  readonly targets: () => Promise<readonly GenerateTarget[]>;
  /** Files watched besides the WIT inputs (the config file). */
  readonly extraFiles: readonly string[];
  readonly onEvent: (event: WatchEvent) => void;
  /** Quiet time before a run, in ms (default 80). */
  readonly debounceMs?: number;
}

export interface BindingsWatcher {
  close(): void;
}

/** Generates once, then on every change; resolves once the first run is done and watching has started. */
export async function watchBindings(options: WatchOptions): Promise<BindingsWatcher> {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  let lastTargets: readonly GenerateTarget[] = [];
  let outputs = new Set<string>();

  const closeWatchers = (): void => {
    watchers.forEach((w) => w.close());
    watchers = [];
  };

  const schedule = (trigger: string): void => {
    if (closed) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      running = running.then(() => run(trigger));
    }, options.debounceMs ?? 80);
  };

  /**
   * What to watch: WIT folders recursively (only WIT inputs count there, so
   * generated files or a compiled config written into them cannot retrigger);
   * a single WIT file, and the config, through their folder (`file` set).
   */
  const watchSpecs = (): { path: string; recursive: boolean; file: string | null }[] => [
    ...lastTargets.map((target) =>
      isDirectory(target.wit)
        ? { path: target.wit, recursive: true, file: null }
        : { path: dirname(target.wit), recursive: false, file: target.wit },
    ),
    ...options.extraFiles.map((file) => ({ path: dirname(file), recursive: false, file: resolve(file) })),
  ];

  // Watchers stay as they are while the watched set is the same: recreating them
  // after every run would lose a change made while they are being replaced.
  let watchedKey: string | null = null;
  const startWatching = (): void => {
    const specs = watchSpecs();
    const key = JSON.stringify(specs);
    if (key === watchedKey) return;
    closeWatchers();
    watchedKey = key;
    for (const spec of specs) {
      const relevant = (changed: string): boolean => (spec.file === null ? WIT_INPUT.test(changed) : changed === spec.file);
      try {
        const watcher = watch(spec.path, { recursive: spec.recursive }, (_event, name) => {
          const changed = name === null ? spec.path : resolve(spec.path, name.toString());
          if (outputs.has(changed) || !relevant(changed)) return;
          schedule(changed);
        });
        watcher.on('error', () => watcher.close());
        watchers.push(watcher);
      } catch {
        // A path that does not exist (yet): the other watchers still work; the next run retries.
        watchedKey = null;
      }
    }
  };

  const run = async (trigger: string | null): Promise<void> => {
    if (closed) return;
    let event: WatchEvent;
    try {
      lastTargets = await options.targets();
      const outcomes = await generateTargets(lastTargets);
      outputs = new Set(outcomes.map((o) => o.path));
      event = { kind: 'generated', outcomes, trigger };
    } catch (error) {
      event = { kind: 'failed', error, trigger };
    }
    // Watching first, then reporting: whoever reacts to the report sees a watcher in place.
    if (!closed) startWatching();
    options.onEvent(event);
  };

  await run(null);
  return {
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      closeWatchers();
    },
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
