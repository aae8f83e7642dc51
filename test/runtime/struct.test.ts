import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadWitText } from '../../src/wit/index.js';
import {
  GuestMemory,
  MemoryAccessError,
  StructCodecError,
  arrayView,
  cCodecs,
  recordCodec,
  structCodec,
  witCodec,
  type CValue,
  type StructView,
} from '../../src/runtime/core/index-memory.js';
import { PAGE, instantiateBytes, newMemory } from './wasm-memory.js';
import type { WasmMemory } from '../../src/runtime/core/memory.js';

const WIT = `package test:legacy;

interface types {
  /// scenario 2: struct Example { char first_name[16]; uint16_t age; }
  record example { first-name: list<u8, 16>, age: u16 }
  /// scenario 3: struct { uint8_t *buf; void *pointer; uint8_t **buf2; }
  record nested { buf: u32, pointer: u32, buf2: u32 }
  record mixed { a: u8, b: u64, c: u16, d: f32, e: s8, f: bool, g: f64, h: s64 }
  record point { x: s32, y: s32 }
  record line { start: point, end: point, name: string, tag: option<u8> }
  type example-alias = example;
  enum color { red, green }
}

world w { import types; }
`;

const { resolve } = loadWitText(WIT);

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MemoryAccessError || error instanceof StructCodecError) return error.code;
    throw error;
  }
  return 'no error';
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof MemoryAccessError || error instanceof StructCodecError) return error.message;
    throw error;
  }
  return 'no error';
}

const bytes16 = (text: string): Uint8Array => {
  const out = new Uint8Array(16);
  out.set(new TextEncoder().encode(text));
  return out;
};

describe('scenario 2: Example { first_name: list<u8, 16>, age: u16 }', () => {
  const example = recordCodec(resolve, 'example');

  it('has the C layout from src/abi/cabi.ts: size 18, align 2, age at 16', () => {
    expect(example.size).toBe(18);
    expect(example.align).toBe(2);
    expect(example.fields.map((f) => [f.name, f.sourceName, f.offset])).toEqual([
      ['firstName', 'first-name', 0],
      ['age', 'age', 16],
    ]);
  });

  it('round-trips through read and write', () => {
    const memory = new GuestMemory(newMemory(1));
    example.write(memory, 64, { firstName: bytes16('Ada'), age: 36 });
    expect(memory.readU16(64 + 16)).toBe(36);
    expect(memory.readCString(64, 16)).toBe('Ada');
    expect(example.read(memory, 64)).toEqual({ firstName: bytes16('Ada'), age: 36 });
  });

  it('live views read and write memory on each access, also after memory.grow', () => {
    const raw = newMemory(1);
    const memory = new GuestMemory(raw);
    const view = example.view(memory, 200);
    view.age = 41;
    view.$field('firstName');
    const name = view.$field('firstName') as { setCString(text: string): void; cString(): string };
    name.setCString('Grace');
    expect(memory.readU16(216)).toBe(41);
    expect(name.cString()).toBe('Grace');
    memory.writeU16(216, 42); // the guest writes behind the view's back
    expect(view.age).toBe(42);
    raw.grow(2);
    view.age = 43;
    expect(view.age).toBe(43);
    expect(name.cString()).toBe('Grace');
    expect(view.firstName).toEqual(bytes16('Grace'));
    expect(view.$read()).toEqual({ firstName: bytes16('Grace'), age: 43 });
  });

  it('a name that does not fit char[16] is refused, the array is zero-filled after the NUL', () => {
    const memory = new GuestMemory(newMemory(1));
    memory.writeBytes(0, new Uint8Array(18).fill(0x7a));
    const name = example.view(memory, 0).$field('firstName') as { setCString(text: string): void };
    expect(messageOf(() => name.setCString('sixteen letters!'))).toBe(
      'C string (with its NUL terminator) needs 17 bytes but only 16 are available',
    );
    name.setCString('Bo');
    expect(memory.readBytes(0, 16)).toEqual(bytes16('Bo'));
    memory.writeBytes(0, new Uint8Array(16).fill(0x41));
    expect(codeOf(() => (example.view(memory, 0).$field('firstName') as { cString(): string }).cString())).toBe(
      'MEMORY_UNTERMINATED',
    );
  });

  it('follows aliases and rejects non-records and unknown names', () => {
    expect(recordCodec(resolve, 'example-alias').size).toBe(18);
    expect(messageOf(() => recordCodec(resolve, 'color'))).toBe('`color` is not a record (it is a WIT enum)');
    expect(codeOf(() => recordCodec(resolve, 'color'))).toBe('STRUCT_NOT_A_RECORD');
    expect(codeOf(() => recordCodec(resolve, 'missing'))).toBe('STRUCT_UNKNOWN_TYPE');
  });

  it('arrays of structs: elements at a stride of the struct size, indexes checked', () => {
    const memory = new GuestMemory(newMemory(1));
    const people = arrayView(memory, 1000, example, 3);
    people.set(0, { firstName: bytes16('a'), age: 1 });
    people.at(1).age = 2;
    people.set(2, { firstName: bytes16('c'), age: 3 });
    expect(memory.readU16(1000 + 18 + 16)).toBe(2);
    expect(people.read().map((p) => (p as { age: number }).age)).toEqual([1, 2, 3]);
    expect(messageOf(() => people.get(3))).toBe('index 3 is outside the array of 3 elements');
    expect(codeOf(() => arrayView(memory, PAGE - 36, example, 3))).toBe('MEMORY_OUT_OF_BOUNDS');
  });
});

describe('scenario 3: nested pointers', () => {
  // The same struct written as C: { uint8_t *buf; void *pointer; uint8_t **buf2; }
  const cNested = structCodec({
    kind: 'struct',
    fields: [
      { name: 'buf', type: { kind: 'scalar', scalar: 'pointer' } },
      { name: 'pointer', type: { kind: 'scalar', scalar: 'pointer' } },
      { name: 'buf2', type: { kind: 'scalar', scalar: 'pointer' } },
    ],
  });

  for (const [label, codec] of [
    ['from WIT', recordCodec(resolve, 'nested')],
    ['from a C struct type', cNested],
  ] as const) {
    it(`the host follows guest pointers through bounds-checked views (${label})`, () => {
      const memory = new GuestMemory(newMemory(1));
      memory.writeBytes(300, new TextEncoder().encode('hello'));
      memory.writePointer(400, 300); // *buf2 == buf
      codec.write(memory, 16, { buf: 300, pointer: 0, buf2: 400 });
      const view = codec.view(memory, 16);
      expect(codec.size).toBe(12);
      expect(view.$derefArray('buf', cCodecs.uint8, 5).read()).toEqual([104, 101, 108, 108, 111]);
      const inner = view.$deref('buf2', cCodecs.pointer);
      expect(inner.get()).toBe(300);
      expect(inner.deref(cCodecs.uint8).get()).toBe(104);
      inner.deref(cCodecs.uint8).set(72);
      expect(memory.readCString(300, 6)).toBe('Hello');
      expect(messageOf(() => view.$deref('pointer', cCodecs.uint8))).toBe('field `pointer` is a null pointer');
      view.pointer = PAGE - 2;
      expect(messageOf(() => view.$deref('pointer', cCodecs.uint32))).toBe(
        'uint32 view out of bounds: bytes 0x0000fffe..0x00010002 (4 at address 65534) exceed the memory size of 65536 bytes',
      );
      expect(codeOf(() => view.$deref('nope', cCodecs.uint8))).toBe('MEMORY_NO_SUCH_FIELD');
    });
  }

  it('a pointer to a struct is followed to a live struct view', () => {
    const memory = new GuestMemory(newMemory(1));
    const example = recordCodec<{ age: number }>(resolve, 'example');
    const nested = recordCodec(resolve, 'nested');
    example.write(memory, 500, { firstName: bytes16('Linus'), age: 55 });
    nested.write(memory, 0, { buf: 0, pointer: 500, buf2: 0 });
    const target = nested.view(memory, 0).$deref('pointer', example);
    target.age += 1;
    expect(example.read(memory, 500)).toEqual({ firstName: bytes16('Linus'), age: 56 });
    expect(codeOf(() => recordCodec(resolve, 'example').view(memory, 0).$deref('age', example))).toBe(
      'MEMORY_INVALID_VALUE',
    );
  });
});

describe('records with padding and nesting', () => {
  const mixed = recordCodec(resolve, 'mixed');
  const line = recordCodec<{
    start: StructView<{ x: number; y: number }>;
    name: StructView<{ ptr: number; len: number }>;
    tag: StructView<{ is_some: boolean; val: number }>;
  }>(resolve, 'line');

  it('padding and offsets come from cabi', () => {
    expect(mixed.fields.map((f) => f.offset)).toEqual([0, 8, 16, 20, 24, 25, 32, 40]);
    expect([mixed.size, mixed.align]).toEqual([48, 8]);
    expect([line.size, line.align]).toEqual([28, 4]);
  });

  it('write then read is the identity at random in-bounds aligned addresses', () => {
    const memory = new GuestMemory(newMemory(1));
    const value = fc.record({
      a: fc.integer({ min: 0, max: 255 }),
      b: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      c: fc.integer({ min: 0, max: 0xffff }),
      d: fc.float({ noNaN: true }),
      e: fc.integer({ min: -128, max: 127 }),
      f: fc.boolean(),
      g: fc.double({ noNaN: true }),
      h: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: (PAGE - 48) / 8 }), value, (slot, v) => {
        mixed.write(memory, slot * 8, v);
        expect(mixed.read(memory, slot * 8)).toEqual(v);
      }),
    );
  });

  it('every struct access past the end throws MEMORY_OUT_OF_BOUNDS', () => {
    const memory = new GuestMemory(newMemory(1));
    fc.assert(
      fc.property(fc.integer({ min: PAGE - 47, max: 0xffffffff }), (at) => {
        expect(codeOf(() => mixed.read(memory, at))).toBe('MEMORY_OUT_OF_BOUNDS');
        expect(codeOf(() => mixed.view(memory, at))).toBe('MEMORY_OUT_OF_BOUNDS');
      }),
      { numRuns: 100 },
    );
  });

  it('nested structs are live views; strings are ptr/len and options is_some/val', () => {
    const memory = new GuestMemory(newMemory(1));
    const view = line.view(memory, 0);
    view.start.x = -5;
    memory.writeString(1000, 'diagonal');
    view.name.ptr = 1000;
    view.name.len = 8;
    view.tag.is_some = true;
    view.tag.val = 9;
    expect(memory.readI32(0)).toBe(-5);
    expect(memory.readString(view.name.ptr, view.name.len)).toBe('diagonal');
    expect(view.$read()).toEqual({
      start: { x: -5, y: 0 },
      end: { x: 0, y: 0 },
      name: { ptr: 1000, len: 8 },
      tag: { is_some: true, val: 9 },
    });
    expect(messageOf(() => (view.tag.is_some = 1 as unknown as boolean))).toBe(
      'cannot store 1 as bool: expected a boolean',
    );
  });

  it('witCodec gives a codec for any WIT type, e.g. a bare u64', () => {
    const memory = new GuestMemory(newMemory(1));
    const codec = witCodec(resolve, 'u64');
    codec.write(memory, 8, 5n as CValue);
    expect(codec.read(memory, 8)).toBe(5n);
    expect(codeOf(() => codec.write(memory, 8, 5))).toBe('MEMORY_INVALID_VALUE');
  });

  it('missing fields and unknown fields are named', () => {
    const memory = new GuestMemory(newMemory(1));
    expect(messageOf(() => recordCodec(resolve, 'point').write(memory, 0, { x: 1 }))).toBe(
      'struct value is missing field `y`',
    );
    expect(messageOf(() => recordCodec(resolve, 'point').view(memory, 0).$field('z'))).toBe(
      'the struct has no field `z` (fields: x, y)',
    );
  });
});

describe('a real guest that grows its own memory', () => {
  // The guest grows memory by one page and builds `Example { "Wasm", 7 }` in the new page,
  // returning its address; `age_at` reads the age the host wrote.
  const WAT = `(module
    (memory (export "memory") 1 4)
    (func (export "make_example") (result i32)
      (local $p i32)
      (drop (memory.grow (i32.const 1)))
      (local.set $p (i32.const 65544))
      (i32.store (local.get $p) (i32.const 0x6d736157))
      (i32.store16 (i32.add (local.get $p) (i32.const 16)) (i32.const 7))
      (local.get $p))
    (func (export "age_at") (param i32) (result i32)
      (i32.load16_u (i32.add (local.get 0) (i32.const 16)))))`;

  it('views made before the grow keep working, the new page is reachable, the guest sees host writes', async () => {
    const { parse } = await import('@bytecodealliance/jco');
    const exports = await instantiateBytes(await parse(WAT));
    const memory = new GuestMemory(exports.memory as WasmMemory);
    const example = recordCodec<{ age: number }>(resolve, 'example');
    const early = example.view(memory, 0);
    expect(codeOf(() => example.view(memory, 65544))).toBe('MEMORY_OUT_OF_BOUNDS');
    const pointer = (exports.make_example as () => number)();
    expect(pointer).toBe(65544);
    const made = example.view(memory, pointer);
    expect((made.$field('firstName') as { cString(): string }).cString()).toBe('Wasm');
    expect(made.age).toBe(7);
    made.age = 8;
    early.age = 9;
    expect((exports.age_at as (p: number) => number)(pointer)).toBe(8);
    expect((exports.age_at as (p: number) => number)(0)).toBe(9);
  });
});

describe('edge cases', () => {
  it('a record name used in two interfaces is ambiguous; its type id is not', () => {
    const { resolve: twice } = loadWitText(`package test:twice;
interface a { record point { x: u8 } }
interface b { record point { x: u64 } }
world w { import a; import b; }`);
    expect(codeOf(() => recordCodec(twice, 'point'))).toBe('STRUCT_AMBIGUOUS_TYPE');
    const ids = twice.types.flatMap((t, id) => (t.name === 'point' ? [id] : []));
    expect(ids.map((id) => recordCodec(twice, id).size).sort()).toEqual([1, 8]);
    expect(messageOf(() => recordCodec(twice, 'point'))).toBe(
      `2 types are named \`point\` (ids ${ids.join(', ')}); pass the type id instead`,
    );
  });

  it('an array behind a pointer is checked as a whole before any element is read', () => {
    const memory = new GuestMemory(newMemory(1));
    const nested = recordCodec(resolve, 'nested');
    nested.write(memory, 0, { buf: PAGE - 4, pointer: 0, buf2: 0 });
    expect(nested.view(memory, 0).$derefArray('buf', cCodecs.uint8, 4).read()).toEqual([0, 0, 0, 0]);
    expect(messageOf(() => nested.view(memory, 0).$derefArray('buf', cCodecs.uint8, 5))).toBe(
      'array of 5 elements out of bounds: bytes 0x0000fffc..0x00010001 (5 at address 65532) exceed the memory size of 65536 bytes',
    );
  });

  it('C structs with 128-bit members and unions carry those as raw bytes at cabi offsets', () => {
    const memory = new GuestMemory(newMemory(1));
    const codec = structCodec({
      kind: 'struct',
      fields: [
        { name: 'tag', type: { kind: 'scalar', scalar: 'uint8' } },
        { name: 'wide', type: { kind: 'scalar', scalar: 'int128' } },
        {
          name: 'either',
          type: {
            kind: 'union',
            members: [
              { name: 'i', type: { kind: 'scalar', scalar: 'int32' } },
              { name: 'd', type: { kind: 'scalar', scalar: 'double' } },
            ],
          },
        },
      ],
    });
    expect(codec.fields.map((f) => f.offset)).toEqual([0, 16, 32]);
    expect(codec.size).toBe(48);
    memory.writeF64(32, 1.5);
    const either = codec.read(memory, 0).either as Uint8Array;
    expect(either.length).toBe(8);
    expect(new DataView(either.buffer).getFloat64(0, true)).toBe(1.5);
  });
});
