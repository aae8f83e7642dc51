/**
 * Struct codecs: read, write and live views of C data in guest memory.
 *
 * A codec is built from a C type (src/abi/cabi.ts's `CType`), whose size,
 * alignment and field offsets come from `cLayout` — this module never
 * computes a layout itself. wit-codec.ts builds the C type from a WIT record.
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
import { cLayout, type CType } from '../../abi/cabi.js';
import { camelCase } from '../../abi/lift-lower/js-names.js';
import { arrayCodec, arrayView, bytesCodec, followPointer, scalarCodec, type ArrayView, type Codec, type CValue } from './codecs.js';
import { MemoryAccessError } from './memory-errors.js';
import { describe, type GuestMemory } from './memory.js';

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

/** A codec for any C type. Unions (WIT variant payloads) and 128-bit scalars are carried as their raw bytes. */
export function codecOfC(type: CType, names: (name: string) => string = camelCase): Codec<CValue, unknown> {
  switch (type.kind) {
    case 'scalar': {
      const { scalar } = type;
      if (scalar === 'int128' || scalar === 'uint128' || scalar === 'long double') {
        const { size, align } = cLayout(type);
        return bytesCodec(size, align) as Codec<CValue, unknown>;
      }
      return scalarCodec(scalar);
    }
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
    return followPointer(memory.readU32(at + f.offset), `field \`${name}\``);
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

