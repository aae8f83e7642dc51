/**
 * Loading WIT from disk or from text: finds the files of the main package
 * and of its `deps/` folder, parses them and resolves everything into one
 * `Resolve`.
 *
 * Layout (as wit-parser reads it): `path` is a `.wit` file, or a directory
 * whose `*.wit` files form one package; `path/deps/` may hold one directory
 * per package (its `*.wit` files; no nested `deps/`) and single `.wit`
 * files. Other entries of `deps/` are ignored.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Ast from './ast.js';
import { WitError } from './errors.js';
import type { PackageId, Resolve, WorldId } from './model.js';
import { packageNameString } from './model.js';
import { parseFile } from './parser.js';
import { groupFiles, resolveGroups, type PackageGroup } from './resolver.js';
import { SourceMap } from './source.js';

export interface WitOptions {
  /** Features whose `@unstable(feature = ...)` items are kept. */
  features?: readonly string[];
  /** Keep every `@unstable` item. */
  allFeatures?: boolean;
}

export interface LoadedWit {
  resolve: Resolve;
  /** The package(s) defined by the given path itself (not deps): the main package, then nested ones. */
  main: PackageId[];
  sources: SourceMap;
}

/** `path` is a .wit file or a directory of .wit files with an optional deps/ folder. Throws WitError. */
export function loadWit(path: string, options: WitOptions = {}): LoadedWit {
  const sources = new SourceMap();
  const isDir = statPath(path).isDirectory();
  const main = isDir ? readDirGroup(path, sources) : readFileGroup(path, sources);
  const deps: PackageGroup[] = [];
  const skippedBinaries: string[] = [];
  if (isDir) {
    const depsDir = join(path, 'deps');
    if (exists(depsDir)) {
      for (const name of listDir(depsDir).sort(compareNames)) {
        const entry = join(depsDir, name);
        if (statPath(entry).isDirectory()) deps.push(readDirGroup(entry, sources));
        else if (name.endsWith('.wit')) deps.push(readFileGroup(entry, sources));
        else if (name.endsWith('.wasm') || name.endsWith('.wat')) skippedBinaries.push(entry);
      }
    }
  }
  try {
    return finish(main, deps, sources, options);
  } catch (error) {
    throw explainSkipped(error, skippedBinaries);
  }
}

/**
 * wasm-encoded WIT packages in `deps/` (`.wasm`, `.wat`) are not decoded; when
 * a package is then missing, say which files were skipped.
 */
function explainSkipped(error: unknown, skipped: readonly string[]): unknown {
  if (!(error instanceof WitError) || error.code !== 'WIT_PACKAGE' || skipped.length === 0) return error;
  if (!error.detail.includes('not found')) return error;
  const note = `; wasm-encoded WIT packages are not supported, so these deps were skipped: ${skipped.join(', ')}`;
  return new WitError(error.code, `${error.detail}${note}`, error.location, error.snippet);
}

/** Resolves WIT source text given in memory (one file; may contain nested packages). Throws WitError. */
export function loadWitText(text: string, options: WitOptions & { path?: string } = {}): LoadedWit {
  const sources = new SourceMap();
  const file = sources.add(options.path ?? '<input>.wit', text);
  return finish(groupFiles([parseFile(sources, file)], sources), [], sources, options);
}

/** Picks a world: by name (`w`, or `ns:pkg/w`), or the single world of the main package. Throws WitError. */
export function selectWorld(loaded: LoadedWit, name?: string): WorldId {
  const { resolve } = loaded;
  const mainId = loaded.main[0];
  const main = mainId === undefined ? undefined : resolve.packages[mainId];
  if (name === undefined) {
    if (!main) throw new WitError('WIT_UNKNOWN_NAME', 'no package was loaded, so there is no world to select');
    const worlds = [...main.worlds.values()];
    const only = worlds[0];
    if (worlds.length === 1 && only !== undefined) return only;
    const pkg = packageNameString(main.name);
    if (worlds.length === 0) throw new WitError('WIT_UNKNOWN_NAME', `package \`${pkg}\` contains no worlds`);
    throw new WitError(
      'WIT_UNKNOWN_NAME',
      `package \`${pkg}\` contains several worlds (${[...main.worlds.keys()].join(', ')}); name the one to use`,
    );
  }

  const slash = name.lastIndexOf('/');
  if (slash < 0) {
    const id = main?.worlds.get(name);
    if (id === undefined) {
      const known = main ? [...main.worlds.keys()].join(', ') : '';
      throw new WitError(
        'WIT_UNKNOWN_NAME',
        `world \`${name}\` not found in the main package${known ? `; its worlds are: ${known}` : ''}`,
      );
    }
    return id;
  }

  // `ns:pkg/world` or `ns:pkg/world@version`: the version may be left out
  // when only one version of the package is loaded.
  const pkgPart = name.slice(0, slash);
  let worldPart = name.slice(slash + 1);
  let version: string | null = null;
  const at = worldPart.indexOf('@');
  if (at >= 0) {
    version = worldPart.slice(at + 1);
    worldPart = worldPart.slice(0, at);
  }
  const [namespace, pkgName, extra] = pkgPart.split(':');
  if (!namespace || !pkgName || extra !== undefined || !worldPart) {
    throw new WitError('WIT_SYNTAX', `invalid world name \`${name}\`: expected \`world\` or \`ns:pkg/world[@version]\``);
  }
  const candidates = resolve.packages.filter(
    (p) => p.name.namespace === namespace && p.name.name === pkgName && (version === null || p.name.version === version),
  );
  const pkg = candidates[0];
  if (!pkg) throw new WitError('WIT_UNKNOWN_NAME', `package \`${pkgPart}${version ? `@${version}` : ''}\` not found`);
  if (candidates.length > 1) {
    throw new WitError(
      'WIT_UNKNOWN_NAME',
      `several versions of \`${pkgPart}\` are loaded (${candidates.map((p) => p.name.version ?? 'unversioned').join(', ')}); add \`@version\` to the world name`,
    );
  }
  const id = pkg.worlds.get(worldPart);
  if (id === undefined) {
    throw new WitError('WIT_UNKNOWN_NAME', `world \`${worldPart}\` not found in package \`${packageNameString(pkg.name)}\``);
  }
  return id;
}

function finish(main: PackageGroup, deps: PackageGroup[], sources: SourceMap, options: WitOptions): LoadedWit {
  const gates = { features: new Set(options.features ?? []), allFeatures: options.allFeatures ?? false };
  const { resolve, main: mainIds } = resolveGroups(main, deps, sources, gates);
  return { resolve, main: mainIds, sources };
}

function readDirGroup(dir: string, sources: SourceMap): PackageGroup {
  const files: Ast.File[] = [];
  for (const name of listDir(dir).sort(compareNames)) {
    if (!name.endsWith('.wit')) continue;
    const path = join(dir, name);
    if (statPath(path).isDirectory()) continue;
    files.push(parseFile(sources, sources.add(path, readText(path))));
  }
  if (files.length === 0) {
    throw new WitError('WIT_PACKAGE', `no \`.wit\` files found in directory ${dir}`);
  }
  return groupFiles(files, sources);
}

function readFileGroup(path: string, sources: SourceMap): PackageGroup {
  return groupFiles([parseFile(sources, sources.add(path, readText(path)))], sources);
}

function ioError(what: string, path: string, error: unknown): WitError {
  const reason = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : String(error);
  return new WitError('WIT_IO', `cannot ${what} ${path}: ${reason}`);
}

function statPath(path: string): ReturnType<typeof statSync> & object {
  try {
    return statSync(path);
  } catch (error) {
    throw ioError('read', path, error);
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    throw ioError('list directory', dir, error);
  }
}

function readText(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw ioError('read', path, error);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new WitError('WIT_IO', `input file is not valid UTF-8: ${path}`);
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
