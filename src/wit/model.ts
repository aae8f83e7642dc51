/**
 * The resolved WIT model: every package, interface, world and type of a WIT
 * tree in arenas indexed by number, with names bound and feature gates
 * applied. Its shape follows the `Resolve` that wasm-tools' wit-parser
 * serializes to JSON, so `toResolveJson` (json.ts) is a direct rendering.
 *
 * Ids (`TypeId`, `InterfaceId`, `WorldId`, `PackageId`) are indexes into the
 * arrays of `Resolve`.
 */

export type TypeId = number;
export type InterfaceId = number;
export type WorldId = number;
export type PackageId = number;

export type PrimitiveName =
  | 'bool'
  | 'u8'
  | 'u16'
  | 'u32'
  | 'u64'
  | 's8'
  | 's16'
  | 's32'
  | 's64'
  | 'f32'
  | 'f64'
  | 'char'
  | 'string'
  | 'error-context';

/** A type at a use site: a primitive by name or a TypeDef by id. */
export type Type = PrimitiveName | TypeId;

export interface Resolve {
  readonly worlds: World[];
  readonly interfaces: Interface[];
  readonly types: TypeDef[];
  /** Topologically ordered: a package comes after every package it uses. */
  readonly packages: Package[];
}

export interface PackageName {
  readonly namespace: string;
  readonly name: string;
  /** Semver text, or null for an unversioned package. */
  readonly version: string | null;
}

export interface Package {
  readonly name: PackageName;
  docs: string | null;
  /** Interfaces by name, in declaration order. */
  readonly interfaces: Map<string, InterfaceId>;
  /** Worlds by name, in declaration order. */
  readonly worlds: Map<string, WorldId>;
}

export type Stability =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'stable'; readonly since: string; readonly deprecated: string | null }
  | { readonly kind: 'unstable'; readonly feature: string; readonly deprecated: string | null };

export interface Interface {
  /** null for an anonymous interface written inline in a world. */
  readonly name: string | null;
  /** Named types (own and `use`d), in declaration order. */
  readonly types: Map<string, TypeId>;
  /** Functions by their component name (`f`, `[method]r.f`...), in order. */
  readonly functions: Map<string, Func>;
  readonly docs: string | null;
  readonly stability: Stability;
  readonly package: PackageId | null;
}

export type WorldKey =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'interface'; readonly id: InterfaceId };

export type WorldItem =
  | { readonly kind: 'interface'; readonly id: InterfaceId; readonly stability: Stability }
  | { readonly kind: 'function'; readonly func: Func }
  | { readonly kind: 'type'; readonly id: TypeId };

export interface WorldEntry {
  readonly key: WorldKey;
  readonly item: WorldItem;
}

export interface World {
  readonly name: string;
  /** Imports in order; keys are unique (see `worldKeyString`). */
  readonly imports: WorldEntry[];
  readonly exports: WorldEntry[];
  readonly package: PackageId | null;
  readonly docs: string | null;
  readonly stability: Stability;
}

export type FunctionKind =
  | { readonly kind: 'freestanding' }
  | { readonly kind: 'method'; readonly resource: TypeId }
  | { readonly kind: 'static'; readonly resource: TypeId }
  | { readonly kind: 'constructor'; readonly resource: TypeId };

export interface Param {
  readonly name: string;
  readonly type: Type;
}

export interface Func {
  /** Component-level name: `f`, `[constructor]r`, `[method]r.f`, `[static]r.f`. */
  readonly name: string;
  readonly kind: FunctionKind;
  readonly async: boolean;
  /** Methods start with the implicit `self: borrow<r>` parameter. */
  readonly params: Param[];
  readonly result: Type | null;
  readonly docs: string | null;
  readonly stability: Stability;
}

export type TypeOwner =
  | { readonly kind: 'none' }
  | { readonly kind: 'interface'; readonly id: InterfaceId }
  | { readonly kind: 'world'; readonly id: WorldId };

export interface Field {
  readonly name: string;
  readonly type: Type;
  readonly docs: string | null;
}

export interface Case {
  readonly name: string;
  readonly type: Type | null;
  readonly docs: string | null;
}

export interface Named {
  readonly name: string;
  readonly docs: string | null;
}

export type TypeDefKind =
  | { readonly kind: 'record'; readonly fields: Field[] }
  | { readonly kind: 'resource' }
  | { readonly kind: 'handle'; readonly handle: 'own' | 'borrow'; readonly resource: TypeId }
  | { readonly kind: 'flags'; readonly flags: Named[] }
  | { readonly kind: 'tuple'; readonly types: Type[] }
  | { readonly kind: 'variant'; readonly cases: Case[] }
  | { readonly kind: 'enum'; readonly cases: Named[] }
  | { readonly kind: 'option'; readonly type: Type }
  | { readonly kind: 'result'; readonly ok: Type | null; readonly err: Type | null }
  | { readonly kind: 'list'; readonly element: Type }
  | { readonly kind: 'fixed-length-list'; readonly element: Type; readonly length: number }
  | { readonly kind: 'map'; readonly key: Type; readonly value: Type }
  | { readonly kind: 'future'; readonly type: Type | null }
  | { readonly kind: 'stream'; readonly type: Type | null }
  /** An alias (`type a = b;`) or a `use`d type: points at another type. */
  | { readonly kind: 'type'; readonly type: Type };

export interface TypeDef {
  /** null for anonymous types (`list<u8>` written inline). */
  readonly name: string | null;
  readonly kind: TypeDefKind;
  readonly owner: TypeOwner;
  readonly docs: string | null;
  readonly stability: Stability;
}

/** `ns:name@version` */
export function packageNameString(name: PackageName): string {
  return `${name.namespace}:${name.name}${name.version === null ? '' : `@${name.version}`}`;
}

/** The string form of a world key, as used for uniqueness and in JSON. */
export function worldKeyString(key: WorldKey): string {
  return key.kind === 'name' ? key.name : `interface-${key.id}`;
}
