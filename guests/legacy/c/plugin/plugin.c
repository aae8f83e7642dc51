/*
 * Scenario 5 as a legacy core module: the plugin world of wit/plugin.wit
 * written in the article's `extern "C"` style, with no generated glue. The
 * host drives it with the same typed implementation it gives the component
 * guest (guests/c/plugin), through the wasm32 C ABI (BasicCABI):
 *
 * - WIT names become snake_case symbols; imports come from module `env`;
 * - u64 is uint64_t (i64), s32 is int32_t (i32);
 * - `point` is a struct of two int32_t: passed by pointer to a caller-owned
 *   copy, and returned through a hidden first pointer (sret);
 * - `malloc`/`free` are exported so the host can allocate those copies.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct {
  int32_t x;
  int32_t y;
} Point;

_Static_assert(sizeof(Point) == 8, "point is two int32 fields, as the WIT record");

__attribute__((import_module("env"), import_name("host_log_value"))) extern void host_log_value(int32_t value);
__attribute__((import_module("env"), import_name("host_get_shared_value"))) extern int32_t host_get_shared_value(void);
__attribute__((import_module("env"), import_name("host_set_shared_value"))) extern void host_set_shared_value(int32_t value);

/* Wrapping arithmetic on the unsigned types: signed overflow is undefined in C. */
static int32_t wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }

__attribute__((export_name("just_add"))) uint64_t just_add(uint64_t a, uint64_t b) { return a + b; }

__attribute__((export_name("trigger_host_calls"))) void trigger_host_calls(int32_t n) {
  host_log_value((int32_t)((uint32_t)n * 2u));
  int32_t shared = host_get_shared_value();
  host_set_shared_value(wrap_add(wrap_add(shared, n), 5));
}

__attribute__((export_name("point_add"))) Point point_add(Point a, Point b) {
  Point sum = {wrap_add(a.x, b.x), wrap_add(a.y, b.y)};
  return sum;
}

/* The host allocates argument copies and the result area in guest memory through these. */
__attribute__((export_name("malloc"))) void *plugin_malloc(size_t size) { return malloc(size); }
__attribute__((export_name("free"))) void plugin_free(void *ptr) { free(ptr); }
