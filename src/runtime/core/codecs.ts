/**
 * Codecs for C values in guest memory: scalars, fixed byte arrays and arrays.
 * A codec knows a C type's size and alignment (from src/abi/cabi.ts's
 * `cLayout`), copies values in and out, and makes live views that read or
 * write memory through GuestMemory on every access (so they survive
 * `memory.grow` and see the guest's own writes). Struct codecs build on these
 * (struct.ts).
 */
import { cLayout, type CScalar } from '../../abi/cabi.js';
import { MemoryAccessError } from './memory-errors.js';
import { checkInt, describe, type GuestMemory } from './memory.js';

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

// ---- scalars ----

interface ScalarAccess<T> {
  read(memory: GuestMemory, address: number): T;
  write(memory: GuestMemory, address: number, value: T): void;
}

/** C scalars with a JavaScript value; 128-bit ones (never produced from WIT) are carried as raw bytes by codecOfC. */
export type AccessibleScalar = Exclude<CScalar, 'int128' | 'uint128' | 'long double'>;

const SCALAR_ACCESS: { readonly [K in AccessibleScalar]: ScalarAccess<CValue> } = {
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

/** A codec for one C scalar up to 64 bits; 32-bit unsigned ones (and pointers) give PointerRef views. */
export function scalarCodec(scalar: AccessibleScalar): Codec<CValue, Ref<CValue>> {
  const access = SCALAR_ACCESS[scalar];
  const { size, align } = cLayout({ kind: 'scalar', scalar });
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

export function followPointer(pointer: number, what: string): number {
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
    deref: (codec) => codec.view(memory, followPointer(memory.readU32(at), what)),
    derefArray: (codec, count) => arrayView(memory, followPointer(memory.readU32(at), what), codec, count),
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
          const used = memory.writeCString(at, text, length);
          // Zero the tail so no stale bytes of a longer old name stay behind the NUL.
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

