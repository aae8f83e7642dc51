/**
 * WIT types as TypeScript, following jco's value mapping (shared/design.md):
 * which named types the module declares, their names, the type expression
 * of every use site, and the declarations of records, variants, enums,
 * flags and aliases. Resources are declared by resources.ts.
 */
import { isNullableOption } from '../../abi/lift-lower/emit.js';
import { typedArrayName } from '../../abi/lift-lower/scalars.js';
import { layoutOf } from '../../abi/layout.js';
import type { PrimitiveName, Resolve, Type, TypeDef, TypeId } from '../../wit/model.js';
import { camelCase } from '../../abi/lift-lower/js-names.js';
import { TsHostError } from './errors.js';
import { deprecatedDoc } from './functions.js';
import { allocateTypeNames, propertyKey, quote } from './names.js';
import type { TsWriter } from './writer.js';
import { typeChildren } from './world-source.js';

const PRIMITIVES: Record<PrimitiveName, string> = {
  bool: 'boolean',
  u8: 'number',
  u16: 'number',
  u32: 'number',
  s8: 'number',
  s16: 'number',
  s32: 'number',
  f32: 'number',
  f64: 'number',
  u64: 'bigint',
  s64: 'bigint',
  char: 'string',
  string: 'string',
  // An opaque value of the async ABI; witgen's runtime does not hand these out.
  'error-context': 'unknown',
};

export class TypeRenderer {
  /** The TypeScript name of every declared type. */
  readonly names: Map<TypeId, string>;

  /** `reserved`: names the module declares beside the types, which no type may take. */
  constructor(
    readonly resolve: Resolve,
    declared: readonly TypeId[],
    reserved: Iterable<string> = [],
  ) {
    this.names = allocateTypeNames(
      resolve,
      declared.map((id) => ({ id, resource: this.def(id).kind.kind === 'resource' })),
      reserved,
    );
  }

  def(id: TypeId): TypeDef {
    const def = this.resolve.types[id];
    if (def === undefined) throw new TsHostError('TSHOST_MODEL', `type id ${id} is not in the Resolve`);
    return def;
  }

  /** The TypeScript type of a value of WIT type `type`. */
  expr(type: Type): string {
    if (typeof type === 'string') return PRIMITIVES[type];
    const name = this.names.get(type);
    if (name !== undefined) return name;
    const kind = this.def(type).kind;
    switch (kind.kind) {
      case 'type':
        return this.expr(kind.type);
      case 'handle':
        return this.expr(kind.resource);
      case 'tuple':
        return `[${kind.types.map((t) => this.expr(t)).join(', ')}]`;
      case 'option':
        if (this.isNullable(type)) return `${this.expr(kind.type)} | undefined`;
        return `{ tag: 'none' } | { tag: 'some'; val: ${this.expr(kind.type)} }`;
      case 'result':
        return `{ tag: 'ok'; ${this.payload(kind.ok)} } | { tag: 'err'; ${this.payload(kind.err)} }`;
      case 'list': {
        const typed = typedArrayName(layoutOf(this.resolve, kind.element));
        return typed ?? `Array<${this.expr(kind.element)}>`;
      }
      case 'fixed-length-list':
        return `Array<${this.expr(kind.element)}>`;
      case 'map':
        return `Map<${this.expr(kind.key)}, ${this.expr(kind.value)}>`;
      case 'future':
      case 'stream':
        // Handles of the async ABI, which witgen's runtime does not hand out.
        return 'unknown';
      case 'resource':
      case 'record':
      case 'variant':
      case 'enum':
      case 'flags':
        throw new TsHostError('TSHOST_MODEL', `${kind.kind} type id ${type} has no name`);
    }
  }

  /** Whether values of `type` are `T | undefined` (an option that is not nested). */
  isNullable(type: Type): boolean {
    return typeof type === 'number' && isNullableOption(layoutOf(this.resolve, type));
  }

  /** `val: T` of a result case; a case without payload reads `val` as undefined and may omit it. */
  private payload(type: Type | null): string {
    return type === null ? 'val?: undefined' : `val: ${this.expr(type)}`;
  }

  /** `{ ok, err }` when `type` is (an alias of) a result type, else null. */
  resultOf(type: Type | null): { ok: Type | null; err: Type | null } | null {
    if (type === null || typeof type === 'string') return null;
    const kind = this.def(type).kind;
    if (kind.kind === 'type') return this.resultOf(kind.type);
    return kind.kind === 'result' ? { ok: kind.ok, err: kind.err } : null;
  }

  /** Writes the declaration of named type `id` (not a resource). */
  declare(id: TypeId, out: TsWriter): void {
    const def = this.def(id);
    const name = this.names.get(id) ?? this.expr(id);
    const kind = def.kind;
    switch (kind.kind) {
      case 'record':
        out.doc(def.docs, deprecatedDoc(def.stability));
        out.block(`export interface ${name} {`, () => {
          for (const field of kind.fields) {
            out.doc(field.docs);
            // An `option` field may be left out (jco's convention; the runtime reads a missing field as none).
            const optional = this.isNullable(field.type) ? '?' : '';
            out.line(`${propertyKey(camelCase(field.name))}${optional}: ${this.expr(field.type)};`);
          }
        }, '}');
        return;
      case 'variant': {
        const caseDocs = kind.cases.map((c) => `- \`${c.name}\`${c.docs === null ? '' : `: ${oneLine(c.docs)}`}`);
        out.doc(def.docs, kind.cases.some((c) => c.docs !== null) ? caseDocs.join('\n') : null, deprecatedDoc(def.stability));
        if (kind.cases.length === 0) {
          out.line(`export type ${name} = never;`);
          return;
        }
        out.line(`export type ${name} =`);
        kind.cases.forEach((c, i) => {
          const payload = c.type === null ? '' : `; val: ${this.expr(c.type)}`;
          const end = i === kind.cases.length - 1 ? ';' : '';
          out.line(`  | { tag: ${quote(c.name)}${payload} }${end}`);
        });
        return;
      }
      case 'enum': {
        const caseDocs = kind.cases.map((c) => `- \`${c.name}\`${c.docs === null ? '' : `: ${oneLine(c.docs)}`}`);
        out.doc(def.docs, kind.cases.some((c) => c.docs !== null) ? caseDocs.join('\n') : null, deprecatedDoc(def.stability));
        const union = kind.cases.map((c) => quote(c.name)).join(' | ');
        out.line(`export type ${name} = ${union === '' ? 'never' : union};`);
        return;
      }
      case 'flags':
        out.doc(def.docs, 'A flag left out counts as unset.', deprecatedDoc(def.stability));
        out.block(`export interface ${name} {`, () => {
          for (const flag of kind.flags) {
            out.doc(flag.docs);
            out.line(`${propertyKey(camelCase(flag.name))}?: boolean;`);
          }
        }, '}');
        return;
      case 'resource':
        throw new TsHostError('TSHOST_MODEL', `resource \`${def.name ?? id}\` is declared by the resource writer`);
      default:
        out.doc(def.docs, deprecatedDoc(def.stability));
        out.line(`export type ${name} = ${this.structure(id)};`);
    }
  }

  /** The right-hand side of an alias or a named anonymous structure (not its own name). */
  private structure(id: TypeId): string {
    const saved = this.names.get(id);
    if (saved === undefined) return this.expr(id);
    this.names.delete(id);
    try {
      return this.expr(id);
    } finally {
      this.names.set(id, saved);
    }
  }
}

function oneLine(text: string): string {
  return text.trim().split('\n').map((l) => l.trim()).join(' ');
}

/**
 * Whether `def` is a `use` of another interface's (or the world's) type:
 * such an alias gets no declaration of its own; uses refer to the original.
 */
export function isUse(resolve: Resolve, def: TypeDef): boolean {
  if (def.kind.kind !== 'type' || typeof def.kind.type !== 'number') return false;
  const target = resolve.types[def.kind.type];
  if (target === undefined || target.name === null) return false;
  const a = def.owner;
  const b = target.owner;
  return !(a.kind === b.kind && (a.kind === 'none' || (b.kind !== 'none' && a.id === b.id)));
}

/** Whether type `id` gets a declaration: it has a name and is not a `use`. */
export function isDeclared(resolve: Resolve, id: TypeId): boolean {
  const def = resolve.types[id];
  return def !== undefined && def.name !== null && !isUse(resolve, def);
}

/** Every declared type reachable from `roots`, in first-reached order. */
export function reachableDeclared(resolve: Resolve, roots: Iterable<Type>): TypeId[] {
  const seen = new Set<TypeId>();
  const out: TypeId[] = [];
  const visit = (type: Type): void => {
    if (typeof type === 'string' || seen.has(type)) return;
    seen.add(type);
    const def = resolve.types[type];
    if (def === undefined) return;
    if (isDeclared(resolve, type)) out.push(type);
    typeChildren(def).forEach(visit);
  };
  for (const root of roots) visit(root);
  return out;
}
