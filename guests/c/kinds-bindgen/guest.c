// The kinds world (kinds.wit here) implemented against the C glue that
// `witgen guest c` generates (glue/), with wit-bindgen's C conventions:
// export arguments are owned by the callee, results are freed by the glue's
// post-return, import arguments are borrowed, import results are owned by
// the caller.
#include <stdlib.h>
#include <string.h>
#include "kinds.h"

// ---- echo: move the (owned) argument into the result. ----

#define ECHO_SCALAR(ctype, id) \
  ctype exports_kinds_echo_##id(ctype v) { return v; }

ECHO_SCALAR(bool, bool)
ECHO_SCALAR(uint8_t, u8)
ECHO_SCALAR(int8_t, s8)
ECHO_SCALAR(uint16_t, u16)
ECHO_SCALAR(int16_t, s16)
ECHO_SCALAR(uint32_t, u32)
ECHO_SCALAR(int32_t, s32)
ECHO_SCALAR(uint64_t, u64)
ECHO_SCALAR(int64_t, s64)
ECHO_SCALAR(float, f32)
ECHO_SCALAR(double, f64)
ECHO_SCALAR(uint32_t, char)
ECHO_SCALAR(kinds_color_t, color)
ECHO_SCALAR(kinds_perms_t, perms)

#define ECHO_MOVE(ctype, id) \
  void exports_kinds_echo_##id(ctype *v, ctype *ret) { *ret = *v; }

ECHO_MOVE(kinds_string_t, string)
ECHO_MOVE(kinds_list_u8_t, bytes)
ECHO_MOVE(kinds_list_string_t, strings)
ECHO_MOVE(kinds_rec_t, rec)
ECHO_MOVE(kinds_var_t, var)
ECHO_MOVE(kinds_tuple3_u8_string_f64_t, tup)

bool exports_kinds_echo_opt(kinds_string_t *maybe_v, kinds_string_t *ret) {
  if (maybe_v == NULL) return false;
  *ret = *maybe_v;
  return true;
}

bool exports_kinds_echo_optopt(kinds_option_u32_t *maybe_v, kinds_option_u32_t *ret) {
  if (maybe_v == NULL) return false;
  *ret = *maybe_v;
  return true;
}

bool exports_kinds_echo_res(kinds_result_u32_string_t *v, uint32_t *ret, kinds_string_t *err) {
  if (v->is_err) {
    *err = v->val.err;
    return false;
  }
  *ret = v->val.ok;
  return true;
}

// ---- relay: lend the argument to the host's import, return what it returned,
// then free the argument (the export owns it). ----

#define RELAY_SCALAR(ctype, id) \
  ctype exports_kinds_relay_##id(ctype v) { return kinds_pass_##id(v); }

RELAY_SCALAR(bool, bool)
RELAY_SCALAR(uint8_t, u8)
RELAY_SCALAR(int8_t, s8)
RELAY_SCALAR(uint16_t, u16)
RELAY_SCALAR(int16_t, s16)
RELAY_SCALAR(uint32_t, u32)
RELAY_SCALAR(int32_t, s32)
RELAY_SCALAR(uint64_t, u64)
RELAY_SCALAR(int64_t, s64)
RELAY_SCALAR(float, f32)
RELAY_SCALAR(double, f64)
RELAY_SCALAR(uint32_t, char)
RELAY_SCALAR(kinds_color_t, color)
RELAY_SCALAR(kinds_perms_t, perms)

#define RELAY_OWNED(ctype, id, free_fn)                      \
  void exports_kinds_relay_##id(ctype *v, ctype *ret) {      \
    kinds_pass_##id(v, ret);                                 \
    free_fn(v);                                              \
  }

RELAY_OWNED(kinds_string_t, string, kinds_string_free)
RELAY_OWNED(kinds_list_u8_t, bytes, kinds_list_u8_free)
RELAY_OWNED(kinds_list_string_t, strings, kinds_list_string_free)
RELAY_OWNED(kinds_rec_t, rec, kinds_rec_free)
RELAY_OWNED(kinds_var_t, var, kinds_var_free)
RELAY_OWNED(kinds_tuple3_u8_string_f64_t, tup, kinds_tuple3_u8_string_f64_free)

bool exports_kinds_relay_opt(kinds_string_t *maybe_v, kinds_string_t *ret) {
  bool some = kinds_pass_opt(maybe_v, ret);
  if (maybe_v != NULL) kinds_string_free(maybe_v);
  return some;
}

bool exports_kinds_relay_optopt(kinds_option_u32_t *maybe_v, kinds_option_u32_t *ret) {
  return kinds_pass_optopt(maybe_v, ret);
}

bool exports_kinds_relay_res(kinds_result_u32_string_t *v, uint32_t *ret, kinds_string_t *err) {
  bool ok = kinds_pass_res(v, ret, err);
  kinds_result_u32_string_free(v);
  return ok;
}

// ---- 17 parameters (spilled to memory by the canonical ABI). ----

void exports_kinds_spill(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e, uint32_t f, uint32_t g,
                         uint32_t h, uint32_t i, uint32_t j, uint32_t k, uint32_t l, uint32_t m, uint32_t n,
                         uint32_t o, uint32_t p, uint32_t q, kinds_list_u32_t *ret) {
  const uint32_t all[17] = {a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q};
  ret->ptr = malloc(sizeof all);
  if (ret->ptr == NULL) abort();
  memcpy(ret->ptr, all, sizeof all);
  ret->len = 17;
}

// ---- Values the host must reject when lifting them. ----

uint32_t exports_kinds_bad_char(void) { return 0xD800; }    // a surrogate
kinds_color_t exports_kinds_bad_color(void) { return 3; }  // 3 cases: 0..2

void exports_kinds_bad_var(kinds_var_t *ret) {
  memset(ret, 0, sizeof *ret);
  ret->tag = 9;  // 5 cases: 0..4
}

// An option's discriminant is the glue's business (a bool here), so this
// guest cannot return a bad one: it returns `none`.
bool exports_kinds_bad_opt(kinds_string_t *ret) {
  (void) ret;
  return false;
}

void exports_kinds_bad_string(kinds_string_t *ret) {
  static const uint8_t not_utf8[] = {'o', 'k', 0xff, 0xfe};
  // The result is freed by post-return, so it must come from malloc.
  ret->ptr = malloc(sizeof not_utf8);
  if (ret->ptr == NULL) abort();
  memcpy(ret->ptr, not_utf8, sizeof not_utf8);
  ret->len = sizeof not_utf8;
}

void exports_kinds_bad_bounds(kinds_string_t *ret) {
  // Lifting traps before post-return could free this.
  ret->ptr = (uint8_t *) (uintptr_t) 0xfffffff0u;
  ret->len = 64;
}

// ---- The exported counter resource. ----

struct exports_witgen_kinds_bindgen_counters_counter_t {
  uint32_t value;
};

typedef exports_witgen_kinds_bindgen_counters_counter_t counter_t;
typedef exports_witgen_kinds_bindgen_counters_own_counter_t own_counter_t;

static uint32_t destroyed_count;

static own_counter_t make_counter(uint32_t start) {
  counter_t *rep = malloc(sizeof *rep);
  if (rep == NULL) abort();
  rep->value = start;
  return exports_witgen_kinds_bindgen_counters_counter_new(rep);
}

own_counter_t exports_witgen_kinds_bindgen_counters_constructor_counter(uint32_t start) {
  return make_counter(start);
}

uint32_t exports_witgen_kinds_bindgen_counters_method_counter_inc(counter_t *self, uint32_t by) {
  return self->value += by;
}

uint32_t exports_witgen_kinds_bindgen_counters_method_counter_value(counter_t *self) {
  return self->value;
}

own_counter_t exports_witgen_kinds_bindgen_counters_static_counter_merge(counter_t *a, counter_t *b) {
  return make_counter(a->value + b->value);
}

uint32_t exports_witgen_kinds_bindgen_counters_finish(own_counter_t c) {
  uint32_t value = exports_witgen_kinds_bindgen_counters_counter_rep(c)->value;
  exports_witgen_kinds_bindgen_counters_counter_drop_own(c);
  return value;
}

uint32_t exports_witgen_kinds_bindgen_counters_destroyed(void) {
  return destroyed_count;
}

void exports_witgen_kinds_bindgen_counters_counter_destructor(counter_t *rep) {
  destroyed_count++;
  free(rep);
}

// ---- The host's sink resource. ----

uint32_t exports_kinds_drain(kinds_string_t *name, kinds_list_string_t *items) {
  witgen_kinds_bindgen_sinks_own_sink_t sink = witgen_kinds_bindgen_sinks_constructor_sink(name);
  witgen_kinds_bindgen_sinks_borrow_sink_t borrowed = witgen_kinds_bindgen_sinks_borrow_sink(sink);
  for (size_t i = 0; i < items->len; i++) witgen_kinds_bindgen_sinks_method_sink_write(borrowed, &items->ptr[i]);
  uint32_t count = witgen_kinds_bindgen_sinks_method_sink_count(borrowed);
  witgen_kinds_bindgen_sinks_sink_drop_own(sink);
  kinds_string_free(name);
  kinds_list_string_free(items);
  return count;
}
