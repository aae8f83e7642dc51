/*
 * Scenario 4 (seed 000): `long` is 32-bit on wasm32, so `long test(void)`
 * imports `env::test` as (func (result i32)) although the author may have
 * meant 64 bits. Built as a reactor: `_initialize` runs the constructor
 * below, and `run` reports whether it ran.
 */
extern long test(void);

static int initialized;

__attribute__((constructor)) static void init(void) { initialized = 1; }

__attribute__((export_name("run"))) long run(void) {
  if (!initialized) return -1;
  return test() + 1;
}
