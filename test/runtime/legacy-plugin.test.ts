/**
 * Scenario 5 on the legacy path: the plugin world (wit/plugin.wit) drives the
 * legacy C guest guests/legacy/c/plugin (extern "C", point by pointer and
 * sret) through instantiateLegacy, with a host implementation in the same
 * shape a component of the world takes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinkError } from '../../src/runtime/core/link-errors.js';
import { AbiTrap } from '../../src/abi/lift-lower/trap.js';
import { LegacyError, compileLegacy, instantiateLegacy, legacyCore } from '../../src/runtime/legacy/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pluginWit = readFileSync(path.join(root, 'wit/plugin.wit'), 'utf8');
const pluginBytes = readFileSync(path.join(root, 'guests/legacy/c/plugin/plugin.core.wasm'));
const world = { wit: pluginWit, world: 'plugin' };

interface Point {
  x: number;
  y: number;
}
interface PluginExports {
  justAdd(a: bigint, b: bigint): bigint;
  triggerHostCalls(n: number): void;
  pointAdd(a: Point, b: Point): Point;
}

/** The host side of the plugin world: one object per instance, holding that instance's state. */
function pluginHost(shared = 0) {
  const state = { shared, logged: [] as number[] };
  const imports = {
    hostLogValue(value: number): void {
      state.logged.push(value);
    },
    hostGetSharedValue(): number {
      return state.shared;
    },
    hostSetSharedValue(value: number): void {
      state.shared = value;
    },
  };
  return { state, imports };
}

/** The AbiTrap `fn` throws, failing the test otherwise. */
function call(fn: () => unknown): AbiTrap {
  try {
    fn();
  } catch (error) {
    if (error instanceof AbiTrap) return error;
    throw error;
  }
  throw new Error('expected an AbiTrap');
}

async function plugin(shared = 0) {
  const host = pluginHost(shared);
  const exports = (await instantiateLegacy(pluginBytes, host.imports, { world })) as unknown as PluginExports;
  return { ...host, exports };
}

describe('plugin world on the legacy C guest', () => {
  it('adds u64 values as bigints, wrapping like the guest', async () => {
    const { exports } = await plugin();
    expect(exports.justAdd(2n, 40n)).toBe(42n);
    expect(exports.justAdd(2n ** 64n - 1n, 2n)).toBe(1n);
    expect(exports.justAdd(2n ** 63n, 0n)).toBe(2n ** 63n);
  });

  it('agrees with wrapping arithmetic on random values', async () => {
    const { exports } = await plugin();
    const wrap32 = (n: number): number => n | 0;
    fc.assert(
      fc.property(fc.bigUint64Array({ minLength: 2, maxLength: 2 }), fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 4, maxLength: 4 }), ([a, b], [ax, ay, bx, by]) => {
        expect(exports.justAdd(a as bigint, b as bigint)).toBe(((a as bigint) + (b as bigint)) % 2n ** 64n);
        expect(exports.pointAdd({ x: ax as number, y: ay as number }, { x: bx as number, y: by as number })).toEqual({
          x: wrap32((ax as number) + (bx as number)),
          y: wrap32((ay as number) + (by as number)),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('changes host state through the imports, and the host sees it', async () => {
    const { exports, state } = await plugin(10);
    exports.triggerHostCalls(7);
    expect(state.logged).toEqual([14]);
    expect(state.shared).toBe(10 + 7 + 5);
    exports.triggerHostCalls(-3);
    expect(state.logged).toEqual([14, -6]);
    expect(state.shared).toBe(22 - 3 + 5);
  });

  it('passes records by pointer and returns them through sret', async () => {
    const { exports } = await plugin();
    expect(exports.pointAdd({ x: 1, y: 2 }, { x: 30, y: 40 })).toEqual({ x: 31, y: 42 });
    expect(exports.pointAdd({ x: 2 ** 31 - 1, y: -(2 ** 31) }, { x: 1, y: -1 })).toEqual({ x: -(2 ** 31), y: 2 ** 31 - 1 });
  });

  it('does not grow guest memory over many record calls', async () => {
    const module = await compileLegacy(pluginBytes, { world });
    const instance = module.instantiate(pluginHost().imports) as unknown as PluginExports;
    const memory = legacyCore(instance)?.exports['memory'] as { buffer: ArrayBuffer };
    instance.pointAdd({ x: 0, y: 0 }, { x: 0, y: 0 });
    const before = memory.buffer.byteLength;
    for (let i = 0; i < 50_000; i++) instance.pointAdd({ x: i, y: i }, { x: 1, y: 1 });
    expect(memory.buffer.byteLength).toBe(before);
    expect(instance.pointAdd({ x: 5, y: 6 }, { x: 1, y: 1 })).toEqual({ x: 6, y: 7 });
  });

  it('keeps per-instance state apart', async () => {
    const module = await compileLegacy(pluginBytes, { world });
    const a = pluginHost(100);
    const b = pluginHost(0);
    const ea = module.instantiate(a.imports) as unknown as PluginExports;
    const eb = module.instantiate(b.imports) as unknown as PluginExports;
    ea.triggerHostCalls(1);
    eb.triggerHostCalls(2);
    expect(a.state).toEqual({ shared: 106, logged: [2] });
    expect(b.state).toEqual({ shared: 7, logged: [4] });
  });

  it('checks export arguments against the WIT types, naming the function', async () => {
    const { exports } = await plugin();
    const bad = call(() => exports.justAdd(1 as unknown as bigint, 2n));
    expect([bad.func, bad.reason]).toEqual(['just-add', 'invalid-value']);
    expect(bad.message).toContain('expected a u64 bigint');
    expect(call(() => exports.justAdd(-1n, 2n)).func).toBe('just-add');
    const fraction = call(() => exports.pointAdd({ x: 1.5, y: 0 }, { x: 0, y: 0 }));
    expect([fraction.func, fraction.reason]).toEqual(['point-add', 'invalid-value']);
    expect(fraction.message).toContain('expected a s32');
    expect(call(() => exports.triggerHostCalls(2 ** 31)).reason).toBe('invalid-value');
  });

  it('checks s64 arguments as signed 64-bit bigints (the same core function read as s64)', async () => {
    const wit = [
      'package t:t;',
      'world w {',
      '  import host-log-value: func(value: s32);',
      '  import host-get-shared-value: func() -> s32;',
      '  import host-set-shared-value: func(value: s32);',
      '  export just-add: func(a: s64, b: s64) -> s64;',
      '}',
    ].join('\n');
    const signed = (await instantiateLegacy(pluginBytes, pluginHost().imports, { world: { wit } })) as { justAdd(a: bigint, b: bigint): bigint };
    expect(signed.justAdd(-5n, 2n)).toBe(-3n);
    expect(signed.justAdd(-(2n ** 63n), -1n)).toBe(2n ** 63n - 1n);
    for (const bad of [2n ** 63n, -(2n ** 63n) - 1n, 1]) {
      const trap = call(() => signed.justAdd(bad as bigint, 0n));
      expect([trap.func, trap.reason]).toEqual(['just-add', 'invalid-value']);
      expect(trap.message).toContain('expected a s64 bigint');
    }
    const { exports } = await plugin();
    for (const bad of [-1n, 2n ** 64n, 1.5]) expect(call(() => exports.justAdd(0n, bad as bigint)).message).toContain('expected a u64 bigint');
  });

  it('names the import when a host function returns a value of the wrong type', async () => {
    const host = pluginHost();
    const imports = { ...host.imports, hostGetSharedValue: () => 1n as unknown as number };
    const exports = (await instantiateLegacy(pluginBytes, imports, { world })) as unknown as PluginExports;
    const wrongType = call(() => exports.triggerHostCalls(1));
    expect([wrongType.func, wrongType.reason]).toEqual(['host-get-shared-value', 'invalid-value']);
    expect(wrongType.message).toContain('expected a s32');
    expect(wrongType.message).toContain('1n');
    const outOfRange = { ...host.imports, hostGetSharedValue: () => 2 ** 31 };
    const again = (await instantiateLegacy(pluginBytes, outOfRange, { world })) as unknown as PluginExports;
    const range = call(() => again.triggerHostCalls(1));
    expect([range.func, range.reason]).toEqual(['host-get-shared-value', 'invalid-value']);
    expect(range.message).toContain('2147483648');
  });

  it('lets an error thrown by a host function reach the caller of the export', async () => {
    const failure = new Error('host is down');
    const imports = { ...pluginHost().imports, hostLogValue: () => { throw failure; } };
    const exports = (await instantiateLegacy(pluginBytes, imports, { world })) as unknown as PluginExports;
    expect(() => exports.triggerHostCalls(1)).toThrow(failure);
  });

  it('reports every missing host function at once, with the WIT name to implement', async () => {
    const { hostLogValue } = pluginHost().imports;
    const error = await instantiateLegacy(pluginBytes, { hostLogValue }, { world }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).code).toBe('LINK_UNRESOLVED_IMPORTS');
    expect((error as LinkError).message).toBe(
      [
        '2 imports cannot be resolved:',
        '  unknown import: `env::host_get_shared_value` has not been defined; the module imports it as (func (result i32))',
        '  unknown import: `env::host_set_shared_value` has not been defined; the module imports it as (func (param i32))',
        'note: `env::host_get_shared_value` is world import `host-get-shared-value`: implement it as imports.hostGetSharedValue',
        'note: `env::host_set_shared_value` is world import `host-set-shared-value`: implement it as imports.hostSetSharedValue',
      ].join('\n'),
    );
  });

  it('refuses a module without the allocator the world needs, naming the functions', async () => {
    const error = await compileLegacy(pluginBytes, { world, allocator: { malloc: 'alloc' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LegacyError);
    expect((error as LegacyError).code).toBe('LEGACY_NO_ALLOCATOR');
    expect((error as LegacyError).message).toBe(
      "the allocator's malloc export `alloc` does not exist; the module exports `_initialize`, `just_add`, `trigger_host_calls`, `point_add`, `malloc`, `free`",
    );
    const structs = readFileSync(path.join(root, 'guests/legacy/c/structs/structs.core.wasm'));
    const wit = `package t:t;\nworld w {\n  record p { x: s32, y: s32 }\n  export call-host: func(age: u32) -> s64;\n  export mirror: func(p: p) -> u32;\n}`;
    const missing = await compileLegacy(structs, { world: { wit }, names: { mirror: 'age_after' } }).catch((e: unknown) => e);
    expect((missing as LegacyError).code).toBe('LEGACY_EXPORTS');
  });
});
