/**
 * The WIT abstract syntax tree: what one `.wit` file says, before names are
 * resolved. Every node carries a `span` into the SourceMap it was parsed from.
 * The parser (parser.ts) builds it; the resolver (resolver.ts) consumes it.
 */
import type { Span } from './source.js';

/** A kebab-case identifier, with a leading `%` escape already removed. */
export interface Id {
  readonly name: string;
  readonly span: Span;
}

/** Text of the `///` or `/** *\/` doc comments before an item, or null. */
export type Docs = string | null;

export type Attribute =
  | { readonly kind: 'since'; readonly version: string; readonly span: Span }
  | { readonly kind: 'unstable'; readonly feature: Id; readonly span: Span }
  | { readonly kind: 'deprecated'; readonly version: string; readonly span: Span };

/** `namespace:name@version` */
export interface PackageName {
  readonly namespace: Id;
  readonly name: Id;
  readonly version: Version | null;
  readonly span: Span;
}

export interface Version {
  /** Semver text exactly as written, e.g. `1.2.3-rc.1+build`. */
  readonly text: string;
  readonly span: Span;
}

/** One parsed file. */
export interface File {
  readonly file: number;
  /** `package a:b@1.0.0;` at the top of the file, when present. */
  readonly package: PackageDecl | null;
  readonly items: readonly TopLevelItem[];
}

export interface PackageDecl {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: PackageName;
  readonly span: Span;
}

export type TopLevelItem = InterfaceDecl | WorldDecl | TopLevelUse | NestedPackage;

/** `package a:b { interface x {} world y {} }` inside a file. */
export interface NestedPackage {
  readonly kind: 'package';
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: PackageName;
  /** WIT allows `use a:b/c;` inside a nested package as well as at the top level. */
  readonly items: readonly (InterfaceDecl | WorldDecl | TopLevelUse)[];
  readonly span: Span;
}

/** `use a:b/c@1.0.0 as d;` at the top level of a file. */
export interface TopLevelUse {
  readonly kind: 'use';
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly path: UsePath;
  readonly as: Id | null;
  readonly span: Span;
}

/**
 * A reference to an interface or world: `foo` (same package) or
 * `ns:pkg/foo@1.0.0` (another package).
 */
export type UsePath =
  | { readonly kind: 'local'; readonly name: Id; readonly span: Span }
  | {
      readonly kind: 'package';
      readonly package: PackageName;
      readonly name: Id;
      readonly span: Span;
    };

export interface InterfaceDecl {
  readonly kind: 'interface';
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly items: readonly InterfaceItem[];
  readonly span: Span;
}

export type InterfaceItem = TypeDecl | FuncDecl | UseDecl;

/** `use path.{a, b as c};` inside an interface or world. */
export interface UseDecl {
  readonly kind: 'use';
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly path: UsePath;
  readonly names: readonly UseName[];
  readonly span: Span;
}

export interface UseName {
  readonly name: Id;
  readonly as: Id | null;
}

/** `name: func(...)` in an interface, or inside a world import/export. */
export interface FuncDecl {
  readonly kind: 'func';
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly func: FuncSig;
  readonly span: Span;
}

export interface FuncSig {
  readonly async: boolean;
  readonly params: readonly Param[];
  /** The single result type, or null for `func(...)` with no `->`. */
  readonly result: TypeRef | null;
  readonly span: Span;
}

export interface Param {
  readonly name: Id;
  readonly type: TypeRef;
}

export type TypeDecl =
  | AliasDecl
  | RecordDecl
  | VariantDecl
  | EnumDecl
  | FlagsDecl
  | ResourceDecl;

interface TypeDeclBase {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly span: Span;
}

/** `type name = T;` */
export interface AliasDecl extends TypeDeclBase {
  readonly kind: 'alias';
  readonly type: TypeRef;
}

export interface RecordDecl extends TypeDeclBase {
  readonly kind: 'record';
  readonly fields: readonly NamedMember[];
}

export interface NamedMember {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly type: TypeRef;
  readonly span: Span;
}

export interface VariantDecl extends TypeDeclBase {
  readonly kind: 'variant';
  readonly cases: readonly VariantCase[];
}

export interface VariantCase {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly type: TypeRef | null;
  readonly span: Span;
}

export interface EnumDecl extends TypeDeclBase {
  readonly kind: 'enum';
  readonly cases: readonly PlainMember[];
}

export interface FlagsDecl extends TypeDeclBase {
  readonly kind: 'flags';
  readonly flags: readonly PlainMember[];
}

/** An enum case or a flag: a name with docs. */
export interface PlainMember {
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly span: Span;
}

/** `resource r;` or `resource r { ... }` */
export interface ResourceDecl extends TypeDeclBase {
  readonly kind: 'resource';
  readonly funcs: readonly ResourceFunc[];
}

export interface ResourceFunc {
  /** `constructor(...)`, `name: func(...)`, `name: static func(...)`. */
  readonly kind: 'constructor' | 'method' | 'static';
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  /** For a constructor, the `constructor` keyword itself. */
  readonly name: Id;
  readonly func: FuncSig;
  readonly span: Span;
}

export type PrimitiveType =
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

/** A type written at a use site (parameter, field, alias...). */
export type TypeRef =
  | { readonly kind: 'primitive'; readonly name: PrimitiveType; readonly span: Span }
  | { readonly kind: 'named'; readonly name: Id; readonly span: Span }
  | { readonly kind: 'list'; readonly element: TypeRef; readonly span: Span }
  | {
      readonly kind: 'fixed-length-list';
      readonly element: TypeRef;
      readonly length: number;
      readonly span: Span;
    }
  | { readonly kind: 'map'; readonly key: TypeRef; readonly value: TypeRef; readonly span: Span }
  | { readonly kind: 'tuple'; readonly types: readonly TypeRef[]; readonly span: Span }
  | { readonly kind: 'option'; readonly type: TypeRef; readonly span: Span }
  | {
      readonly kind: 'result';
      /** null for `_` or an omitted ok type. */
      readonly ok: TypeRef | null;
      readonly err: TypeRef | null;
      readonly span: Span;
    }
  | { readonly kind: 'own'; readonly resource: Id; readonly span: Span }
  | { readonly kind: 'borrow'; readonly resource: Id; readonly span: Span }
  | { readonly kind: 'future'; readonly type: TypeRef | null; readonly span: Span }
  | { readonly kind: 'stream'; readonly type: TypeRef | null; readonly span: Span };

export interface WorldDecl {
  readonly kind: 'world';
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly name: Id;
  readonly items: readonly WorldItem[];
  readonly span: Span;
}

export type WorldItem = ImportExport | UseDecl | TypeDecl | IncludeDecl;

/** `import ...;` or `export ...;` in a world. */
export interface ImportExport {
  readonly kind: 'import' | 'export';
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly item: ExternItem;
  readonly span: Span;
}

export type ExternItem =
  /** `import foo;` / `import a:b/c@1.0.0;` */
  | { readonly kind: 'path'; readonly path: UsePath }
  /** `import name: interface { ... }` */
  | {
      readonly kind: 'interface';
      readonly name: Id;
      readonly items: readonly InterfaceItem[];
      readonly span: Span;
    }
  /** `import name: a:b/c@1.0.0;` or `import name: iface;` (an interface under a plain name) */
  | { readonly kind: 'named-path'; readonly name: Id; readonly path: UsePath }
  /** `import name: func(...);` */
  | { readonly kind: 'func'; readonly name: Id; readonly func: FuncSig };

/** `include path with { a as b, ... };` */
export interface IncludeDecl {
  readonly kind: 'include';
  readonly docs: Docs;
  readonly attributes: readonly Attribute[];
  readonly path: UsePath;
  readonly with: readonly { readonly from: Id; readonly to: Id }[];
  readonly span: Span;
}
