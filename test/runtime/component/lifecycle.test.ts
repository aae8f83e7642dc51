/**
 * Instance lifecycle through witgen's component runtime, on a small C guest
 * built here with clang (wasm32-wasi reactor, printf → the WASI preview1
 * adapter) and `buildComponent`: traps become ComponentTrap and poison the
 * instance, host errors propagate, re-entering an instance from a host
 * import is refused, instances keep separate state, a compiled component is
 * reused, and guest stdout reaches the host only when granted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComponent } from '../../../src/build/index.js';
import { loadWitText } from '../../../src/wit/index.js';
import { kindsHost } from './kinds-host.js';
import {
  ComponentTrap,
  compileComponent,
  instantiate,
  type CompiledComponent,
} from '../../../src/runtime/component/index.js';

const WIT = `package witgen:life@0.1.0;

interface things {
  resource thing {
    constructor();
    id: func() -> u32;
  }
}

world life {
  import things;
  use things.{thing};
  import host-cb: func(n: u32) -> u32;
  export bad-drop: func();
  export poke: func(t: borrow<thing>) -> u32;
  export keep: func(t: thing);
  export crash: func();
  export bump: func() -> u32;
  export call-host: func(n: u32) -> u32;
  export hello: func() -> u32;
}
`;

const SOURCE = `#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((import_module("$root"), import_name("host-cb"))) extern uint32_t host_cb(uint32_t);

static uint32_t count;

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *ptr, size_t old_size, size_t align, size_t new_size) {
  (void) old_size;
  if (new_size == 0) return (void *) align;
  void *grown = realloc(ptr, new_size);
  if (grown == NULL) abort();
  return grown;
}

__attribute__((import_module("witgen:life/things@0.1.0"), import_name("[resource-drop]thing"))) extern void thing_drop(int32_t);

__attribute__((export_name("crash"))) void crash(void) { __builtin_trap(); }
__attribute__((import_module("witgen:life/things@0.1.0"), import_name("[method]thing.id"))) extern uint32_t thing_id(int32_t);

__attribute__((export_name("bad-drop"))) void bad_drop(void) { thing_drop(12345); }
// A borrowed handle: used, then dropped before returning (as the canonical ABI asks).
__attribute__((export_name("poke"))) uint32_t poke(int32_t t) {
  uint32_t id = thing_id(t) + 1000;
  thing_drop(t);
  return id;
}
// An owned handle: dropping it ends the host object's life.
__attribute__((export_name("keep"))) void keep(int32_t t) { thing_drop(t); }
__attribute__((export_name("bump"))) uint32_t bump(void) { return ++count; }
__attribute__((export_name("call-host"))) uint32_t call_host(uint32_t n) { return host_cb(n) + 1; }
__attribute__((export_name("hello"))) uint32_t hello(void) {
  printf("hello from the guest\\n");
  fflush(stdout);
  return 7;
}
`;

interface Life {
  crash(): void;
  badDrop(): void;
  poke(thing: object): number;
  keep(thing: object): void;
  bump(): number;
  callHost(n: number): number;
  hello(): number;
}

/** clang without node_modules/.bin on PATH (it would run binaryen's wasm-opt). */
function clang(args: string[], cwd: string): void {
  const PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((folder) => !folder.endsWith(`${sep}node_modules${sep}.bin`))
    .join(delimiter);
  const result = spawnSync('/usr/bin/clang', args, { cwd, encoding: 'utf8', env: { ...process.env, PATH } });
  if (result.status !== 0) throw new Error(`clang failed: ${result.stderr}${result.error?.message ?? ''}`);
}

/** The host's resource class for `thing`. */
class Thing {
  disposed = false;
  constructor(readonly n: number) {}
  id(): number {
    return this.n;
  }
  [Symbol.dispose](): void {
    this.disposed = true;
  }
}

let dir: string;
let compiled: CompiledComponent;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'witgen-life-'));
  writeFileSync(join(dir, 'life.c'), SOURCE);
  clang(['--target=wasm32-wasi', '-O2', '-mexec-model=reactor', '-g0', '-Wl,--no-entry', '-o', 'life.core.wasm', 'life.c'], dir);
  const { component, adapter } = await buildComponent({ core: new Uint8Array(readFileSync(join(dir, 'life.core.wasm'))), wit: loadWitText(WIT) });
  expect(adapter).not.toBeNull();
  compiled = await compileComponent(component);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function fresh(hostCb: (n: number) => number = (n) => n * 2, options = {}): Promise<Life> {
  return (await instantiate(compiled, { hostCb, 'witgen:life/things@0.1.0': { Thing } }, options)) as unknown as Life;
}

describe('traps', () => {
  it('a wasm trap is a ComponentTrap naming the export, then the instance is poisoned', async () => {
    const life = await fresh();
    expect(life.bump()).toBe(1);
    let trap: unknown;
    try {
      life.crash();
    } catch (error) {
      trap = error;
    }
    expect(trap).toBeInstanceOf(ComponentTrap);
    expect(trap).toMatchObject({ code: 'COMPONENT_TRAP', export: 'crash' });
    const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError;
    expect((trap as Error).cause).toBeInstanceOf(WasmRuntimeError);
    expect(() => life.bump()).toThrow(expect.objectContaining({ code: 'INSTANCE_POISONED' }));
    expect(() => life.hello()).toThrow(/trapped earlier \(in `crash`\)/);
    // Another instance of the same compiled component is unaffected.
    expect((await fresh()).bump()).toBe(1);
  });

  it('an ABI trap while lifting guest data is a ComponentTrap too (kinds guest)', async () => {
    const kinds = await compileComponent(new URL('../../../guests/c/kinds/kinds.component.wasm', import.meta.url));
    for (const [name, reason] of [
      ['badChar', 'invalid-char'],
      ['badColor', 'invalid-discriminant'],
      ['badVar', 'invalid-discriminant'],
      ['badOpt', 'invalid-discriminant'],
      ['badString', 'invalid-utf8'],
      ['badBounds', 'out-of-bounds'],
    ] as const) {
      const exports = (await instantiate(kinds, kindsHost('witgen:kinds', kinds.importNames).imports)) as Record<string, (...args: unknown[]) => unknown>;
      let trap: unknown;
      try {
        exports[name]?.();
      } catch (error) {
        trap = error;
      }
      expect(trap, name).toBeInstanceOf(ComponentTrap);
      expect(((trap as ComponentTrap).cause as { reason: string }).reason).toBe(reason);
      expect(() => exports['echoU8']?.(1)).toThrow(expect.objectContaining({ code: 'INSTANCE_POISONED' }));
    }
  });

  it('a guest dropping a handle it does not have traps', async () => {
    const life = await fresh();
    let trap: unknown;
    try {
      life.badDrop();
    } catch (error) {
      trap = error;
    }
    expect(trap).toBeInstanceOf(ComponentTrap);
    expect((trap as Error).cause).toMatchObject({ code: 'RESOURCE_INVALID_HANDLE' });
    expect(() => life.bump()).toThrow(expect.objectContaining({ code: 'INSTANCE_POISONED' }));
  });

  it('a wrong argument from the host is an error naming the function, not a trap', async () => {
    const life = await fresh();
    expect(() => life.callHost('x' as unknown as number)).toThrow(/call-host/);
    expect(life.bump()).toBe(1);
  });
});

describe('host imports', () => {
  it('a host import that throws propagates its own error object, and poisons the instance', async () => {
    const boom = new Error('host failed');
    const life = await fresh(() => {
      throw boom;
    });
    expect(() => life.callHost(1)).toThrow(boom);
    expect(() => life.bump()).toThrow(expect.objectContaining({ code: 'INSTANCE_POISONED' }));
  });

  it('a host import calling back into the same instance is refused (may_enter)', async () => {
    let exportsRef: Life | undefined;
    const life = await fresh(() => exportsRef?.bump() ?? 0);
    exportsRef = life;
    expect(() => life.callHost(1)).toThrow(expect.objectContaining({ code: 'COMPONENT_REENTRANCE' }));
  });

  it('a host import may call another instance', async () => {
    const other = await fresh();
    const life = await fresh(() => other.bump() + 10);
    expect(life.callHost(0)).toBe(12);
    expect(other.bump()).toBe(2);
  });
});

describe('host resources passed to exports', () => {
  it('a borrow lends the host object for the call; an own moves it into the guest, which drops it', async () => {
    const life = await fresh();
    const thing = new Thing(7);
    expect(life.poke(thing)).toBe(1007);
    expect(life.poke(thing)).toBe(1007);
    expect(thing.disposed).toBe(false);
    life.keep(thing);
    expect(thing.disposed).toBe(true);
    expect(() => life.poke({} as object)).toThrow(expect.objectContaining({ code: 'RESOURCE_WRONG_TYPE' }));
    expect(life.bump()).toBe(1);
  });
});

describe('instances and reuse', () => {
  it('instances of one compiled component keep separate state', async () => {
    const a = await fresh();
    const b = await fresh();
    expect([a.bump(), a.bump(), a.bump()]).toEqual([1, 2, 3]);
    expect(b.bump()).toBe(1);
    const imports = { hostCb: (n: number) => n, 'witgen:life/things@0.1.0': { Thing } };
    for (let i = 0; i < 50; i++) expect((compiled.instantiateSync(imports) as unknown as Life).bump()).toBe(1);
  });

  it('guest stdout through the preview1 adapter reaches the host only when granted', async () => {
    const chunks: Uint8Array[] = [];
    const granted = await fresh(undefined, { wasi: { stdout: (bytes: Uint8Array) => void chunks.push(bytes.slice()) } });
    expect(granted.hello()).toBe(7);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('hello from the guest\n');
    const written = chunks.length;
    const denied = await fresh();
    expect(denied.hello()).toBe(7);
    expect(chunks).toHaveLength(written);
  });
});
