// A guest for world `witgen:kinds/kinds` (kinds.wit) written directly
// against the canonical ABI, without generated glue: every function is the
// core function `witgen abi guests/c/kinds/kinds.wit` lists, and every
// value in memory uses the canonical layout (which, for these types, is the
// C layout of the structs below on wasm32).
//
// `echo-*` build their result from the flat arguments, `relay-*` forward the
// flat arguments to the host's `pass-*` and return its result area, `bad-*`
// return values the host must reject. Strings are never inspected, so the
// same source serves the utf8, utf16 and latin1+utf16 string encodings.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((__export_name__(name)))
#define IMPORT(module, name) __attribute__((__import_module__(module), __import_name__(name)))

// The host allocates every string and list it passes in through this.
EXPORT("cabi_realloc")
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void) old_size;
  if (new_size == 0) return (void *) align;
  void *grown = realloc(ptr, new_size);
  if (grown == NULL) abort();
  return grown;
}

// ---- Values passed as one flat value: the flat value is the result. ----

#define DIRECT(ctype, id, wit)                                              \
  IMPORT("$root", "pass-" wit) extern ctype pass_##id(ctype);               \
  EXPORT("echo-" wit) ctype echo_##id(ctype v) { return v; }                \
  EXPORT("relay-" wit) ctype relay_##id(ctype v) { return pass_##id(v); }

DIRECT(int32_t, bool, "bool")
DIRECT(int32_t, u8, "u8")
DIRECT(int32_t, s8, "s8")
DIRECT(int32_t, u16, "u16")
DIRECT(int32_t, s16, "s16")
DIRECT(int32_t, u32, "u32")
DIRECT(int32_t, s32, "s32")
DIRECT(int64_t, u64, "u64")
DIRECT(int64_t, s64, "s64")
DIRECT(float, f32, "f32")
DIRECT(double, f64, "f64")
DIRECT(int32_t, char, "char")
DIRECT(int32_t, color, "color")
DIRECT(int32_t, perms, "perms")

// ---- Values returned through memory: one static result area each. ----

// string, list<u8>, list<string>: (pointer, length).
typedef struct {
  void *ptr;
  size_t len;
} slice_t;

#define SLICE(id, wit)                                                          \
  IMPORT("$root", "pass-" wit) extern void pass_##id(void *, size_t, slice_t *); \
  static slice_t echo_##id##_ret, relay_##id##_ret;                             \
  EXPORT("echo-" wit) slice_t *echo_##id(void *ptr, size_t len) {               \
    echo_##id##_ret = (slice_t){ptr, len};                                      \
    return &echo_##id##_ret;                                                    \
  }                                                                             \
  EXPORT("relay-" wit) slice_t *relay_##id(void *ptr, size_t len) {             \
    pass_##id(ptr, len, &relay_##id##_ret);                                     \
    return &relay_##id##_ret;                                                   \
  }

SLICE(string, "string")
SLICE(bytes, "bytes")
SLICE(strings, "strings")

// record rec { a: u8, b: u64, c: string, d: list<u16>, e: tuple<s8, f32> }
typedef struct {
  uint8_t a;
  uint64_t b;
  void *c;
  size_t c_len;
  void *d;
  size_t d_len;
  int8_t e0;
  float e1;
} rec_t;
_Static_assert(sizeof(rec_t) == 40 && _Alignof(rec_t) == 8, "canonical layout of rec");

IMPORT("$root", "pass-rec")
extern void pass_rec(int32_t, int64_t, void *, size_t, void *, size_t, int32_t, float, rec_t *);
static rec_t echo_rec_ret, relay_rec_ret;

EXPORT("echo-rec")
rec_t *echo_rec(int32_t a, int64_t b, void *c, size_t c_len, void *d, size_t d_len, int32_t e0, float e1) {
  echo_rec_ret = (rec_t){(uint8_t) a, (uint64_t) b, c, c_len, d, d_len, (int8_t) e0, e1};
  return &echo_rec_ret;
}

EXPORT("relay-rec")
rec_t *relay_rec(int32_t a, int64_t b, void *c, size_t c_len, void *d, size_t d_len, int32_t e0, float e1) {
  pass_rec(a, b, c, c_len, d, d_len, e0, e1, &relay_rec_ret);
  return &relay_rec_ret;
}

// variant var { empty, int(s64), text(string), pair(tuple<u8, u32>), fl(f32) }
// Flat: the discriminant, then the payload slots joined across cases
// (i64: s64 / string pointer / u8 / f32 bits; i32: string length / u32).
typedef struct {
  uint8_t tag;
  union {
    int64_t int_;
    slice_t text;
    struct {
      uint8_t a;
      uint32_t b;
    } pair;
    float fl;
  } val;
} var_t;
_Static_assert(sizeof(var_t) == 16 && _Alignof(var_t) == 8, "canonical layout of var");

enum { VAR_EMPTY, VAR_INT, VAR_TEXT, VAR_PAIR, VAR_FL };

IMPORT("$root", "pass-var") extern void pass_var(int32_t, int64_t, int32_t, var_t *);
static var_t echo_var_ret, relay_var_ret;

EXPORT("echo-var")
var_t *echo_var(int32_t tag, int64_t slot0, int32_t slot1) {
  var_t *ret = &echo_var_ret;
  memset(ret, 0, sizeof *ret);
  ret->tag = (uint8_t) tag;
  switch (tag) {
    case VAR_INT:
      ret->val.int_ = slot0;
      break;
    case VAR_TEXT:
      ret->val.text = (slice_t){(void *) (uintptr_t) (uint32_t) slot0, (size_t) slot1};
      break;
    case VAR_PAIR:
      ret->val.pair.a = (uint8_t) slot0;
      ret->val.pair.b = (uint32_t) slot1;
      break;
    case VAR_FL: {
      // An f32 joined into an i64 slot travels as its bits, zero-extended.
      uint32_t bits = (uint32_t) slot0;
      memcpy(&ret->val.fl, &bits, sizeof bits);
      break;
    }
    default:
      break;
  }
  return ret;
}

EXPORT("relay-var")
var_t *relay_var(int32_t tag, int64_t slot0, int32_t slot1) {
  pass_var(tag, slot0, slot1, &relay_var_ret);
  return &relay_var_ret;
}

// option<string>
typedef struct {
  uint8_t tag;
  slice_t some;
} opt_t;
_Static_assert(sizeof(opt_t) == 12, "canonical layout of option<string>");

IMPORT("$root", "pass-opt") extern void pass_opt(int32_t, void *, size_t, opt_t *);
static opt_t echo_opt_ret, relay_opt_ret;

EXPORT("echo-opt")
opt_t *echo_opt(int32_t tag, void *ptr, size_t len) {
  echo_opt_ret = tag == 0 ? (opt_t){0, {NULL, 0}} : (opt_t){1, {ptr, len}};
  return &echo_opt_ret;
}

EXPORT("relay-opt")
opt_t *relay_opt(int32_t tag, void *ptr, size_t len) {
  pass_opt(tag, ptr, len, &relay_opt_ret);
  return &relay_opt_ret;
}

// option<option<u32>>
typedef struct {
  uint8_t tag;
  struct {
    uint8_t tag;
    uint32_t val;
  } some;
} optopt_t;
_Static_assert(sizeof(optopt_t) == 12, "canonical layout of option<option<u32>>");

IMPORT("$root", "pass-optopt") extern void pass_optopt(int32_t, int32_t, int32_t, optopt_t *);
static optopt_t echo_optopt_ret, relay_optopt_ret;

EXPORT("echo-optopt")
optopt_t *echo_optopt(int32_t tag, int32_t inner_tag, int32_t val) {
  optopt_t *ret = &echo_optopt_ret;
  memset(ret, 0, sizeof *ret);
  ret->tag = (uint8_t) tag;
  if (tag != 0) {
    ret->some.tag = (uint8_t) inner_tag;
    if (inner_tag != 0) ret->some.val = (uint32_t) val;
  }
  return ret;
}

EXPORT("relay-optopt")
optopt_t *relay_optopt(int32_t tag, int32_t inner_tag, int32_t val) {
  pass_optopt(tag, inner_tag, val, &relay_optopt_ret);
  return &relay_optopt_ret;
}

// result<u32, string>
typedef struct {
  uint8_t tag;
  union {
    uint32_t ok;
    slice_t err;
  } val;
} res_t;
_Static_assert(sizeof(res_t) == 12, "canonical layout of result<u32, string>");

IMPORT("$root", "pass-res") extern void pass_res(int32_t, int32_t, int32_t, res_t *);
static res_t echo_res_ret, relay_res_ret;

EXPORT("echo-res")
res_t *echo_res(int32_t tag, int32_t slot0, int32_t slot1) {
  res_t *ret = &echo_res_ret;
  memset(ret, 0, sizeof *ret);
  ret->tag = (uint8_t) tag;
  if (tag == 0) {
    ret->val.ok = (uint32_t) slot0;
  } else {
    ret->val.err = (slice_t){(void *) (uintptr_t) (uint32_t) slot0, (size_t) slot1};
  }
  return ret;
}

EXPORT("relay-res")
res_t *relay_res(int32_t tag, int32_t slot0, int32_t slot1) {
  pass_res(tag, slot0, slot1, &relay_res_ret);
  return &relay_res_ret;
}

// tuple<u8, string, f64>
typedef struct {
  uint8_t a;
  slice_t b;
  double c;
} tup_t;
_Static_assert(sizeof(tup_t) == 24, "canonical layout of tuple<u8, string, f64>");

IMPORT("$root", "pass-tup") extern void pass_tup(int32_t, void *, size_t, double, tup_t *);
static tup_t echo_tup_ret, relay_tup_ret;

EXPORT("echo-tup")
tup_t *echo_tup(int32_t a, void *ptr, size_t len, double c) {
  echo_tup_ret = (tup_t){(uint8_t) a, {ptr, len}, c};
  return &echo_tup_ret;
}

EXPORT("relay-tup")
tup_t *relay_tup(int32_t a, void *ptr, size_t len, double c) {
  pass_tup(a, ptr, len, c, &relay_tup_ret);
  return &relay_tup_ret;
}

// ---- 17 u32 parameters: the host stores them in memory it allocated with
// cabi_realloc and passes one pointer; they are already a list<u32>. ----

static slice_t spill_ret;

EXPORT("spill")
slice_t *spill(uint32_t *params) {
  spill_ret = (slice_t){params, 17};
  return &spill_ret;
}

// ---- Values the canonical ABI must reject when lifting them. ----

static slice_t bad_slice_ret;
static var_t bad_var_ret;
static opt_t bad_opt_ret;
static const uint8_t NOT_UTF8[] = {'o', 'k', 0xff, 0xfe};

EXPORT("bad-char") int32_t bad_char(void) { return 0xD800; }  // a surrogate
EXPORT("bad-color") int32_t bad_color(void) { return 3; }     // 3 cases: 0..2

EXPORT("bad-var")
var_t *bad_var(void) {
  bad_var_ret.tag = 9;  // 5 cases: 0..4
  return &bad_var_ret;
}

EXPORT("bad-opt")
opt_t *bad_opt(void) {
  bad_opt_ret.tag = 2;  // none = 0, some = 1
  return &bad_opt_ret;
}

EXPORT("bad-string")
slice_t *bad_string(void) {
  bad_slice_ret = (slice_t){(void *) NOT_UTF8, sizeof NOT_UTF8};
  return &bad_slice_ret;
}

EXPORT("bad-bounds")
slice_t *bad_bounds(void) {
  bad_slice_ret = (slice_t){(void *) (uintptr_t) 0xfffffff0u, 64};
  return &bad_slice_ret;
}

// ---- Resources. ----

#define COUNTERS "witgen:kinds/counters@0.1.0"
#define SINKS "witgen:kinds/sinks@0.1.0"

// An exported resource: the guest keeps the representation (a pointer to
// this struct) and the host holds handles made by [resource-new].
typedef struct {
  uint32_t value;
} counter_t;

static uint32_t destroyed_count;

IMPORT("[export]" COUNTERS, "[resource-new]counter") extern int32_t counter_new(counter_t *);
IMPORT("[export]" COUNTERS, "[resource-rep]counter") extern counter_t *counter_rep(int32_t);
IMPORT("[export]" COUNTERS, "[resource-drop]counter") extern void counter_drop(int32_t);

static int32_t make_counter(uint32_t start) {
  counter_t *counter = malloc(sizeof *counter);
  if (counter == NULL) abort();
  counter->value = start;
  return counter_new(counter);
}

EXPORT(COUNTERS "#[constructor]counter")
int32_t counter_constructor(uint32_t start) { return make_counter(start); }

// A borrow of the guest's own resource arrives as its representation.
EXPORT(COUNTERS "#[method]counter.inc")
uint32_t counter_inc(counter_t *self, uint32_t by) { return self->value += by; }

EXPORT(COUNTERS "#[method]counter.value")
uint32_t counter_value(counter_t *self) { return self->value; }

EXPORT(COUNTERS "#[static]counter.merge")
int32_t counter_merge(counter_t *a, counter_t *b) { return make_counter(a->value + b->value); }

// An owned handle arrives as a handle: read its value, then drop it (which
// runs the destructor below).
EXPORT(COUNTERS "#finish")
uint32_t counters_finish(int32_t handle) {
  uint32_t value = counter_rep(handle)->value;
  counter_drop(handle);
  return value;
}

EXPORT(COUNTERS "#destroyed")
uint32_t counters_destroyed(void) { return destroyed_count; }

EXPORT(COUNTERS "#[dtor]counter")
void counter_dtor(counter_t *self) {
  destroyed_count++;
  free(self);
}

// An imported resource: the host implements it, the guest holds handles.
IMPORT(SINKS, "[constructor]sink") extern int32_t sink_new(const void *, size_t);
IMPORT(SINKS, "[method]sink.write") extern void sink_write(int32_t, const void *, size_t);
IMPORT(SINKS, "[method]sink.count") extern uint32_t sink_count(int32_t);
IMPORT(SINKS, "[resource-drop]sink") extern void sink_drop(int32_t);

EXPORT("drain")
uint32_t drain(void *name, size_t name_len, slice_t *items, size_t count) {
  int32_t sink = sink_new(name, name_len);
  for (size_t i = 0; i < count; i++) sink_write(sink, items[i].ptr, items[i].len);
  uint32_t written = sink_count(sink);
  sink_drop(sink);
  return written;
}
