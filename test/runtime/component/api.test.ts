/**
 * The component runtime's entry points: every kind of source, the check
 * against the world generated bindings pass, the legacy path for core
 * modules (one host implementation for both), and the jco fallback for a
 * component witgen does not run itself (with the reason available).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import {
  compileComponent,
  instantiate,
  runtimeInfo,
  UnsupportedComponent,
  WorldMismatchError,
} from '../../../src/runtime/component/index.js';
import { repoRoot } from '../../guests/jco-host.js';
import { kindsHost } from './kinds-host.js';

const componentPath = resolve(repoRoot, 'guests/c/plugin/plugin.component.wasm');
const legacyPath = resolve(repoRoot, 'guests/legacy/c/plugin/plugin.core.wasm');
const pluginWit = readFileSync(resolve(repoRoot, 'wit/plugin.wit'), 'utf8');
const world = { wit: pluginWit, world: 'plugin' };

interface Plugin {
  justAdd(a: bigint, b: bigint): bigint;
  triggerHostCalls(n: number): void;
  pointAdd(a: { x: number; y: number }, b: { x: number; y: number }): { x: number; y: number };
}

function pluginHost() {
  const state = { shared: 0, logged: [] as number[] };
  return {
    state,
    imports: {
      hostLogValue: (v: number) => void state.logged.push(v),
      hostGetSharedValue: () => state.shared,
      hostSetSharedValue: (v: number) => void (state.shared = v),
    },
  };
}

describe('sources', () => {
  it('takes bytes, an ArrayBuffer, a path, a file: URL (object or text) and a compiled component', async () => {
    const bytes = new Uint8Array(readFileSync(componentPath));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const url = pathToFileURL(componentPath);
    for (const source of [bytes, buffer, componentPath, url, url.href, await compileComponent(componentPath)]) {
      const plugin = (await instantiate(source, pluginHost().imports)) as unknown as Plugin;
      expect(plugin.justAdd(40n, 2n)).toBe(42n);
    }
  });

  it('reports unreadable and wrong sources with COMPONENT_SOURCE / COMPONENT_MALFORMED', async () => {
    await expect(instantiate('/no/such/component.wasm', {})).rejects.toMatchObject({ code: 'COMPONENT_SOURCE' });
    await expect(instantiate(new URL('https://example.com/c.wasm'), {})).rejects.toMatchObject({ code: 'COMPONENT_SOURCE' });
    await expect(instantiate(42 as unknown as string, {})).rejects.toMatchObject({ code: 'COMPONENT_SOURCE' });
    await expect(instantiate(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]), {})).rejects.toMatchObject({ code: 'COMPONENT_MALFORMED' });
  });
});

describe('imports', () => {
  it('a component importing only WASI needs no imports object', async () => {
    const { buildComponent } = await import('../../../src/build/index.js');
    const { loadWitText } = await import('../../../src/wit/index.js');
    const { parse: parseWat } = await import('@bytecodealliance/jco');
    // A core module whose only import is WASI preview1: the component gets the adapter.
    const core = await parseWat(`(module
      (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "seven") (result i32) i32.const 7)
      (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 1024))`);
    const wit = loadWitText('package witgen:only-wasi@0.1.0;\nworld w {\n  export seven: func() -> u32;\n}\n');
    const { component } = await buildComponent({ core, wit });
    const compiled = await compileComponent(component);
    expect(compiled.engine).toBe('witgen');
    expect(compiled.importNames.every((n) => n.startsWith('wasi:'))).toBe(true);
    const exports = (await instantiate(compiled)) as { seven(): number };
    expect(exports.seven()).toBe(7);
  });

  it('missing and extra imports are listed in one ImportsError before anything runs', async () => {
    const error = await instantiate(componentPath, { hostLogValue: () => undefined, hostLogValu: () => undefined }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IMPORTS_INVALID' });
    expect((error as { problems: unknown[] }).problems.length).toBeGreaterThanOrEqual(3);
  });
});

describe('options.world', () => {
  it('accepts a component that matches the world', async () => {
    const plugin = (await instantiate(componentPath, pluginHost().imports, { world })) as unknown as Plugin;
    expect(plugin.pointAdd({ x: 1, y: 2 }, { x: 3, y: 4 })).toEqual({ x: 4, y: 6 });
  });

  it('accepts components matching worlds with interfaces, resources and used types (kinds, kinds-bindgen)', async () => {
    for (const dir of ['kinds', 'kinds-bindgen']) {
      const wit = readFileSync(resolve(repoRoot, `guests/c/${dir}/kinds.wit`), 'utf8');
      const compiled = await compileComponent(resolve(repoRoot, `guests/c/${dir}/${dir}.component.wasm`));
      const pkg = dir === 'kinds' ? 'witgen:kinds' : 'witgen:kinds-bindgen';
      const exports = (await instantiate(compiled, kindsHost(pkg, compiled.importNames).imports, { world: { wit, world: 'kinds' } })) as Record<string, (...a: unknown[]) => unknown>;
      expect(exports['echoString']?.('ok')).toBe('ok');
    }
  });

  it('lists every difference between the world and the component', async () => {
    const changed = pluginWit
      .replace('export just-add: func(a: u64, b: u64) -> u64;', 'export just-add: func(a: u32, b: u64) -> u64;\n  export missing-fn: func();')
      .replace('import host-log-value: func(value: s32);', '');
    const error = await instantiate(componentPath, pluginHost().imports, { world: { wit: changed, world: 'plugin' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorldMismatchError);
    const mismatch = error as WorldMismatchError;
    expect(mismatch.code).toBe('COMPONENT_WORLD_MISMATCH');
    expect(mismatch.differences).toEqual([
      { item: 'just-add', problem: 'signature', expected: 'just-add: func(a: u32, b: u64) -> u64', found: 'just-add: func(a: u64, b: u64) -> u64' },
      { item: 'missing-fn', problem: 'missing-export', expected: 'missing-fn: func()', found: null },
      { item: 'host-log-value', problem: 'extra-import', expected: null, found: 'host-log-value: func(value: s32)' },
    ]);
    expect(mismatch.message).toContain('export `missing-fn` is missing');
  });
});

describe('core modules', () => {
  it('runs a legacy core module through the C ABI with the same host implementation', async () => {
    const host = pluginHost();
    const plugin = (await instantiate(legacyPath, host.imports, { world })) as unknown as Plugin;
    expect(runtimeInfo(plugin)?.engine).toBe('legacy');
    expect(plugin.justAdd(2n ** 64n - 1n, 2n)).toBe(1n);
    plugin.triggerHostCalls(2);
    expect(host.state.logged.length).toBeGreaterThan(0);
    const component = (await instantiate(componentPath, pluginHost().imports, { world })) as unknown as Plugin;
    expect(component.pointAdd({ x: 1, y: 1 }, { x: 2, y: 2 })).toEqual(plugin.pointAdd({ x: 1, y: 1 }, { x: 2, y: 2 }));
  });

  it('a core module without a world is a typed error saying it needs one', async () => {
    await expect(instantiate(legacyPath, pluginHost().imports)).rejects.toMatchObject({ code: 'CORE_MODULE_NEEDS_WORLD' });
    await expect(compileComponent(legacyPath)).rejects.toMatchObject({ code: 'CORE_MODULE_NEEDS_WORLD' });
  });
});

describe('fallback to jco', () => {
  /** A component whose export comes from a nested component with its own core module: witgen does not run that. */
  const NESTED = `(component
  (component $inner
    (core module $m (func (export "f") (result i32) i32.const 42))
    (core instance $i (instantiate $m))
    (func $f (result u32) (canon lift (core func $i "f")))
    (export "f" (func $f))
  )
  (instance $x (instantiate $inner))
  (alias export $x "f" (func $f))
  (export "answer" (func $f))
)`;

  it('runs an unsupported component through jco, with the reason available', async () => {
    const bytes = await parse(NESTED);
    const compiled = await compileComponent(bytes);
    expect(compiled.engine).toBe('jco');
    expect(compiled.fallbackReason).toMatch(/nested component with its own core modules/);
    const exports = (await instantiate(compiled)) as { answer(): number };
    expect(exports.answer()).toBe(42);
    expect(runtimeInfo(exports)).toEqual({ engine: 'jco', reason: compiled.fallbackReason });
  });

  it("fallback: 'never' throws UnsupportedComponent with the reason", async () => {
    const bytes = await parse(NESTED);
    const error = await instantiate(bytes, {}, { fallback: 'never' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedComponent);
    expect(error).toMatchObject({ code: 'COMPONENT_UNSUPPORTED' });
    expect((error as Error).message).toMatch(/nested component/);
  });
});
