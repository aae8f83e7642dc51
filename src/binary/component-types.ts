/**
 * A decoder of the type-level parts of WebAssembly component binaries:
 * the type, import, export and alias sections and custom sections of the
 * outermost component, with every component type, instance type, resource
 * type, function type and defined value type they declare.
 *
 * Types are resolved while they are read: each type definition gets a
 * fresh `TypeId` in one arena (`ComponentTypes`), type indexes are looked up
 * in the scope they are written in (including `alias outer` and
 * `alias export`), and an exported or imported type with an `eq` bound gets
 * a new id that is an alias of the type it names, while a `sub resource`
 * bound creates a new resource. Type identity therefore follows the
 * component model's rules (the same ones wasmparser's validator applies),
 * which is what consumers that map types back to names need.
 *
 * Nested core modules and components are skipped by size; sections that
 * only define runtime items (core instances, canonical functions...) are
 * listed in `otherSections`.
 */
import { BinaryError, ByteReader } from './reader.js';

export type PrimitiveValType =
  | 'bool'
  | 's8'
  | 'u8'
  | 's16'
  | 'u16'
  | 's32'
  | 'u32'
  | 's64'
  | 'u64'
  | 'f32'
  | 'f64'
  | 'char'
  | 'string'
  | 'error-context';

/** An index into `ComponentTypes.infos`. */
export type TypeId = number;

/** A value type: a primitive, or a defined type (possibly through aliases). */
export type ValType = { readonly kind: 'primitive'; readonly name: PrimitiveValType } | { readonly kind: 'id'; readonly id: TypeId };

export interface NamedValType {
  readonly name: string;
  readonly type: ValType;
}

export type DefinedType =
  | { readonly kind: 'primitive'; readonly name: PrimitiveValType }
  | { readonly kind: 'record'; readonly fields: NamedValType[] }
  | { readonly kind: 'variant'; readonly cases: { readonly name: string; readonly type: ValType | null; readonly refines: number | null }[] }
  | { readonly kind: 'list'; readonly element: ValType }
  | { readonly kind: 'fixed-length-list'; readonly element: ValType; readonly length: number }
  | { readonly kind: 'map'; readonly key: ValType; readonly value: ValType }
  | { readonly kind: 'tuple'; readonly types: ValType[] }
  | { readonly kind: 'flags'; readonly names: string[] }
  | { readonly kind: 'enum'; readonly names: string[] }
  | { readonly kind: 'option'; readonly type: ValType }
  | { readonly kind: 'result'; readonly ok: ValType | null; readonly err: ValType | null }
  /** `resource` is the id found at the handle's type index (possibly an alias of the resource). */
  | { readonly kind: 'own' | 'borrow'; readonly resource: TypeId }
  | { readonly kind: 'future' | 'stream'; readonly type: ValType | null };

/** What an import or export of a component/instance type is. */
export type Entity =
  /** `referenced` is the type the bound names; `created` is the id the import/export introduces. */
  | { readonly kind: 'type'; readonly referenced: TypeId; readonly created: TypeId }
  | { readonly kind: 'func' | 'instance' | 'component' | 'module'; readonly type: TypeId }
  | { readonly kind: 'value'; readonly type: ValType };

export type TypeInfo =
  | { readonly kind: 'defined'; readonly def: DefinedType }
  | { readonly kind: 'func'; readonly async: boolean; readonly params: NamedValType[]; readonly result: ValType | null }
  | { readonly kind: 'component'; readonly imports: Map<string, Entity>; readonly exports: Map<string, Entity> }
  | { readonly kind: 'instance'; readonly exports: Map<string, Entity> }
  | { readonly kind: 'resource'; readonly destructor: number | null }
  /** A new identity for an existing type (an `eq`-bounded import/export). */
  | { readonly kind: 'alias'; readonly of: TypeId }
  /** A core function or module type; its structure is not kept. */
  | { readonly kind: 'core' };

/** The arena of every type of a decoded component. */
export class ComponentTypes {
  readonly infos: TypeInfo[] = [];

  add(info: TypeInfo): TypeId {
    this.infos.push(info);
    return this.infos.length - 1;
  }

  get(id: TypeId): TypeInfo {
    const info = this.infos[id];
    if (info === undefined) throw new RangeError(`no component type ${id}`);
    return info;
  }

  /** The id an alias stands for, or null when `id` is not an alias. */
  peelAlias(id: TypeId): TypeId | null {
    const info = this.get(id);
    return info.kind === 'alias' ? info.of : null;
  }

  /** Follows aliases to the defining type. */
  underlying(id: TypeId): TypeId {
    let cur = id;
    for (let next = this.peelAlias(cur); next !== null; next = this.peelAlias(cur)) cur = next;
    return cur;
  }

  /** The definition behind `id`, aliases followed. */
  definition(id: TypeId): TypeInfo {
    return this.get(this.underlying(id));
  }
}

export type Sort = 'core-module' | 'core-func' | 'core-table' | 'core-memory' | 'core-global' | 'core-type' | 'core-instance' | 'core-tag' | 'func' | 'value' | 'type' | 'component' | 'instance';

export interface ComponentExport {
  readonly name: string;
  readonly sort: Sort;
  readonly index: number;
  /** The entity, when the sort is a type, component or instance the decoder knows. */
  readonly entity: Entity | null;
  readonly offset: number;
}

export interface ComponentImport {
  readonly name: string;
  readonly entity: Entity;
  readonly offset: number;
}

export interface CustomSection {
  readonly name: string;
  readonly data: Uint8Array;
  readonly offset: number;
}

export interface DecodedComponent {
  readonly types: ComponentTypes;
  readonly imports: ComponentImport[];
  readonly exports: ComponentExport[];
  readonly custom: CustomSection[];
  /** Ids and offsets of top-level sections that define runtime items (modules, instances, canon...). */
  readonly otherSections: { readonly id: number; readonly offset: number }[];
}

const COMPONENT_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** True when `bytes` start like a component binary (magic, version 0x0d, layer 1). */
export function isComponentBinary(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 &&
    COMPONENT_MAGIC.every((b, i) => bytes[i] === b) &&
    bytes[4] === 0x0d &&
    bytes[5] === 0x00 &&
    bytes[6] === 0x01 &&
    bytes[7] === 0x00
  );
}

/** Decodes the outermost component's types, imports, exports and custom sections. Throws BinaryError. */
export function decodeComponent(bytes: Uint8Array): DecodedComponent {
  const r = new ByteReader(bytes);
  for (const expected of COMPONENT_MAGIC) {
    if (r.byte() !== expected) throw new BinaryError('BINARY_MAGIC', 'not a WebAssembly binary', 0);
  }
  if (!isComponentBinary(bytes)) {
    throw new BinaryError('BINARY_VERSION', 'not a component (a core module or an unknown version)', 4);
  }
  r.pos = 8;
  const types = new ComponentTypes();
  const decoder = new TypeDecoder(types);
  const scope = newScope();
  const out: DecodedComponent = { types, imports: [], exports: [], custom: [], otherSections: [] };
  while (!r.done) {
    const sectionStart = r.pos;
    const id = r.byte();
    const size = r.u32();
    if (r.pos + size > bytes.length) {
      throw new BinaryError('BINARY_TRUNCATED', `section ${id} runs past the end of the binary`, sectionStart);
    }
    const s = new ByteReader(bytes, r.pos, r.pos + size);
    switch (id) {
      case 0: {
        const name = s.name();
        out.custom.push({ name, data: bytes.subarray(s.pos, s.end), offset: sectionStart });
        s.pos = s.end;
        break;
      }
      case 6:
        for (let n = s.u32(); n > 0; n--) decoder.alias(s, [scope]);
        break;
      case 7:
        for (let n = s.u32(); n > 0; n--) scope.types.push(decoder.type(s, [scope]));
        break;
      case 10:
        for (let n = s.u32(); n > 0; n--) {
          const offset = s.pos;
          const name = externName(s);
          const entity = decoder.externDesc(s, [scope]);
          addEntity(scope, entity);
          out.imports.push({ name, entity, offset });
        }
        break;
      case 11:
        for (let n = s.u32(); n > 0; n--) out.exports.push(decoder.topLevelExport(s, scope));
        break;
      default:
        // Core modules, components, instances, canonical functions, start
        // and values: runtime items, not types.
        out.otherSections.push({ id, offset: sectionStart });
        s.pos = s.end;
        break;
    }
    if (s.pos !== s.end) {
      throw new BinaryError('BINARY_MALFORMED', `section ${id} has ${s.end - s.pos} unread bytes`, s.pos);
    }
    r.pos += size;
  }
  return out;
}

/** The index spaces of one component or instance type (or the outermost component). */
export interface Scope {
  readonly types: TypeId[];
  readonly coreTypes: TypeId[];
  readonly funcs: TypeId[];
  readonly instances: TypeId[];
  readonly components: TypeId[];
  readonly modules: TypeId[];
  readonly values: ValType[];
}

export function newScope(): Scope {
  return { types: [], coreTypes: [], funcs: [], instances: [], components: [], modules: [], values: [] };
}

export function addEntity(scope: Scope, entity: Entity): void {
  switch (entity.kind) {
    case 'type':
      scope.types.push(entity.created);
      break;
    case 'func':
      scope.funcs.push(entity.type);
      break;
    case 'instance':
      scope.instances.push(entity.type);
      break;
    case 'component':
      scope.components.push(entity.type);
      break;
    case 'module':
      scope.modules.push(entity.type);
      break;
    case 'value':
      scope.values.push(entity.type);
      break;
  }
}

const PRIMITIVES: ReadonlyMap<number, PrimitiveValType> = new Map([
  [0x7f, 'bool'],
  [0x7e, 's8'],
  [0x7d, 'u8'],
  [0x7c, 's16'],
  [0x7b, 'u16'],
  [0x7a, 's32'],
  [0x79, 'u32'],
  [0x78, 's64'],
  [0x77, 'u64'],
  [0x76, 'f32'],
  [0x75, 'f64'],
  [0x74, 'char'],
  [0x73, 'string'],
  [0x64, 'error-context'],
]);

/** `importname'` / `exportname'`: a discriminant byte, then the name (and an ignored version suffix). */
export function externName(r: ByteReader): string {
  const start = r.pos;
  const form = r.byte();
  if (form === 0x00 || form === 0x01) return r.name();
  if (form === 0x02) {
    const name = r.name();
    const suffix = r.byte();
    if (suffix === 0x01) r.name();
    else if (suffix !== 0x00) throw malformed(`bad version suffix 0x${hex(suffix)}`, start);
    return name;
  }
  throw malformed(`bad extern name form 0x${hex(form)}`, start);
}

function malformed(message: string, offset: number): BinaryError {
  return new BinaryError('BINARY_MALFORMED', message, offset);
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function pick<T>(space: readonly T[], index: number, what: string, offset: number): T {
  const item = space[index];
  if (item === undefined) throw malformed(`${what} index ${index} out of bounds (${space.length} defined)`, offset);
  return item;
}

/** Reads type definitions and declarations, resolving indexes against a stack of scopes (innermost last). */
export class TypeDecoder {
  constructor(private readonly types: ComponentTypes) {}

  type(r: ByteReader, scopes: Scope[]): TypeId {
    const start = r.pos;
    const scope = scopes[scopes.length - 1] as Scope;
    const form = r.byte();
    const primitive = PRIMITIVES.get(form);
    if (primitive !== undefined) return this.types.add({ kind: 'defined', def: { kind: 'primitive', name: primitive } });
    switch (form) {
      case 0x40:
      case 0x43:
        return this.funcType(r, scope, form === 0x43);
      case 0x41: {
        const inner = newScope();
        const imports = new Map<string, Entity>();
        const exports = new Map<string, Entity>();
        for (let n = r.u32(); n > 0; n--) this.decl(r, [...scopes, inner], { imports, exports });
        return this.types.add({ kind: 'component', imports, exports });
      }
      case 0x42: {
        const inner = newScope();
        const exports = new Map<string, Entity>();
        for (let n = r.u32(); n > 0; n--) this.decl(r, [...scopes, inner], { imports: null, exports });
        return this.types.add({ kind: 'instance', exports });
      }
      case 0x3f:
      case 0x3e: {
        const rep = r.byte();
        if (rep !== 0x7f) throw malformed(`resource representation must be i32, found 0x${hex(rep)}`, start + 1);
        let destructor: number | null = null;
        if (form === 0x3e) {
          destructor = r.u32();
          if (r.byte() === 0x01) r.u32();
        } else if (optionalFlag(r)) {
          destructor = r.u32();
        }
        return this.types.add({ kind: 'resource', destructor });
      }
      default:
        r.pos = start;
        return this.types.add({ kind: 'defined', def: this.definedType(r, scope) });
    }
  }

  private funcType(r: ByteReader, scope: Scope, async: boolean): TypeId {
    const params: NamedValType[] = [];
    for (let n = r.u32(); n > 0; n--) params.push({ name: r.name(), type: this.valType(r, scope) });
    const start = r.pos;
    let result: ValType | null = null;
    const form = r.byte();
    if (form === 0x00) result = this.valType(r, scope);
    else if (form === 0x01) {
      // The older encoding of results as a named list: only the empty list is a WIT result.
      const count = r.u32();
      if (count !== 0) throw malformed('named function results are not supported', start);
    } else throw malformed(`bad function result form 0x${hex(form)}`, start);
    return this.types.add({ kind: 'func', async, params, result });
  }

  private definedType(r: ByteReader, scope: Scope): DefinedType {
    const start = r.pos;
    const form = r.byte();
    const vec = <T>(item: () => T): T[] => {
      const out: T[] = [];
      for (let n = r.u32(); n > 0; n--) out.push(item());
      return out;
    };
    const optionalVal = (): ValType | null => (optionalFlag(r) ? this.valType(r, scope) : null);
    switch (form) {
      case 0x72:
        return { kind: 'record', fields: vec(() => ({ name: r.name(), type: this.valType(r, scope) })) };
      case 0x71:
        return {
          kind: 'variant',
          cases: vec(() => {
            const name = r.name();
            const type = optionalVal();
            const refines = optionalFlag(r) ? r.u32() : null;
            return { name, type, refines };
          }),
        };
      case 0x70:
        return { kind: 'list', element: this.valType(r, scope) };
      case 0x67: {
        const element = this.valType(r, scope);
        return { kind: 'fixed-length-list', element, length: r.u32() };
      }
      case 0x63: {
        const key = this.valType(r, scope);
        return { kind: 'map', key, value: this.valType(r, scope) };
      }
      case 0x6f:
        return { kind: 'tuple', types: vec(() => this.valType(r, scope)) };
      case 0x6e:
        return { kind: 'flags', names: vec(() => r.name()) };
      case 0x6d:
        return { kind: 'enum', names: vec(() => r.name()) };
      case 0x6b:
        return { kind: 'option', type: this.valType(r, scope) };
      case 0x6a: {
        const ok = optionalVal();
        return { kind: 'result', ok, err: optionalVal() };
      }
      case 0x69:
      case 0x68: {
        const at = r.pos;
        const resource = pick(scope.types, r.u32(), 'type', at);
        if (this.types.definition(resource).kind !== 'resource') throw malformed('handle to a type that is not a resource', at);
        return { kind: form === 0x69 ? 'own' : 'borrow', resource };
      }
      case 0x66:
      case 0x65:
        return { kind: form === 0x66 ? 'stream' : 'future', type: optionalVal() };
      default:
        throw malformed(`unknown type form 0x${hex(form)}`, start);
    }
  }

  private valType(r: ByteReader, scope: Scope): ValType {
    const start = r.pos;
    const code = r.s33();
    if (code < 0) {
      const name = PRIMITIVES.get(code + 0x80);
      if (name === undefined) throw malformed(`unknown value type 0x${hex(code + 0x80)}`, start);
      return { kind: 'primitive', name };
    }
    const id = pick(scope.types, code, 'type', start);
    if (this.types.definition(id).kind !== 'defined') throw malformed(`type index ${code} is not a value type`, start);
    return { kind: 'id', id };
  }

  /** One declaration of a component type (`imports` set) or instance type (`imports` null). */
  private decl(
    r: ByteReader,
    scopes: Scope[],
    into: { imports: Map<string, Entity> | null; exports: Map<string, Entity> },
  ): void {
    const scope = scopes[scopes.length - 1] as Scope;
    const start = r.pos;
    const form = r.byte();
    switch (form) {
      case 0x00:
        scope.coreTypes.push(this.coreType(r));
        return;
      case 0x01:
        scope.types.push(this.type(r, scopes));
        return;
      case 0x02:
        this.alias(r, scopes);
        return;
      case 0x03:
      case 0x04: {
        if (form === 0x03 && into.imports === null) throw malformed('instance types cannot import', start);
        const nameAt = r.pos;
        const name = externName(r);
        const entity = this.externDesc(r, scopes);
        const map = form === 0x03 ? (into.imports as Map<string, Entity>) : into.exports;
        if (map.has(name)) throw malformed(`duplicate ${form === 0x03 ? 'import' : 'export'} name \`${name}\``, nameAt);
        map.set(name, entity);
        addEntity(scope, entity);
        return;
      }
      default:
        throw malformed(`unknown declaration form 0x${hex(form)}`, start);
    }
  }

  /** `externdesc`, resolved in the innermost scope; type bounds create new ids. */
  externDesc(r: ByteReader, scopes: Scope[]): Entity {
    const scope = scopes[scopes.length - 1] as Scope;
    const start = r.pos;
    const form = r.byte();
    const at = (): number => r.pos;
    switch (form) {
      case 0x00: {
        const core = r.byte();
        if (core !== 0x11) throw malformed(`bad core extern form 0x${hex(core)}`, start + 1);
        const p = at();
        return { kind: 'module', type: pick(scope.coreTypes, r.u32(), 'core type', p) };
      }
      case 0x01: {
        const p = at();
        const type = pick(scope.types, r.u32(), 'type', p);
        if (this.types.definition(type).kind !== 'func') throw malformed('function import/export of a non-function type', p);
        return { kind: 'func', type };
      }
      case 0x02: {
        const bound = r.byte();
        if (bound === 0x00) {
          const p = at();
          return { kind: 'value', type: pick(scope.values, r.u32(), 'value', p) };
        }
        if (bound === 0x01) return { kind: 'value', type: this.valType(r, scope) };
        throw malformed(`bad value bound 0x${hex(bound)}`, start + 1);
      }
      case 0x03: {
        const bound = r.byte();
        if (bound === 0x00) {
          const p = at();
          const referenced = pick(scope.types, r.u32(), 'type', p);
          return { kind: 'type', referenced, created: this.types.add({ kind: 'alias', of: referenced }) };
        }
        if (bound === 0x01) {
          const resource = this.types.add({ kind: 'resource', destructor: null });
          return { kind: 'type', referenced: resource, created: resource };
        }
        throw malformed(`bad type bound 0x${hex(bound)}`, start + 1);
      }
      case 0x04:
      case 0x05: {
        const p = at();
        const type = pick(scope.types, r.u32(), 'type', p);
        const expected = form === 0x04 ? 'component' : 'instance';
        if (this.types.definition(type).kind !== expected) throw malformed(`${expected} import/export of a non-${expected} type`, p);
        return { kind: expected, type };
      }
      default:
        throw malformed(`unknown extern kind 0x${hex(form)}`, start);
    }
  }

  /** An alias declaration or alias-section entry: adds the aliased item to the innermost scope. */
  alias(r: ByteReader, scopes: Scope[]): void {
    const scope = scopes[scopes.length - 1] as Scope;
    const start = r.pos;
    const sort = readSort(r);
    const target = r.byte();
    if (target === 0x02) {
      const countAt = r.pos;
      const count = r.u32();
      const outer = scopes[scopes.length - 1 - count];
      if (outer === undefined) throw malformed(`outer alias count ${count} exceeds the nesting depth`, countAt);
      const p = r.pos;
      const index = r.u32();
      switch (sort) {
        case 'type':
          scope.types.push(pick(outer.types, index, 'type', p));
          return;
        case 'core-type':
          scope.coreTypes.push(pick(outer.coreTypes, index, 'core type', p));
          return;
        case 'component':
          scope.components.push(pick(outer.components, index, 'component', p));
          return;
        case 'core-module':
          scope.modules.push(pick(outer.modules, index, 'module', p));
          return;
        default:
          throw malformed(`outer aliases of ${sort} are not allowed`, start);
      }
    }
    if (target === 0x00) {
      const p = r.pos;
      const instance = this.types.definition(pick(scope.instances, r.u32(), 'instance', p));
      const nameAt = r.pos;
      const name = r.name();
      const entity = instance.kind === 'instance' ? instance.exports.get(name) : undefined;
      if (entity === undefined) throw malformed(`instance has no export named \`${name}\``, nameAt);
      if (entitySort(entity) !== sort) throw malformed(`export \`${name}\` is not a ${sort}`, nameAt);
      addEntity(scope, entity);
      return;
    }
    if (target === 0x01) {
      // Core instance exports only exist in components with core instances,
      // whose index spaces this decoder does not model.
      throw malformed('aliases of core instance exports are not supported', start);
    }
    throw malformed(`bad alias target 0x${hex(target)}`, start);
  }

  topLevelExport(r: ByteReader, scope: Scope): ComponentExport {
    const offset = r.pos;
    const name = externName(r);
    const sort = readSort(r);
    const p = r.pos;
    const index = r.u32();
    let entity: Entity | null = null;
    if (sort === 'type') {
      const referenced = pick(scope.types, index, 'type', p);
      entity = { kind: 'type', referenced, created: referenced };
    } else if (sort === 'instance' && scope.instances[index] !== undefined) {
      entity = { kind: 'instance', type: scope.instances[index] as TypeId };
    } else if (sort === 'component' && scope.components[index] !== undefined) {
      entity = { kind: 'component', type: scope.components[index] as TypeId };
    }
    if (optionalFlag(r)) {
      // An ascribed type: it names the export's type, and for types makes a new identity.
      const ascribed = this.externDesc(r, [scope]);
      if (entity?.kind === 'type' && ascribed.kind === 'type') entity = { kind: 'type', referenced: entity.referenced, created: ascribed.created };
    }
    if (entity?.kind === 'type') scope.types.push(entity.created);
    return { name, sort, index, entity, offset };
  }

  /** Core types inside component types: function types are read; module types are read and kept opaque. */
  coreType(r: ByteReader): TypeId {
    const start = r.pos;
    const form = r.byte();
    if (form === 0x60) {
      skipCoreValTypes(r);
      skipCoreValTypes(r);
    } else if (form === 0x50) {
      for (let n = r.u32(); n > 0; n--) skipModuleDecl(r);
    } else {
      throw malformed(`unsupported core type form 0x${hex(form)}`, start);
    }
    return this.types.add({ kind: 'core' });
  }
}

export function optionalFlag(r: ByteReader): boolean {
  const start = r.pos;
  const flag = r.byte();
  if (flag === 0x00) return false;
  if (flag === 0x01) return true;
  throw malformed(`expected 0x00 or 0x01, found 0x${hex(flag)}`, start);
}

const CORE_SORTS: readonly Sort[] = ['core-func', 'core-table', 'core-memory', 'core-global', 'core-tag'];

export function readSort(r: ByteReader): Sort {
  const start = r.pos;
  const code = r.byte();
  switch (code) {
    case 0x00: {
      const core = r.byte();
      if (core === 0x10) return 'core-type';
      if (core === 0x11) return 'core-module';
      if (core === 0x12) return 'core-instance';
      const sort = CORE_SORTS[core];
      if (sort === undefined) throw malformed(`unknown core sort 0x${hex(core)}`, start + 1);
      return sort;
    }
    case 0x01:
      return 'func';
    case 0x02:
      return 'value';
    case 0x03:
      return 'type';
    case 0x04:
      return 'component';
    case 0x05:
      return 'instance';
    default:
      throw malformed(`unknown sort 0x${hex(code)}`, start);
  }
}

function entitySort(entity: Entity): Sort {
  return entity.kind === 'module' ? 'core-module' : entity.kind;
}

function skipCoreValTypes(r: ByteReader): void {
  for (let n = r.u32(); n > 0; n--) skipCoreValType(r);
}

function skipCoreValType(r: ByteReader): void {
  const start = r.pos;
  const code = r.byte();
  if (code >= 0x7b && code <= 0x7f) return;
  if (code === 0x70 || code === 0x6f) return;
  if (code === 0x63 || code === 0x64) {
    r.s33();
    return;
  }
  throw malformed(`unknown core value type 0x${hex(code)}`, start);
}

function skipLimits(r: ByteReader): void {
  const start = r.pos;
  const flags = r.byte();
  if (flags > 0x07) throw malformed(`bad limits flags 0x${hex(flags)}`, start);
  const read = (): unknown => ((flags & 0x04) !== 0 ? r.u64() : r.u32());
  read();
  if (flags & 0x01) read();
}

function skipImportDesc(r: ByteReader): void {
  const start = r.pos;
  const kind = r.byte();
  switch (kind) {
    case 0x00:
      r.u32();
      return;
    case 0x01:
      skipCoreValType(r);
      skipLimits(r);
      return;
    case 0x02:
      skipLimits(r);
      return;
    case 0x03:
      skipCoreValType(r);
      r.byte();
      return;
    case 0x04:
      r.byte();
      r.u32();
      return;
    default:
      throw malformed(`unknown core import kind 0x${hex(kind)}`, start);
  }
}

function skipModuleDecl(r: ByteReader): void {
  const start = r.pos;
  const form = r.byte();
  switch (form) {
    case 0x00:
      r.name();
      r.name();
      skipImportDesc(r);
      return;
    case 0x01: {
      const typeForm = r.byte();
      if (typeForm !== 0x60) throw malformed(`unsupported core type form 0x${hex(typeForm)}`, start + 1);
      skipCoreValTypes(r);
      skipCoreValTypes(r);
      return;
    }
    case 0x02: {
      if (r.byte() !== 0x10 || r.byte() !== 0x01) throw malformed('bad outer alias in a module type', start);
      r.u32();
      r.u32();
      return;
    }
    case 0x03:
      r.name();
      skipImportDesc(r);
      return;
    default:
      throw malformed(`unknown module type declaration 0x${hex(form)}`, start);
  }
}
