/*
 * Scenario 3 (seed 000): a struct of guest pointers, one of them a pointer
 * to a pointer. The host reads `buf` (buf_len bytes of UTF-8 text), counts
 * the call in the uint32_t that `pointer` points at, and writes the text in
 * upper case into the buffer `*buf2` (buf2_cap bytes). The layout on the
 * host side comes from nested-pointers.wit (record `nested`).
 *
 * `run(which)` builds the struct: 0 is a valid one; 1 makes `buf` run past
 * the end of memory; 2 makes the inner pointer `*buf2` do so; 3 puts bytes
 * that are not UTF-8 in `buf` (scenario 7: a bad range and bad text are
 * different errors).
 */
#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint8_t *buf;
  uint32_t buf_len;
  void *pointer;
  uint8_t **buf2;
  uint32_t buf2_cap;
} Nested;

_Static_assert(sizeof(Nested) == 20, "Nested is five 4-byte members on wasm32");
_Static_assert(offsetof(Nested, buf2) == 12, "buf2 follows buf, buf_len and pointer");

extern int32_t visit_nested(Nested *n);

static uint8_t text[] = "hello, host";
static const uint8_t not_utf8[] = {'o', 'k', 0xff, 0xfe};
static uint8_t output[32];
static uint8_t *output_ptr = output;
static uint32_t calls;

__attribute__((export_name("run"))) int32_t run(uint32_t which) {
  uintptr_t end = __builtin_wasm_memory_size(0) * 65536;
  uint8_t *bad_output = (uint8_t *)(end - 4);
  Nested n = {text, sizeof text - 1, &calls, &output_ptr, sizeof output};
  if (which == 1) n.buf = (uint8_t *)(end - 2);
  if (which == 2) n.buf2 = &bad_output;
  if (which == 3) {
    n.buf = (uint8_t *)not_utf8;
    n.buf_len = sizeof not_utf8;
  }
  return visit_nested(&n);
}

__attribute__((export_name("output"))) uint8_t *get_output(void) { return output; }
__attribute__((export_name("calls"))) uint32_t get_calls(void) { return calls; }
