/**
 * A Node host for the bundled plugin world (wit/plugin.wit), written against
 * the bindings `witgen` generated into ./generated (scenario 5): the host
 * implements the imports with its own per-instance state and calls the
 * plugin's exports with typed values.
 *
 * From the repository root (after `npm run build`):
 *
 *   npx tsc -p examples/plugin && node .witgen-cache/examples/plugin/host.js [guest.wasm]
 *
 * The guest defaults to the C component guest (guests/c/plugin).
 */
import { readFileSync } from 'node:fs';
import { instantiate, type Imports, type Point } from './generated/plugin.js';

/** The host's side of the boundary: one shared value per instance, and a log. */
function createHost(log: (line: string) => void): { imports: Imports; shared: () => number } {
  let shared = 0;
  const imports: Imports = {
    hostLogValue: (value) => log(`guest logged ${value}`),
    hostGetSharedValue: () => shared,
    hostSetSharedValue: (value) => {
      shared = value;
    },
  };
  return { imports, shared: () => shared };
}

const guest = process.argv[2] ?? 'guests/c/plugin/plugin.component.wasm';
const host = createHost((line) => console.log(line));
const plugin = await instantiate(readFileSync(guest), host.imports);

console.log(`just-add(40, 2) = ${plugin.justAdd(40n, 2n)}`);
const a: Point = { x: 1, y: 2 };
const b: Point = { x: 10, y: 20 };
console.log(`point-add(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${JSON.stringify(plugin.pointAdd(a, b))}`);
plugin.triggerHostCalls(7);
console.log(`shared value after trigger-host-calls(7): ${host.shared()}`);
