/**
 * Canonical ABI memory layout of WIT types (CanonicalABI.md: `despecialize`,
 * `alignment`, `elem_size`, `discriminant_type`).
 *
 * `layoutOf(resolve, type)` turns a WIT type into a `Layout` tree: every node
 * carries its size and alignment, records carry field offsets and variants
 * their discriminant and payload offset. Specialized types are already
 * despecialized (tuple → record, enum/option/result → variant, map → list of
 * key/value records); `source` says which WIT kind a node came from so
 * consumers that care about the JS or C value shape can still tell.
 *
 * Layouts of type definitions are memoised per Resolve and TypeId, so every
 * consumer (flattening, signatures, lift/lower, C glue) shares one tree.
 */
import type { PrimitiveName, Resolve, Type, TypeDef, TypeId } from '../wit/model.js';
import { AbiError } from './errors.js';

/** Scalar values stored inline in memory. */
export type ScalarKind =
  | 'bool'
  | 'u8'
  | 's8'
  | 'u16'
  | 's16'
  | 'u32'
  | 's32'
  | 'u64'
  | 's64'
  | 'f32'
  | 'f64'
  | 'char';

/** Unsigned integer widths used for discriminants and flag words. */
export type UintRepr = 'u8' | 'u16' | 'u32';

/** Values represented by a 32-bit table index. */
export type HandleKind = 'own' | 'borrow' | 'stream' | 'future' | 'error-context';

/** Which WIT construct a despecialized layout node stands for. */
export type RecordSource = 'record' | 'tuple' | 'map-entry';
export type VariantSource = 'variant' | 'enum' | 'option' | 'result';
export type ListSource = 'list' | 'map';

export interface ScalarLayout {
  readonly kind: 'scalar';
  readonly scalar: ScalarKind;
  readonly size: number;
  readonly align: number;
}

export interface StringLayout {
  readonly kind: 'string';
  readonly size: 8;
  readonly align: 4;
}

/** A (pointer, length) pair pointing at `length` elements of `element`. */
export interface ListLayout {
  readonly kind: 'list';
  readonly source: ListSource;
  readonly element: Layout;
  readonly size: 8;
  readonly align: 4;
}

/** `list<T, N>`: N elements stored inline. */
export interface FixedListLayout {
  readonly kind: 'fixed-list';
  readonly element: Layout;
  readonly length: number;
  readonly size: number;
  readonly align: number;
}

export interface FieldLayout {
  /** Field name; tuple elements and map entries are named `0`, `1`, ... */
  readonly name: string;
  readonly type: Type;
  readonly offset: number;
  readonly layout: Layout;
}

export interface RecordLayout {
  readonly kind: 'record';
  readonly source: RecordSource;
  readonly fields: readonly FieldLayout[];
  readonly size: number;
  readonly align: number;
}

export interface CaseLayout {
  /** Case name; option cases are `none`/`some`, result cases `ok`/`error`. */
  readonly name: string;
  readonly type: Type | null;
  readonly layout: Layout | null;
}

export interface VariantLayout {
  readonly kind: 'variant';
  readonly source: VariantSource;
  readonly discriminant: UintRepr;
  /** Offset of the payload from the start of the variant. */
  readonly payloadOffset: number;
  readonly cases: readonly CaseLayout[];
  readonly size: number;
  readonly align: number;
}

/**
 * Flags are stored as one u8 (≤ 8 flags), one u16 (≤ 16) or as many u32
 * words as needed (wit-parser's representation; the spec caps flags at 32,
 * where both agree).
 */
export interface FlagsLayout {
  readonly kind: 'flags';
  readonly names: readonly string[];
  readonly repr: UintRepr;
  /** Number of `repr` words (1 unless repr is u32 and there are > 32 flags; 0 for no flags). */
  readonly words: number;
  readonly size: number;
  readonly align: number;
}

export interface HandleLayout {
  readonly kind: 'handle';
  readonly handle: HandleKind;
  /** The resource (own/borrow) or payload type (stream/future); null otherwise. */
  readonly target: Type | null;
  readonly size: 4;
  readonly align: 4;
}

export type Layout =
  | ScalarLayout
  | StringLayout
  | ListLayout
  | FixedListLayout
  | RecordLayout
  | VariantLayout
  | FlagsLayout
  | HandleLayout;

const SCALAR_SIZES: Readonly<Record<ScalarKind, number>> = {
  bool: 1,
  u8: 1,
  s8: 1,
  u16: 2,
  s16: 2,
  u32: 4,
  s32: 4,
  u64: 8,
  s64: 8,
  f32: 4,
  f64: 8,
  char: 4,
};

/** Size in bytes of a scalar; scalars are aligned to their size. */
export function scalarSize(kind: ScalarKind): number {
  return SCALAR_SIZES[kind];
}

const SCALAR_LAYOUTS = new Map<ScalarKind, ScalarLayout>(
  (Object.keys(SCALAR_SIZES) as ScalarKind[]).map((scalar) => [
    scalar,
    { kind: 'scalar', scalar, size: SCALAR_SIZES[scalar], align: SCALAR_SIZES[scalar] },
  ]),
);

const STRING_LAYOUT: StringLayout = { kind: 'string', size: 8, align: 4 };
const ERROR_CONTEXT_LAYOUT: HandleLayout = {
  kind: 'handle',
  handle: 'error-context',
  target: null,
  size: 4,
  align: 4,
};

export function scalarLayout(kind: ScalarKind): ScalarLayout {
  const layout = SCALAR_LAYOUTS.get(kind);
  if (layout === undefined) throw new AbiError('ABI_UNKNOWN_TYPE', `unknown scalar \`${kind}\``);
  return layout;
}

/** Rounds `offset` up to a multiple of `align` (a power of two). */
export function alignTo(offset: number, align: number): number {
  return Math.ceil(offset / align) * align;
}

/** The smallest unsigned integer that can number `count` cases (spec `discriminant_type`). */
export function discriminantRepr(count: number): UintRepr {
  if (count <= 0x100) return 'u8';
  if (count <= 0x10000) return 'u16';
  return 'u32';
}

export function uintSize(repr: UintRepr): number {
  return repr === 'u8' ? 1 : repr === 'u16' ? 2 : 4;
}

function primitiveLayout(name: PrimitiveName): Layout {
  switch (name) {
    case 'string':
      return STRING_LAYOUT;
    case 'error-context':
      return ERROR_CONTEXT_LAYOUT;
    default:
      return scalarLayout(name);
  }
}

const memo = new WeakMap<Resolve, Map<TypeId, Layout>>();

/** The layout of `type` in `resolve`; type definitions are memoised per Resolve. */
export function layoutOf(resolve: Resolve, type: Type): Layout {
  if (typeof type === 'string') return primitiveLayout(type);
  let cache = memo.get(resolve);
  if (cache === undefined) {
    cache = new Map();
    memo.set(resolve, cache);
  }
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const layout = computeLayout(resolve, type, typeDef(resolve, type));
  cache.set(type, layout);
  return layout;
}

/** Looks up a TypeDef, with a typed error for ids outside the arena. */
export function typeDef(resolve: Resolve, id: TypeId): TypeDef {
  const def = resolve.types[id];
  if (def === undefined) throw new AbiError('ABI_UNKNOWN_TYPE', `type id ${id} is not in the Resolve`);
  return def;
}

function computeLayout(resolve: Resolve, id: TypeId, def: TypeDef): Layout {
  const kind = def.kind;
  switch (kind.kind) {
    case 'type':
      return layoutOf(resolve, kind.type);
    case 'record':
      return recordLayout(
        resolve,
        'record',
        kind.fields.map((f) => ({ name: f.name, type: f.type })),
      );
    case 'tuple':
      return recordLayout(
        resolve,
        'tuple',
        kind.types.map((type, i) => ({ name: String(i), type })),
      );
    case 'flags':
      return flagsLayout(kind.flags.map((f) => f.name));
    case 'enum':
      return variantLayout(
        resolve,
        'enum',
        kind.cases.map((c) => ({ name: c.name, type: null })),
      );
    case 'variant':
      return variantLayout(
        resolve,
        'variant',
        kind.cases.map((c) => ({ name: c.name, type: c.type })),
      );
    case 'option':
      return variantLayout(resolve, 'option', [
        { name: 'none', type: null },
        { name: 'some', type: kind.type },
      ]);
    case 'result':
      return variantLayout(resolve, 'result', [
        { name: 'ok', type: kind.ok },
        { name: 'error', type: kind.err },
      ]);
    case 'list':
      return { kind: 'list', source: 'list', element: layoutOf(resolve, kind.element), size: 8, align: 4 };
    case 'map':
      // A map is lowered exactly like list<tuple<K, V>>.
      return {
        kind: 'list',
        source: 'map',
        element: recordLayout(resolve, 'map-entry', [
          { name: '0', type: kind.key },
          { name: '1', type: kind.value },
        ]),
        size: 8,
        align: 4,
      };
    case 'fixed-length-list': {
      const element = layoutOf(resolve, kind.element);
      return {
        kind: 'fixed-list',
        element,
        length: kind.length,
        size: element.size * kind.length,
        align: element.align,
      };
    }
    case 'handle':
      return { kind: 'handle', handle: kind.handle, target: kind.resource, size: 4, align: 4 };
    case 'resource':
      // WIT spells `own<r>` as plain `r`; a model pointing at the resource
      // itself from a value position means the owned handle.
      return { kind: 'handle', handle: 'own', target: id, size: 4, align: 4 };
    case 'future':
    case 'stream':
      return { kind: 'handle', handle: kind.kind, target: kind.type, size: 4, align: 4 };
  }
}

/** Lays fields out in order, each at the next offset aligned for it (spec `elem_size_record`). */
export function recordLayout(
  resolve: Resolve,
  source: RecordSource,
  fields: readonly { name: string; type: Type }[],
): RecordLayout {
  let offset = 0;
  let align = 1;
  const placed: FieldLayout[] = [];
  for (const field of fields) {
    const layout = layoutOf(resolve, field.type);
    offset = alignTo(offset, layout.align);
    placed.push({ name: field.name, type: field.type, offset, layout });
    offset += layout.size;
    align = Math.max(align, layout.align);
  }
  return { kind: 'record', source, fields: placed, size: alignTo(offset, align), align };
}

/** Discriminant first, then the payload at the largest case alignment (spec `elem_size_variant`). */
export function variantLayout(
  resolve: Resolve,
  source: VariantSource,
  cases: readonly { name: string; type: Type | null }[],
): VariantLayout {
  const discriminant = discriminantRepr(cases.length);
  const discriminantSize = uintSize(discriminant);
  let caseAlign = 1;
  let caseSize = 0;
  const laid: CaseLayout[] = cases.map((c) => {
    const layout = c.type === null ? null : layoutOf(resolve, c.type);
    if (layout !== null) {
      caseAlign = Math.max(caseAlign, layout.align);
      caseSize = Math.max(caseSize, layout.size);
    }
    return { name: c.name, type: c.type, layout };
  });
  const align = Math.max(discriminantSize, caseAlign);
  const payloadOffset = alignTo(discriminantSize, caseAlign);
  return {
    kind: 'variant',
    source,
    discriminant,
    payloadOffset,
    cases: laid,
    size: alignTo(payloadOffset + caseSize, align),
    align,
  };
}

export function flagsLayout(names: readonly string[]): FlagsLayout {
  const count = names.length;
  // The spec forbids empty flags; wit-parser accepts them as zero u32 words.
  if (count === 0) return { kind: 'flags', names, repr: 'u32', words: 0, size: 0, align: 4 };
  if (count <= 8) return { kind: 'flags', names, repr: 'u8', words: 1, size: 1, align: 1 };
  if (count <= 16) return { kind: 'flags', names, repr: 'u16', words: 1, size: 2, align: 2 };
  const words = Math.ceil(count / 32);
  return { kind: 'flags', names, repr: 'u32', words, size: 4 * words, align: 4 };
}

/** Size and alignment only, for callers that do not need the tree. */
export function sizeAlign(resolve: Resolve, type: Type): { size: number; align: number } {
  const { size, align } = layoutOf(resolve, type);
  return { size, align };
}
