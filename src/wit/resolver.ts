/**
 * Resolution of parsed WIT into a `Resolve`: groups files into packages
 * (phase one, resolve-package.ts), orders the packages so that each comes
 * after the packages it uses, and appends them one by one (phase two,
 * resolve-append.ts).
 */
import type * as Ast from './ast.js';
import { WitError } from './errors.js';
import { mergeDecoded } from './decode-merge.js';
import type { PackageId, PackageName, Resolve } from './model.js';
import { packageNameString } from './model.js';
import type { SourceMap } from './source.js';
import { appendPackage } from './resolve-append.js';
import { PackageBuilder } from './resolve-package.js';
import { compareSemver, type FeatureSet } from './resolve-stability.js';
import { ResolveState } from './resolve-state.js';
import type { UnresolvedPackage } from './resolve-unresolved.js';

/** The packages written in one set of files: the main package and nested `package x:y { }` blocks. */
export interface PackageGroup {
  readonly main: UnresolvedPackage;
  readonly nested: readonly UnresolvedPackage[];
}

/**
 * Builds the package group of the given files (one directory, or a single
 * file). Files are taken in path order, as wit-parser does.
 */
export function groupFiles(files: readonly Ast.File[], sources: SourceMap): PackageGroup {
  const main = new PackageBuilder(sources);
  const nested: UnresolvedPackage[] = [];
  const ordered = [...files].sort((a, b) => comparePaths(sources.file(a.file).path, sources.file(b.file).path));
  for (const file of ordered) {
    const items: (Ast.InterfaceDecl | Ast.WorldDecl | Ast.TopLevelUse)[] = [];
    for (const item of file.items) {
      if (item.kind !== 'package') {
        items.push(item);
        continue;
      }
      const first = item.attributes[0];
      if (first) throw WitError.at('WIT_INVALID', 'cannot place attributes on nested packages', sources, first.span);
      const builder = new PackageBuilder(sources);
      builder.push(file.file, { name: item.name, docs: item.docs, span: item.span }, item.items);
      nested.push(builder.resolve());
    }
    const header = file.package;
    main.push(file.file, header ? { name: header.name, docs: header.docs, span: header.span } : null, items);
  }
  return { main: main.resolve(), nested };
}

export interface ResolvedGroups {
  readonly resolve: Resolve;
  /** The main group's packages: its main package first, then its nested packages. */
  readonly main: PackageId[];
  /** Located problems only a component rejects (encodable.ts), by message. */
  readonly encodingProblems: ReadonlyMap<string, WitError>;
}

/** A Resolve decoded from a wasm-encoded WIT package (decode.ts), with the file it came from. */
export interface DecodedDep {
  readonly resolve: Resolve;
  readonly path: string;
}

/**
 * Resolves the main group together with its dependencies into one
 * `Resolve`. Every package name must be defined once; packages are added in
 * dependency order (ties broken by name), as wit-parser orders them.
 * Packages decoded from wasm come first, in the order given (wit-parser
 * merges them as it meets them in `deps/`, before any WIT text is resolved).
 */
export function resolveGroups(
  mainGroup: PackageGroup,
  deps: readonly PackageGroup[],
  sources: SourceMap,
  gates: FeatureSet,
  decoded: readonly DecodedDep[] = [],
): ResolvedGroups {
  const state = new ResolveState(sources, gates);
  const decodedFrom = new Map<string, string>();
  for (const dep of decoded) {
    for (const id of mergeDecoded(state, dep.resolve, dep.path)) {
      const key = packageNameString((state.packages[id] as { name: PackageName }).name);
      if (!decodedFrom.has(key)) decodedFrom.set(key, dep.path);
    }
  }

  const byName = new Map<string, UnresolvedPackage>();
  for (const group of [mainGroup, ...deps]) {
    for (const pkg of [...group.nested, group.main]) {
      const key = packageNameString(pkg.name);
      const prev = byName.get(key);
      const binary = decodedFrom.get(key);
      if (binary !== undefined) {
        throw WitError.at('WIT_PACKAGE', `package \`${key}\` is also defined by the wasm-encoded package ${binary}`, sources, pkg.nameSpan);
      }
      if (prev) {
        const here = sources.location(pkg.nameSpan);
        const there = sources.location(prev.nameSpan);
        throw WitError.at(
          'WIT_PACKAGE',
          `package \`${key}\` is defined in two different locations:\n  * ${here.path}:${here.line}:${here.column}\n  * ${there.path}:${there.line}:${there.column}`,
          sources,
          pkg.nameSpan,
        );
      }
      byName.set(key, pkg);
    }
  }

  const order: UnresolvedPackage[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const visit = (pkg: UnresolvedPackage): void => {
    const key = packageNameString(pkg.name);
    if (placed.has(key)) return;
    for (const [depKey, dep] of pkg.foreignDeps) {
      if (visiting.has(depKey)) {
        throw WitError.at('WIT_CYCLE', `package \`${depKey}\` creates a dependency cycle`, sources, dep.span);
      }
      visiting.add(depKey);
      const target = byName.get(depKey);
      if (target) visit(target);
      visiting.delete(depKey);
    }
    placed.add(key);
    order.push(pkg);
  };
  const sorted = [...byName.values()].sort((a, b) => comparePackageNames(a.name, b.name));
  for (const pkg of sorted) visit(pkg);

  const ids = new Map<UnresolvedPackage, PackageId>();
  for (const pkg of order) ids.set(pkg, appendPackage(state, pkg));
  const main = [mainGroup.main, ...mainGroup.nested].map((p) => ids.get(p) as PackageId);
  const encodingProblems = new Map<string, WitError>();
  for (const pkg of order) {
    for (const [message, error] of pkg.encodingProblems) if (!encodingProblems.has(message)) encodingProblems.set(message, error);
  }
  return { resolve: state.finish(), main, encodingProblems };
}

/** wit-parser's package order: namespace, then name, then version (unversioned first). */
function comparePackageNames(a: PackageName, b: PackageName): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.version === b.version) return 0;
  if (a.version === null) return -1;
  if (b.version === null) return 1;
  return compareSemver(a.version, b.version) || (a.version < b.version ? -1 : 1);
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

