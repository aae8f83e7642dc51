/**
 * The C ABI plan of WIT functions (src/runtime/legacy/plan.ts): the core
 * signature of the C function `R f(A a, ...)` whose C types are cabi.ts's
 * `cTypeOfWit`, compared with what Debian's clang emits for the same C
 * functions (including the cases BasicCABI singles out: single-scalar
 * structs, empty structs, sret).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionType, readCoreModule } from '../../src/binary/reader.js';
import { formatCoreFuncType } from '../../src/abi/core-types.js';
import { LegacyError } from '../../src/runtime/legacy/index.js';
import { exportNeedsAllocator, importNeedsAllocator, planFunction } from '../../src/runtime/legacy/plan.js';
import { loadWitText, selectWorld } from '../../src/wit/index.js';

function plans(body: string) {
  const loaded = loadWitText(`package t:t;\nworld w {\n${body}\n}`);
  const world = loaded.resolve.worlds[selectWorld(loaded, 'w')];
  if (world === undefined) throw new Error('no world');
  return new Map(
    [...world.imports, ...world.exports].flatMap((e) =>
      e.item.kind === 'function' ? [[e.item.func.name, planFunction(loaded.resolve, e.item.func, e.item.func.name, 'sym')] as const] : [],
    ),
  );
}

describe('legacy C ABI plan', () => {
  const types = [
    'record point { x: s32, y: s32 }',
    'record wrapped { inner: u16 }',
    'record empty {}',
    'record pair { a: f64, b: u8 }',
    'enum color { red, green }',
    'flags few { a, b }',
    `flags many { ${Array.from({ length: 33 }, (_, i) => `g${i}`).join(', ')} }`,
  ].join('\n');
  // WIT declaration, expected core type, the same function in C (exported under the WIT name's symbol).
  const cases: [string, string, string][] = [
    ['export just-add: func(a: u64, b: u64) -> u64;', '(func (param i64 i64) (result i64))', 'uint64_t just_add(uint64_t a, uint64_t b)'],
    ['export narrow: func(a: u8, b: s16, c: bool, d: char) -> u8;', '(func (param i32 i32 i32 i32) (result i32))', 'uint8_t narrow(uint8_t a, int16_t b, bool c, uint32_t d)'],
    ['export floats: func(a: f32, b: f64) -> f64;', '(func (param f32 f64) (result f64))', 'double floats(float a, double b)'],
    ['export point-add: func(a: point, b: point) -> point;', '(func (param i32 i32 i32))', 'point point_add(point a, point b)'],
    ['export unwrap: func(w: wrapped) -> wrapped;', '(func (param i32) (result i32))', 'wrapped unwrap(wrapped w)'],
    ['export nothing: func(e: empty, x: u32) -> empty;', '(func (param i32))', 'empty nothing(empty e, uint32_t x)'],
    ['export mixed: func(p: pair) -> f64;', '(func (param i32) (result f64))', 'double mixed(pair p)'],
    ['export echo: func(s: string) -> string;', '(func (param i32 i32))', 'string_t echo(string_t s)'],
    ['export sum: func(v: list<u32>) -> u64;', '(func (param i32) (result i64))', 'uint64_t sum(list_t v)'],
    ['export pick: func(c: color, f: few) -> color;', '(func (param i32 i32) (result i32))', 'uint8_t pick(uint8_t c, uint8_t f)'],
    ['export wide: func(f: many) -> many;', '(func (param i32 i32))', 'many wide(many f)'],
    ['export maybe: func(x: option<u32>) -> option<u32>;', '(func (param i32 i32))', 'option_u32 maybe(option_u32 x)'],
    ['import host-origin: func() -> point;', '(func (param i32))', 'point host_origin(void)'],
    ['import host-log: func(v: s32);', '(func (param i32))', 'void host_log(int32_t v)'],
  ];
  const planned = plans(`${types}\n${cases.map(([f]) => `  ${f}`).join('\n')}`);

  for (const [decl, core] of cases) {
    it(decl, () => {
      const name = /(?:export|import) ([a-z-]+):/.exec(decl)?.[1] ?? '';
      const plan = planned.get(name);
      expect(plan && formatCoreFuncType(plan.core)).toBe(core);
    });
  }

  it('matches what clang emits for the same C functions', () => {
    const prelude = [
      '#include <stdbool.h>',
      '#include <stdint.h>',
      'typedef struct { int32_t x; int32_t y; } point;',
      'typedef struct { uint16_t inner; } wrapped;',
      'typedef struct { } empty;',
      'typedef struct { double a; uint8_t b; } pair;',
      'typedef struct { uint8_t *ptr; uint32_t len; } string_t;',
      'typedef struct { uint32_t *ptr; uint32_t len; } list_t;',
      'typedef struct { uint32_t flags[2]; } many;',
      'typedef struct { bool is_some; uint32_t val; } option_u32;',
    ];
    // Bodies only matter for linking; each export is kept (export_name), each import left undefined.
    const functions = cases.map(([decl, , c]) => {
      const symbol = /\b([a-z_]+)\(/.exec(c)?.[1] ?? '';
      if (decl.startsWith('import')) {
        // Called once so the linker keeps the import.
        const call = c.includes('(void)') ? `${symbol}()` : `${symbol}(0)`;
        return `__attribute__((import_module("env"), import_name("${symbol}"))) ${c};\n__attribute__((export_name("use_${symbol}"))) void use_${symbol}(void) { ${call}; }`;
      }
      return `__attribute__((export_name("${symbol}"))) ${c} { __builtin_trap(); }`;
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'witgen-legacy-plan-'));
    try {
      writeFileSync(path.join(dir, 'sig.c'), [...prelude, ...functions].join('\n'));
      const clang = spawnSync(
        '/usr/bin/clang',
        ['--target=wasm32-wasi', '-O2', '-mexec-model=reactor', '-Wno-gnu-empty-struct', '-Wno-c2x-extensions', '-Wno-unused-parameter',
          '-g0', '-Wl,--no-entry', '-Wl,--allow-undefined', '-o', 'sig.wasm', 'sig.c'],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(clang.stderr).toBe('');
      const info = readCoreModule(readFileSync(path.join(dir, 'sig.wasm')));
      const emitted = new Map<string, string>();
      for (const e of info.exports) if (e.kind === 'func') emitted.set(e.name, formatCoreFuncType(functionType(info, e.index)));
      for (const imp of info.imports) {
        if (imp.kind === 'func' && imp.typeIndex !== null) emitted.set(imp.name, formatCoreFuncType(info.types[imp.typeIndex] ?? { params: [], results: [] }));
      }
      for (const [decl, core, c] of cases) {
        const symbol = /\b([a-z_]+)\(/.exec(c)?.[1] ?? '';
        expect([decl, emitted.get(symbol)]).toEqual([decl, core]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which functions need the guest allocator', () => {
    const need = (name: string, dir: 'import' | 'export'): boolean => {
      const plan = planned.get(name);
      if (plan === undefined) throw new Error(name);
      return dir === 'export' ? exportNeedsAllocator(plan) : importNeedsAllocator(plan);
    };
    expect(need('just-add', 'export')).toBe(false);
    expect(need('unwrap', 'export')).toBe(false);
    expect(need('point-add', 'export')).toBe(true);
    expect(need('echo', 'export')).toBe(true);
    // The guest provides the result area of an import; only strings/lists need host allocation.
    expect(need('host-origin', 'import')).toBe(false);
  });

  it('refuses async functions', () => {
    expect(() => plans('export later: async func() -> u32;')).toThrow(LegacyError);
  });
});
