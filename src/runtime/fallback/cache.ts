/**
 * jco transpile output cached on disk by content hash: the first run of a
 * component transpiles it in-process (hundreds of ms), later runs (also in
 * other processes) find the files and import them without running jco.
 *
 * Layout: `<cacheDir>/<sha256 of jco version + component bytes>/` holding
 * jco's files (`component.js`, `component.core*.wasm`, ...) and
 * `world.wit` (the component's own world as WIT text, from jco's
 * `componentWit`, when it has one) and `witgen-manifest.json` (the import
 * specifiers and exports jco reported), written last: an entry without a manifest is incomplete and is rebuilt.
 * An entry is built in a temporary sibling folder and renamed into place, so
 * concurrent processes never see half-written files.
 *
 * Default cache folder: `node_modules/.cache/witgen/jco` under the current
 * working directory (the usual place for tool caches), or
 * `<os.tmpdir()>/witgen-jco` when that is not writable.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { componentWit, transpile } from '@bytecodealliance/jco';
import { FallbackError } from './errors.js';

/** The module name jco gives the transpiled files (`component.js`). */
export const MODULE_NAME = 'component';
const MANIFEST = 'witgen-manifest.json';

export interface Transpiled {
  /** The folder holding the transpiled files. */
  readonly dir: string;
  /** Import specifiers the transpiled module reads from its imports object (`host-log`, `wasi:cli/stdout`). */
  readonly imports: readonly string[];
  /** Export names of the instance with their kind (`function` or `instance`). */
  readonly exports: readonly (readonly [string, string])[];
  /** The component's world as WIT text (package `root:component`, world `root`), or null when jco could not print it. */
  readonly witText: string | null;
  /** Whether the files came from the cache (jco did not run). */
  readonly cached: boolean;
  /** Milliseconds spent transpiling or reading the cache entry. */
  readonly ms: number;
}

interface Manifest {
  readonly imports: string[];
  readonly exports: [string, string][];
  /** Whether `world.wit` was written. */
  readonly world: boolean;
}

const WORLD_FILE = 'world.wit';

const defaultDirs = new Map<string, string>();

/** The folder used when none is given (see the module comment); decided once per working directory. */
export function defaultCacheDir(): string {
  const cwd = process.cwd();
  let dir = defaultDirs.get(cwd);
  if (dir === undefined) {
    const preferred = resolve(cwd, 'node_modules', '.cache', 'witgen', 'jco');
    dir = writable(preferred) ? preferred : join(tmpdir(), 'witgen-jco');
    defaultDirs.set(cwd, dir);
  }
  return dir;
}

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

let jcoVersion: string | undefined;

/** jco's version is part of the key: a newer jco may transpile differently. */
function currentJcoVersion(): string {
  if (jcoVersion === undefined) {
    jcoVersion = 'unknown';
    // jco's `exports` map hides package.json: walk up from its entry point.
    let dir = dirname(createRequire(import.meta.url).resolve('@bytecodealliance/jco'));
    for (let parent = dirname(dir); parent !== dir; dir = parent, parent = dirname(dir)) {
      const path = join(dir, 'package.json');
      if (!existsSync(path)) continue;
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@bytecodealliance/jco') {
        jcoVersion = pkg.version ?? 'unknown';
        break;
      }
    }
  }
  return jcoVersion;
}

/** The cache key of `bytes`: sha256 over jco's version and the component bytes. */
export function cacheKey(bytes: Uint8Array): string {
  return createHash('sha256').update(`jco@${currentJcoVersion()}\0`).update(bytes).digest('hex');
}

/** The transpiled files of `bytes` in `cacheDir`, transpiling with jco when there is no complete entry. */
export async function transpileCached(bytes: Uint8Array, cacheDir: string, reason: string): Promise<Transpiled> {
  const start = performance.now();
  const dir = join(cacheDir, cacheKey(bytes));
  const manifestPath = join(dir, MANIFEST);
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const witText = manifest.world ? readFileSync(join(dir, WORLD_FILE), 'utf8') : null;
    return { dir, imports: manifest.imports, exports: manifest.exports, witText, cached: true, ms: performance.now() - start };
  }
  let output: Awaited<ReturnType<typeof transpile>>;
  try {
    output = await transpile(bytes, { name: MODULE_NAME, instantiation: 'async', noTypescript: true, quiet: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new FallbackError('FALLBACK_TRANSPILE_FAILED', reason, `jco could not transpile the component: ${detail}`, {
      cause: error,
    });
  }
  // The world lets the fallback check and shape imports when the caller has no WIT; optional.
  const witText = await componentWit(bytes).catch(() => null);
  const manifest: Manifest = {
    imports: [...output.imports],
    exports: output.exports.map(([name, kind]): [string, string] => [name, String(kind)]),
    world: witText !== null,
  };
  const staging = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  for (const [file, content] of Object.entries(output.files)) {
    // Type declarations are for editors, not for running.
    if (file.endsWith('.d.ts')) continue;
    const path = join(staging, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  if (witText !== null) writeFileSync(join(staging, WORLD_FILE), witText);
  writeFileSync(join(staging, MANIFEST), JSON.stringify(manifest));
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another process finished the same entry first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(manifestPath)) throw error;
  }
  return { dir, imports: manifest.imports, exports: manifest.exports, witText, cached: false, ms: performance.now() - start };
}
