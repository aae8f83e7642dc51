/**
 * The language-neutral plan of a legacy (`extern "C"`) guest binding for a
 * WIT world: the C-ABI types its functions use, in declaration order, and
 * every import and export with its core symbol. The C header and the Rust
 * module are two renderings of one plan, so they cannot disagree.
 *
 * Types follow src/abi/cabi.ts's `cTypeOfWit` shape (records and tuples as
 * structs, strings and lists as a `{ ptr, len }` struct, options as
 * `{ bool is_some; T val; }`, results as `{ bool is_err; union { ok; err } val; }`,
 * variants as `{ tag; union val; }`, enums and flags as unsigned integers,
 * fixed-length lists as a struct around an array), and every size, alignment
 * and offset the renderers assert comes from `cLayout` of that shape: this
 * module computes no layout itself. Functions take and return these types by
 * value; the C compiler applies BasicCABI (structs by pointer, results through
 * sret), which is what `cFunctionAbi` predicts for the host.
 */
import { cFunctionAbi, cLayout, cTypeOfWit, type CFunctionAbi, type CLayout, type CType } from '../../abi/cabi.js';
import { layoutOf, type ScalarKind, type UintRepr } from '../../abi/layout.js';
import {
  LegacyNameError,
  legacyWorldFunctions,
  type LegacyFunctionSymbol,
  type LegacyNameOptions,
  type LegacyNameProblem,
} from '../../abi/legacy-names.js';
import type { Resolve, Type, TypeDef, TypeId, WorldId } from '../../wit/model.js';
import { LegacyGuestError, type LegacyGuestErrorCode } from './errors.js';

export type LegacyType =
  | { readonly kind: 'primitive'; readonly scalar: ScalarKind }
  | { readonly kind: 'decl'; readonly decl: LegacyDecl };

export interface LegacyMember {
  /** snake_case (record fields, cases) or positional (`f0`) name. */
  readonly name: string;
  readonly type: LegacyType;
  readonly docs: string | null;
}

export interface LegacyCase {
  readonly name: string;
  readonly docs: string | null;
}

export type LegacyDeclBody =
  /** Records, tuples, map entries. */
  | { readonly kind: 'struct'; readonly fields: readonly LegacyMember[] }
  /** Strings (element u8) and lists: `{ T *ptr; size_t len; }`. */
  | { readonly kind: 'list'; readonly element: LegacyType }
  /** `list<T, N>`: `{ T items[N]; }`. */
  | { readonly kind: 'array'; readonly element: LegacyType; readonly length: number }
  /** An unsigned integer with one named constant per case (0, 1, ...). */
  | { readonly kind: 'enum'; readonly repr: UintRepr; readonly cases: readonly LegacyCase[] }
  /** One unsigned integer (`words` is 1) or `{ uint32_t flags[words]; }`; flag i is bit i % 32 of word i / 32. */
  | { readonly kind: 'flags'; readonly repr: UintRepr; readonly words: number; readonly flags: readonly LegacyCase[] }
  | {
      readonly kind: 'variant';
      readonly source: 'variant' | 'option' | 'result';
      /** `tag` (variant, with an unsigned repr), `is_some` / `is_err` (bool). */
      readonly tagName: string;
      readonly tagRepr: UintRepr | 'bool';
      /** Every case, for the tag constants of a variant. */
      readonly cases: readonly LegacyCase[];
      /** The `val` member: the option's payload itself, or a union of the payload cases; null when no case has one. */
      readonly payload: VariantPayload;
    };

export type VariantPayload =
  | null
  | { readonly kind: 'single'; readonly type: LegacyType }
  | { readonly kind: 'union'; readonly members: readonly LegacyMember[]; readonly layout: CLayout };

export interface LegacyDecl {
  /** Lower-case words of the type's name (`['point']`, `['list', 'u8']`); renderers add prefixes and case. */
  readonly words: readonly string[];
  /** The WIT spelling, for comments (`point`, `list<u8>`). */
  readonly witName: string;
  readonly docs: string | null;
  readonly body: LegacyDeclBody;
  /** C layout of the whole type (cabi.ts), with offsets of the struct's own members. */
  readonly layout: CLayout;
}

export interface LegacyParam {
  readonly name: string;
  readonly type: LegacyType;
}

export interface LegacyFunction {
  readonly direction: 'import' | 'export';
  /** The WIT name, qualified by its interface when it has one (`ns:pkg/iface#f`). */
  readonly where: string;
  /** Core import/export name. */
  readonly symbol: string;
  /** Import module (null for exports). */
  readonly module: string | null;
  readonly docs: string | null;
  readonly params: readonly LegacyParam[];
  readonly result: LegacyType | null;
  /** The core signature BasicCABI gives this C function (what the compiled guest must import/export). */
  readonly abi: CFunctionAbi;
}

export interface LegacyWorldPlan {
  readonly worldName: string;
  readonly docs: string | null;
  /** Every type the functions use, each after the types it refers to. */
  readonly decls: readonly LegacyDecl[];
  readonly functions: readonly LegacyFunction[];
}

export type LegacyPlanOptions = LegacyNameOptions;

/** The plan of world `worldId`; throws LegacyGuestError when the C ABI cannot express the world. */
export function planLegacyWorld(resolve: Resolve, worldId: WorldId, options: LegacyPlanOptions = {}): LegacyWorldPlan {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new LegacyGuestError('LEGACY_OPTION', `world id ${worldId} is not in the Resolve`);
  let symbols: LegacyFunctionSymbol[];
  try {
    symbols = legacyWorldFunctions(resolve, worldId, options);
  } catch (error) {
    if (!(error instanceof LegacyNameError)) throw error;
    throw new LegacyGuestError(GUEST_ERROR_OF[error.problem], `world \`${world.name}\`: ${error.message}`);
  }
  const types = new TypePlanner(resolve);
  const functions = symbols.map(({ direction, interfaceName, func, module, symbol }): LegacyFunction => {
    const where = interfaceName === null ? func.name : `${interfaceName}#${func.name}`;
    if (func.async) throw unsupported('async functions', where);
    const params = func.params.map((p) => ({ name: snake(p.name), type: types.typeOf(p.type, where) }));
    const result = func.result === null ? null : types.typeOf(func.result, where);
    const abi = cFunctionAbi(
      func.params.map((p) => cTypeOfWit(resolve, p.type)),
      func.result === null ? null : cTypeOfWit(resolve, func.result),
    );
    return { direction, where, symbol, module, docs: func.docs, params, result, abi };
  });
  return { worldName: world.name, docs: world.docs, decls: types.decls, functions };
}

const GUEST_ERROR_OF: Readonly<Record<LegacyNameProblem, LegacyGuestErrorCode>> = {
  option: 'LEGACY_OPTION',
  resource: 'LEGACY_UNSUPPORTED',
  clash: 'LEGACY_NAME_CLASH',
};

function unsupported(what: string, where: string): LegacyGuestError {
  return new LegacyGuestError(
    'LEGACY_UNSUPPORTED',
    `\`${where}\` uses ${what}: the legacy C ABI has no form for it (expected numbers, strings, lists, records, ` +
      'tuples, flags, enums, variants, options and results)',
  );
}

/** `host-log-value` → `host_log_value`. */
export function snake(name: string): string {
  return words(name).join('_');
}

function words(name: string): string[] {
  return name
    .split(/[-_]/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** Builds the declarations of the types a world's functions use, each once, dependencies first. */
class TypePlanner {
  readonly decls: LegacyDecl[] = [];
  private readonly byId = new Map<TypeId, LegacyType>();
  /** Anonymous types are shared by structure: `list<u8>` twice is one declaration. */
  private readonly byShape = new Map<string, LegacyDecl>();
  private readonly taken = new Map<string, string>();
  private stringDecl: LegacyDecl | null = null;

  constructor(private readonly resolve: Resolve) {}

  typeOf(type: Type, where: string): LegacyType {
    if (typeof type === 'string') {
      if (type === 'string') return { kind: 'decl', decl: this.string() };
      if (type === 'error-context') throw unsupported('`error-context`', where);
      return { kind: 'primitive', scalar: type };
    }
    const known = this.byId.get(type);
    if (known !== undefined) return known;
    const def = this.resolve.types[type];
    if (def === undefined) throw new LegacyGuestError('LEGACY_OPTION', `type id ${type} (used by \`${where}\`) is not in the Resolve`);
    const planned = this.plan(type, def, where);
    this.byId.set(type, planned);
    return planned;
  }

  private string(): LegacyDecl {
    if (this.stringDecl === null) {
      const body: LegacyDeclBody = { kind: 'list', element: { kind: 'primitive', scalar: 'u8' } };
      this.stringDecl = this.add(['string'], 'string', null, body, cTypeOfWit(this.resolve, 'string'));
    }
    return this.stringDecl;
  }

  private plan(id: TypeId, def: TypeDef, where: string): LegacyType {
    const kind = def.kind;
    const describe = def.name === null ? `\`${this.witSpelling(id)}\`` : `${kind.kind} \`${def.name}\``;
    switch (kind.kind) {
      case 'type':
        // Aliases and `use`d types are the type they name.
        return this.typeOf(kind.type, where);
      case 'resource':
      case 'handle':
      case 'future':
      case 'stream':
        throw unsupported(describe, where);
      default:
        break;
    }
    const body = this.body(id, def, where);
    const ctype = cTypeOfWit(this.resolve, id);
    const decl =
      def.name === null
        ? this.shared(this.anonymousWords(def, where), body, this.witSpelling(id), ctype)
        : this.add(this.namedWords(def), def.name, def.docs, body, ctype);
    return { kind: 'decl', decl };
  }

  private body(id: TypeId, def: TypeDef, where: string): LegacyDeclBody {
    const kind = def.kind;
    const layout = layoutOf(this.resolve, id);
    switch (kind.kind) {
      case 'record':
        return {
          kind: 'struct',
          fields: kind.fields.map((f) => ({ name: snake(f.name), type: this.typeOf(f.type, where), docs: f.docs })),
        };
      case 'tuple':
        return {
          kind: 'struct',
          fields: kind.types.map((t, i) => ({ name: `f${i}`, type: this.typeOf(t, where), docs: null })),
        };
      case 'list':
        return { kind: 'list', element: this.typeOf(kind.element, where) };
      case 'map': {
        const key = this.typeOf(kind.key, where);
        const value = this.typeOf(kind.value, where);
        const entryBody: LegacyDeclBody = {
          kind: 'struct',
          fields: [
            { name: 'key', type: key, docs: null },
            { name: 'value', type: value, docs: null },
          ],
        };
        const entryWords = ['map', 'entry', ...refWords(key), ...refWords(value)];
        // The entry is the record cabi.ts gives `tuple<K, V>`: a struct of the key's and the value's C types.
        const entryType: CType = {
          kind: 'struct',
          fields: [
            { name: 'key', type: cTypeOfWit(this.resolve, kind.key) },
            { name: 'value', type: cTypeOfWit(this.resolve, kind.value) },
          ],
        };
        const entry = this.shared(entryWords, entryBody, `tuple<${witNameOf(key)}, ${witNameOf(value)}>`, entryType);
        return { kind: 'list', element: { kind: 'decl', decl: entry } };
      }
      case 'fixed-length-list':
        return { kind: 'array', element: this.typeOf(kind.element, where), length: kind.length };
      case 'enum':
        if (layout.kind !== 'variant') throw new LegacyGuestError('LEGACY_OPTION', `enum layout of ${def.name ?? id} is not a variant`);
        return { kind: 'enum', repr: layout.discriminant, cases: kind.cases.map((c) => ({ name: snake(c.name), docs: c.docs })) };
      case 'flags':
        if (layout.kind !== 'flags') throw new LegacyGuestError('LEGACY_OPTION', `flags layout of ${def.name ?? id} is not flags`);
        return {
          kind: 'flags',
          repr: layout.repr,
          words: layout.words,
          flags: kind.flags.map((f) => ({ name: snake(f.name), docs: f.docs })),
        };
      case 'option':
        return {
          kind: 'variant',
          source: 'option',
          tagName: 'is_some',
          tagRepr: 'bool',
          cases: [],
          payload: { kind: 'single', type: this.typeOf(kind.type, where) },
        };
      case 'result': {
        const members: LegacyMember[] = [];
        if (kind.ok !== null) members.push({ name: 'ok', type: this.typeOf(kind.ok, where), docs: null });
        if (kind.err !== null) members.push({ name: 'err', type: this.typeOf(kind.err, where), docs: null });
        return { kind: 'variant', source: 'result', tagName: 'is_err', tagRepr: 'bool', cases: [], payload: this.union(id, members) };
      }
      case 'variant': {
        if (layout.kind !== 'variant') throw new LegacyGuestError('LEGACY_OPTION', `variant layout of ${def.name ?? id} is not a variant`);
        const members: LegacyMember[] = [];
        for (const c of kind.cases) {
          if (c.type !== null) members.push({ name: snake(c.name), type: this.typeOf(c.type, where), docs: c.docs });
        }
        return {
          kind: 'variant',
          source: 'variant',
          tagName: 'tag',
          tagRepr: layout.discriminant,
          cases: kind.cases.map((c) => ({ name: snake(c.name), docs: c.docs })),
          payload: this.union(id, members),
        };
      }
      default:
        throw unsupported(kind.kind, where);
    }
  }

  /** The union of a result's or variant's payloads, with its layout from cabi.ts (member `val` of the C struct). */
  private union(id: TypeId, members: LegacyMember[]): VariantPayload {
    if (members.length === 0) return null;
    const ctype = cTypeOfWit(this.resolve, id);
    const val = ctype.kind === 'struct' ? ctype.fields[1] : undefined;
    if (val === undefined) throw new LegacyGuestError('LEGACY_OPTION', `type id ${id} has no C payload member`);
    return { kind: 'union', members, layout: cLayout(val.type) };
  }

  /** Name words of a named type; qualified by its interface when another type already has the plain name. */
  private namedWords(def: TypeDef): string[] {
    const plain = words(def.name ?? '');
    if (!this.taken.has(plain.join('_'))) return plain;
    const owner = def.owner;
    const iface = owner.kind === 'interface' ? this.resolve.interfaces[owner.id]?.name ?? null : null;
    return iface === null ? plain : [...words(iface), ...plain];
  }

  private anonymousWords(def: TypeDef, where: string): string[] {
    const kind = def.kind;
    switch (kind.kind) {
      case 'list':
        return ['list', ...this.wordsOf(kind.element, where)];
      case 'fixed-length-list':
        return ['array', String(kind.length), ...this.wordsOf(kind.element, where)];
      case 'map':
        return ['map', ...this.wordsOf(kind.key, where), ...this.wordsOf(kind.value, where)];
      case 'option':
        return ['option', ...this.wordsOf(kind.type, where)];
      case 'result':
        return ['result', ...(kind.ok === null ? ['void'] : this.wordsOf(kind.ok, where)), ...(kind.err === null ? ['void'] : this.wordsOf(kind.err, where))];
      case 'tuple':
        return [`tuple${kind.types.length}`, ...kind.types.flatMap((t) => this.wordsOf(t, where))];
      default:
        return words(def.name ?? kind.kind);
    }
  }

  private wordsOf(type: Type, where: string): string[] {
    return refWords(this.typeOf(type, where));
  }

  /** An anonymous declaration, shared by every use of the same shape. */
  private shared(shape: readonly string[], body: LegacyDeclBody, witName: string, ctype: CType): LegacyDecl {
    const name = shape.join('_');
    const existing = this.byShape.get(name);
    if (existing !== undefined) return existing;
    const decl = this.add(shape, witName, null, body, ctype);
    this.byShape.set(name, decl);
    return decl;
  }

  private add(shape: readonly string[], witName: string, docs: string | null, body: LegacyDeclBody, ctype: CType): LegacyDecl {
    const name = shape.join('_');
    const owner = this.taken.get(name);
    if (owner !== undefined) {
      throw new LegacyGuestError(
        'LEGACY_NAME_CLASH',
        `types \`${owner}\` and \`${witName}\` both get the C name \`${name}\`: expected distinct type names in the world's functions`,
      );
    }
    this.taken.set(name, witName);
    const decl: LegacyDecl = { words: shape, witName, docs, body, layout: cLayout(ctype) };
    this.decls.push(decl);
    return decl;
  }

  private witSpelling(id: TypeId): string {
    const def = this.resolve.types[id];
    if (def === undefined) return `type-${id}`;
    if (def.name !== null) return def.name;
    const name = (t: Type | null): string => (t === null ? '_' : typeof t === 'string' ? t : this.witSpelling(t));
    const kind = def.kind;
    switch (kind.kind) {
      case 'list':
        return `list<${name(kind.element)}>`;
      case 'fixed-length-list':
        return `list<${name(kind.element)}, ${kind.length}>`;
      case 'map':
        return `map<${name(kind.key)}, ${name(kind.value)}>`;
      case 'option':
        return `option<${name(kind.type)}>`;
      case 'result':
        return `result<${name(kind.ok)}, ${name(kind.err)}>`;
      case 'tuple':
        return `tuple<${kind.types.map(name).join(', ')}>`;
      case 'handle':
        return `${kind.handle}<${name(kind.resource)}>`;
      case 'future':
      case 'stream':
        return `${kind.kind}<${name(kind.type)}>`;
      default:
        return kind.kind;
    }
  }
}

function refWords(type: LegacyType): string[] {
  return type.kind === 'primitive' ? [type.scalar] : [...type.decl.words];
}

function witNameOf(type: LegacyType): string {
  return type.kind === 'primitive' ? type.scalar : type.decl.witName;
}

