/**
 * Test helper: builds a JavaScript guest into a component with witgen's
 * `buildJsGuest` (src/build/js.ts), which runs the real ComponentizeJS
 * (StarlingMonkey + wizer), the toolchain jco's `componentize` command runs. A
 * build takes 15-20 s and yields a ~12 MB component, so results are cached on
 * disk by the hash of everything that goes in (source, WIT, world, features,
 * ComponentizeJS version) and never committed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildJsGuest } from '../../src/build/js.js';
import type { JsFeature } from '../../src/build/js-features.js';
import { loadWitText } from '../../src/wit/load.js';

const require = createRequire(import.meta.url);

/** ComponentizeJS's built-in features; every test guest gets only the ones it asks for. */
export type ComponentizeFeature = JsFeature;

export interface JsGuest {
  /** The guest's JavaScript module text (an ES module). */
  readonly source: string;
  /** The WIT text of one package holding the world (no `deps`). */
  readonly wit: string;
  readonly world: string;
  /** Features to keep; default none, so the guest imports only what its world imports. */
  readonly features?: readonly ComponentizeFeature[];
}

function componentizeVersion(): string | null {
  // The package exports no `package.json` and only an `import` entry: resolve the entry with the
  // import condition and read the manifest one folder up.
  try {
    const entry = fileURLToPath(import.meta.resolve('@bytecodealliance/componentize-js'));
    const manifest = path.join(path.dirname(entry), '..', 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Why JS guests cannot be built here, or null when they can. */
export function componentizeProblem(): string | null {
  const version = componentizeVersion();
  if (version === null) return '@bytecodealliance/componentize-js is not installed';
  const wizerPackage = `@bytecodealliance/wizer-${process.platform}-${process.arch}`;
  try {
    require.resolve(`${wizerPackage}/package.json`);
  } catch {
    return `no wizer binary for ${process.platform}-${process.arch} (${wizerPackage})`;
  }
  return null;
}

const cacheDir = path.join(os.tmpdir(), 'witgen-componentize-cache');

/** The component of `guest`, from the cache or freshly built. */
export async function componentizeGuest(guest: JsGuest): Promise<Uint8Array> {
  const features = [...(guest.features ?? [])].sort();
  const key = createHash('sha256')
    // 'buildJsGuest': components from before the helper went through witgen's build are not reused.
    .update(JSON.stringify(['buildJsGuest', componentizeVersion(), guest.source, guest.wit, guest.world, features]))
    .digest('hex');
  const cached = path.join(cacheDir, `${key}.wasm`);
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));

  const { component } = await buildJsGuest({ source: guest.source, wit: loadWitText(guest.wit), world: guest.world, features });
  mkdirSync(cacheDir, { recursive: true });
  // Written under a unique name and renamed, so parallel test files never read half a file.
  const partial = `${cached}.${process.pid}.${Date.now()}.partial`;
  writeFileSync(partial, component);
  renameSync(partial, cached);
  return new Uint8Array(component);
}
