/**
 * The C ABI of wasm32 (WebAssembly tool-conventions, BasicCABI.md) as clang
 * implements it: C struct layout, and how C function parameters and results
 * map onto core wasm values. Legacy `extern "C"` modules are linked with it.
 *
 * - Scalars up to 32 bits (and pointers) travel as i32, extended by the
 *   caller (params) or callee (results) when narrower; 64-bit integers as
 *   i64; float/double as f32/f64; 128-bit values (`long double`, `__int128`)
 *   as two i64 params and are returned through memory.
 * - Aggregates (struct, union, array inside a struct): empty ones are not
 *   passed at all; a "singleton" aggregate (exactly one scalar, possibly
 *   nested, no padding) travels as that scalar; any other aggregate is passed
 *   as a pointer to a caller-owned copy, and returned through a caller-
 *   provided pointer (`sret`) passed as the first parameter.
 */
import type { Resolve, Type } from '../wit/model.js';
import type { CoreType } from './core-types.js';
import { alignTo, layoutOf, scalarSize, type Layout, type ScalarKind, type UintRepr } from './layout.js';

export type CScalar =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float'
  | 'double'
  | 'pointer'
  | 'int128'
  | 'uint128'
  | 'long double';

/** C spellings on wasm32 (`long` and `size_t` are 32-bit) and their scalar kind. */
export const C_SCALAR_NAMES: ReadonlyMap<string, CScalar> = new Map<string, CScalar>([
  ['_Bool', 'bool'],
  ['bool', 'bool'],
  ['char', 'int8'],
  ['signed char', 'int8'],
  ['unsigned char', 'uint8'],
  ['short', 'int16'],
  ['unsigned short', 'uint16'],
  ['int', 'int32'],
  ['unsigned int', 'uint32'],
  ['long', 'int32'],
  ['unsigned long', 'uint32'],
  ['long long', 'int64'],
  ['unsigned long long', 'uint64'],
  ['size_t', 'uint32'],
  ['ssize_t', 'int32'],
  ['ptrdiff_t', 'int32'],
  ['intptr_t', 'int32'],
  ['uintptr_t', 'uint32'],
  ['int8_t', 'int8'],
  ['uint8_t', 'uint8'],
  ['int16_t', 'int16'],
  ['uint16_t', 'uint16'],
  ['int32_t', 'int32'],
  ['uint32_t', 'uint32'],
  ['int64_t', 'int64'],
  ['uint64_t', 'uint64'],
  ['float', 'float'],
  ['double', 'double'],
  ['long double', 'long double'],
  ['__int128', 'int128'],
  ['unsigned __int128', 'uint128'],
]);

export type CType =
  | { readonly kind: 'scalar'; readonly scalar: CScalar }
  | { readonly kind: 'struct'; readonly fields: readonly CMember[] }
  | { readonly kind: 'union'; readonly members: readonly CMember[] }
  | { readonly kind: 'array'; readonly element: CType; readonly length: number };

export interface CMember {
  readonly name: string;
  readonly type: CType;
}

export interface CLayout {
  readonly size: number;
  readonly align: number;
  /** Offsets of struct fields (0 for every union member), in declaration order. */
  readonly offsets: readonly number[];
}

/** The canonical ABI's scalar table is the C one for the types both have. */
const CANONICAL_OF: Partial<Record<CScalar, ScalarKind>> = {
  bool: 'bool',
  int8: 's8',
  uint8: 'u8',
  int16: 's16',
  uint16: 'u16',
  int32: 's32',
  uint32: 'u32',
  int64: 's64',
  uint64: 'u64',
  float: 'f32',
  double: 'f64',
  pointer: 'u32',
};

export function cScalarSize(scalar: CScalar): number {
  const canonical = CANONICAL_OF[scalar];
  return canonical === undefined ? 16 : scalarSize(canonical);
}

export function cScalar(scalar: CScalar): CType {
  return { kind: 'scalar', scalar };
}

/** Size, alignment and member offsets with C rules (no packing, no bit-fields). */
export function cLayout(type: CType): CLayout {
  switch (type.kind) {
    case 'scalar': {
      const size = cScalarSize(type.scalar);
      return { size, align: size, offsets: [] };
    }
    case 'array': {
      const element = cLayout(type.element);
      return { size: element.size * type.length, align: element.align, offsets: [] };
    }
    case 'struct': {
      let offset = 0;
      let align = 1;
      const offsets = type.fields.map((field) => {
        const layout = cLayout(field.type);
        offset = alignTo(offset, layout.align);
        const at = offset;
        offset += layout.size;
        align = Math.max(align, layout.align);
        return at;
      });
      return { size: alignTo(offset, align), align, offsets };
    }
    case 'union': {
      let size = 0;
      let align = 1;
      for (const member of type.members) {
        const layout = cLayout(member.type);
        size = Math.max(size, layout.size);
        align = Math.max(align, layout.align);
      }
      return { size: alignTo(size, align), align, offsets: type.members.map(() => 0) };
    }
  }
}

/** An aggregate with no storage: passed and returned as nothing. */
function isEmpty(type: CType): boolean {
  switch (type.kind) {
    case 'scalar':
      return false;
    case 'array':
      return type.length === 0 || isEmpty(type.element);
    case 'struct':
      return type.fields.every((f) => isEmpty(f.type));
    case 'union':
      return type.members.every((m) => isEmpty(m.type));
  }
}

/** The single scalar an aggregate wraps, ignoring empty members and one-element arrays; null if none. */
export function singletonScalar(type: CType): CScalar | null {
  const found = findSingle(type);
  if (found === null || found === 'many') return null;
  // Padding disqualifies: the wrapper must be exactly as large as its scalar.
  return cScalarSize(found) === cLayout(type).size ? found : null;
}

function findSingle(type: CType): CScalar | 'many' | null {
  switch (type.kind) {
    case 'scalar':
      return type.scalar;
    case 'array':
      return type.length === 1 ? findSingle(type.element) : isEmpty(type) ? null : 'many';
    case 'struct':
    case 'union': {
      let found: CScalar | null = null;
      for (const member of type.kind === 'struct' ? type.fields : type.members) {
        if (isEmpty(member.type)) continue;
        const inner = findSingle(member.type);
        if (inner === 'many' || found !== null) return 'many';
        found = inner;
      }
      return found;
    }
  }
}

/** How one C parameter or result crosses the wasm boundary. */
export type CPassing =
  /** Core values, with the extension a narrow integer gets (`none` for ≥ 32 bits and floats). */
  | { readonly kind: 'direct'; readonly core: readonly CoreType[]; readonly extend: 'sign' | 'zero' | 'none' }
  /** A pointer (i32) to a copy of the value in linear memory. */
  | { readonly kind: 'indirect' }
  /** Not passed at all (empty aggregate, or `void`). */
  | { readonly kind: 'ignore' };

function scalarPassing(scalar: CScalar): CPassing {
  switch (scalar) {
    case 'int8':
    case 'int16':
      return { kind: 'direct', core: ['i32'], extend: 'sign' };
    case 'bool':
    case 'uint8':
    case 'uint16':
      return { kind: 'direct', core: ['i32'], extend: 'zero' };
    case 'int32':
    case 'uint32':
    case 'pointer':
      return { kind: 'direct', core: ['i32'], extend: 'none' };
    case 'int64':
    case 'uint64':
      return { kind: 'direct', core: ['i64'], extend: 'none' };
    case 'float':
      return { kind: 'direct', core: ['f32'], extend: 'none' };
    case 'double':
      return { kind: 'direct', core: ['f64'], extend: 'none' };
    case 'int128':
    case 'uint128':
    case 'long double':
      return { kind: 'direct', core: ['i64', 'i64'], extend: 'none' };
  }
}

export function cParamPassing(type: CType): CPassing {
  if (type.kind === 'scalar') return scalarPassing(type.scalar);
  if (isEmpty(type)) return { kind: 'ignore' };
  const single = singletonScalar(type);
  return single === null ? { kind: 'indirect' } : scalarPassing(single);
}

export function cResultPassing(type: CType | null): CPassing {
  if (type === null) return { kind: 'ignore' };
  if (type.kind !== 'scalar') {
    if (isEmpty(type)) return { kind: 'ignore' };
    const single = singletonScalar(type);
    return single === null ? { kind: 'indirect' } : cResultPassing(cScalar(single));
  }
  const passing = scalarPassing(type.scalar);
  // A 128-bit result does not fit one core value: it is returned through memory.
  return passing.kind === 'direct' && passing.core.length > 1 ? { kind: 'indirect' } : passing;
}

export interface CFunctionAbi {
  readonly params: readonly CoreType[];
  readonly results: readonly CoreType[];
  readonly paramPassing: readonly CPassing[];
  readonly resultPassing: CPassing;
  /** The result is written through a pointer passed as the first parameter. */
  readonly sret: boolean;
}

/** The core signature of a C function `result f(params...)` on wasm32; `null` result is `void`. */
export function cFunctionAbi(params: readonly CType[], result: CType | null): CFunctionAbi {
  const resultPassing = cResultPassing(result);
  const sret = resultPassing.kind === 'indirect';
  const paramPassing = params.map(cParamPassing);
  const core: CoreType[] = sret ? ['i32'] : [];
  for (const p of paramPassing) {
    if (p.kind === 'direct') core.push(...p.core);
    else if (p.kind === 'indirect') core.push('i32');
  }
  const results = resultPassing.kind === 'direct' ? [...resultPassing.core] : [];
  return { params: core, results, paramPassing, resultPassing, sret };
}

/**
 * The C type wit-bindgen's C generator uses for a WIT type: records and
 * tuples as structs, strings and lists as `{ ptr, len }`, options as
 * `{ bool is_some; T val; }`, results as `{ bool is_err; union { ok; err } val; }`,
 * variants as `{ tag; union val; }`, enums and flags as unsigned integers
 * (flags over 32 as an array of uint32), handles as a struct around an int32.
 * Its C layout equals the canonical ABI layout of the WIT type.
 */
export function cTypeOfWit(resolve: Resolve, type: Type): CType {
  return cTypeOfLayout(layoutOf(resolve, type));
}

const UINT_SCALAR: Readonly<Record<UintRepr, CScalar>> = { u8: 'uint8', u16: 'uint16', u32: 'uint32' };

const WIT_SCALAR: Readonly<Record<ScalarKind, CScalar>> = {
  bool: 'bool',
  u8: 'uint8',
  s8: 'int8',
  u16: 'uint16',
  s16: 'int16',
  u32: 'uint32',
  s32: 'int32',
  u64: 'uint64',
  s64: 'int64',
  f32: 'float',
  f64: 'double',
  char: 'uint32',
};

const PTR_LEN: CType = {
  kind: 'struct',
  fields: [
    { name: 'ptr', type: cScalar('pointer') },
    { name: 'len', type: cScalar('uint32') },
  ],
};

function cTypeOfLayout(layout: Layout): CType {
  switch (layout.kind) {
    case 'scalar':
      return cScalar(WIT_SCALAR[layout.scalar]);
    case 'string':
    case 'list':
      return PTR_LEN;
    case 'fixed-list':
      return { kind: 'array', element: cTypeOfLayout(layout.element), length: layout.length };
    case 'handle':
      return { kind: 'struct', fields: [{ name: '__handle', type: cScalar('int32') }] };
    case 'flags':
      if (layout.words === 1) return cScalar(UINT_SCALAR[layout.repr]);
      return {
        kind: 'struct',
        fields: [{ name: 'flags', type: { kind: 'array', element: cScalar('uint32'), length: layout.words } }],
      };
    case 'record':
      return {
        kind: 'struct',
        fields: layout.fields.map((f) => ({
          name: layout.source === 'record' ? f.name : `f${f.name}`,
          type: cTypeOfLayout(f.layout),
        })),
      };
    case 'variant': {
      const payloads = layout.cases.flatMap((c) =>
        c.layout === null ? [] : [{ name: c.name, type: cTypeOfLayout(c.layout) }],
      );
      if (layout.source === 'enum') return cScalar(UINT_SCALAR[layout.discriminant]);
      const tagName = layout.source === 'option' ? 'is_some' : layout.source === 'result' ? 'is_err' : 'tag';
      const tag: CMember = {
        name: tagName,
        type: cScalar(layout.source === 'variant' ? UINT_SCALAR[layout.discriminant] : 'bool'),
      };
      if (payloads.length === 0) return { kind: 'struct', fields: [tag] };
      const first = payloads[0];
      const val: CType =
        layout.source === 'option' && first !== undefined ? first.type : { kind: 'union', members: payloads };
      return { kind: 'struct', fields: [tag, { name: 'val', type: val }] };
    }
  }
}
