/**
 * The C glue generator's conventions, without a compiler: names, type shapes,
 * signatures and helpers as wit-bindgen's C generator spells them, doc
 * comments, deterministic output, typed errors for what C cannot express,
 * and the `witgen guest c` command.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { guestC, guestCCommand, registerGuestCommand } from '../../src/cli/commands/guest.js';
import { CGuestError, generateCGuest } from '../../src/codegen/c-guest/index.js';
import { cIdent, cParamName, shoutyCase, snakeCase } from '../../src/codegen/c-guest/names.js';
import { CodeWriter } from '../../src/codegen/writer.js';
import { WitError } from '../../src/wit/errors.js';
import { loadWit, loadWitText, selectWorld } from '../../src/wit/load.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const kindsPath = path.resolve(here, '../fixtures/c-guest/kinds.wit');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-c-guest-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function generate(witPath: string, world?: string): { h: string; c: string } {
  const loaded = loadWit(witPath);
  const files = generateCGuest(loaded.resolve, selectWorld(loaded, world)).files;
  const [h, c] = [...files.values()];
  return { h: h ?? '', c: c ?? '' };
}

function generateText(wit: string): { h: string; c: string } {
  const loaded = loadWitText(wit, { allFeatures: true });
  const files = generateCGuest(loaded.resolve, selectWorld(loaded)).files;
  const [h, c] = [...files.values()];
  return { h: h ?? '', c: c ?? '' };
}

/** Collapses whitespace so assertions do not depend on indentation. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

const kinds = generate(kindsPath);
const KINDS = 'witgen_c_guest_kinds';
const EXPORTS = `exports_${KINDS}`;

describe('names', () => {
  it('snake_case, SHOUTY_CASE and keyword escapes follow wit-bindgen', () => {
    expect(snakeCase('get-HTTP-body')).toBe('get_http_body');
    expect(snakeCase('[method]blob.read-all')).toBe('method_blob_read_all');
    expect(snakeCase('[static]blob.merge')).toBe('static_blob_merge');
    expect(shoutyCase('read-write')).toBe('READ_WRITE');
    expect(cIdent('default')).toBe('default_');
    expect(cIdent('char')).toBe('char_');
    expect(cIdent('a-b')).toBe('a_b');
    // The glue names its out-parameters `ret` and `err`.
    expect(cParamName('ret')).toBe('ret_');
    expect(cParamName('value')).toBe('value');
  });

  it('spells flag constants `(1 << i)` like wit-bindgen, unsigned only where an int would overflow', () => {
    const names = (n: number, p: string): string => Array.from({ length: n }, (_, i) => `${p}${i}`).join(', ');
    const { h } = generateText(`package t:fl;
world fl {
  flags fa { ${names(32, 'a')} }
  flags fb { ${names(40, 'b')} }
  export f: func(x: fa, y: fb);
}`);
    expect(h).toContain('#define FL_FA_A0 (1 << 0)');
    expect(h).toContain('#define FL_FA_A30 (1 << 30)');
    expect(h).toContain('#define FL_FA_A31 (1U << 31)');
    expect(h).toContain('#define FL_FB_B1 (1ULL << 1)');
    expect(h).toContain('#define FL_FB_B39 (1ULL << 39)');
  });

  it("maps the pre-0.37 names of the world's own exports onto exports_<world>_<func>, unless the glue uses the name", () => {
    const { h, c } = generateText(`package t:old;
world old {
  import log: func(m: string);
  import run: func();
  export run: func();
  export greet: func(name: string) -> string;
  export string-free: func();
}`);
    expect(h).toContain('#define old_greet exports_old_greet');
    // `old_run` is the import wrapper and `old_string_free` the string helper: no macro for them.
    expect(h).not.toMatch(/#define old_run\b/);
    expect(h).not.toMatch(/#define old_string_free\b/);
    expect(h).toContain('extern void old_run(void);');
    expect(c).not.toMatch(/\bold_greet\b/);
  });

  it('escapes `ret` and `err` in fields and cases too, as wit-bindgen does everywhere', () => {
    expect(cIdent('ret')).toBe('ret_');
    expect(cIdent('err')).toBe('err_');
    const { h, c } = generateText(`package t:esc;
world esc {
  record r { ret: u32, err: string, ok: u8 }
  variant v { ret(u32), err(string) }
  export f: func(x: r, y: v) -> r;
}`);
    expect(flat(h)).toContain('typedef struct esc_r_t { uint32_t ret_; esc_string_t err_; uint8_t ok; } esc_r_t;');
    expect(flat(h)).toContain('union { uint32_t ret_; esc_string_t err_; } val;');
    // The case constants keep the WIT names.
    expect(h).toContain('#define ESC_V_RET 0');
    expect(h).toContain('#define ESC_V_ERR 1');
    expect(c).toContain('esc_string_free(&ptr->err_);');
  });
});

describe('types', () => {
  it('declares the world string type and its helpers', () => {
    expect(flat(kinds.h)).toContain('typedef struct kinds_world_string_t { uint8_t *ptr; size_t len; } kinds_world_string_t;');
    for (const helper of ['set', 'dup', 'dup_n', 'free']) expect(kinds.h).toContain(`void kinds_world_string_${helper}(kinds_world_string_t *ret`);
    expect(kinds.c).toContain('ret->ptr = (uint8_t *) cabi_realloc(NULL, 0, 1, ret->len * 1);');
  });

  it('names anonymous types made of primitives after the world, others after their interface', () => {
    const h = flat(kinds.h);
    expect(h).toContain('typedef struct { uint8_t *ptr; size_t len; } kinds_world_list_u8_t;');
    expect(h).toContain('typedef struct { bool is_some; uint32_t val; } kinds_world_option_u32_t;');
    expect(h).toContain('typedef struct { bool is_some; kinds_world_option_s16_t val; } kinds_world_option_option_s16_t;');
    expect(h).toContain(`typedef struct { ${KINDS}_point_t *ptr; size_t len; } ${KINDS}_list_point_t;`);
    expect(h).toContain(`typedef struct { bool is_err; union { kinds_world_string_t ok; uint32_t err; } val; } ${KINDS}_result_string_u32_t;`);
    expect(h).toContain(`typedef struct { bool is_err; } ${KINDS}_result_void_void_t;`);
    expect(h).toContain(`typedef struct { ${KINDS}_small_t f0; ${KINDS}_medium_t f1; ${KINDS}_wide_t f2; } ${KINDS}_tuple3_small_medium_wide_t;`);
  });

  it('spells records, flags, enums and variants like wit-bindgen, with doc comments', () => {
    const h = flat(kinds.h);
    expect(h).toContain(`// A point in the plane. typedef struct ${KINDS}_point_t { // Horizontal. float x; double y; } ${KINDS}_point_t;`);
    expect(h).toContain(`typedef uint8_t ${KINDS}_small_t; #define WITGEN_C_GUEST_KINDS_SMALL_READ (1 << 0)`);
    expect(h).toContain(`typedef uint16_t ${KINDS}_medium_t;`);
    expect(h).toContain(`typedef uint32_t ${KINDS}_wide_t;`);
    expect(h).toContain(`typedef uint8_t ${KINDS}_color_t; #define WITGEN_C_GUEST_KINDS_COLOR_RED 0`);
    expect(h).toContain(`typedef struct ${KINDS}_shape_t { uint8_t tag; union { float circle; uint64_t square;`);
    expect(h).toContain('#define WITGEN_C_GUEST_KINDS_SHAPE_COUNT 6');
    // Keyword field names get a trailing underscore.
    expect(h).toContain(`${KINDS}_color_t enum_; ${KINDS}_option_point_t default_;`);
  });

  it('redefines the types of an interface that is both imported and exported under exports_', () => {
    expect(kinds.h).toContain(`typedef struct ${EXPORTS}_point_t {`);
    expect(kinds.h).toContain(`#define EXPORTS_WITGEN_C_GUEST_KINDS_COLOR_BLUE 2`);
  });

  it('gives every type that owns memory a _free function, like wit-bindgen', () => {
    for (const name of ['kinds_world_list_u8', `${KINDS}_names`, `${KINDS}_everything`, `${KINDS}_shape`, 'kinds_world_option_u32']) {
      expect(kinds.h).toContain(`void ${name}_free(${name}_t *ptr);`);
    }
    expect(kinds.h).not.toContain(`${KINDS}_point_free`);
    expect(flat(kinds.c)).toContain(`void ${KINDS}_names_free(${KINDS}_names_t *ptr) { size_t list_len = ptr->len; if (list_len > 0) { kinds_world_string_t *list_ptr = ptr->ptr; for (size_t i = 0; i < list_len; i++) { kinds_world_string_free(&list_ptr[i]); } free(list_ptr); } }`);
  });

  it('checks every C layout against the canonical ABI plan with _Static_assert', () => {
    expect(kinds.c).toContain(`_Static_assert(sizeof(${KINDS}_everything_t) == 88 && _Alignof(${KINDS}_everything_t) == 8`);
    expect(kinds.c).toContain(`_Static_assert(sizeof(${KINDS}_shape_t) == 40 && _Alignof(${KINDS}_shape_t) == 8`);
  });
});

describe('world-level `use` of interface types', () => {
  const usesPath = path.resolve(here, '../fixtures/c-guest/world-uses.wit');
  const T = 'witgen_c_guest_world_uses_types';
  const MID = 'witgen_c_guest_world_uses_middle';

  /** Every C type name the header defines, once per definition. */
  function definedTypes(h: string): string[] {
    const names: string[] = [];
    for (const line of h.split('\n')) {
      // `} name_t;` closes a typedef'd struct (unions close with `} val;`).
      const closing = /^\} (\w+_t);$/.exec(line.trim());
      const alias = /^typedef [^{;]*?\b(\w+);$/.exec(line.trim());
      const match = closing ?? alias;
      if (match?.[1] !== undefined) names.push(match[1]);
    }
    return names;
  }

  function expectEachDefinedOnce(h: string): void {
    const names = definedTypes(h);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  }

  it('defines the used record once and the world type as a typedef of it (world-level imports and exports)', () => {
    const { h } = generate(usesPath, 'plain-use');
    expectEachDefinedOnce(h);
    expect(flat(h)).toContain(`typedef struct ${T}_pt_t { int32_t x; int32_t y; } ${T}_pt_t;`);
    expect(h).toContain(`typedef ${T}_pt_t plain_use_pt_t;`);
    expect(h).toContain('extern void plain_use_g(plain_use_pt_t *p);');
    expect(h).toContain('void exports_plain_use_f(plain_use_pt_t *p, plain_use_pt_t *ret);');
  });

  const uses = generate(usesPath, 'uses');

  it('defines every C type once when interfaces, an export and the world share the types', () => {
    expectEachDefinedOnce(uses.h);
    expect(uses.h.split(`typedef struct ${T}_named_t {`).length).toBe(2);
    // The exported interface refers to the imported types through its own aliases.
    expect(uses.h).toContain(`typedef ${T}_pt_t exports_witgen_c_guest_world_uses_consumer_pt_t;`);
  });

  it('names world aliases <world>_<name>_t, `use ... as` by the new name, each a typedef of the type it stands for', () => {
    expect(uses.h).toContain(`typedef ${T}_pt_t uses_pt_t;`);
    expect(uses.h).toContain(`typedef ${T}_color_t uses_colour_t;`);
    expect(uses.h).not.toContain('uses_color_t');
    expect(uses.h).toContain('uses_perms_t exports_uses_paint(uses_colour_t c, uses_perms_t p);');
    // Aliases of aliases: the world's `point` is middle's, which is types' alias of `pt`.
    expect(uses.h).toContain(`typedef ${T}_pt_t ${T}_point_t;`);
    expect(uses.h).toContain(`typedef ${T}_point_t ${MID}_point_t;`);
    expect(uses.h).toContain(`typedef ${MID}_point_t uses_point_t;`);
    expect(uses.h).toContain(`typedef ${MID}_segment_t uses_segment_t;`);
    expect(uses.h).toContain('int64_t exports_uses_area(uses_pt_t *a, uses_point_t *b, uses_segment_t *s);');
  });

  it('keeps the constants of used enums, flags and variants under the defining interface only', () => {
    expect(uses.h).toContain('#define WITGEN_C_GUEST_WORLD_USES_TYPES_COLOR_BLUE 2');
    expect(uses.h).toContain('#define WITGEN_C_GUEST_WORLD_USES_TYPES_PERMS_EXEC (1 << 2)');
    expect(uses.h).toContain('#define WITGEN_C_GUEST_WORLD_USES_TYPES_SHAPE_EMPTY 2');
    expect(uses.h).not.toMatch(/#define USES_/);
    expect(uses.h).toContain(`typedef ${T}_shape_t uses_shape_t;`);
    expect(uses.h).toContain('void uses_shape_free(uses_shape_t *ptr);');
  });

  it('gives a used resource no type of its own: its handles are typedefs of the interface handles', () => {
    expect(uses.h).not.toContain('uses_counter_t');
    expect(uses.h).toContain(`typedef ${T}_own_counter_t uses_own_counter_t;`);
    expect(uses.h).toContain(`typedef ${T}_borrow_counter_t uses_borrow_counter_t;`);
    expect(uses.h).toContain('uses_own_counter_t exports_uses_bump(uses_own_counter_t c);');
    expect(uses.h).toContain('extern uint32_t uses_tally(uses_borrow_counter_t c);');
    expect(uses.h.split(`typedef struct ${T}_own_counter_t {`).length).toBe(2);
  });

  it('defines a used type that only world imports mention, under its `as` name', () => {
    expect(uses.h).toContain('typedef witgen_c_guest_world_uses_only_imports_stamp_t uses_stamp_t;');
    const { h } = generate(usesPath, 'imports-only');
    expectEachDefinedOnce(h);
    expect(h).toContain('typedef witgen_c_guest_world_uses_only_imports_stamp_t imports_only_when_t;');
    expect(h).toContain('extern void imports_only_log_when(imports_only_when_t *w);');
  });

  it('keeps the world alias on the imported type when the used interface is exported too', () => {
    const { h } = generate(usesPath, 'used-and-exported');
    expectEachDefinedOnce(h);
    expect(h).toContain(`typedef struct ${T}_pt_t {`);
    expect(h).toContain(`typedef struct exports_${T}_pt_t {`);
    expect(h).toContain(`typedef ${T}_pt_t used_and_exported_pt_t;`);
    expect(h).toContain('void exports_used_and_exported_f(used_and_exported_pt_t *p, used_and_exported_pt_t *ret);');
  });
});

describe('functions', () => {
  it('declares import wrappers with wit-bindgen signatures', () => {
    const h = kinds.h;
    expect(h).toContain(`extern uint64_t ${KINDS}_scalars(bool a, uint8_t b, int8_t c, uint16_t d, int16_t e, uint32_t f, int32_t g, uint64_t h, int64_t i, float j, double k, uint32_t l);`);
    expect(h).toContain(`extern void ${KINDS}_echo_string(kinds_world_string_t *s, kinds_world_string_t *ret);`);
    expect(h).toContain(`extern bool ${KINDS}_maybe_u32(uint32_t *maybe_x, uint32_t *ret);`);
    expect(h).toContain(`extern bool ${KINDS}_full_result(${KINDS}_result_string_u32_t *x, kinds_world_string_t *ret, uint32_t *err);`);
    expect(h).toContain(`extern bool ${KINDS}_err_only(${KINDS}_result_void_color_t *x, ${KINDS}_color_t *err);`);
    expect(h).toContain(`extern bool ${KINDS}_bare_result(${KINDS}_result_void_void_t *x);`);
    expect(h).toContain(`extern void ${KINDS}_nothing(void);`);
    expect(h).toContain('extern void kinds_world_log(kinds_world_string_t *msg);');
    expect(h).toContain(`extern kinds_world_tuple1_bool_t ${KINDS}_keywords(uint32_t int_, kinds_world_string_t *char_, uint8_t ret_, uint8_t err_);`.replace('kinds_world_tuple1_bool_t ', 'void ').replace('err_);', 'err_, kinds_world_tuple1_bool_t *ret);'));
  });

  it('declares the exports the guest implements, prefixed exports_', () => {
    const h = kinds.h;
    expect(h).toContain(`void ${EXPORTS}_echo_shape(${EXPORTS}_shape_t *s, ${EXPORTS}_shape_t *ret);`);
    expect(h).toContain(`bool ${EXPORTS}_maybe_string(kinds_world_string_t *maybe_x, kinds_world_string_t *ret);`);
    expect(h).toContain('bool exports_kinds_world_run(kinds_world_list_string_t *args, uint32_t *ret, kinds_world_string_t *err);');
    expect(h).toContain('void exports_kinds_world_get_point(kinds_world_point_t *ret);');
  });

  it('binds core imports and exports with component names and the ABI plan', () => {
    const c = kinds.c;
    expect(c).toContain('__attribute__((__import_module__("witgen:c-guest/kinds@0.1.0"), __import_name__("echo-shape")))');
    expect(c).toContain(`extern void __wasm_import_${KINDS}_echo_shape(int32_t, int64_t, int64_t, float, double, int32_t);`);
    expect(c).toContain('__attribute__((__import_module__("$root"), __import_name__("log")))');
    expect(c).toContain('__attribute__((__export_name__("witgen:c-guest/kinds@0.1.0#echo-shape")))');
    expect(c).toContain(`int32_t __wasm_export_${EXPORTS}_echo_shape(int32_t arg0, int64_t arg1, int64_t arg2, float arg3, double arg4) {`);
    expect(c).toContain('__attribute__((__export_name__("run")))');
    // Spilled parameters: one pointer in, freed by the callee.
    expect(c).toContain(`int32_t __wasm_export_${EXPORTS}_many_params(int32_t arg0) {`);
    expect(c).toContain(`extern int32_t __wasm_import_${KINDS}_many_params(int32_t);`);
  });

  it('frees what exports return in weak cabi_post_ functions, only when memory is owned', () => {
    const c = flat(kinds.c);
    expect(c).toContain(`__attribute__((__weak__, __export_name__("cabi_post_witgen:c-guest/kinds@0.1.0#echo-names"))) void __wasm_export_${EXPORTS}_echo_names_post_return(int32_t arg0) { ${EXPORTS}_names_free((${EXPORTS}_names_t *) (uintptr_t) arg0); }`);
    expect(c).toContain('cabi_post_run');
    expect(c).not.toContain('cabi_post_witgen:c-guest/kinds@0.1.0#maybe-u32');
    expect(c).toContain('__attribute__((__weak__, __export_name__("cabi_realloc")))');
  });
});

describe('resources', () => {
  const h = flat(kinds.h);
  const c = flat(kinds.c);
  it('gives imported resources own/borrow handles, drop and borrow helpers', () => {
    expect(h).toContain('typedef struct witgen_c_guest_blobs_own_blob_t { int32_t __handle; } witgen_c_guest_blobs_own_blob_t;');
    expect(h).toContain('typedef struct witgen_c_guest_blobs_borrow_blob_t { int32_t __handle; } witgen_c_guest_blobs_borrow_blob_t;');
    expect(h).toContain('extern void witgen_c_guest_blobs_blob_drop_own(witgen_c_guest_blobs_own_blob_t handle);');
    expect(h).toContain('extern witgen_c_guest_blobs_borrow_blob_t witgen_c_guest_blobs_borrow_blob(witgen_c_guest_blobs_own_blob_t handle);');
    expect(h).toContain('extern witgen_c_guest_blobs_own_blob_t witgen_c_guest_blobs_constructor_blob(kinds_world_list_u8_t *init);');
    expect(h).toContain('extern void witgen_c_guest_blobs_method_blob_read(witgen_c_guest_blobs_borrow_blob_t self, uint32_t n, kinds_world_list_u8_t *ret);');
    expect(c).toContain('__attribute__((__import_module__("witgen:c-guest/blobs@0.1.0"), __import_name__("[resource-drop]blob")))');
  });

  it('lets the guest define exported resources: rep struct, new/rep/destructor, borrow as pointer', () => {
    expect(h).toContain('typedef struct exports_witgen_c_guest_blobs_blob_t exports_witgen_c_guest_blobs_blob_t;');
    expect(h).toContain('typedef exports_witgen_c_guest_blobs_blob_t* exports_witgen_c_guest_blobs_borrow_blob_t;');
    expect(h).toContain('extern exports_witgen_c_guest_blobs_own_blob_t exports_witgen_c_guest_blobs_blob_new(exports_witgen_c_guest_blobs_blob_t *rep);');
    expect(h).toContain('extern exports_witgen_c_guest_blobs_blob_t* exports_witgen_c_guest_blobs_blob_rep(exports_witgen_c_guest_blobs_own_blob_t handle);');
    expect(h).toContain('void exports_witgen_c_guest_blobs_blob_destructor(exports_witgen_c_guest_blobs_blob_t *rep);');
    expect(h).toContain('exports_witgen_c_guest_blobs_own_blob_t exports_witgen_c_guest_blobs_static_blob_merge(exports_witgen_c_guest_blobs_borrow_blob_t lhs, exports_witgen_c_guest_blobs_borrow_blob_t rhs);');
    expect(c).toContain('__attribute__((__import_module__("[export]witgen:c-guest/blobs@0.1.0"), __import_name__("[resource-new]blob")))');
    expect(c).toContain('__attribute__((__export_name__("witgen:c-guest/blobs@0.1.0#[dtor]blob")))');
  });
});

describe('output', () => {
  it('is deterministic', () => {
    const again = generate(kindsPath);
    expect(again.h).toBe(kinds.h);
    expect(again.c).toBe(kinds.c);
  });

  it('wraps the header in include guards and extern "C"', () => {
    expect(kinds.h.startsWith('// Generated by witgen')).toBe(true);
    expect(kinds.h).toContain('#ifndef __BINDINGS_KINDS_WORLD_H\n#define __BINDINGS_KINDS_WORLD_H\n#ifdef __cplusplus\nextern "C" {\n#endif');
    expect(kinds.h.trimEnd().endsWith('#ifdef __cplusplus\n}\n#endif\n#endif')).toBe(true);
  });

  it('keeps a doc comment ending in a backslash from swallowing the next line', () => {
    const { h } = generateText('package a:b;\nworld w {\n  /// ends with \\\n  import f: func();\n}\n');
    expect(h).toContain('// ends with \\ (backslash)\nextern void w_f(void);');
  });
});

describe('fixed-length lists', () => {
  const { h, c } = generateText(
    [
      'package a:b;',
      'interface i {',
      '  type ip = list<u8, 4>;',
      '  record r { names: list<string, 2>, grid: list<list<f32, 2>, 3> }',
      '  f: func(a: ip, b: list<u32, 2>) -> list<u32, 2>;',
      '  g: func(r: r) -> r;',
      '}',
      'world w {',
      '  import i;',
      '}',
    ].join('\n'),
  );

  it('are structs holding the elements inline (`T val[N]`), named `list<N>_<element>` when anonymous', () => {
    expect(flat(h)).toContain('typedef struct a_b_i_ip_t { uint8_t val[4]; } a_b_i_ip_t;');
    expect(flat(h)).toContain('typedef struct { uint32_t val[2]; } w_list2_u32_t;');
    expect(flat(h)).toContain('typedef struct { w_list2_f32_t val[3]; } w_list3_list2_f32_t;');
    expect(flat(h)).toContain('typedef struct { w_string_t val[2]; } w_list2_string_t;');
    // Their layout is the canonical one: N elements, the element's alignment.
    expect(c).toContain('_Static_assert(sizeof(w_list3_list2_f32_t) == 24 && _Alignof(w_list3_list2_f32_t) == 4');
  });

  it('are passed by pointer and returned through `ret`, flattened element by element', () => {
    expect(h).toContain('extern void a_b_i_f(a_b_i_ip_t *a, w_list2_u32_t *b, w_list2_u32_t *ret);');
    expect(c).toContain('extern void __wasm_import_a_b_i_f(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);');
    expect(flat(c)).toContain('(int32_t) (((*a)).val[3]), (int32_t) (((*b)).val[0])');
  });

  it('get a `_free` when their elements own memory, and none otherwise', () => {
    expect(flat(c)).toContain('void w_list2_string_free(w_list2_string_t *ptr) { for (size_t i = 0; i < 2; i++) { w_string_free(&ptr->val[i]); } }');
    expect(h).toContain('void a_b_i_r_free(a_b_i_r_t *ptr);');
    expect(h).not.toContain('w_list2_u32_free');
    expect(h).not.toContain('w_list3_list2_f32_free');
  });
});

describe('flags beyond 64 members and without members', () => {
  const members = Array.from({ length: 70 }, (_, i) => `m${i}`).join(', ');
  const { h, c } = generateText(
    ['package a:b;', 'interface i {', `  flags big { ${members} }`, '  flags none {}', '  f: func(b: big, n: none) -> big;', '}', 'world w {', '  import i;', '}'].join('\n'),
  );

  it('are structs of the canonical u32 words with a bit and a word index per flag', () => {
    expect(flat(h)).toContain('typedef struct a_b_i_big_t { uint32_t bits[3]; } a_b_i_big_t;');
    expect(h).toContain('#define A_B_I_BIG_M0 (1U << 0)\n#define A_B_I_BIG_M0_WORD 0');
    expect(h).toContain('#define A_B_I_BIG_M69 (1U << 5)\n#define A_B_I_BIG_M69_WORD 2');
    expect(flat(h)).toContain('typedef struct a_b_i_none_t { uint32_t bits[0]; } a_b_i_none_t;');
    expect(c).toContain('_Static_assert(sizeof(a_b_i_big_t) == 12 && _Alignof(a_b_i_big_t) == 4');
    expect(c).toContain('_Static_assert(sizeof(a_b_i_none_t) == 0 && _Alignof(a_b_i_none_t) == 4');
  });

  it('are passed and returned by value, one i32 per word', () => {
    expect(h).toContain('extern a_b_i_big_t a_b_i_f(a_b_i_big_t b, a_b_i_none_t n);');
    expect(c).toContain('(int32_t) (b).bits[0], (int32_t) (b).bits[1], (int32_t) (b).bits[2], (int32_t) (uintptr_t) __ret_area0');
  });
});

describe('futures, streams and error contexts', () => {
  const { h, c } = generateText(
    [
      'package a:b;',
      'interface i {',
      '  f: func(x: future<stream<u8>>, e: error-context) -> stream;',
      '  g: func(x: future<stream<u8>>) -> future<u32>;',
      '}',
      'world w {',
      '  import i;',
      '  export i;',
      '}',
    ].join('\n'),
  );

  it('are uint32_t handles named like wit-bindgen (`future_<payload>`, `stream_void`), passed and returned by value', () => {
    expect(h).toContain('typedef uint32_t a_b_i_stream_u8_t;');
    expect(h).toContain('typedef uint32_t a_b_i_future_stream_u8_t;');
    expect(h).toContain('typedef uint32_t a_b_i_stream_void_t;');
    expect(h).toContain('typedef uint32_t w_error_context_t;');
    expect(h).toContain('extern a_b_i_stream_void_t a_b_i_f(a_b_i_future_stream_u8_t x, w_error_context_t e);');
    expect(h).toContain('exports_a_b_i_future_u32_t exports_a_b_i_g(exports_a_b_i_future_stream_u8_t x);');
  });

  it('get helpers over the built-ins named after the first function using them, payloads counted first', () => {
    // f: stream<u8> is #0, future<stream<u8>> #1, the result stream #2; g's future<u32> is its #2.
    expect(c).toContain('__import_module__("a:b/i"), __import_name__("[stream-new-0]f")');
    expect(c).toContain('__import_module__("a:b/i"), __import_name__("[async-lower][future-read-1]f")');
    expect(c).toContain('__import_module__("a:b/i"), __import_name__("[stream-drop-writable-2]f")');
    expect(c).toContain('__import_module__("a:b/i"), __import_name__("[future-new-2]g")');
    expect(c).toContain('__import_module__("[export]a:b/i"), __import_name__("[stream-cancel-read-0]f")');
    expect(h).toContain('a_b_i_stream_u8_t a_b_i_stream_u8_new(a_b_i_stream_u8_writer_t *writer);');
    expect(h).toContain('w_waitable_status_t a_b_i_stream_u8_read(a_b_i_stream_u8_t reader, uint8_t *buf, size_t amt);');
    expect(h).toContain('w_waitable_status_t a_b_i_future_u32_write(a_b_i_future_u32_writer_t writer, const uint32_t *buf);');
    expect(h).toContain('w_waitable_status_t a_b_i_stream_void_read(a_b_i_stream_void_t reader, size_t amt);');
    expect(h).toContain('void a_b_i_future_stream_u8_drop_readable(a_b_i_future_stream_u8_t reader);');
    // One set of helpers per C type, even when several functions mention it.
    expect(c.match(/__import_name__\("\[future-new-\d\]g"\)/g)?.length).toBe(2);
  });

  it('come with the waitable-set API and the error-context built-ins', () => {
    expect(h).toContain('void w_waitable_set_wait(w_waitable_set_t set, w_event_t *event);');
    expect(h).toContain('#define W_WAITABLE_STATUS_BLOCKED ((w_waitable_status_t) -1)');
    expect(c).toContain('__import_module__("$root"), __import_name__("[waitable-set-new]")');
    expect(h).toContain('w_error_context_t w_error_context_new(const w_string_t *message);');
    expect(c).toContain('__import_module__("$root"), __import_name__("[error-context-debug-message-utf8]")');
    expect(c).toContain('__import_module__("$root"), __import_name__("[error-context-drop]")');
  });
});

describe('async functions', () => {
  const { h, c } = generateText(
    [
      'package a:b;',
      'interface i {',
      '  one: async func(s: string) -> string;',
      '  two: async func(a: u32, b: u32) -> u32;',
      '  none: async func();',
      '}',
      'world w {',
      '  import i;',
      '  export i;',
      '}',
    ].join('\n'),
  );

  it('are imported through `[async-lower]` with arguments and result by pointer, returning a subtask status', () => {
    expect(h).toContain('extern w_subtask_status_t a_b_i_one(w_string_t *arg, w_string_t *result);');
    expect(flat(h)).toContain('typedef struct a_b_i_two_args { uint32_t a; uint32_t b; } a_b_i_two_args_t;');
    expect(h).toContain('extern w_subtask_status_t a_b_i_two(a_b_i_two_args_t *args, uint32_t *result);');
    expect(h).toContain('extern w_subtask_status_t a_b_i_none(void);');
    // Up to 4 flat parameters travel as values, then the result pointer.
    expect(c).toContain('__import_name__("[async-lower]two")))\nextern int32_t __wasm_import_a_b_i_two(int32_t, int32_t, int32_t);');
    expect(c).toContain('return (w_subtask_status_t) __wasm_import_a_b_i_two((int32_t) (args->a), (int32_t) (args->b), (int32_t) (uintptr_t) result);');
  });

  it('are exported through `[async-lift]` with a callback, and return their result with `_return`', () => {
    expect(h).toContain('w_callback_code_t exports_a_b_i_two(uint32_t a, uint32_t b);');
    expect(h).toContain('w_callback_code_t exports_a_b_i_two_callback(w_event_t *event);');
    expect(h).toContain('void exports_a_b_i_one_return(w_string_t ret);');
    expect(h).toContain('void exports_a_b_i_none_return(void);');
    expect(c).toContain('__attribute__((__export_name__("[async-lift]a:b/i#two")))');
    expect(c).toContain('__attribute__((__export_name__("[callback][async-lift]a:b/i#two")))');
    expect(c).toContain('__import_module__("[export]a:b/i"), __import_name__("[task-return]one")');
    expect(h).toContain('#define W_CALLBACK_CODE_WAIT(set) (2 | ((set) << 4))');
    // No post-return: results leave through task.return while the guest still owns them.
    expect(c).not.toContain('cabi_post_');
  });
});

describe('options', () => {
  it('rejects string encodings other than utf8 and utf16 with CGUEST_OPTION', () => {
    const loaded = loadWit(kindsPath);
    expect(() => generateCGuest(loaded.resolve, selectWorld(loaded), { stringEncoding: 'compact-utf16' as 'utf8' })).toThrow(
      expect.objectContaining({ code: 'CGUEST_OPTION' }),
    );
  });
});

describe('borrows of imported resources in exports', () => {
  const wit = [
    'package test:borrowing;',
    'interface test {',
    '  resource thing {',
    '    get-int: func() -> u32;',
    '  }',
    '}',
    'interface user {',
    '  use test.{thing};',
    '  record pair { a: borrow<thing>, b: u32 }',
    '  do-borrow: func(t: borrow<thing>, p: pair, o: option<borrow<thing>>);',
    '}',
    'world w {',
    '  import test;',
    '  export user;',
    '}',
  ].join('\n');

  it('always offers <prefix>_<r>_drop_borrow for imported resources, which marks the borrow dropped', () => {
    const { h, c } = generateText(wit);
    expect(h).toContain('extern void test_borrowing_test_thing_drop_borrow(test_borrowing_test_borrow_thing_t handle);');
    expect(flat(c)).toContain(
      'void test_borrowing_test_thing_drop_borrow(test_borrowing_test_borrow_thing_t handle) { witgen_borrow_dropped(handle.__handle); __wasm_import_test_borrowing_test_thing_drop(handle.__handle); }',
    );
  });

  it('records the borrows an export receives and drops those the guest left, with or without --autodrop-borrows', () => {
    const loaded = loadWitText(wit);
    const outputs = [false, true].map((autodropBorrows) => {
      const [, c = ''] = [...generateCGuest(loaded.resolve, selectWorld(loaded), { autodropBorrows }).files.values()];
      return c;
    });
    // Guests are written for either wit-bindgen mode; the glue serves both the same way.
    expect(outputs[1]).toBe(outputs[0]);
    const c = outputs[0] ?? '';
    const adapter = flat(c.slice(c.indexOf('__attribute__((__export_name__("test:borrowing/user#do-borrow")))')));
    const drop = '__wasm_import_test_borrowing_test_thing_drop';
    expect(adapter).toContain(
      `witgen_borrow_received((__arg0).__handle, ${drop}); witgen_borrow_received(((__arg2).a).__handle, ${drop}); ` +
        `if ((__arg4).is_some) { witgen_borrow_received(((__arg4).val).__handle, ${drop}); } ` +
        'exports_test_borrowing_user_do_borrow(__arg0, &__arg2, __arg4.is_some ? &__arg4.val : NULL); witgen_borrows_release();',
    );
    expect(c).toContain('static void witgen_borrows_release(void)');
  });

  it('records borrows inside lists too, before the guest may free the list', () => {
    const { c } = generateText(`package t:bl;
interface host { resource r; }
world w {
  import host;
  use host.{r};
  export f: func(l: list<borrow<r>>);
}`);
    const adapter = flat(c.slice(c.indexOf('__attribute__((__export_name__("f")))')));
    expect(adapter).toMatch(/for \(size_t (__i\d+) = 0; \1 < \(__arg\d+\)\.len; \1\+\+\) \{ witgen_borrow_received\(/);
    expect(adapter.indexOf('witgen_borrow_received')).toBeLessThan(adapter.indexOf('exports_w_f(&'));
    expect(adapter.indexOf('witgen_borrows_release();')).toBeGreaterThan(adapter.indexOf('exports_w_f(&'));
  });
});

describe('renames', () => {
  const wit = 'package foo:bar;\ninterface b {\n  f: func();\n}\nworld runner {\n  import a: interface {\n    f: func();\n  }\n  import b;\n  export b;\n  export run: func();\n}\n';
  it('--rename K=V replaces interface prefixes and --rename-world the world name', () => {
    const loaded = loadWitText(wit);
    const files = generateCGuest(loaded.resolve, selectWorld(loaded), {
      renames: { a: 'rename3', 'foo:bar/b': 'rename4' },
      worldName: 'my-runner',
    }).files;
    expect([...files.keys()]).toEqual(['my_runner.h', 'my_runner.c']);
    const h = files.get('my_runner.h') ?? '';
    expect(h).toContain('#ifndef __BINDINGS_MY_RUNNER_H');
    expect(h).toContain('extern void rename3_f(void);');
    expect(h).toContain('extern void rename4_f(void);');
    expect(h).toContain('void exports_rename4_f(void);');
    expect(h).toContain('void exports_my_runner_run(void);');
  });

  it('rejects a rename of something the world does not have', () => {
    const loaded = loadWitText(wit);
    expect(() => generateCGuest(loaded.resolve, selectWorld(loaded), { renames: { 'foo:bar/zzz': 'x' } })).toThrow(
      expect.objectContaining({ code: 'CGUEST_OPTION' }),
    );
    expect(() => guestC(kindsPath, { rename: ['no-equals-sign'] })).toThrow(expect.objectContaining({ code: 'CGUEST_OPTION' }));
  });
});

describe('maps', () => {
  it('are lists of { key; value; } entries named <map>_entry_t, like wit-bindgen', () => {
    const { h, c } = generateText(
      'package a:b;\ninterface i {\n  type names-by-id = map<u32, string>;\n  f: func(m: names-by-id) -> map<string, u32>;\n}\nworld w {\n  import i;\n}\n',
    );
    const text = flat(h);
    expect(text).toContain('typedef struct a_b_i_names_by_id_entry_t { uint32_t key; w_string_t value; } a_b_i_names_by_id_entry_t;');
    expect(text).toContain('typedef struct a_b_i_names_by_id_t { a_b_i_names_by_id_entry_t *ptr; size_t len; } a_b_i_names_by_id_t;');
    expect(text).toContain('typedef struct w_map_string_u32_entry_t { w_string_t key; uint32_t value; } w_map_string_u32_entry_t;');
    expect(text).toContain('extern void a_b_i_f(a_b_i_names_by_id_t *m, w_map_string_u32_t *ret);');
    expect(flat(c)).toContain('for (size_t i = 0; i < list_len; i++) { w_string_free(&list_ptr[i].value); }');
    expect(c).toContain('_Static_assert(sizeof(a_b_i_names_by_id_entry_t) == 12 && _Alignof(a_b_i_names_by_id_entry_t) == 4');
  });
});

describe('UTF-16 strings', () => {
  it('declares uint16_t code units and char16_t helpers, like wit-bindgen', () => {
    const loaded = loadWit(kindsPath);
    const [h = '', c = ''] = [...generateCGuest(loaded.resolve, selectWorld(loaded), { stringEncoding: 'utf16' }).files.values()];
    expect(h).toContain('#include <uchar.h>');
    expect(flat(h)).toContain('typedef struct kinds_world_string_t { uint16_t *ptr; size_t len; } kinds_world_string_t;');
    expect(h).toContain('size_t kinds_world_string_len(const char16_t *s);');
    expect(h).toContain('void kinds_world_string_dup(kinds_world_string_t *ret, const char16_t *s);');
    expect(c).toContain('ret->ptr = (uint16_t *) cabi_realloc(NULL, 0, 2, ret->len * 2);');
  });
});

describe('witgen guest c', () => {
  it('writes <world>.h and <world>.c, plus an implementation skeleton on request', () => {
    const out = path.join(scratch, 'cmd');
    const written = guestCCommand(kindsPath, out, { world: 'kinds-world', skeleton: true });
    expect(written.map((file) => path.basename(file))).toEqual(['kinds_world.h', 'kinds_world.c', 'kinds_world_impl.c']);
    expect(readdirSync(out).sort()).toEqual(['kinds_world.c', 'kinds_world.h', 'kinds_world_impl.c']);
    expect(readFileSync(path.join(out, 'kinds_world.h'), 'utf8')).toBe(kinds.h);
    const skeleton = readFileSync(path.join(out, 'kinds_world_impl.c'), 'utf8');
    expect(skeleton).toContain('struct exports_witgen_c_guest_blobs_blob_t {');
    expect(skeleton).toContain(`void ${EXPORTS}_echo_shape(${EXPORTS}_shape_t *s, ${EXPORTS}_shape_t *ret) {`);
  });

  it('reports an unknown world as a WitError', () => {
    expect(() => guestC(kindsPath, { world: 'nope' })).toThrow(WitError);
  });

  it('is registered as `guest c` with its options', async () => {
    const program = new Command('witgen').exitOverride();
    registerGuestCommand(program);
    const out = path.join(scratch, 'cli');
    const writes: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      writes.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'witgen', 'guest', 'c', kindsPath, '--world', 'kinds-world', '--out', out]);
    } finally {
      process.stdout.write = write;
    }
    expect(writes.join('')).toContain(`wrote ${path.join(out, 'kinds_world.h')}`);
    expect(readdirSync(out).sort()).toEqual(['kinds_world.c', 'kinds_world.h']);
  });
});

describe('CodeWriter', () => {
  it('indents by braces and collapses blank lines', () => {
    const w = new CodeWriter();
    w.line('int f(void) {').line('if (x) {').line('y();').line('} else {').line('z();').line('}').blank().blank().line('// done {').line('return 0;').line('}');
    expect(w.toString()).toBe('int f(void) {\n  if (x) {\n    y();\n  } else {\n    z();\n  }\n\n  // done {\n  return 0;\n}\n');
  });
});
