/*
 * Scenario 2 (seed 000): a struct and two out-pointers passed to the host.
 * The host finds the layout of `Example` in structs.wit (record `example`),
 * never in hand-written offsets. Built as a reactor; the exports below drive
 * the import and report what the host wrote, so a test can check both ways.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
  char first_name[16];
  uint16_t age;
} Example;

/* The layout structs.wit describes: size 18, age at offset 16. */
_Static_assert(sizeof(Example) == 18, "Example is 18 bytes on wasm32");
_Static_assert(offsetof(Example, age) == 16, "age follows the 16-byte name");

extern int64_t my_extern_func(Example *e, int64_t *ptr, uint64_t *cptr);

static int64_t signed_out;
static uint64_t unsigned_out;
static uint16_t age_after;

/* Fills an Example on the stack, calls the host, keeps what it wrote. */
__attribute__((export_name("call_host"))) int64_t call_host(uint32_t age) {
  Example e;
  memset(&e, 0, sizeof e);
  strcpy(e.first_name, "Ada Lovelace");
  e.age = (uint16_t)age;
  signed_out = 0;
  unsigned_out = 0;
  int64_t result = my_extern_func(&e, &signed_out, &unsigned_out);
  age_after = e.age;
  return result;
}

/*
 * Passes pointers the host must not trust: `which` 0 gives an Example that
 * starts 8 bytes before the end of memory (18 bytes would run past it),
 * 1 gives a valid Example but an `int64_t *` 4 bytes before the end.
 */
__attribute__((export_name("call_host_bad"))) int64_t call_host_bad(uint32_t which) {
  uintptr_t end = __builtin_wasm_memory_size(0) * 65536;
  Example e;
  memset(&e, 0, sizeof e);
  if (which == 0) return my_extern_func((Example *)(end - 8), &signed_out, &unsigned_out);
  return my_extern_func(&e, (int64_t *)(end - 4), &unsigned_out);
}

__attribute__((export_name("signed_out"))) int64_t get_signed_out(void) { return signed_out; }
__attribute__((export_name("unsigned_out"))) uint64_t get_unsigned_out(void) { return unsigned_out; }
__attribute__((export_name("age_after"))) uint32_t get_age_after(void) { return age_after; }
