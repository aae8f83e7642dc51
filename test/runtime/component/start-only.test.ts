/**
 * Start-only core modules (wit-component's fixup module that only runs the
 * main module's `_initialize`): the runtime calls the start import instead
 * of instantiating the module, with the same effects — the start runs once
 * per instance, in component order, and its traps and host errors surface
 * as they do through a real instantiation.
 */
import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { ComponentTrap, compileComponent, instantiate } from '../../../src/runtime/component/index.js';
import { startOnlyModule } from '../../../src/runtime/component/start-only.js';

async function wasm(wat: string): Promise<Uint8Array> {
  return parse(wat);
}

/** A component whose fixup module runs `_initialize`, which adds 41 to a global and calls the host's `ping`. */
function component(init: string): string {
  return `(component
  (import "ping" (func $ping))
  (core func $ping-lowered (canon lower (func $ping)))
  (core instance $host (export "ping" (func $ping-lowered)))
  (core module $main
    (import "host" "ping" (func $ping))
    (global $g (mut i32) (i32.const 0))
    (func (export "_initialize") ${init})
    (func (export "get") (result i32) (global.get $g)))
  (core instance $m (instantiate $main (with "host" (instance $host))))
  (core module $fixup (import "main" "_initialize" (func)) (start 0))
  (core instance (instantiate $fixup (with "main" (instance $m))))
  (func (export "get") (result u32) (canon lift (core func $m "get"))))`;
}

const INIT = '(global.set $g (i32.add (global.get $g) (i32.const 41))) (call $ping)';

describe('startOnlyModule', () => {
  it('recognizes a module that only imports functions and starts one of them', async () => {
    const bytes = await wasm('(module (import "a" "x" (func)) (import "main" "_initialize" (func)) (start 1))');
    expect(startOnlyModule(bytes)).toEqual({
      imports: [
        { module: 'a', name: 'x' },
        { module: 'main', name: '_initialize' },
      ],
      start: 1,
    });
    expect(startOnlyModule(await wasm('(module (import "a" "x" (func)))'))).toEqual({ imports: [{ module: 'a', name: 'x' }], start: null });
  });

  it('refuses modules that define anything or import non-functions', async () => {
    const cases = [
      '(module (func $f) (start $f))',
      '(module (import "a" "x" (func)) (start 0) (memory 1))',
      '(module (import "a" "x" (func)) (start 0) (global i32 (i32.const 0)))',
      '(module (import "a" "x" (func)) (start 0) (table 1 funcref))',
      '(module (import "a" "x" (func)) (export "x" (func 0)))',
      '(module (import "a" "m" (memory 1)) (import "a" "x" (func)) (start 1))',
      '(module (import "a" "t" (table 1 funcref)) (import "a" "x" (func)) (elem (i32.const 0) func 0))',
    ];
    for (const wat of cases) expect(startOnlyModule(await wasm(wat)), wat).toBeNull();
  });
});

describe('components with a start-only fixup module', () => {
  it('runs the start once per instance, host imports included', async () => {
    const compiled = await compileComponent(await wasm(component(INIT)));
    let pings = 0;
    const imports = { ping: () => void pings++ };
    const a = (await instantiate(compiled, imports)) as { get(): number };
    const b = (await instantiate(compiled, imports)) as { get(): number };
    expect([a.get(), b.get(), pings]).toEqual([41, 41, 2]);
  });

  it('instantiates only the module that defines something', async () => {
    const compiled = await compileComponent(await wasm(component(INIT)));
    // The project's lib settings have no WebAssembly declarations.
    type InstanceClass = new (module: object, imports: object) => object;
    const api = (globalThis as unknown as { WebAssembly: { Instance: InstanceClass } }).WebAssembly;
    const Real = api.Instance;
    let made = 0;
    api.Instance = class extends Real {
      constructor(module: object, imports: object) {
        super(module, imports);
        made++;
      }
    };
    try {
      await instantiate(compiled, { ping: () => undefined });
    } finally {
      api.Instance = Real;
    }
    expect(made).toBe(1);
  });

  it('a trap in the start function is a ComponentTrap in `(start)`', async () => {
    const compiled = await compileComponent(await wasm(component('unreachable')));
    const error: unknown = await instantiate(compiled, { ping: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComponentTrap);
    expect((error as ComponentTrap).export).toBe('(start)');
    expect(((error as ComponentTrap).cause as Error).name).toBe('RuntimeError');
  });

  it('a host error thrown during the start propagates as itself', async () => {
    const compiled = await compileComponent(await wasm(component(INIT)));
    const boom = new Error('no ping today');
    await expect(
      instantiate(compiled, {
        ping: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
  });
});
