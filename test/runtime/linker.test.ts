import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import {
  CoreCallError,
  CoreLinker,
  LinkError,
  LONG_HINT,
  compileCoreModule,
  type CoreModule,
} from '../../src/runtime/core/index-linker.js';
import { wasmApi } from '../../src/runtime/core/wasm-api.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const legacy = path.resolve(here, '../../guests/legacy/c');
const guest = (name: string): Promise<CoreModule> =>
  compileCoreModule(readFileSync(path.join(legacy, name, `${name}.core.wasm`)));
const wat = async (text: string): Promise<CoreModule> => compileCoreModule(await parse(text));

/** The LinkError thrown by `fn`, failing the test if it does not throw one. */
function linkError(fn: () => unknown): LinkError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LinkError) return error;
    throw error;
  }
  throw new Error('expected a LinkError');
}

function callError(fn: () => unknown): CoreCallError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CoreCallError) return error;
    throw error;
  }
  throw new Error('expected a CoreCallError');
}

class Exit extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

describe('scenario 1: missing host function (guests/legacy/c/missing-import)', () => {
  it('reports every missing import with its signature before anything runs', async () => {
    const module = await guest('missing-import');
    const error = linkError(() => new CoreLinker().link(module));
    expect(error.code).toBe('LINK_UNRESOLVED_IMPORTS');
    expect(error.message).toBe(
      [
        '2 imports cannot be resolved:',
        '  unknown import: `env::my_extern_fun` has not been defined; the module imports it as (func)',
        '  unknown import: `wasi_snapshot_preview1::proc_exit` has not been defined; the module imports it as (func (param i32))',
      ].join('\n'),
    );
    expect(error.problems).toEqual([
      { kind: 'missing', module: 'env', name: 'my_extern_fun', expected: '(func)' },
      { kind: 'missing', module: 'wasi_snapshot_preview1', name: 'proc_exit', expected: '(func (param i32))' },
    ]);
  });

  it('a single missing import is reported in Wasmtime wording', async () => {
    const module = await guest('missing-import');
    const linker = new CoreLinker().defineFunc('wasi_snapshot_preview1', 'proc_exit', { params: ['i32'], results: [] }, () => {
      throw new Error('not reached');
    });
    await expect(linker.instantiate(module)).rejects.toThrow(
      /^unknown import: `env::my_extern_fun` has not been defined; the module imports it as \(func\)$/,
    );
  });

  it('runs once my_extern_fun is defined', async () => {
    const calls: string[] = [];
    const linker = new CoreLinker()
      .defineFunc('env', 'my_extern_fun', { params: [], results: [] }, () => {
        calls.push('my_extern_fun');
      })
      .defineFunc('wasi_snapshot_preview1', 'proc_exit', { params: ['i32'], results: [] }, (_caller, status: number) => {
        throw new Exit(status);
      });
    const instance = await linker.instantiate(await guest('missing-import'));
    expect(instance.kind).toBe('command');
    expect(calls).toEqual([]);
    instance.run();
    expect(calls).toEqual(['my_extern_fun']);
  });
});

describe('scenario 4: the C `long` trap (guests/legacy/c/long-test)', () => {
  it('rejects a 64-bit host function for `long test(void)` with expected/found and the hint', async () => {
    const module = await guest('long-test');
    const linker = new CoreLinker().defineFunc('env', 'test', { params: [], results: ['i64'] }, () => 42n);
    const error = linkError(() => linker.link(module));
    expect(error.code).toBe('LINK_UNRESOLVED_IMPORTS');
    expect(error.message).toBe(
      'incompatible import type for `env::test`: expected (func (result i32)), found (func (result i64))\n' +
        '  hint: C `long` is 32-bit on wasm32 (i32); use int64_t / long long in the guest for a 64-bit value, or declare s32 in the WIT world',
    );
    expect(error.problems).toEqual([
      {
        kind: 'incompatible',
        module: 'env',
        name: 'test',
        expected: '(func (result i32))',
        found: '(func (result i64))',
        hint: LONG_HINT,
      },
    ]);
  });

  it('accepts `() -> i32`; the reactor is initialized before use', async () => {
    const linker = new CoreLinker().defineFunc('env', 'test', { params: [], results: ['i32'] }, () => 42);
    const instance = await linker.instantiate(await guest('long-test'));
    expect(instance.kind).toBe('reactor');
    // -1 would mean `_initialize` (the C constructor) had not run.
    expect((instance.exports['run'] as () => number)()).toBe(43);
  });

  it('gives no `long` hint for other mismatches, and lists kind mismatches', async () => {
    const module = await wat(`(module
      (import "env" "f" (func (param f32) (result i32)))
      (import "env" "m" (memory 1)))`);
    const linker = new CoreLinker()
      .defineFunc('env', 'f', { params: ['i32'], results: ['i32'] }, () => 0)
      .defineFunc('env', 'm', { params: [], results: [] }, () => undefined);
    const error = linkError(() => linker.link(module));
    expect(error.message).toBe(
      [
        '2 imports cannot be resolved:',
        '  incompatible import type for `env::f`: expected (func (param f32) (result i32)), found (func (param i32) (result i32))',
        '  incompatible import type for `env::m`: expected (memory), found (func)',
      ].join('\n'),
    );
    expect(error.problems.every((p) => p.kind === 'incompatible' && p.hint === undefined)).toBe(true);
  });
});

describe('definitions', () => {
  it('refuses a redefinition unless shadowing is allowed', async () => {
    const linker = new CoreLinker().defineFunc('env', 'test', { params: [], results: ['i32'] }, () => 1);
    const error = linkError(() => linker.defineFunc('env', 'test', { params: [], results: ['i32'] }, () => 2));
    expect(error.code).toBe('LINK_DUPLICATE_DEFINITION');
    expect(error.message).toBe('`env::test` is already defined; call allowShadowing(true) to replace definitions');
    linker.allowShadowing(true).defineFunc('env', 'test', { params: [], results: ['i32'] }, () => 2);
    const instance = await linker.instantiate(await guest('long-test'));
    expect((instance.exports['run'] as () => number)()).toBe(3);
  });

  it('defines unknown imports as named traps', async () => {
    const module = await guest('missing-import');
    const instance = new CoreLinker().defineUnknownImportsAsTraps(module).link(module).instantiate();
    const error = callError(() => instance.run());
    expect(error.code).toBe('CALL_UNKNOWN_IMPORT');
    expect(error.importName).toBe('env::my_extern_fun');
    expect(error.message).toBe(
      'unknown import env::my_extern_fun was called; it was defined as a trap by defineUnknownImportsAsTraps',
    );
  });

  it('defines unknown imports as default values, keeping explicit definitions', async () => {
    const module = await guest('long-test');
    const zero = new CoreLinker().defineUnknownImportsAsDefaultValues(module).link(module).instantiate();
    expect((zero.exports['run'] as () => number)()).toBe(1);
    const defined = new CoreLinker()
      .defineFunc('env', 'test', { params: [], results: ['i32'] }, () => 9)
      .defineUnknownImportsAsDefaultValues(module)
      .link(module)
      .instantiate();
    expect((defined.exports['run'] as () => number)()).toBe(10);
  });

  it('links one instance to another by name, checking function types', async () => {
    const lib = await wat(`(module
      (memory (export "memory") 1)
      (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))`);
    const app = await wat(`(module
      (import "lib" "add" (func $add (param i32 i32) (result i32)))
      (import "lib" "memory" (memory 1))
      (func (export "twice") (param i32) (result i32) local.get 0 local.get 0 call $add))`);
    const linker = new CoreLinker();
    linker.defineInstance('lib', await linker.instantiate(lib));
    const instance = linker.link(app).instantiate();
    expect((instance.exports['twice'] as (x: number) => number)(21)).toBe(42);

    const wrong = await wat(`(module (import "lib" "add" (func (param i64 i64) (result i64))))`);
    expect(linkError(() => linker.link(wrong)).message).toBe(
      'incompatible import type for `lib::add`: expected (func (param i64 i64) (result i64)), found (func (param i32 i32) (result i32))\n' +
        `  ${LONG_HINT}`,
    );
  });
});

describe('engine-checked imports', () => {
  it('wraps what only the engine can check (memory limits) in a LinkError', async () => {
    const module = await wat('(module (import "env" "memory" (memory 2)))');
    const linker = new CoreLinker().defineMemory('env', 'memory', new wasmApi.Memory({ initial: 1 }));
    const error = linkError(() => linker.link(module).instantiate());
    expect(error.code).toBe('LINK_INSTANTIATION_FAILED');
    expect(error.message).toMatch(/^cannot instantiate module: /);
    const ok = new CoreLinker().defineMemory('env', 'memory', new wasmApi.Memory({ initial: 2 }));
    expect(ok.link(module).instantiate().kind).toBe('library');
  });
});

describe('caller context', () => {
  it('gives host functions the instance memory, exports and per-instance data', async () => {
    const module = await wat(`(module
      (import "env" "log" (func $log (param i32 i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "hello")
      (func (export "magic") (result i32) i32.const 7)
      (func (export "go") i32.const 16 i32.const 5 call $log))`);
    const linker = new CoreLinker<{ seen: string[] }>().defineFunc(
      'env',
      'log',
      { params: ['i32', 'i32'], results: [] },
      (caller, ptr: number, len: number) => {
        const text = new TextDecoder().decode(new Uint8Array(caller.memory.buffer, ptr, len));
        caller.data.seen.push(`${text}:${(caller.exports['magic'] as () => number)()}`);
      },
    );
    const linked = linker.link(module);
    const a = linked.instantiate({ data: { seen: [] } });
    const b = linked.instantiate({ data: { seen: [] } });
    (a.exports['go'] as () => void)();
    (a.exports['go'] as () => void)();
    (b.exports['go'] as () => void)();
    expect(a.data.seen).toEqual(['hello:7', 'hello:7']);
    expect(b.data.seen).toEqual(['hello:7']);
  });

  it('names the problem when a start function asks for the caller exports', async () => {
    const module = await wat(`(module
      (import "env" "early" (func $early))
      (memory (export "memory") 1)
      (start $early))`);
    const linker = new CoreLinker().defineFunc('env', 'early', { params: [], results: [] }, (caller) => {
      void caller.exports;
    });
    const error = linkError(() => linker.link(module).instantiate());
    expect(error.code).toBe('LINK_NOT_INSTANTIATED');
  });
});

describe('call-time result checks', () => {
  const module = wat(`(module
    (import "env" "i32" (func $i32 (result i32)))
    (import "env" "i64" (func $i64 (result i64)))
    (import "env" "f64" (func $f64 (result f64)))
    (import "env" "none" (func $none))
    (import "env" "pair" (func $pair (result i32 i64)))
    (func (export "i32") (result i32) call $i32)
    (func (export "i64") (result i64) call $i64)
    (func (export "f64") (result f64) call $f64)
    (func (export "none") call $none)
    (func (export "pair") (result i32 i64) call $pair))`);

  async function withResults(values: Record<'i32' | 'i64' | 'f64' | 'none' | 'pair', unknown>) {
    const linker = new CoreLinker()
      .defineFunc('env', 'i32', { params: [], results: ['i32'] }, () => values.i32)
      .defineFunc('env', 'i64', { params: [], results: ['i64'] }, () => values.i64)
      .defineFunc('env', 'f64', { params: [], results: ['f64'] }, () => values.f64)
      .defineFunc('env', 'none', { params: [], results: [] }, () => values.none)
      .defineFunc('env', 'pair', { params: [], results: ['i32', 'i64'] }, () => values.pair);
    const { exports } = linker.link(await module).instantiate();
    return (name: string) => (exports[name] as () => unknown)();
  }

  it('passes valid values through, both signed and unsigned readings of i32/i64', async () => {
    const call = await withResults({ i32: 0xffff_ffff, i64: 2n ** 64n - 1n, f64: 1.5, none: undefined, pair: [-(2 ** 31), -(2n ** 63n)] });
    expect(call('i32')).toBe(-1);
    expect(call('i64')).toBe(-1n);
    expect(call('f64')).toBe(1.5);
    expect(call('none')).toBeUndefined();
    expect(call('pair')).toEqual([-(2 ** 31), -(2n ** 63n)]);
  });

  it.each([
    ['i32', 1.5, 'env::i32 returned 1.5 where (result i32) is expected'],
    ['i32', 5n, 'env::i32 returned 5n where (result i32) is expected'],
    ['i32', 2 ** 32, 'env::i32 returned 4294967296 where (result i32) is expected'],
    ['i32', -(2 ** 31) - 1, 'env::i32 returned -2147483649 where (result i32) is expected'],
    ['i32', undefined, 'env::i32 returned undefined where (result i32) is expected'],
    ['i32', '1', 'env::i32 returned "1" where (result i32) is expected'],
    ['i64', 5, 'env::i64 returned 5 where (result i64) is expected'],
    ['i64', 2n ** 64n, 'env::i64 returned 18446744073709551616n where (result i64) is expected'],
    ['i64', -(2n ** 63n) - 1n, 'env::i64 returned -9223372036854775809n where (result i64) is expected'],
    ['f64', 1n, 'env::f64 returned 1n where (result f64) is expected'],
    ['none', 3, 'env::none returned 3 where no result is expected'],
    ['pair', [1], 'env::pair returned [1] where (result i32 i64) is expected'],
    ['pair', [1, 2], 'env::pair returned [1, 2] where (result i32 i64) is expected'],
    ['pair', 1, 'env::pair returned 1 where (result i32 i64) is expected'],
  ] as const)('%s import returning %s fails with the import name', async (name, value, message) => {
    const valid = { i32: 0, i64: 0n, f64: 0, none: undefined, pair: [0, 0n] };
    const call = await withResults({ ...valid, [name]: value });
    const error = callError(() => call(name));
    expect(error.code).toBe('CALL_BAD_RESULT');
    expect(error.importName).toBe(`env::${name}`);
    expect(error.message).toBe(message);
  });
});

describe('command and reactor', () => {
  it('runs a command once', async () => {
    const module = await guest('missing-import');
    let calls = 0;
    const instance = new CoreLinker()
      .defineFunc('env', 'my_extern_fun', { params: [], results: [] }, () => {
        calls++;
      })
      .defineUnknownImportsAsTraps(module)
      .link(module)
      .instantiate();
    instance.run();
    const error = linkError(() => instance.run());
    expect(error.code).toBe('LINK_NOT_RUNNABLE');
    expect(error.message).toBe('a command runs once: `_start` was already called on this instance');
    expect(calls).toBe(1);
  });

  it('refuses run() on a reactor and a module that is both', async () => {
    const reactor = new CoreLinker()
      .defineFunc('env', 'test', { params: [], results: ['i32'] }, () => 0)
      .link(await guest('long-test'))
      .instantiate();
    expect(linkError(() => reactor.run()).message).toBe('the module is not a command: it does not export `_start`');
    const both = await wat(`(module (func (export "_start")) (func (export "_initialize")))`);
    expect(linkError(() => new CoreLinker().link(both).instantiate()).code).toBe('LINK_COMMAND_AND_REACTOR');
  });

  it('a module with neither entry point is a library', async () => {
    const instance = new CoreLinker().link(await wat('(module (func (export "f")))')).instantiate();
    expect(instance.kind).toBe('library');
  });
});
