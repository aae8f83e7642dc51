/**
 * Struct codecs: read, write and live views of C data in guest memory.
 *
 * A codec is built from a C type (src/abi/cabi.ts's `CType`), whose size,
 * alignment and field offsets come from `cLayout` — this module never
 * computes a layout itself. `witCodec` builds one from a WIT type through
 * `cTypeOfWit`, i.e. with the wasm32 C layout wit-bindgen's C generator uses.
 *
 * - `read` copies a value out (plain objects, numbers, bigints, booleans,
 *   Uint8Array for byte arrays such as `char name[16]` / `list<u8, 16>`).
 * - `write` stores a value.
 * - `view` returns a live object: each property access reads or writes
 *   memory through GuestMemory, so views stay correct after `memory.grow` and
 *   see the guest's own writes. Helper members start with `$`, which no WIT
 *   identifier (camelCased) can, so they never clash with field names.
 * - Pointers stored in memory (u32 fields, C `T *`) are followed with
 *   `$deref(field, codec)` or `ref.deref(codec)`, which check bounds and NULL.
 */
import { cLayout, cTypeOfWit, type CScalar, type CType } from '../../abi/cabi.js';
import { camelCase } from '../../abi/lift-lower/js-names.js';
import type { Resolve, Type, TypeId } from '../../wit/model.js';
import { MemoryAccessError } from './memory-errors.js';
import { checkAddress, checkInt, describe, type GuestMemory } from './memory.js';

/** A value as `read` returns it and `write` accepts it. */
export type CValue = number | bigint | boolean | Uint8Array | readonly CValue[] | { readonly [field: string]: CValue };

export interface Codec<T = CValue, V = unknown> {
  readonly size: number;
  readonly align: number;
  read(memory: GuestMemory, address: number): T;
  write(memory: GuestMemory, address: number, value: T): void;
  /** A live view at `address` (the whole value must lie inside memory). */
  view(memory: GuestMemory, address: number): V;
}

/** A live scalar: `get`/`set` touch memory on every call. */
export interface Ref<T> {
  readonly address: number;
  get(): T;
  set(value: T): void;
}

/** A live 32-bit value that may be a guest pointer. */
export interface PointerRef extends Ref<number> {
  /** The view of what the stored pointer points at; NULL (0) is an error. */
  deref<V>(codec: Codec<unknown, V>): V;
  /** `count` consecutive values starting where the stored pointer points. */
  derefArray<T, V>(codec: Codec<T, V>, count: number): ArrayView<T, V>;
}

/** A live fixed-size byte array (`char name[16]`, `list<u8, 16>`). */
export interface BytesView {
  readonly address: number;
  readonly length: number;
  /** A copy of the bytes. */
  get(): Uint8Array;
  /** Writes `bytes` and zero-fills the rest; longer input is an error. */
  set(bytes: Uint8Array): void;
  /** The NUL-terminated UTF-8 string inside the array (the NUL must lie within it). */
  cString(): string;
  /** Writes `text` plus a NUL (must fit) and zero-fills the rest. */
  setCString(text: string): void;
}

/** A live array of values of one codec. */
export interface ArrayView<T, V> {
  readonly address: number;
  readonly length: number;
  /** The live view of element `index`. */
  at(index: number): V;
  get(index: number): T;
  set(index: number, value: T): void;
  /** A copy of all elements. */
  read(): T[];
}

/** Members every struct view has next to its field properties. */
export interface StructViewMembers {
  readonly $address: number;
  readonly $codec: StructCodec;
  /** The live view of one field (a Ref, PointerRef, BytesView, ArrayView or StructView). */
  $field(name: string): unknown;
  /** Follows the pointer stored in field `name` (a u32 / pointer field) to a view of `codec`. */
  $deref<V>(name: string, codec: Codec<unknown, V>): V;
  /** Follows the pointer in field `name` to `count` consecutive values of `codec`. */
  $derefArray<T, V>(name: string, codec: Codec<T, V>, count: number): ArrayView<T, V>;
  /** A copy of the whole struct. */
  $read(): { [field: string]: CValue };
  $write(value: { readonly [field: string]: CValue }): void;
}

/** A live struct: one getter/setter property per field (camelCase names) plus `$` members. */
export type StructView<T extends object = { [field: string]: CValue }> = T & StructViewMembers;

export interface StructField {
  /** The JavaScript property name (camelCase of the WIT/C name). */
  readonly name: string;
  /** The name as written in the C type (WIT field names are kebab-case). */
  readonly sourceName: string;
  readonly offset: number;
  /** A 32-bit unsigned field (C pointer or WIT u32) that `$deref` may follow. */
  readonly pointer: boolean;
  readonly codec: Codec<CValue, unknown>;
}

/** Field values of a struct as `read` returns them. */
export type StructFields = { [field: string]: CValue };

/**
 * `T` types the live view's properties (e.g. `recordCodec<{ age: number }>(...)`);
 * the codec cannot check it against the WIT type at compile time.
 */
export interface StructCodec<T extends object = StructFields> extends Codec<StructFields, StructView<T>> {
  readonly fields: readonly StructField[];
  field(name: string): StructField;
}

export type StructCodecErrorCode =
  /** No type of that name in the Resolve. */
  | 'STRUCT_UNKNOWN_TYPE'
  /** Several types share the name; pass the type id instead. */
  | 'STRUCT_AMBIGUOUS_TYPE'
  /** The WIT type is not a record (after following aliases). */
  | 'STRUCT_NOT_A_RECORD';

export class StructCodecError extends Error {
  override readonly name = 'StructCodecError';
  readonly code: StructCodecErrorCode;

  constructor(code: StructCodecErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

// ---- scalars ----

interface ScalarAccess<T> {
  read(memory: GuestMemory, address: number): T;
  write(memory: GuestMemory, address: number, value: T): void;
}

const SCALAR_ACCESS: { readonly [K in CScalar]?: ScalarAccess<CValue> } = {
  bool: {
    read: (m, a) => m.readU8(a) !== 0,
    write: (m, a, v) => {
      if (typeof v !== 'boolean') {
        throw new MemoryAccessError('MEMORY_INVALID_VALUE', `cannot store ${describe(v)} as bool: expected a boolean`);
      }
      m.writeU8(a, v ? 1 : 0);
    },
  },
  int8: { read: (m, a) => m.readI8(a), write: (m, a, v) => m.writeI8(a, v as number) },
  uint8: { read: (m, a) => m.readU8(a), write: (m, a, v) => m.writeU8(a, v as number) },
  int16: { read: (m, a) => m.readI16(a), write: (m, a, v) => m.writeI16(a, v as number) },
  uint16: { read: (m, a) => m.readU16(a), write: (m, a, v) => m.writeU16(a, v as number) },
  int32: { read: (m, a) => m.readI32(a), write: (m, a, v) => m.writeI32(a, v as number) },
  uint32: { read: (m, a) => m.readU32(a), write: (m, a, v) => m.writeU32(a, v as number) },
  pointer: { read: (m, a) => m.readPointer(a), write: (m, a, v) => m.writePointer(a, v as number) },
  int64: { read: (m, a) => m.readI64(a), write: (m, a, v) => m.writeI64(a, v as bigint) },
  uint64: { read: (m, a) => m.readU64(a), write: (m, a, v) => m.writeU64(a, v as bigint) },
  float: { read: (m, a) => m.readF32(a), write: (m, a, v) => m.writeF32(a, v as number) },
  double: { read: (m, a) => m.readF64(a), write: (m, a, v) => m.writeF64(a, v as number) },
};

/** A codec for one C scalar; 32-bit unsigned ones (and pointers) give PointerRef views. */
export function scalarCodec(scalar: CScalar): Codec<CValue, Ref<CValue>> {
  const access = SCALAR_ACCESS[scalar];
  const { size, align } = cLayout({ kind: 'scalar', scalar });
  // 128-bit scalars never come from WIT; they are carried as their 16 raw bytes.
  if (access === undefined) return bytesCodec(size, align) as unknown as Codec<CValue, Ref<CValue>>;
  const pointerLike = scalar === 'pointer' || scalar === 'uint32';
  return {
    size,
    align,
    read: access.read,
    write: access.write,
    view(memory, address) {
      const at = memory.check(address, size, `${scalar} view`);
      if (pointerLike) return pointerRef(memory, at);
      return { address: at, get: () => access.read(memory, at), set: (value) => access.write(memory, at, value) };
    },
  };
}

function followPointer(memory: GuestMemory, pointer: number, what: string): number {
  if (pointer === 0) {
    throw new MemoryAccessError('MEMORY_NULL_POINTER', `${what} is a null pointer`);
  }
  return pointer;
}

function pointerRef(memory: GuestMemory, at: number): PointerRef {
  const what = `the pointer stored at address ${at}`;
  return {
    address: at,
    get: () => memory.readU32(at),
    set: (value) => memory.writeU32(at, value),
    deref: (codec) => codec.view(memory, followPointer(memory, memory.readU32(at), what)),
    derefArray: (codec, count) => arrayView(memory, followPointer(memory, memory.readU32(at), what), codec, count),
  };
}

/** Named codecs for the C scalars, for following pointers: `ref.deref(cCodecs.uint8)`. */
export const cCodecs = {
  bool: scalarCodec('bool') as Codec<boolean, Ref<boolean>>,
  int8: scalarCodec('int8') as Codec<number, Ref<number>>,
  uint8: scalarCodec('uint8') as Codec<number, Ref<number>>,
  int16: scalarCodec('int16') as Codec<number, Ref<number>>,
  uint16: scalarCodec('uint16') as Codec<number, Ref<number>>,
  int32: scalarCodec('int32') as Codec<number, Ref<number>>,
  uint32: scalarCodec('uint32') as Codec<number, PointerRef>,
  pointer: scalarCodec('pointer') as Codec<number, PointerRef>,
  int64: scalarCodec('int64') as Codec<bigint, Ref<bigint>>,
  uint64: scalarCodec('uint64') as Codec<bigint, Ref<bigint>>,
  float: scalarCodec('float') as Codec<number, Ref<number>>,
  double: scalarCodec('double') as Codec<number, Ref<number>>,
};

// ---- byte arrays ----

/** `length` raw bytes (C `uint8_t x[N]` / `char x[N]`, WIT `list<u8, N>`). */
export function bytesCodec(length: number, align = 1): Codec<Uint8Array, BytesView> {
  const put = (memory: GuestMemory, at: number, bytes: unknown): void => {
    if (!(bytes instanceof Uint8Array)) {
      throw new MemoryAccessError('MEMORY_INVALID_VALUE', `expected a Uint8Array of up to ${length} bytes, found ${describe(bytes)}`);
    }
    if (bytes.length > length) {
      throw new MemoryAccessError('MEMORY_CAPACITY_EXCEEDED', `${bytes.length} bytes do not fit a ${length}-byte array`);
    }
    const padded = new Uint8Array(length);
    padded.set(bytes);
    memory.writeBytes(at, padded);
  };
  return {
    size: length,
    align,
    read: (memory, address) => memory.readBytes(address, length),
    write: (memory, address, value) => put(memory, address, value),
    view(memory, address) {
      const at = memory.check(address, length, `${length}-byte array view`);
      return {
        address: at,
        length,
        get: () => memory.readBytes(at, length),
        set: (bytes) => put(memory, at, bytes),
        cString: () => memory.readCString(at, length),
        setCString: (text) => {
          memory.writeCString(at, text, length);
          const used = new TextEncoder().encode(text).length + 1;
          memory.writeBytes(at + used, new Uint8Array(length - used));
        },
      };
    },
  };
}

// ---- arrays ----

function checkIndex(index: unknown, length: number): number {
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= length) {
    throw new MemoryAccessError('MEMORY_NO_SUCH_FIELD', `index ${describe(index)} is outside the array of ${length} elements`);
  }
  return index;
}

/** A live array of `count` values of `codec` at `address`, bounds-checked as a whole. */
export function arrayView<T, V>(memory: GuestMemory, address: number, codec: Codec<T, V>, count: number): ArrayView<T, V> {
  const length = checkInt(count, 0, 0xffff_ffff, 'array length');
  // cLayout sizes are multiples of their alignment, so the size is the stride.
  const stride = codec.size;
  const at = memory.check(address, stride * length, `array of ${length} elements`);
  return {
    address: at,
    length,
    at: (index) => codec.view(memory, at + checkIndex(index, length) * stride),
    get: (index) => codec.read(memory, at + checkIndex(index, length) * stride),
    set: (index, value) => codec.write(memory, at + checkIndex(index, length) * stride, value),
    read: () => Array.from({ length }, (_, i) => codec.read(memory, at + i * stride)),
  };
}

/** A codec for a C array `element[length]` (byte-sized integer elements read as a Uint8Array). */
export function arrayCodec(element: Codec<CValue, unknown>, length: number): Codec<CValue[], ArrayView<CValue, unknown>> {
  const stride = element.size;
  return {
    size: stride * length,
    align: element.align,
    read: (memory, address) => {
      const at = memory.check(address, stride * length, `array of ${length} elements`);
      return Array.from({ length }, (_, i) => element.read(memory, at + i * stride));
    },
    write: (memory, address, values) => {
      if (!Array.isArray(values) || values.length !== length) {
        throw new MemoryAccessError('MEMORY_INVALID_VALUE', `expected an array of ${length} elements, found ${describe(values)}`);
      }
      const at = memory.check(address, stride * length, `array of ${length} elements`);
      values.forEach((value, i) => element.write(memory, at + i * stride, value));
    },
    view: (memory, address) => arrayView(memory, address, element, length),
  };
}

// ---- structs ----

/** A struct codec from a C struct type; `names` maps C member names to property names (default camelCase). */
export function structCodec(type: Extract<CType, { kind: 'struct' }>, names: (name: string) => string = camelCase): StructCodec {
  const layout = cLayout(type);
  const fields: StructField[] = type.fields.map((field, i) => ({
    name: names(field.name),
    sourceName: field.name,
    offset: layout.offsets[i] ?? 0,
    pointer: field.type.kind === 'scalar' && (field.type.scalar === 'pointer' || field.type.scalar === 'uint32'),
    codec: codecOfC(field.type, names),
  }));
  const byName = new Map(fields.map((f) => [f.name, f]));
  const field = (name: string): StructField => {
    const found = byName.get(name);
    if (found === undefined) {
      const known = fields.map((f) => f.name).join(', ');
      throw new MemoryAccessError('MEMORY_NO_SUCH_FIELD', `the struct has no field \`${name}\` (fields: ${known})`);
    }
    return found;
  };
  const codec: StructCodec = {
    size: layout.size,
    align: layout.align,
    fields,
    field,
    read(memory, address) {
      const at = memory.check(address, layout.size, 'struct read');
      const out: { [field: string]: CValue } = {};
      for (const f of fields) out[f.name] = f.codec.read(memory, at + f.offset);
      return out;
    },
    write(memory, address, value) {
      if (typeof value !== 'object' || value === null) {
        throw new MemoryAccessError('MEMORY_INVALID_VALUE', `expected an object for a struct, found ${describe(value)}`);
      }
      const at = memory.check(address, layout.size, 'struct write');
      for (const f of fields) {
        if (!(f.name in value)) {
          throw new MemoryAccessError('MEMORY_INVALID_VALUE', `struct value is missing field \`${f.name}\``);
        }
        f.codec.write(memory, at + f.offset, value[f.name] as CValue);
      }
    },
    view: (memory, address) => makeStructView(memory, address, codec),
  };
  return codec;
}

/** Byte-sized integers in an array are bytes: `char name[16]` reads as a Uint8Array. */
function isByteArray(type: Extract<CType, { kind: 'array' }>): boolean {
  return type.element.kind === 'scalar' && (type.element.scalar === 'uint8' || type.element.scalar === 'int8');
}

/** A codec for any C type. Unions (WIT variant payloads) are carried as their raw bytes. */
export function codecOfC(type: CType, names: (name: string) => string = camelCase): Codec<CValue, unknown> {
  switch (type.kind) {
    case 'scalar':
      return scalarCodec(type.scalar);
    case 'struct':
      return structCodec(type, names) as Codec<CValue, unknown>;
    case 'array': {
      if (isByteArray(type)) return bytesCodec(type.length) as Codec<CValue, unknown>;
      return arrayCodec(codecOfC(type.element, names), type.length) as Codec<CValue, unknown>;
    }
    case 'union': {
      const { size, align } = cLayout(type);
      return bytesCodec(size, align) as Codec<CValue, unknown>;
    }
  }
}

function makeStructView(memory: GuestMemory, address: number, codec: StructCodec): StructView {
  const at = memory.check(address, codec.size, 'struct view');
  const fieldView = (name: string): unknown => {
    const f = codec.field(name);
    return f.codec.view(memory, at + f.offset);
  };
  const pointerIn = (name: string): number => {
    const f = codec.field(name);
    if (!f.pointer) {
      throw new MemoryAccessError('MEMORY_INVALID_VALUE', `field \`${name}\` is not a pointer (a u32 field)`);
    }
    return followPointer(memory, memory.readU32(at + f.offset), `field \`${name}\``);
  };
  const members: StructViewMembers = {
    $address: at,
    $codec: codec,
    $field: fieldView,
    $deref: (name, target) => target.view(memory, pointerIn(name)),
    $derefArray: (name, target, count) => arrayView(memory, pointerIn(name), target, count),
    $read: () => codec.read(memory, at),
    $write: (value) => codec.write(memory, at, value),
  };
  const view = Object.create(null) as { [key: string]: unknown };
  for (const [key, value] of Object.entries(members)) {
    Object.defineProperty(view, key, { value, enumerable: false });
  }
  for (const f of codec.fields) {
    const fieldAt = at + f.offset;
    const isStruct = 'fields' in f.codec;
    Object.defineProperty(view, f.name, {
      enumerable: true,
      // Nested structs read as live views (so `v.inner.x = 1` writes memory); the rest as values.
      get: () => (isStruct ? f.codec.view(memory, fieldAt) : f.codec.read(memory, fieldAt)),
      set: (value: CValue) => f.codec.write(memory, fieldAt, value),
    });
  }
  return view as StructView;
}

// ---- WIT ----

/** A codec for any WIT type, with the wasm32 C layout of `cTypeOfWit`. */
export function witCodec(resolve: Resolve, type: Type): Codec<CValue, unknown> {
  return codecOfC(cTypeOfWit(resolve, type));
}

/**
 * A struct codec for a WIT record, given by type id or by name (a name must
 * be unique in the Resolve). Aliases (`type a = b;`, `use`) are followed.
 */
export function recordCodec<T extends object = StructFields>(resolve: Resolve, record: TypeId | string): StructCodec<T> {
  const id = typeof record === 'number' ? record : typeIdByName(resolve, record);
  const target = followAliases(resolve, id);
  const def = resolve.types[target];
  if (def === undefined) throw new StructCodecError('STRUCT_UNKNOWN_TYPE', `type id ${id} is not in the Resolve`);
  if (def.kind.kind !== 'record') {
    throw new StructCodecError(
      'STRUCT_NOT_A_RECORD',
      `\`${def.name ?? `type ${target}`}\` is a ${def.kind.kind}, not a record`,
    );
  }
  const type = cTypeOfWit(resolve, target);
  if (type.kind !== 'struct') {
    throw new StructCodecError('STRUCT_NOT_A_RECORD', `\`${def.name ?? `type ${target}`}\` has no C struct layout`);
  }
  return structCodec(type) as unknown as StructCodec<T>;
}

function followAliases(resolve: Resolve, id: TypeId): TypeId {
  let current = id;
  for (let hops = 0; hops <= resolve.types.length; hops++) {
    const def = resolve.types[current];
    if (def === undefined || def.kind.kind !== 'type' || typeof def.kind.type === 'string') return current;
    current = def.kind.type;
  }
  return current;
}

function typeIdByName(resolve: Resolve, name: string): TypeId {
  const matches: TypeId[] = [];
  resolve.types.forEach((def, id) => {
    if (def.name === name && def.kind.kind !== 'type') matches.push(id);
  });
  if (matches.length === 0) {
    // Accept a name that only exists as an alias of a record.
    resolve.types.forEach((def, id) => {
      if (def.name === name) matches.push(id);
    });
  }
  const [first] = matches;
  if (first === undefined) throw new StructCodecError('STRUCT_UNKNOWN_TYPE', `no type named \`${name}\` in the Resolve`);
  if (matches.length > 1) {
    throw new StructCodecError(
      'STRUCT_AMBIGUOUS_TYPE',
      `${matches.length} types are named \`${name}\` (ids ${matches.join(', ')}); pass the type id instead`,
    );
  }
  return first;
}

/** A guest pointer (wasm32 address) checked as one, for code building views by hand. */
export function guestPointer(address: unknown): number {
  return checkAddress(address, 'guest pointer');
}
