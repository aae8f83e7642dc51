/**
 * Loading WIT from disk or from text: finds the files of the main package
 * and of its `deps/` folder, parses them and resolves everything into one
 * `Resolve`.
 *
 * Layout (as wit-parser reads it): `path` is a `.wit` file, or a directory
 * whose `*.wit` files form one package; `path/deps/` may hold one directory
 * per package (its `*.wit` files; no nested `deps/`), single `.wit`
 * files, and WIT packages encoded as components (`.wasm` binaries, `.wat`
 * text; decode.ts), which are merged first, in name order. Other entries of
 * `deps/` are ignored.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Ast from './ast.js';
import { WitError } from './errors.js';
import type { PackageId, Resolve, WorldId } from './model.js';
import { packageNameString } from './model.js';
import { parseFile } from './parser.js';
import { decodeWitPackage } from './decode.js';
import { mergeDecoded } from './decode-merge.js';
import { groupFiles, resolveGroups, type DecodedDep, type PackageGroup } from './resolver.js';
import { ResolveState } from './resolve-state.js';
import { SourceMap } from './source.js';
import { checkWorldEncodable, type EncodingProblems } from './encodable.js';

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
  /**
   * What resolved but no component can hold (encodable.ts), located, by
   * message: `selectWorld` reports it when the selected world uses it.
   */
  encodingProblems?: EncodingProblems;
}

/**
 * `path` is a .wit file, a directory of .wit files with an optional deps/
 * folder, or a wasm-encoded WIT package (binary). WIT packages in deps/ may
 * be wasm binaries (`.wasm`); WebAssembly text (`.wat`) needs an assembler,
 * which only `loadWitAsync` loads. Throws WitError.
 */
export function loadWit(path: string, options: WitOptions = {}): LoadedWit {
  return loadAssembled(path, options, new Map());
}

/**
 * `loadWit`, plus WIT packages encoded as WebAssembly text (`.wat`), which
 * are assembled with jco's wasm-tools first. jco is imported only when such
 * a file exists. Throws WitError.
 */
export async function loadWitAsync(path: string, options: WitOptions = {}): Promise<LoadedWit> {
  const assembled = new Map<string, Uint8Array>();
  const watFiles = findWatFiles(path);
  if (watFiles.length > 0) {
    const { parse } = await import('@bytecodealliance/jco');
    for (const file of watFiles) {
      try {
        assembled.set(file, await parse(readText(file)));
      } catch (error) {
        if (error instanceof WitError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new WitError('WIT_PACKAGE', `${file}: invalid WebAssembly text: ${reason}`);
      }
    }
  }
  return loadAssembled(path, options, assembled);
}

/** What a WIT input file holds, judged by its contents as wit-parser does (extension only for `.wat`). */
type FileKind = 'wit' | 'wasm' | 'wat';

function fileKind(path: string, bytes: Uint8Array): FileKind {
  if (bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return 'wasm';
  if (path.endsWith('.wat') || looksLikeWat(bytes)) return 'wat';
  return 'wit';
}

/** WebAssembly text starts with `(` after whitespace and `;;` comments; WIT never does. */
function looksLikeWat(bytes: Uint8Array): boolean {
  const text = new TextDecoder().decode(bytes.subarray(0, 4096));
  const stripped = text.replace(/^(?:\s+|;;[^\n]*(?:\n|$))*/u, '');
  return stripped.startsWith('(');
}

/** The .wat files loadWit would meet: `path` itself, or the entries of its deps/ folder. */
function findWatFiles(path: string): string[] {
  const isWatFile = (file: string): boolean => fileKind(file, readBytes(file)) === 'wat';
  if (!statPath(path).isDirectory()) return isWatFile(path) ? [path] : [];
  const depsDir = join(path, 'deps');
  if (!exists(depsDir)) return [];
  return listDir(depsDir)
    .sort(compareNames)
    .map((name) => join(depsDir, name))
    .filter((entry) => isDepFile(entry) && isWatFile(entry));
}

/** deps/ entries read as packages besides directories: `.wit`, `.wasm` and `.wat` files. */
function isDepFile(entry: string): boolean {
  return (entry.endsWith('.wit') || entry.endsWith('.wasm') || entry.endsWith('.wat')) && !statPath(entry).isDirectory();
}

type ReadFile = { kind: 'group'; group: PackageGroup } | { kind: 'decoded'; dep: DecodedDep; main: PackageId };

/** Reads one WIT input file: WIT text, a wasm binary, or (already assembled) WebAssembly text. */
function readWitFile(path: string, sources: SourceMap, assembled: ReadonlyMap<string, Uint8Array>): ReadFile {
  const bytes = readBytes(path);
  const kind = fileKind(path, bytes);
  if (kind === 'wit') return { kind: 'group', group: groupFiles([parseFile(sources, sources.add(path, decodeUtf8(path, bytes)))], sources) };
  let binary = bytes;
  if (kind === 'wat') {
    const wasm = assembled.get(path);
    if (wasm === undefined) {
      throw new WitError('WIT_IO', `${path} is WebAssembly text, which loadWit cannot assemble; use loadWitAsync`);
    }
    binary = wasm;
  }
  const decoded = decodeWitPackage(binary, path);
  return { kind: 'decoded', dep: { resolve: decoded.resolve, path }, main: decoded.main };
}

function loadAssembled(path: string, options: WitOptions, assembled: ReadonlyMap<string, Uint8Array>): LoadedWit {
  const sources = new SourceMap();
  const isDir = statPath(path).isDirectory();
  if (!isDir) {
    const read = readWitFile(path, sources, assembled);
    if (read.kind === 'group') return finish(read.group, [], [], sources, options);
    // A wasm-encoded package on its own: the Resolve is the decoded one.
    const gates = { features: new Set(options.features ?? []), allFeatures: options.allFeatures ?? false };
    const state = new ResolveState(sources, gates);
    const ids = mergeDecoded(state, read.dep.resolve, path);
    return { resolve: state.finish(), main: [ids[read.main] as PackageId], sources };
  }
  const main = readDirGroup(path, sources);
  const deps: PackageGroup[] = [];
  const decoded: DecodedDep[] = [];
  const depsDir = join(path, 'deps');
  if (exists(depsDir)) {
    for (const name of listDir(depsDir).sort(compareNames)) {
      const entry = join(depsDir, name);
      if (statPath(entry).isDirectory()) deps.push(readDirGroup(entry, sources));
      else if (isDepFile(entry)) {
        const read = readWitFile(entry, sources, assembled);
        if (read.kind === 'group') deps.push(read.group);
        else decoded.push(read.dep);
      }
    }
  }
  return finish(main, deps, decoded, sources, options);
}

/** Resolves WIT source text given in memory (one file; may contain nested packages). Throws WitError. */
export function loadWitText(text: string, options: WitOptions & { path?: string } = {}): LoadedWit {
  const sources = new SourceMap();
  const file = sources.add(options.path ?? '<input>.wit', text);
  return finish(groupFiles([parseFile(sources, file)], sources), [], [], sources, options);
}

/**
 * Picks a world: by name (`w`, or `ns:pkg/w`), or the single world of the
 * main package. Like wasm-tools making a component of it, this also rejects a
 * world whose types or functions no component can hold (encodable.ts).
 * Throws WitError.
 */
export function selectWorld(loaded: LoadedWit, name?: string): WorldId {
  const id = findWorld(loaded, name);
  checkWorldEncodable(loaded.resolve, id, loaded.encodingProblems ?? new Map());
  return id;
}

function findWorld(loaded: LoadedWit, name?: string): WorldId {
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

function finish(
  main: PackageGroup,
  deps: PackageGroup[],
  decoded: DecodedDep[],
  sources: SourceMap,
  options: WitOptions,
): LoadedWit {
  const gates = { features: new Set(options.features ?? []), allFeatures: options.allFeatures ?? false };
  const { resolve, main: mainIds, encodingProblems } = resolveGroups(main, deps, sources, gates, decoded);
  return { resolve, main: mainIds, sources, encodingProblems };
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
  return decodeUtf8(path, readBytes(path));
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw ioError('read', path, error);
  }
}

function decodeUtf8(path: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new WitError('WIT_IO', `input file is not valid UTF-8: ${path}`);
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
