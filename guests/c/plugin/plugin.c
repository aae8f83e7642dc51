// The example plugin (shared/scenarios.md, scenario 5), written against
// wit-bindgen's C conventions for world `plugin` in wit/plugin.wit.
#include <stdio.h>
#include "plugin.h"

// Signed overflow is undefined in C: wrap through unsigned arithmetic.
static int32_t wrapping_add(int32_t a, int32_t b) {
  return (int32_t) ((uint32_t) a + (uint32_t) b);
}

uint64_t exports_plugin_just_add(uint64_t a, uint64_t b) {
  return a + b;
}

void exports_plugin_trigger_host_calls(int32_t n) {
  printf("plugin: trigger-host-calls(%d)\n", (int) n);
  fflush(stdout);
  plugin_host_log_value(wrapping_add(n, n));
  int32_t shared = plugin_host_get_shared_value();
  plugin_host_set_shared_value(wrapping_add(wrapping_add(shared, n), 5));
}

void exports_plugin_point_add(plugin_point_t *a, plugin_point_t *b, plugin_point_t *ret) {
  ret->x = wrapping_add(a->x, b->x);
  ret->y = wrapping_add(a->y, b->y);
}
