// The example plugin (shared/scenarios.md, scenario 5) in JavaScript, for
// world `plugin` in wit/plugin.wit, built into a component by ComponentizeJS
// (see ../README.md). It behaves like guests/c/plugin/plugin.c.
//
// ComponentizeJS conventions: a world-level import function is the default
// export of a module named by its WIT name; world-level exports are the
// module's exports, in camelCase.
import hostLogValue from 'host-log-value';
import hostGetSharedValue from 'host-get-shared-value';
import hostSetSharedValue from 'host-set-shared-value';

// s32 arithmetic wraps, as the C guest's does: `| 0` keeps the low 32 bits, signed.
const wrappingAdd = (a, b) => (a + b) | 0;

// u64 arithmetic wraps modulo 2^64.
export function justAdd(a, b) {
  return BigInt.asUintN(64, a + b);
}

export function triggerHostCalls(n) {
  // Goes to WASI stdout (built with the `stdio` feature); the host decides whether anyone sees it.
  console.log(`plugin: trigger-host-calls(${n})`);
  hostLogValue(wrappingAdd(n, n));
  const shared = hostGetSharedValue();
  hostSetSharedValue(wrappingAdd(wrappingAdd(shared, n), 5));
}

export function pointAdd(a, b) {
  return { x: wrappingAdd(a.x, b.x), y: wrappingAdd(a.y, b.y) };
}
