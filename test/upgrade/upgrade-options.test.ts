/**
 * The legacy path's naming and allocator options apply to `upgradeLegacy`
 * too: symbol overrides, another import module than `env`, allocator
 * exports with other names; and a module with exports only.
 */
import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { instantiate } from '../../src/runtime/index.js';
import { instantiateLegacy } from '../../src/runtime/legacy/index.js';
import { upgradeLegacy } from '../../src/upgrade/index.js';
import { loadWitText } from '../../src/wit/load.js';
import { transpileComponent } from '../guests/jco-host.js';
import { jcoRootImports } from './helpers.js';

const wit = 'package t:o;\nworld w {\n  import host-log-value: func(v: s32);\n  export shout: func(s: string) -> string;\n  export run: func(n: s32);\n}\n';

/** `shout` copies its string and upper-cases ASCII; `go` (world `run`) logs n + 1 through `host::log`. */
const guest = `(module
  (import "host" "log" (func $log (param i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (func $alloc (export "my_alloc") (param i32) (result i32) (local i32)
    global.get $bump local.set 1
    global.get $bump local.get 0 i32.add i32.const 7 i32.add i32.const -8 i32.and global.set $bump
    local.get 1)
  (func (export "my_free") (param i32))
  (func (export "shout") (param $out i32) (param $s i32) (local $p i32) (local $n i32) (local $i i32) (local $c i32)
    local.get $s i32.load offset=4 local.set $n
    local.get $n call $alloc local.set $p
    block loop
      local.get $i local.get $n i32.ge_u br_if 1
      local.get $s i32.load local.get $i i32.add i32.load8_u local.set $c
      local.get $p local.get $i i32.add
      local.get $c local.get $c i32.const 97 i32.ge_u local.get $c i32.const 122 i32.le_u i32.and i32.const 32 i32.mul i32.sub
      i32.store8
      local.get $i i32.const 1 i32.add local.set $i br 0
    end end
    local.get $out local.get $p i32.store
    local.get $out local.get $n i32.store offset=4)
  (func (export "go") (param i32) local.get 0 i32.const 1 i32.add call $log))`;

const options = {
  names: { 'host-log-value': 'log', run: 'go' },
  importModule: 'host',
  allocator: { malloc: 'my_alloc', free: 'my_free' },
} as const;

describe('upgrade options', () => {
  it('symbol overrides, import module and allocator names, as instantiateLegacy takes them', async () => {
    const core = await parse(guest);
    const { component } = await upgradeLegacy(core, { wit: loadWitText(wit), ...options });
    const logged: number[] = [];
    const imports = { hostLogValue: (v: number) => void logged.push(v) };
    const upgraded = (await instantiate(component, imports)) as { shout(s: string): string; run(n: number): void };
    const legacy = (await instantiateLegacy(core, imports, { world: { wit }, ...options })) as typeof upgraded;
    expect(upgraded.shout('hello, wörld')).toBe('HELLO, WöRLD');
    expect(upgraded.shout('hello, wörld')).toBe(legacy.shout('hello, wörld'));
    upgraded.run(41);
    legacy.run(41);
    expect(logged).toEqual([42, 42]);
  });

  it('without the options, the same module does not match: every problem is listed', async () => {
    const core = await parse(guest);
    await expect(upgradeLegacy(core, { wit: loadWitText(wit) })).rejects.toMatchObject({
      code: 'UPGRADE_MISMATCH',
      problems: [
        'missing export: `run` (world export `run`) should be (func (param i32))',
        'unknown import: `host::log` (func (param i32)): expected world imports from `env` and WASI from `wasi_snapshot_preview1` only',
      ],
    });
  });

  it('is deterministic: the same inputs give byte-identical components', async () => {
    const core = await parse(guest);
    const first = await upgradeLegacy(core, { wit: loadWitText(wit), ...options });
    const second = await upgradeLegacy(core, { wit: loadWitText(wit), ...options });
    expect(second.adapterText).toBe(first.adapterText);
    expect(Buffer.from(second.component).equals(Buffer.from(first.component))).toBe(true);
  });

  it('a module with exports only', async () => {
    const core = await parse('(module (func (export "seven") (result i32) i32.const 7))');
    const { component } = await upgradeLegacy(core, { wit: loadWitText('package t:s;\nworld w {\n  export seven: func() -> u8;\n}\n') });
    const exports = (await instantiate(component, {})) as { seven(): number };
    expect(exports.seven()).toBe(7);
  });

  it('an allocator that calls an import (as constructors run on each call of a module without _initialize)', async () => {
    // `malloc` pings the host; post-return frees are deferred, so only allocation calls out (from realloc and the export).
    const core = await parse(`(module (import "env" "ping" (func $ping)) (memory (export "memory") 1) (global $b (mut i32) (i32.const 1024))
      (func (export "malloc") (param i32) (result i32) (local i32) call $ping global.get $b local.set 1 global.get $b local.get 0 i32.add i32.const 8 i32.add global.set $b local.get 1)
      (func (export "free") (param i32) call $ping)
      (func (export "len") (param i32) (result i32) local.get 0 i32.load offset=4))`);
    const { component } = await upgradeLegacy(core, { wit: loadWitText('package t:p;\nworld w {\n  import ping: func();\n  export len: func(s: string) -> u32;\n}\n') });
    let pings = 0;
    const ping = (): void => {
      pings++;
    };
    const viaWitgen = (await instantiate(component, { ping })) as { len(s: string): number };
    expect(viaWitgen.len('abc')).toBe(3);
    const transpiled = await transpileComponent(component, 'ping');
    try {
      const viaJco = (await transpiled.instantiate(jcoRootImports({ ping }))) as { len(s: string): number };
      expect(viaJco.len('héllo')).toBe(6);
    } finally {
      transpiled.dispose();
    }
    // Per call: the string from realloc, the struct copy, then the two frees after the call.
    expect(pings).toBe(8);
  });
});

