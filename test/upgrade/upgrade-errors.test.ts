/**
 * What `upgradeLegacy` refuses, before it assembles anything: every
 * mismatch between the module and the world at once (with expected and found
 * core signatures and the C `long` hint), world types the legacy C ABI
 * cannot carry, a missing allocator or memory, and input that is not a core
 * module. Each is an UpgradeError with a stable code and an exact message.
 */
import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { UpgradeError, upgradeLegacy } from '../../src/upgrade/index.js';
import { loadWitText } from '../../src/wit/load.js';
import { readBytes } from './helpers.js';

const LONG_HINT =
  'hint: C `long` is 32-bit on wasm32 (i32); use int64_t / long long in the guest for a 64-bit value, or declare s32 in the WIT world';

async function refusal(core: Uint8Array, wit: string): Promise<UpgradeError> {
  try {
    await upgradeLegacy(core, { wit: loadWitText(wit) });
  } catch (error) {
    if (error instanceof UpgradeError) return error;
    throw error;
  }
  throw new Error('expected an UpgradeError');
}

describe('upgrade refuses', () => {
  it('the `long` trap in an export and an import, both reported at once', async () => {
    const error = await refusal(
      readBytes('guests/legacy/c/long-test/long-test.core.wasm'),
      'package t:l;\nworld w {\n  import test: func() -> s64;\n  export run: func() -> s64;\n}\n',
    );
    expect(error.code).toBe('UPGRADE_MISMATCH');
    expect(error.problems).toEqual([
      `incompatible export type for \`run\` (world export \`run\`): expected (func (result i64)), found (func (result i32))\n  ${LONG_HINT}`,
      `incompatible import type for \`env::test\` (world import \`test\`): expected (func (result i64)), found (func (result i32))\n  ${LONG_HINT}`,
    ]);
    expect(error.message).toBe(
      'the module does not match world `w` (2 problems):\n' +
        '  incompatible export type for `run` (world export `run`): expected (func (result i64)), found (func (result i32))\n' +
        `    ${LONG_HINT}\n` +
        '  incompatible import type for `env::test` (world import `test`): expected (func (result i64)), found (func (result i32))\n' +
        `    ${LONG_HINT}`,
    );
  });

  it('a missing export and an import the world does not declare', async () => {
    const error = await refusal(readBytes('guests/legacy/c/missing-import/missing-import.core.wasm'), 'package t:m;\nworld w {\n  export go: func();\n}\n');
    expect(error.code).toBe('UPGRADE_MISMATCH');
    expect(error.message).toBe(
      'the module does not match world `w` (2 problems):\n' +
        '  missing export: `go` (world export `go`) should be (func)\n' +
        '  unknown import: `env::my_extern_fun` (func) is not a function of the WIT world `w`',
    );
  });

  it('imported memory, foreign import modules and mistyped imports', async () => {
    const core = await parse('(module (import "env" "memory" (memory 1)) (import "other" "f" (func)) (import "env" "g" (func (param i64))) (func (export "run")))');
    const error = await refusal(core, 'package t:a;\nworld w {\n  import g: func(x: s32);\n  export run: func();\n}\n');
    expect(error.problems).toEqual([
      'unsupported import: `env::memory` is a memory; expected only functions (the module must define and export its own memory)',
      'unknown import: `other::f` (func): expected world imports from `env` and WASI from `wasi_snapshot_preview1` only',
      `incompatible import type for \`env::g\` (world import \`g\`): expected (func (param i32)), found (func (param i64))\n  ${LONG_HINT}`,
    ]);
  });

  it('resources, which the C ABI of a legacy module cannot carry', async () => {
    const error = await refusal(
      readBytes('guests/legacy/c/plugin/plugin.core.wasm'),
      'package t:r;\nworld w {\n  resource r {\n    get: func() -> u32;\n  }\n  export make: func() -> r;\n}\n',
    );
    expect([error.code, error.message]).toEqual(['UPGRADE_UNSUPPORTED', 'resource `r`: the C ABI of a legacy module has no resources']);
  });

  it('async functions and streams, naming the function and the type', async () => {
    const core = await parse('(module (func (export "f")))');
    const asyncError = await refusal(core, 'package t:a;\nworld w {\n  export f: async func();\n}\n');
    expect([asyncError.code, asyncError.message]).toEqual(['UPGRADE_UNSUPPORTED', '`f` is async: a legacy C function is synchronous']);
    const stream = await refusal(core, 'package t:a;\nworld w {\n  export f: func(s: stream<u8>);\n}\n');
    expect([stream.code, stream.message]).toEqual([
      'UPGRADE_UNSUPPORTED',
      '`f`: parameter `s` has type `stream<u8>`, which holds a stream handle of `u8`; the C ABI of a legacy module has no resources, ' +
        'streams or futures (expected plain values: scalars, strings, lists, records, variants)',
    ]);
  });

  it('a module without an allocator when strings cross', async () => {
    const core = await parse('(module (memory (export "memory") 1) (func (export "echo") (param i32 i32)))');
    const error = await refusal(core, 'package t:a;\nworld w {\n  export echo: func(s: string) -> string;\n}\n');
    expect([error.code, error.message]).toEqual([
      'UPGRADE_NO_ALLOCATOR',
      '`echo` passes values through guest memory, so the module must export an allocator: expected `malloc` (func (param i32) (result i32)) ' +
        'with `free` (func (param i32)), or `cabi_realloc`, or names given in `allocator`; the module exports `echo`',
    ]);
  });

  it('a module without memory when strings cross', async () => {
    const core = await parse(
      '(module (func (export "malloc") (param i32) (result i32) i32.const 0) (func (export "free") (param i32)) (func (export "echo") (param i32 i32)))',
    );
    const error = await refusal(core, 'package t:a;\nworld w {\n  export echo: func(s: string) -> string;\n}\n');
    expect([error.code, error.message]).toEqual(['UPGRADE_NO_MEMORY', '`echo` passes values through guest memory, but the module exports no memory named `memory`']);
  });

  it('a component, or bytes that are not wasm', async () => {
    const component = await refusal(readBytes('guests/c/plugin/plugin.component.wasm'), 'package t:c;\nworld w {}\n');
    expect([component.code, component.message]).toEqual([
      'UPGRADE_INPUT',
      'cannot read the legacy core module: it is not a core module (already a component?)',
    ]);
    const junk = await refusal(new TextEncoder().encode('hello'), 'package t:c;\nworld w {}\n');
    expect([junk.code, junk.message]).toEqual(['UPGRADE_INPUT', 'cannot read the legacy core module: not a WebAssembly binary (at byte offset 0)']);
  });

  it('a module whose code the engine refuses, named before wasm-tools runs', async () => {
    // i32.add on an empty stack: well-formed sections, invalid code.
    const invalid = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 5, 1, 3, 0, 106, 11]);
    const error = await refusal(invalid, 'package t:c;\nworld w {}\n');
    expect(error.code).toBe('UPGRADE_INPUT');
    expect(error.message).toMatch(/^cannot read the legacy core module: it is not valid WebAssembly: Compiling function #0 failed: /);
  });
});
