/**
 * One package after name resolution but before it joins a `Resolve`: its own
 * arenas with package-local ids. Interfaces and worlds of *other* packages
 * that it refers to are placeholders at the front of those arenas (and the
 * types it `use`s from them are `unknown` placeholders at the front of
 * `types`); `appendPackage` (resolve-append.ts) binds them to real items.
 */
import type {
  Func,
  PackageName,
  Stability,
  TypeDefKind,
  TypeOwner,
} from './model.js';
import type { Span } from './source.js';
import type { WitError } from './errors.js';

export type UTypeDefKind = TypeDefKind | { readonly kind: 'unknown' };

export interface UTypeDef {
  name: string | null;
  kind: UTypeDefKind;
  owner: TypeOwner;
  docs: string | null;
  stability: Stability;
  /** Record fields / variant cases, for diagnostics about their types. */
  memberSpans?: readonly Span[];
}

export interface UInterface {
  name: string | null;
  types: Map<string, number>;
  functions: Map<string, Func>;
  docs: string | null;
  stability: Stability;
}

/** A world key before remapping: a plain name or a package-local interface id. */
export type UWorldKey =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'interface'; readonly id: number };

export type UWorldItem =
  | { readonly kind: 'interface'; readonly id: number; readonly stability: Stability }
  | { readonly kind: 'function'; readonly func: Func }
  | { readonly kind: 'type'; readonly id: number };

export interface UWorldEntry {
  readonly key: UWorldKey;
  readonly item: UWorldItem;
  /** Where the import/export is written (for diagnostics after remapping). */
  readonly span: Span;
}

export interface UInclude {
  readonly stability: Stability;
  readonly world: number;
  readonly names: readonly { readonly name: string; readonly as: string }[];
  readonly span: Span;
}

export interface UWorld {
  name: string;
  imports: UWorldEntry[];
  exports: UWorldEntry[];
  includes: UInclude[];
  docs: string | null;
  stability: Stability;
}

export interface ForeignItem {
  readonly kind: 'interface' | 'world';
  readonly id: number;
  /** The gates of every `use`/`import`/`include` that mentions the item. */
  readonly stabilities: Stability[];
}

export interface ForeignDep {
  readonly name: PackageName;
  /** The first place the package is mentioned. */
  readonly span: Span;
  readonly items: Map<string, ForeignItem>;
}

export interface UnresolvedPackage {
  readonly name: PackageName;
  readonly nameSpan: Span;
  readonly docs: string | null;
  readonly types: UTypeDef[];
  /** One span per type: its name, or where an anonymous type is written. */
  readonly typeSpans: Span[];
  readonly interfaces: UInterface[];
  readonly interfaceSpans: { readonly span: Span; readonly funcs: Span[] }[];
  readonly worlds: UWorld[];
  readonly worldSpans: Span[];
  /** Keyed by `packageNameString`. */
  readonly foreignDeps: Map<string, ForeignDep>;
  /** `unknown` types that must turn out to be resources once bound. */
  readonly requiredResources: { readonly id: number; readonly span: Span }[];
  /** Located problems only a component rejects (encodable.ts), by message. */
  readonly encodingProblems: ReadonlyMap<string, WitError>;
}

export function worldKeyId(key: UWorldKey): string {
  return key.kind === 'name' ? `n:${key.name}` : `i:${key.id}`;
}
