/**
 * The committed legacy Rust guest (guests/legacy/rust/plugin, scenario 5,
 * built by scripts/build-guests.mjs with Debian's rustc) against the plugin
 * world: its core interface is the one the generated plugin.rs promises, and
 * the article's five patterns run through witgen's legacy host
 * (instantiateLegacy, WASI stdout captured).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { functionType, readCoreModule } from '../../src/binary/reader.js';
import { planLegacyWorld } from '../../src/codegen/legacy/index.js';
import { instantiateLegacy, legacyCore } from '../../src/runtime/legacy/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bytes = readFileSync(path.join(root, 'guests/legacy/rust/plugin/plugin.core.wasm'));
const witPath = path.join(root, 'wit/plugin.wit');

interface Point {
  x: number;
  y: number;
}
interface Plugin {
  justAdd(a: bigint, b: bigint): bigint;
  triggerHostCalls(n: number): void;
  pointAdd(a: Point, b: Point): Point;
}

describe('legacy Rust plugin guest (scenario 5)', () => {
  it('imports and exports what the plugin world plans, plus the article-only exports', () => {
    const loaded = loadWit(witPath);
    const plan = planLegacyWorld(loaded.resolve, selectWorld(loaded, 'plugin'));
    const info = readCoreModule(bytes);
    const envImports = info.imports
      .filter((i) => i.module === 'env')
      .map((i) => [i.name, i.typeIndex === null ? null : info.types[i.typeIndex]]);
    expect(envImports).toEqual(
      plan.functions.filter((f) => f.direction === 'import').map((f) => [f.symbol, { params: f.abi.params, results: f.abi.results }]),
    );
    const exports = new Map(info.exports.filter((e) => e.kind === 'func').map((e) => [e.name, functionType(info, e.index)]));
    for (const f of plan.functions.filter((f) => f.direction === 'export')) {
      expect(exports.get(f.symbol), f.symbol).toEqual({ params: f.abi.params, results: f.abi.results });
    }
    // The article's point_add(result_ptr, p1_ptr, p2_ptr).
    expect(exports.get('point_add')).toEqual({ params: ['i32', 'i32', 'i32'], results: [] });
    expect(exports.get('get_plugin_shared_value_ptr')).toEqual({ params: [], results: ['i32'] });
    expect(exports.get('simple_add')).toEqual({ params: ['i64', 'i64'], results: ['i64'] });
  });

  it('runs the five patterns with one typed host implementation', async () => {
    let shared = 42;
    const logged: number[] = [];
    let stdout = '';
    const decoder = new TextDecoder();
    const imports = {
      hostLogValue: (value: number): void => {
        logged.push(value);
      },
      hostGetSharedValue: (): number => shared,
      hostSetSharedValue: (value: number): void => {
        shared = value;
      },
    };
    const plugin = (await instantiateLegacy(bytes, imports, {
      world: { wit: readFileSync(witPath, 'utf8'), world: 'plugin' },
      wasi: { stdout: (chunk) => (stdout += decoder.decode(chunk)) },
    })) as unknown as Plugin;

    // 1: a plain call, u64 as bigint (wrapping).
    expect(plugin.justAdd(15n, 27n)).toBe(42n);
    expect(plugin.justAdd(2n ** 64n - 1n, 2n)).toBe(1n);
    // 2: the guest calls the host, which sees its state change.
    plugin.triggerHostCalls(7);
    expect(logged).toEqual([14]);
    expect(shared).toBe(42 + 7 + 5);
    // 3: structs by value in WIT, by pointer (and sret) in the core module.
    expect(plugin.pointAdd({ x: 100, y: 200 }, { x: 30, y: 70 })).toEqual({ x: 130, y: 270 });
    expect(plugin.pointAdd({ x: 2 ** 31 - 1, y: 0 }, { x: 1, y: -1 })).toEqual({ x: -(2 ** 31), y: -1 });
    // 4: the host writes the plugin's `static mut` through the pointer it hands out.
    const core = legacyCore(plugin);
    if (core === undefined) throw new Error('no core instance behind the exports');
    const pointer = (core.exports['get_plugin_shared_value_ptr'] as () => number)();
    const memory = core.exports['memory'] as { readonly buffer: ArrayBuffer };
    const view = new DataView(memory.buffer);
    expect(view.getInt32(pointer, true)).toBe(100);
    view.setInt32(pointer, 777, true);
    // 5: the plugin reads its state back and prints it through WASI.
    expect((core.exports['simple_add'] as (a: bigint, b: bigint) => bigint)(1n, 1n)).toBe(2n);
    expect(stdout).toContain("[WASM Core] Current plugin's internal shared value: 777");
    expect(stdout).toContain('[WASM FFI] just_add result: 42');
    expect(stdout).toContain('[WASM Core] Received value from host: 42');
  });
});
