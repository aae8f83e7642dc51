/**
 * Shared state of one C glue generation: the output sections of the header
 * and the source file, the C name of every WIT type defined so far, which
 * types have `_free` functions, and the resources seen.
 */
import type { InterfaceId, PrimitiveName, Resolve, Type, TypeDef, TypeDefKind, TypeId, World, WorldId, WorldKey } from '../../wit/model.js';
import { CodeWriter } from '../writer.js';
import type { BuiltinImport } from './async-types.js';
import type { LegacyAlias } from './legacy-names.js';
import { interfacePrefix, snakeCase, worldKeyName } from './names.js';

/** The output, section by section, in the order the files are assembled. */
export interface Sections {
  /** Header: waitable and error-context types, before the type definitions that use them. */
  readonly hAsync: CodeWriter;
  /** Header: type definitions. */
  readonly hDefs: CodeWriter;
  /** Header: prototypes of import wrappers and of the exports the guest implements. */
  readonly hFns: CodeWriter;
  /** Header: ownership and resource helpers. */
  readonly hHelpers: CodeWriter;
  /** Source: private helpers used by the adapters (bit casts). */
  readonly cDefs: CodeWriter;
  /** Source: core wasm import declarations, cabi_realloc, post-return functions. */
  readonly cFns: CodeWriter;
  /** Source: definitions of the helpers declared in `hHelpers`. */
  readonly cHelpers: CodeWriter;
  /** Source: import wrappers and export adapters. */
  readonly cAdapters: CodeWriter;
}

export interface ResourceInfo {
  /** Defined by this guest (exported) rather than imported. */
  readonly exported: boolean;
  /** C name of the owned handle type. */
  readonly own: string;
  /** C name of the borrowed handle type (a pointer to the rep for exported resources). */
  readonly borrow: string;
  /** C name of the representation struct the guest defines (exported resources). */
  readonly rep: string;
  /** The helper dropping a borrowed handle (imported resources). */
  readonly dropBorrow: string;
  /** The core `[resource-drop]` import the drop helpers call. */
  readonly dropImport: string;
}

/** Where types and functions are being generated: one interface of the world, or the world itself. */
export interface Scope {
  readonly key: WorldKey | null;
  readonly interfaceId: InterfaceId | null;
  readonly exported: boolean;
  /** The C prefix of everything defined in this scope. */
  readonly prefix: string;
  /** Core module name of imports (`ns:pkg/iface@v`, a plain name, or `$root`). */
  readonly module: string;
}

/** One C function the guest author writes (an export, or a resource destructor). */
export interface GuestImplementation {
  /** `RET name(PARAMS)` as declared in the header. */
  readonly prototype: string;
  /** The C return type (`void` when nothing is returned). */
  readonly returnType: string;
  /** The parameter names, so a skeleton can mark the ones its empty body leaves unused. */
  readonly parameterNames: readonly string[];
  /** For a destructor: the representation struct the guest defines. */
  readonly resourceRep: string | null;
}

export type Bitcast = 'i32_to_f32' | 'f32_to_i32' | 'i64_to_f64' | 'f64_to_i64';

/** A WIT type with aliases followed: a primitive or the kind of a type definition. */
export type Resolved =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName }
  | { readonly kind: 'def'; readonly id: TypeId; readonly def: TypeDefKind };

export class CGuestContext {
  readonly world: World;
  readonly worldName: string;
  /** snake_case world name: the prefix of world-level names and of shared helpers. */
  readonly worldSnake: string;
  readonly sections: Sections = {
    hAsync: new CodeWriter(),
    hDefs: new CodeWriter(),
    hFns: new CodeWriter(),
    hHelpers: new CodeWriter(),
    cDefs: new CodeWriter(),
    cFns: new CodeWriter(),
    cHelpers: new CodeWriter(),
    cAdapters: new CodeWriter(),
  };
  readonly typeNames = new Map<TypeId, string>();
  /** `_free` function of each type that owns memory. */
  readonly dtors = new Map<TypeId, string>();
  readonly resources = new Map<TypeId, ResourceInfo>();
  /** Every C type name the header defines: each is defined exactly once. */
  private readonly definedCNames = new Set<string>();
  /** Anonymous types made of primitives only are shared world-wide under one name. */
  readonly sharedNames = new Map<string, { dtor: string | null }>();
  /** Types whose C layout must equal the canonical ABI layout (checked with _Static_assert). */
  readonly layoutChecks: { name: string; size: number; align: number }[] = [];
  readonly bitcasts = new Set<Bitcast>();
  /** What the guest must implement: export prototypes and exported resources' destructors. */
  readonly guestImplements: GuestImplementation[] = [];
  /** Old names (wit-bindgen before 0.37) of the world's own exports, mapped onto the current ones. */
  readonly legacyAliases: LegacyAlias[] = [];
  needsString = false;
  /** An imported resource exists: the source gets the borrow bookkeeping of export calls. */
  needsBorrowScope = false;
  /** A WIT type mentions `error-context`: the world gets its handle type and built-ins. */
  usesErrorContext = false;
  needsErrorContext = false;
  /** The waitable-set API was emitted (futures and streams need it). */
  needsWaitables = false;
  /** The subtask and callback API was emitted (async functions need it). */
  needsAsyncTasks = false;
  /** C names of the future and stream types that have their helpers. */
  readonly futureHelpers = new Set<string>();
  /** Canonical built-ins the glue imports besides the world's functions and resource intrinsics. */
  readonly builtinImports: BuiltinImport[] = [];
  /** Static return area of the export adapters (results live there until post-return). */
  retArea = { size: 0, align: 1 };

  constructor(
    readonly resolve: Resolve,
    readonly worldId: WorldId,
    /** How strings are encoded in memory: UTF-8 bytes or UTF-16 code units. */
    readonly stringEncoding: 'utf8' | 'utf16' = 'utf8',
    /** C prefixes replacing those of world entries, by entry name (`ns:pkg/iface@v` or a plain name). */
    readonly renames: ReadonlyMap<string, string> = new Map(),
    /** The name the world goes by in C names and file names (default: its WIT name). */
    worldName?: string,
    /** `--autodrop-borrows` as given; the glue drops leftover borrows either way (borrow-scope.ts). */
    readonly autodropBorrows = false,
  ) {
    const world = resolve.worlds[worldId];
    if (world === undefined) throw new Error(`world id ${worldId} is not in the Resolve`);
    this.world = world;
    this.worldName = worldName ?? world.name;
    this.worldSnake = snakeCase(this.worldName);
  }

  /** The C type of one string code unit. */
  get charType(): string {
    return this.stringEncoding === 'utf16' ? 'uint16_t' : 'uint8_t';
  }

  typeDef(id: TypeId): TypeDef {
    const def = this.resolve.types[id];
    if (def === undefined) throw new Error(`type id ${id} is not in the Resolve`);
    return def;
  }

  /** Follows `type a = b` aliases down to what the type really is. */
  resolveType(type: Type): Resolved {
    let current: Type = type;
    for (;;) {
      if (typeof current === 'string') return { kind: 'primitive', name: current };
      const def = this.typeDef(current).kind;
      if (def.kind !== 'type') return { kind: 'def', id: current, def };
      current = def.type;
    }
  }

  /** The type id behind aliases (`use`d resources resolve to the resource itself). */
  dealias(id: TypeId): TypeId {
    const resolved = this.resolveType(id);
    return resolved.kind === 'def' ? resolved.id : id;
  }

  /**
   * Records that the header is about to define C type `name`. A second
   * definition of one name would not compile, and means two type ids were
   * taken for different C types (or one id was emitted twice): a generator bug.
   */
  claimCName(name: string): void {
    if (this.definedCNames.has(name)) throw new Error(`the C type \`${name}\` would be defined twice`);
    this.definedCNames.add(name);
  }

  /** The C spelling of a WIT type used as a value. */
  typeName(type: Type): string {
    if (typeof type === 'string') {
      if (type === 'string') {
        this.needsString = true;
        return `${this.worldSnake}_string_t`;
      }
      if (type === 'error-context') {
        this.usesErrorContext = true;
        return `${this.worldSnake}_error_context_t`;
      }
      return PRIMITIVE_C_NAMES[type];
    }
    const name = this.typeNames.get(type);
    if (name === undefined) throw new Error(`no C name was assigned to type id ${type}`);
    return name;
  }

  scopeFor(key: WorldKey | null, exported: boolean): Scope {
    if (key === null) {
      return { key, interfaceId: null, exported, prefix: this.worldSnake, module: '$root' };
    }
    return {
      key,
      interfaceId: key.kind === 'interface' ? key.id : this.interfaceOfKey(key, exported),
      exported,
      prefix: interfacePrefix(this.resolve, key, exported, this.renames),
      module: worldKeyName(this.resolve, key),
    };
  }

  /** The interface a plain-named world entry stands for. */
  private interfaceOfKey(key: WorldKey, exported: boolean): InterfaceId | null {
    const entries = exported ? this.world.exports : this.world.imports;
    if (key.kind !== 'name') return null;
    const entry = entries.find((e) => e.key.kind === 'name' && e.key.name === key.name);
    return entry?.item.kind === 'interface' ? entry.item.id : null;
  }

  /**
   * The prefix of a named type: that of the scope when the scope owns it,
   * else of the world entry its owner interface is imported (or exported) as.
   */
  ownerPrefix(scope: Scope, id: TypeId): string {
    const owner = this.typeDef(id).owner;
    if (owner.kind === 'world') return this.worldSnake;
    if (owner.kind === 'none' || owner.id === scope.interfaceId) return scope.prefix;
    const lookIn = scope.exported ? [this.world.exports, this.world.imports] : [this.world.imports];
    for (const [index, entries] of lookIn.entries()) {
      for (const entry of entries) {
        if (entry.item.kind === 'interface' && entry.item.id === owner.id) {
          return interfacePrefix(this.resolve, entry.key, scope.exported && index === 0, this.renames);
        }
      }
    }
    return scope.prefix;
  }
}

const PRIMITIVE_C_NAMES: Readonly<Record<Exclude<PrimitiveName, 'string' | 'error-context'>, string>> = {
  bool: 'bool',
  u8: 'uint8_t',
  s8: 'int8_t',
  u16: 'uint16_t',
  s16: 'int16_t',
  u32: 'uint32_t',
  s32: 'int32_t',
  u64: 'uint64_t',
  s64: 'int64_t',
  f32: 'float',
  f64: 'double',
  char: 'uint32_t',
};
