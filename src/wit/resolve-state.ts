/**
 * The `Resolve` under construction: mutable arenas shared by the append,
 * include and elaboration steps, turned into the immutable-looking model
 * (model.ts) by `finish()`.
 */
import { WitError, type WitErrorCode } from './errors.js';
import type {
  Func,
  Package,
  PackageId,
  Resolve,
  Stability,
  TypeDefKind,
  TypeOwner,
  World,
  WorldEntry,
  WorldKey,
} from './model.js';
import type { SourceMap, Span } from './source.js';
import type { FeatureSet } from './resolve-stability.js';

export interface MutTypeDef {
  name: string | null;
  kind: TypeDefKind;
  owner: TypeOwner;
  docs: string | null;
  stability: Stability;
}

export interface MutInterface {
  name: string | null;
  types: Map<string, number>;
  functions: Map<string, Func>;
  docs: string | null;
  stability: Stability;
  package: PackageId | null;
}

/** World imports/exports keyed by `entryKey` while they are being assembled. */
export interface MutWorld {
  name: string;
  imports: Map<string, WorldEntry>;
  exports: Map<string, WorldEntry>;
  package: PackageId | null;
  docs: string | null;
  stability: Stability;
}

export function entryKey(key: WorldKey): string {
  return key.kind === 'name' ? `n:${key.name}` : `i:${key.id}`;
}

export function sameOwner(a: TypeOwner, b: TypeOwner): boolean {
  if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind;
  return a.kind === b.kind && a.id === b.id;
}

export class ResolveState {
  readonly types: MutTypeDef[] = [];
  readonly interfaces: MutInterface[] = [];
  readonly worlds: MutWorld[] = [];
  readonly packages: Package[] = [];
  /** Package ids by `packageNameString`. */
  readonly packageNames = new Map<string, PackageId>();
  /**
   * Where each plain-named world import/export was written (or included),
   * by world id and `entryKey`, for diagnostics about names.
   */
  readonly worldNameSpans = new Map<number, Map<string, Span>>();

  noteWorldName(world: number, key: WorldKey, span: Span): void {
    if (key.kind !== 'name') return;
    let spans = this.worldNameSpans.get(world);
    if (!spans) {
      spans = new Map();
      this.worldNameSpans.set(world, spans);
    }
    spans.set(entryKey(key), span);
  }

  constructor(
    readonly sources: SourceMap,
    readonly gates: FeatureSet,
  ) {}

  fail(code: WitErrorCode, detail: string, span: Span): never {
    throw WitError.at(code, detail, this.sources, span);
  }

  pushType(def: MutTypeDef): number {
    this.types.push(def);
    return this.types.length - 1;
  }

  /** `ns:pkg/iface@version` of a named interface, or null. */
  interfaceId(id: number): string | null {
    const iface = this.interfaces[id];
    if (!iface || iface.name === null || iface.package === null) return null;
    const pkg = this.packages[iface.package] as Package;
    const version = pkg.name.version === null ? '' : `@${pkg.name.version}`;
    return `${pkg.name.namespace}:${pkg.name.name}/${iface.name}${version}`;
  }

  finish(): Resolve {
    const worlds: World[] = this.worlds.map((w) => ({
      name: w.name,
      imports: [...w.imports.values()],
      exports: [...w.exports.values()],
      package: w.package,
      docs: w.docs,
      stability: w.stability,
    }));
    return { worlds, interfaces: this.interfaces, types: this.types, packages: this.packages };
  }
}
