/**
 * Every value kind the legacy C ABI mapping carries, both ways, on the
 * legacy C guest guests/legacy/c/values (values.wit): strings and lists as
 * { ptr, len } structs by pointer, records with pointers inside, results
 * through sret, enums/flags as small integers, options as { is_some, val };
 * plus the errors: pointers from the guest that run past memory, bytes that
 * are not UTF-8, a missing allocator, unsupported WIT types, a module
 * importing something the world does not declare (scenario 1).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AbiError } from '../../src/abi/errors.js';
import { AbiTrap, ResultError } from '../../src/abi/lift-lower/trap.js';
import { LinkError } from '../../src/runtime/core/link-errors.js';
import { wasmApi } from '../../src/runtime/core/wasm-api.js';
import { LegacyError, compileLegacy, instantiateLegacy, legacyCore } from '../../src/runtime/legacy/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const legacy = (...parts: string[]): string => path.join(root, 'guests/legacy/c', ...parts);
const valuesBytes = readFileSync(legacy('values', 'values.core.wasm'));
const world = { wit: readFileSync(legacy('values', 'values.wit'), 'utf8'), world: 'values' };

interface Point {
  x: number;
  y: number;
}
interface Person {
  name: string;
  age: number;
  tags: string[];
}
interface Perms {
  read: boolean;
  write: boolean;
  exec: boolean;
}
interface ValuesExports {
  add(a: number, b: number): number;
  echo(s: string): string;
  pointAdd(a: Point, b: Point): Point;
  greetViaHost(name: string): string;
  sumViaHost(values: Uint32Array | number[]): bigint;
  originMoved(dx: number, dy: number): Point;
  describe(p: Person): string;
  makePerson(name: string, age: number): Person;
  sumList(values: Uint32Array | number[]): bigint;
  nextColor(c: string): string;
  toggle(p: Perms): Perms;
  maybeDouble(x: number | undefined): number | undefined;
  rewrap(w: { inner: number }): { inner: number };
  area(s: { tag: string; val?: number }): number;
  parse(s: string): number;
  greetOutOfBounds(): string;
  greetBadUtf8(): string;
}

function valuesHost() {
  const seen: { greeted: string[]; summed: number[][] } = { greeted: [], summed: [] };
  const imports = {
    hostGreet(name: string): string {
      seen.greeted.push(name);
      return `hello, ${name}`;
    },
    hostSum(values: Uint32Array): bigint {
      seen.summed.push([...values]);
      return values.reduce((sum, v) => sum + BigInt(v), 0n);
    },
    hostOrigin(): Point {
      return { x: -10, y: 20 };
    },
    hostWrap(v: number): { inner: number } {
      return { inner: v * 2 };
    },
  };
  return { seen, imports };
}

const module = compileLegacy(valuesBytes, { world });
async function values(imports: object = valuesHost().imports): Promise<ValuesExports> {
  return (await module).instantiate(imports) as unknown as ValuesExports;
}

function trapOf(fn: () => unknown): AbiTrap {
  try {
    fn();
  } catch (error) {
    if (error instanceof AbiTrap) return error;
    throw error;
  }
  throw new Error('expected an AbiTrap');
}

describe('legacy values guest: every kind both ways', () => {
  it('passes scalars direct', async () => {
    const v = await values();
    expect(v.add(2, 3)).toBe(5);
    expect(v.add(0xffff_ffff, 2)).toBe(1);
  });

  it('echoes strings through guest memory (any Unicode, empty, long)', async () => {
    const v = await values();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (s) => {
        expect(v.echo(s)).toBe(s);
      }),
      { numRuns: 200 },
    );
    expect(v.echo('')).toBe('');
    const lone = trapOf(() => v.echo('ok \ud800'));
    expect([lone.func, lone.reason]).toEqual(['echo', 'invalid-value']);
    expect(lone.message).toContain('lone surrogate');
    expect(trapOf(() => v.echo(7 as unknown as string)).message).toContain('expected a string');
    const long = 'ünïcödé €'.repeat(2000);
    expect(v.echo(long)).toBe(long);
  });

  it('hands strings to the host and returns the host string to the guest', async () => {
    const host = valuesHost();
    const v = await values(host.imports);
    expect(v.greetViaHost('Ada')).toBe('[hello, Ada]');
    expect(v.greetViaHost('Grüße')).toBe('[hello, Grüße]');
    expect(host.seen.greeted).toEqual(['Ada', 'Grüße']);
  });

  it('passes lists as typed arrays or plain arrays, both ways', async () => {
    const host = valuesHost();
    const v = await values(host.imports);
    expect(v.sumList(new Uint32Array([1, 2, 0xffff_ffff]))).toBe(0x1_0000_0002n);
    expect(v.sumList([5, 6])).toBe(11n);
    expect(v.sumList([])).toBe(0n);
    expect(v.sumViaHost([7, 8, 9])).toBe(25n);
    expect(host.seen.summed).toEqual([[7, 8, 9]]);
  });

  it('moves records by pointer and through sret, including records the host returns', async () => {
    const v = await values();
    expect(v.pointAdd({ x: 1, y: -2 }, { x: 10, y: 20 })).toEqual({ x: 11, y: 18 });
    expect(v.originMoved(1, 2)).toEqual({ x: -9, y: 22 });
  });

  it('moves records holding strings and lists of strings, both ways', async () => {
    const v = await values();
    expect(v.describe({ name: 'Ada', age: 36, tags: ['math', 'poetry'] })).toBe('Ada (36): math,poetry');
    expect(v.describe({ name: 'Nobody', age: 0, tags: [] })).toBe('Nobody (0):');
    expect(v.makePerson('Grace', 85)).toEqual({ name: 'Grace', age: 85, tags: ['made', 'in-c'] });
  });

  it('maps enums to strings, flags to objects, options to undefined or the value', async () => {
    const v = await values();
    expect(v.nextColor('red')).toBe('green');
    expect(v.nextColor('blue')).toBe('red');
    expect(v.toggle({ read: true, write: false, exec: true })).toEqual({ read: false, write: true, exec: false });
    expect(v.maybeDouble(21)).toBe(42);
    expect(v.maybeDouble(undefined)).toBeUndefined();
    const trap = trapOf(() => v.nextColor('purple'));
    expect([trap.func, trap.reason]).toEqual(['next-color', 'invalid-value']);
    expect(trap.message).toContain('expected one of red, green, blue');
    expect(trap.message).toContain('"purple"');
  });

  it('passes single-scalar records as that scalar, both ways', async () => {
    const v = await values();
    expect(v.rewrap({ inner: 20 })).toEqual({ inner: 42 });
    expect(trapOf(() => v.rewrap({ inner: 70000 })).reason).toBe('invalid-value');
  });

  it('passes variants by pointer', async () => {
    const v = await values();
    expect(v.area({ tag: 'square', val: 7 })).toBe(49);
    expect(v.area({ tag: 'circle', val: 2 })).toBe(12);
    expect(v.area({ tag: 'dot' })).toBe(0);
    expect(trapOf(() => v.area({ tag: 'triangle', val: 1 })).reason).toBe('invalid-value');
  });

  it('returns result<T, E> or throws a ResultError with the payload (freeing the error string)', async () => {
    const v = await values();
    expect(v.parse('1234')).toBe(1234);
    const error = (() => {
      try {
        v.parse('12a');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ResultError);
    expect((error as ResultError).payload).toBe('not a number: 12a');
    const memory = legacyCore(v)?.exports['memory'] as { buffer: ArrayBuffer };
    const before = memory.buffer.byteLength;
    const long = 'x'.repeat(3000);
    for (let i = 0; i < 2000; i++) expect(() => v.parse(long)).toThrow(ResultError);
    expect(memory.buffer.byteLength).toBe(before);
  });

  it('lets a host import call exports again, the same one included (nested calls keep their own frames)', async () => {
    let v: ValuesExports | undefined;
    const imports = {
      ...valuesHost().imports,
      hostGreet(name: string): string {
        if (v === undefined) throw new Error('not instantiated');
        if (name === 'outer') return `${v.greetViaHost('inner')} ${JSON.stringify(v.pointAdd({ x: 1, y: 1 }, { x: 2, y: 2 }))}`;
        return `hi ${name}`;
      },
    };
    v = await values(imports);
    expect(v.greetViaHost('outer')).toBe('[[hi inner] {"x":3,"y":3}]');
    expect(v.greetViaHost('again')).toBe('[hi again]');
  });

  it('frees arguments and caller-owned results: memory stays put over many calls', async () => {
    const v = await values();
    const person = { name: 'x'.repeat(100), age: 1, tags: ['a'.repeat(100), 'b'.repeat(100)] };
    for (let i = 0; i < 200; i++) v.describe(person);
    // Leaking 2 KiB per call would grow memory by ~160 pages over these calls.
    const memory = legacyCore(v)?.exports['memory'] as { buffer: ArrayBuffer };
    const before = memory.buffer.byteLength;
    for (let i = 0; i < 5000; i++) {
      v.echo('y'.repeat(1000));
      v.makePerson('z'.repeat(1000), 2);
      v.describe(person);
    }
    expect(memory.buffer.byteLength).toBe(before);
  });

  it('reclaims what failed calls allocated, and recovers from host errors', async () => {
    let fail = false;
    const v = await values({
      ...valuesHost().imports,
      hostGreet: (name: string) => {
        if (fail) throw new Error(`no greeting for ${name}`);
        return `hello, ${name}`;
      },
    });
    const memory = legacyCore(v)?.exports['memory'] as { buffer: ArrayBuffer };
    const bad = { name: 'n'.repeat(2000), age: 1, tags: ['t'.repeat(2000), 42] } as unknown as Person;
    expect(trapOf(() => v.describe(bad)).reason).toBe('invalid-value');
    const before = memory.buffer.byteLength;
    // Each failed call leaves ~8 KiB allocated for its arguments; the next call frees it.
    for (let i = 0; i < 2000; i++) {
      expect(() => v.describe(bad)).toThrow(AbiTrap);
      expect(v.echo('ok')).toBe('ok');
    }
    expect(memory.buffer.byteLength).toBe(before);
    fail = true;
    expect(() => v.greetViaHost('Ada')).toThrow('no greeting for Ada');
    fail = false;
    expect(v.greetViaHost('Ada')).toBe('[hello, Ada]');
    expect(v.pointAdd({ x: 1, y: 1 }, { x: 1, y: 1 })).toEqual({ x: 2, y: 2 });
  });

  it('leaves returned strings to the guest with resultOwnership: guest', async () => {
    const guestOwned = await compileLegacy(valuesBytes, { world, resultOwnership: 'guest' });
    const v = guestOwned.instantiate(valuesHost().imports) as unknown as ValuesExports;
    const memory = legacyCore(v)?.exports['memory'] as { buffer: ArrayBuffer };
    const before = memory.buffer.byteLength;
    for (let i = 0; i < 200; i++) expect(v.echo('w'.repeat(1000))).toHaveLength(1000);
    // Nobody frees the echoed copies now: the guest heap grows.
    expect(memory.buffer.byteLength).toBeGreaterThan(before);
  });
});

describe('legacy values guest: bad pointers and bytes from the guest', () => {
  it('traps with the import name when a guest string runs past memory', async () => {
    const v = await values();
    const trap = trapOf(() => v.greetOutOfBounds());
    expect(trap.func).toBe('host-greet');
    expect(trap.reason).toBe('out-of-bounds');
    expect(trap.message).toMatch(/^trap in `host-greet`: out-of-bounds: 16 bytes at \d+ exceed memory of \d+ bytes$/);
  });

  it('traps with the import name when a guest string is not UTF-8', async () => {
    const v = await values();
    const trap = trapOf(() => v.greetBadUtf8());
    expect(trap.func).toBe('host-greet');
    expect(trap.reason).toBe('invalid-utf8');
  });

  it('names the import when the host returns a value of the wrong type', async () => {
    const expectInvalid = (trap: AbiTrap, func: string, expected: string): void => {
      expect([trap.func, trap.reason]).toEqual([func, 'invalid-value']);
      expect(trap.message).toContain(`\`${func}\``);
      expect(trap.message).toContain(expected);
    };
    const v = await values({ ...valuesHost().imports, hostGreet: () => 42 });
    expectInvalid(trapOf(() => v.greetViaHost('x')), 'host-greet', 'expected a string');
    const w = await values({ ...valuesHost().imports, hostOrigin: () => ({ x: 1 }) });
    expectInvalid(trapOf(() => w.originMoved(0, 0)), 'host-origin', 'expected a s32');
    const u = await values({ ...valuesHost().imports, hostSum: () => 3 });
    expectInvalid(trapOf(() => u.sumViaHost([1])), 'host-sum', 'expected a u64 bigint');
  });
});

describe('legacy bindings: interfaces, precompiled modules', () => {
  const grouped = [
    'package legacy:grouped@1.0.0;',
    'interface types { record point { x: s32, y: s32 } record wrapped { inner: u16 } }',
    'interface host {',
    '  use types.{point, wrapped};',
    '  host-wrap: func(v: u16) -> wrapped;',
    '  host-greet: func(name: string) -> string;',
    '  host-sum: func(values: list<u32>) -> u64;',
    '  host-origin: func() -> point;',
    '}',
    'interface api {',
    '  use types.{point};',
    '  add: func(a: u32, b: u32) -> u32;',
    '  origin-moved: func(dx: s32, dy: s32) -> point;',
    '  greet-via-host: func(name: string) -> string;',
    '}',
    'world grouped {',
    '  import host;',
    '  export api;',
    '  export sum-list: func(values: list<u32>) -> u64;',
    '}',
  ].join('\n');

  it('takes interface imports under their import name and gives interface exports under their short name', async () => {
    const host = valuesHost();
    const exports = (await instantiateLegacy(valuesBytes, { 'legacy:grouped/host@1.0.0': host.imports }, { world: { wit: grouped } })) as {
      api: { add(a: number, b: number): number; originMoved(dx: number, dy: number): Point; greetViaHost(n: string): string };
      sumList(values: number[]): bigint;
    };
    expect(Object.keys(exports).sort()).toEqual(['api', 'sumList']);
    expect(exports.api.add(40, 2)).toBe(42);
    expect(exports.api.originMoved(1, 1)).toEqual({ x: -9, y: 21 });
    expect(exports.api.greetViaHost('Ada')).toBe('[hello, Ada]');
    expect(exports.sumList([1, 2, 3])).toBe(6n);
    expect(host.seen.greeted).toEqual(['Ada']);
  });

  it('names interface imports in link errors by their place in the imports object', async () => {
    const error = await instantiateLegacy(valuesBytes, { 'legacy:grouped/host@1.0.0': {} }, { world: { wit: grouped } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).message).toContain(
      'note: `env::host_greet` is world import `legacy:grouped/host@1.0.0#host-greet`: implement it as imports["legacy:grouped/host@1.0.0"].hostGreet',
    );
  });

  it('runs a precompiled WebAssembly.Module (signatures then checked by the engine)', async () => {
    const compiled = await wasmApi.compile(valuesBytes);
    const v = (await instantiateLegacy(compiled, valuesHost().imports, { world })) as unknown as ValuesExports;
    expect(v.echo('précompilé')).toBe('précompilé');
    expect(v.pointAdd({ x: 1, y: 2 }, { x: 3, y: 4 })).toEqual({ x: 4, y: 6 });
  });
});

describe('legacy bindings: errors before anything runs', () => {
  it('refuses a world that needs an allocator the module does not export', async () => {
    const structs = readFileSync(legacy('structs', 'structs.core.wasm'));
    const wit = 'package t:t;\nworld w {\n  import my-extern-func: func(a: u32, b: u32) -> string;\n  export call-host: func(age: u32) -> s64;\n}';
    const error = await compileLegacy(structs, { world: { wit } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LegacyError);
    expect((error as LegacyError).code).toBe('LEGACY_NO_ALLOCATOR');
    expect((error as LegacyError).message).toBe(
      '`my-extern-func` passes values through guest memory, so the module must export an allocator: ' +
        'expected `malloc` (func (param i32) (result i32)) with `free` (func (param i32)), or `cabi_realloc`, ' +
        'or names given in `allocator`; the module exports `_initialize`, `call_host`, `call_host_bad`, `signed_out`, `unsigned_out`, `age_after`',
    );
  });

  it('checks allocator names given in options, and can run without ever freeing', async () => {
    const bad = await compileLegacy(valuesBytes, { world, allocator: { free: 'release' } }).catch((e: unknown) => e);
    expect((bad as LegacyError).code).toBe('LEGACY_NO_ALLOCATOR');
    expect((bad as LegacyError).message).toMatch(/^the allocator's free export `release` does not exist; the module exports `_initialize`, `add`, /);
    const wrongType = await compileLegacy(valuesBytes, { world, allocator: { malloc: 'add' } }).catch((e: unknown) => e);
    expect((wrongType as LegacyError).message).toBe(
      "the allocator's malloc export `add` has type (func (param i32 i32) (result i32)), expected (func (param i32) (result i32))",
    );
    const leaky = (await instantiateLegacy(valuesBytes, valuesHost().imports, { world, allocator: { free: null } })) as unknown as ValuesExports;
    const memory = legacyCore(leaky)?.exports['memory'] as { buffer: ArrayBuffer };
    const before = memory.buffer.byteLength;
    for (let i = 0; i < 100; i++) expect(leaky.echo('l'.repeat(2000))).toHaveLength(2000);
    expect(memory.buffer.byteLength).toBeGreaterThan(before);
  });

  it('lists every world export the module lacks or types differently, with the C long hint', async () => {
    const structs = readFileSync(legacy('structs', 'structs.core.wasm'));
    const wit = [
      'package t:t;',
      'world w {',
      '  record p { x: s32, y: s32 }',
      '  export call-host: func(age: u32) -> s64;',
      '  export mirror: func(p: p) -> u32;',
      '  export signed-out: func() -> s32;',
      '  export gone: func();',
      '}',
    ].join('\n');
    const error = await compileLegacy(structs, { world: { wit } }).catch((e: unknown) => e);
    expect((error as LegacyError).code).toBe('LEGACY_EXPORTS');
    expect((error as LegacyError).message).toBe(
      [
        '3 world exports do not match the module:',
        '  missing export: `mirror` (world export `mirror`) should be (func (param i32) (result i32))',
        '  incompatible export type for `signed_out` (world export `signed-out`): expected (func (result i32)), found (func (result i64))',
        '    hint: C `long` is 32-bit on wasm32 (i32); use int64_t / long long in the guest for a 64-bit value, or declare s32 in the WIT world',
        '  missing export: `gone` (world export `gone`) should be (func)',
      ].join('\n'),
    );
    expect((error as LegacyError).problems).toHaveLength(3);
  });

  it('maps exports to other symbols with `names`', async () => {
    const structs = readFileSync(legacy('structs', 'structs.core.wasm'));
    const wit = 'package t:t;\nworld w {\n  import my-extern-func: func(e: u32, p: u32, c: u32) -> s64;\n  export ask: func(age: u32) -> s64;\n  export age: func() -> u32;\n}';
    const exports = (await instantiateLegacy(
      structs,
      { myExternFunc: (_e: number, _p: number, _c: number) => 7n },
      { world: { wit }, names: { ask: 'call_host', age: 'age_after' } },
    )) as { ask(age: number): bigint; age(): number };
    expect(exports.ask(30)).toBe(7n);
    expect(exports.age()).toBe(30);
  });

  it('refuses an imports object whose members have the wrong kind, naming them', async () => {
    const compiled = await module;
    const bad = (imports: unknown): LegacyError => {
      try {
        compiled.instantiate(imports as object);
      } catch (error) {
        if (error instanceof LegacyError) return error;
        throw error;
      }
      throw new Error('expected a LegacyError');
    };
    expect(bad({ ...valuesHost().imports, hostSum: 5 }).message).toBe(
      'imports.hostSum (world import `host-sum`): expected a function, found number',
    );
    expect(bad(null).code).toBe('LEGACY_BAD_IMPORT');
    const grouped = 'package t:t@1.0.0;\ninterface host { host-origin: func() -> s32; }\nworld w { import host; }';
    const error = await instantiateLegacy(valuesBytes, { 't:t/host@1.0.0': 'nope' }, { world: { wit: grouped } }).catch((e: unknown) => e);
    expect((error as LegacyError).message).toBe('imports["t:t/host@1.0.0"]: expected an object of functions, found string');
  });

  it('accepts the module as an ArrayBuffer', async () => {
    const copy = valuesBytes.buffer.slice(valuesBytes.byteOffset, valuesBytes.byteOffset + valuesBytes.byteLength);
    const v = (await instantiateLegacy(copy, valuesHost().imports, { world })) as unknown as ValuesExports;
    expect(v.add(1, 2)).toBe(3);
  });

  it('refuses two world functions on one core symbol, and takes a name override for one of them', async () => {
    const wit = [
      'package t:t@1.0.0;',
      'interface a { add: func(a: u32, b: u32) -> u32; }',
      'interface b { add: func(a: u32, b: u32) -> u32; }',
      'world w { export a; export b; }',
    ].join('\n');
    const error = await compileLegacy(valuesBytes, { world: { wit } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbiError);
    expect((error as AbiError).code).toBe('ABI_UNSUPPORTED');
    expect((error as AbiError).message).toContain('both map to the core symbol `add`');
    const renamed = (await instantiateLegacy(valuesBytes, valuesHost().imports, {
      world: { wit },
      names: { 't:t/b@1.0.0#add': 'sum_list' },
      allocator: { malloc: 'malloc' },
    }).catch((e: unknown) => e)) as LegacyError;
    // `sum_list` has another core type than `add`: the override is followed, and checked.
    expect(renamed.code).toBe('LEGACY_EXPORTS');
    expect(renamed.message).toContain('incompatible export type for `sum_list` (world export `t:t/b@1.0.0#add`)');
  });

  it('refuses a module without an exported memory when values pass through memory', async () => {
    const wat = '(module (import "env" "show" (func (param i32))) (func (export "run")))';
    const bytes = await parse(wat);
    const wit = 'package t:t;\nworld w {\n  record point { x: s32, y: s32 }\n  import show: func(p: point);\n  export run: func();\n}';
    const error = await compileLegacy(bytes, { world: { wit } }).catch((e: unknown) => e);
    expect((error as LegacyError).code).toBe('LEGACY_NO_MEMORY');
    expect((error as LegacyError).message).toBe('`show` passes values through guest memory, but the module exports no memory named `memory`');
  });

  it('refuses resources with a typed error naming them', async () => {
    const wit = 'package t:t;\nworld w {\n  resource blob { size: func() -> u32; }\n  export make: func() -> blob;\n}';
    const error = await compileLegacy(valuesBytes, { world: { wit } }).catch((e: unknown) => e);
    expect((error as LegacyError).code).toBe('LEGACY_UNSUPPORTED');
    expect((error as LegacyError).message).toBe('resource `blob`: the C ABI of a legacy module has no resources');
  });

  it('refuses handles inside function types, naming the function, the parameter and the type', async () => {
    const streams = 'package t:t;\nworld w {\n  export pump: func(input: stream<u8>) -> u32;\n}';
    const error = await compileLegacy(valuesBytes, { world: { wit: streams } }).catch((e: unknown) => e);
    expect((error as LegacyError).code).toBe('LEGACY_UNSUPPORTED');
    expect((error as LegacyError).message).toBe(
      '`pump`: parameter `input` has type `stream<u8>`, which holds a stream handle of `u8`; ' +
        'the C ABI of a legacy module has no resources, streams or futures (expected plain values: scalars, strings, lists, records, variants)',
    );
    const borrowed = [
      'package t:t;',
      'interface files { resource file; }',
      'world w {',
      '  use files.{file};',
      '  import files;',
      '  export size: func(f: list<borrow<file>>) -> u64;',
      '}',
    ].join('\n');
    const inList = await compileLegacy(valuesBytes, { world: { wit: borrowed } }).catch((e: unknown) => e);
    expect((inList as LegacyError).code).toBe('LEGACY_UNSUPPORTED');
    expect((inList as LegacyError).message).toMatch(/^resource `file` in `t:t\/files`: the C ABI of a legacy module has no resources$/);
  });

  it('scenario 1: an import the world does not declare is a LinkError naming it', async () => {
    const missing = readFileSync(legacy('missing-import', 'missing-import.core.wasm'));
    const wit = 'package t:t;\nworld w {\n  import host-log: func(v: s32);\n}';
    const error = await instantiateLegacy(missing, { hostLog: () => undefined }, { world: { wit } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    const link = error as LinkError;
    expect(link.problems).toContainEqual({ kind: 'missing', module: 'env', name: 'my_extern_fun', expected: '(func)' });
    expect(link.message).toContain('unknown import: `env::my_extern_fun` has not been defined; the module imports it as (func)');
    expect(link.message).toContain('note: `env::my_extern_fun` is not an import of the WIT world either');
  });

  it('scenario 4: a world declaring 64 bits where the guest has C long gets the long hint', async () => {
    const longTest = readFileSync(legacy('long-test', 'long-test.core.wasm'));
    const wit = 'package t:t;\nworld w {\n  import test: func() -> s64;\n}';
    const error = await instantiateLegacy(longTest, { test: () => 1n }, { world: { wit } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).message).toContain('incompatible import type for `env::test`: expected (func (result i32)), found (func (result i64))');
    expect((error as LinkError).message).toContain('C `long` is 32-bit on wasm32');
  });
});
