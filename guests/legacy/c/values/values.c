/*
 * The legacy values guest (values.wit) in plain C, laid out the way
 * src/abi/cabi.ts maps WIT types on wasm32: a string or list is a
 * { pointer, length } struct passed by value (so by pointer to a copy) and
 * returned through a hidden result pointer; records likewise; enums and
 * flags are the smallest unsigned integer; option<T> is { bool is_some; T val; }.
 * Strings and lists returned to the host are malloc'd: the caller owns them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint8_t *ptr;
  size_t len;
} string_t;

typedef struct {
  uint32_t *ptr;
  size_t len;
} list_u32_t;

typedef struct {
  string_t *ptr;
  size_t len;
} list_string_t;

typedef struct {
  int32_t x;
  int32_t y;
} point_t;

typedef struct {
  string_t name;
  uint8_t age;
  list_string_t tags;
} person_t;

typedef struct {
  bool is_some;
  uint32_t val;
} option_u32_t;

typedef struct {
  uint16_t inner;
} wrapped_t;

typedef struct {
  uint8_t tag; /* 0 circle, 1 square, 2 dot */
  union {
    float circle;
    uint32_t square;
  } val;
} shape_t;

typedef struct {
  bool is_err;
  union {
    uint32_t ok;
    string_t err;
  } val;
} result_u32_string_t;

typedef uint8_t color_t;
typedef uint8_t perms_t;

_Static_assert(sizeof(person_t) == 20, "person: name 0, age 8, tags 12");
_Static_assert(offsetof(person_t, tags) == 12, "tags after the padded age");
_Static_assert(sizeof(option_u32_t) == 8, "option<u32> is { bool, u32 }");
_Static_assert(sizeof(shape_t) == 8, "shape: tag, payload at 4");
_Static_assert(sizeof(result_u32_string_t) == 12, "result<u32, string>: is_err, payload at 4");

__attribute__((import_module("env"), import_name("host_greet"))) extern string_t host_greet(string_t name);
__attribute__((import_module("env"), import_name("host_sum"))) extern uint64_t host_sum(list_u32_t values);
__attribute__((import_module("env"), import_name("host_origin"))) extern point_t host_origin(void);
__attribute__((import_module("env"), import_name("host_wrap"))) extern wrapped_t host_wrap(uint16_t v);

static string_t copy_bytes(const uint8_t *bytes, size_t len) {
  string_t out = {malloc(len > 0 ? len : 1), len};
  memcpy(out.ptr, bytes, len);
  return out;
}

__attribute__((export_name("add"))) uint32_t add(uint32_t a, uint32_t b) { return a + b; }

__attribute__((export_name("echo"))) string_t echo(string_t s) { return copy_bytes(s.ptr, s.len); }

__attribute__((export_name("point_add"))) point_t point_add(point_t a, point_t b) {
  point_t sum = {(int32_t)((uint32_t)a.x + (uint32_t)b.x), (int32_t)((uint32_t)a.y + (uint32_t)b.y)};
  return sum;
}

__attribute__((export_name("greet_via_host"))) string_t greet_via_host(string_t name) {
  string_t greeting = host_greet(name);
  string_t out = {malloc(greeting.len + 2), greeting.len + 2};
  out.ptr[0] = '[';
  memcpy(out.ptr + 1, greeting.ptr, greeting.len);
  out.ptr[greeting.len + 1] = ']';
  free(greeting.ptr);
  return out;
}

__attribute__((export_name("sum_via_host"))) uint64_t sum_via_host(list_u32_t values) { return host_sum(values) + 1; }

__attribute__((export_name("origin_moved"))) point_t origin_moved(int32_t dx, int32_t dy) {
  point_t origin = host_origin();
  origin.x += dx;
  origin.y += dy;
  return origin;
}

static size_t append(uint8_t *out, size_t at, const uint8_t *bytes, size_t len) {
  memcpy(out + at, bytes, len);
  return at + len;
}

__attribute__((export_name("describe"))) string_t describe(person_t p) {
  size_t len = p.name.len + 8;
  for (size_t i = 0; i < p.tags.len; i++) len += p.tags.ptr[i].len + 1;
  uint8_t *out = malloc(len);
  size_t at = append(out, 0, p.name.ptr, p.name.len);
  char age[8];
  int n = 0;
  unsigned value = p.age;
  char digits[4];
  int count = 0;
  do {
    digits[count++] = (char)('0' + value % 10);
    value /= 10;
  } while (value > 0);
  age[n++] = ' ';
  age[n++] = '(';
  while (count > 0) age[n++] = digits[--count];
  age[n++] = ')';
  age[n++] = ':';
  at = append(out, at, (const uint8_t *)age, (size_t)n);
  for (size_t i = 0; i < p.tags.len; i++) {
    out[at++] = i == 0 ? ' ' : ',';
    at = append(out, at, p.tags.ptr[i].ptr, p.tags.ptr[i].len);
  }
  string_t result = {out, at};
  return result;
}

__attribute__((export_name("make_person"))) person_t make_person(string_t name, uint8_t age) {
  person_t p;
  p.name = copy_bytes(name.ptr, name.len);
  p.age = age;
  p.tags.len = 2;
  p.tags.ptr = malloc(2 * sizeof(string_t));
  p.tags.ptr[0] = copy_bytes((const uint8_t *)"made", 4);
  p.tags.ptr[1] = copy_bytes((const uint8_t *)"in-c", 4);
  return p;
}

__attribute__((export_name("sum_list"))) uint64_t sum_list(list_u32_t values) {
  uint64_t sum = 0;
  for (size_t i = 0; i < values.len; i++) sum += values.ptr[i];
  return sum;
}

__attribute__((export_name("next_color"))) color_t next_color(color_t c) { return (color_t)((c + 1) % 3); }

__attribute__((export_name("toggle"))) perms_t toggle(perms_t p) { return (perms_t)(p ^ 0x7); }

__attribute__((export_name("maybe_double"))) option_u32_t maybe_double(option_u32_t x) {
  option_u32_t out = {x.is_some, x.is_some ? x.val * 2 : 0};
  return out;
}

__attribute__((export_name("rewrap"))) wrapped_t rewrap(wrapped_t w) { return host_wrap((uint16_t)(w.inner + 1)); }

__attribute__((export_name("area"))) double area(shape_t s) {
  switch (s.tag) {
    case 0:
      return 3.0 * (double)s.val.circle * (double)s.val.circle;
    case 1:
      return (double)s.val.square * (double)s.val.square;
    default:
      return 0.0;
  }
}

__attribute__((export_name("parse"))) result_u32_string_t parse(string_t s) {
  result_u32_string_t out;
  uint32_t n = 0;
  bool digits = s.len > 0;
  for (size_t i = 0; i < s.len; i++) {
    if (s.ptr[i] < '0' || s.ptr[i] > '9') digits = false;
    else n = n * 10 + (uint32_t)(s.ptr[i] - '0');
  }
  if (digits) {
    out.is_err = false;
    out.val.ok = n;
    return out;
  }
  static const char prefix[] = "not a number: ";
  size_t len = sizeof prefix - 1 + s.len;
  uint8_t *text = malloc(len);
  memcpy(text, prefix, sizeof prefix - 1);
  memcpy(text + sizeof prefix - 1, s.ptr, s.len);
  out.is_err = true;
  out.val.err.ptr = text;
  out.val.err.len = len;
  return out;
}

__attribute__((export_name("greet_out_of_bounds"))) string_t greet_out_of_bounds(void) {
  uintptr_t end = __builtin_wasm_memory_size(0) * 65536;
  string_t bad = {(uint8_t *)(end - 4), 16};
  return host_greet(bad);
}

__attribute__((export_name("greet_bad_utf8"))) string_t greet_bad_utf8(void) {
  static uint8_t bytes[] = {'o', 'k', 0xff, '!'};
  string_t bad = {bytes, sizeof bytes};
  return host_greet(bad);
}

__attribute__((export_name("malloc"))) void *values_malloc(size_t size) { return malloc(size); }
__attribute__((export_name("free"))) void values_free(void *ptr) { free(ptr); }
