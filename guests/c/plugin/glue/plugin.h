// Guest glue for world `witgen:example/plugin@0.1.0`, written by hand with
// wit-bindgen's C names (`plugin_<import>`, `exports_plugin_<export>`,
// `plugin_<type>_t`), so plugin.c compiles unchanged against the glue that
// `witgen guest c` generates.
#ifndef __BINDINGS_PLUGIN_H
#define __BINDINGS_PLUGIN_H
#ifdef __cplusplus
extern "C" {
#endif

#include <stdint.h>
#include <stdbool.h>

// A point on the integer grid, passed by value in both directions.
typedef struct plugin_point_t {
  // The horizontal coordinate.
  int32_t x;
  // The vertical coordinate.
  int32_t y;
} plugin_point_t;

// Imported Functions from `plugin`

// Asks the host to log `value` (the host decides where the log goes).
extern void plugin_host_log_value(int32_t value);
// Reads the host's shared value, a piece of per-instance host state.
extern int32_t plugin_host_get_shared_value(void);
// Replaces the host's shared value; the host sees the change immediately.
extern void plugin_host_set_shared_value(int32_t value);

// Exported Functions from `plugin`

// Returns `a + b`, wrapping on overflow.
uint64_t exports_plugin_just_add(uint64_t a, uint64_t b);
// Makes the plugin call back into the host.
void exports_plugin_trigger_host_calls(int32_t n);
// Adds two points component-wise, wrapping on overflow.
void exports_plugin_point_add(plugin_point_t *a, plugin_point_t *b, plugin_point_t *ret);

#ifdef __cplusplus
}
#endif
#endif
