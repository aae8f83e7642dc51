/*
 * Scenario 1 (seed 000): a WASI command that calls a function the host must
 * provide. Built without the definition, so the module imports
 * `env::my_extern_fun` with type (func).
 */
extern void my_extern_fun(void);

int main(void) {
  my_extern_fun();
  return 0;
}
