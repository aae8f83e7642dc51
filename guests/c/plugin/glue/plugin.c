// Canonical-ABI glue for world `witgen:example/plugin@0.1.0` (see plugin.h).
#include "plugin.h"

// Imported Functions from `plugin`

__attribute__((__import_module__("$root"), __import_name__("host-log-value")))
extern void __wasm_import_plugin_host_log_value(int32_t);

__attribute__((__import_module__("$root"), __import_name__("host-get-shared-value")))
extern int32_t __wasm_import_plugin_host_get_shared_value(void);

__attribute__((__import_module__("$root"), __import_name__("host-set-shared-value")))
extern void __wasm_import_plugin_host_set_shared_value(int32_t);

void plugin_host_log_value(int32_t value) {
  __wasm_import_plugin_host_log_value(value);
}

int32_t plugin_host_get_shared_value(void) {
  return __wasm_import_plugin_host_get_shared_value();
}

void plugin_host_set_shared_value(int32_t value) {
  __wasm_import_plugin_host_set_shared_value(value);
}

// Exported Functions from `plugin`

__attribute__((__export_name__("just-add")))
int64_t __wasm_export_exports_plugin_just_add(int64_t a, int64_t b) {
  return (int64_t) exports_plugin_just_add((uint64_t) a, (uint64_t) b);
}

__attribute__((__export_name__("trigger-host-calls")))
void __wasm_export_exports_plugin_trigger_host_calls(int32_t n) {
  exports_plugin_trigger_host_calls(n);
}

// A `point` result is two i32s, more than one flat result: it is returned
// through this static area (the canonical ABI's return pointer).
__attribute__((__aligned__(4)))
static int32_t RET_AREA[2];

__attribute__((__export_name__("point-add")))
int32_t *__wasm_export_exports_plugin_point_add(int32_t ax, int32_t ay, int32_t bx, int32_t by) {
  plugin_point_t a = { ax, ay };
  plugin_point_t b = { bx, by };
  plugin_point_t ret;
  exports_plugin_point_add(&a, &b, &ret);
  RET_AREA[0] = ret.x;
  RET_AREA[1] = ret.y;
  return RET_AREA;
}
