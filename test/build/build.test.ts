/**
 * `buildComponent`: wrapping core modules (written as WAT, assembled by jco's
 * `parse`) into components, the preview1 adapter choice, and every error:
 * mismatches found before wasm-tools runs (all at once), unreadable input,
 * and wasm-tools' own failures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentWit, parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { buildComponent } from '../../src/build/build.js';
import { BuildError, type BuildProblem } from '../../src/build/errors.js';
import { readCoreModule } from '../../src/binary/reader.js';
import { checkModule } from '../../src/build/check.js';
import { expectedInterface } from '../../src/build/expected.js';
import { loadWitText, selectWorld } from '../../src/wit/load.js';

const WIT = `
package test:build@1.0.0;

interface math {
  add: func(a: u32, b: u32) -> u32;
  resource acc {
    constructor();
    push: func(v: u64);
  }
}

interface store {
  resource entry {
    get: func() -> string;
  }
  open: func(key: string) -> entry;
}

world app {
  import math;
  import log: func(msg: string);
  export store;
  export run: func(n: s64) -> s64;
  export greet: func(name: string) -> string;
}

world tiny {
  export ping: func(x: u32) -> u32;
}
`;

const loaded = loadWitText(WIT, { path: 'app.wit' });
const STORE = 'test:build/store@1.0.0';

/** The core module of a correct guest of world `app`, with extra imports/definitions and some exports left out. */
function appModule(extraImports = '', omit: readonly string[] = [], extraDefinitions = ''): string {
  const fields = [
    `(import "test:build/math@1.0.0" "add" (func (param i32 i32) (result i32)))`,
    `(import "test:build/math@1.0.0" "[constructor]acc" (func (result i32)))`,
    `(import "test:build/math@1.0.0" "[method]acc.push" (func (param i32 i64)))`,
    `(import "test:build/math@1.0.0" "[resource-drop]acc" (func (param i32)))`,
    `(import "$root" "log" (func (param i32 i32)))`,
    `(import "[export]${STORE}" "[resource-new]entry" (func (param i32) (result i32)))`,
    `(import "[export]${STORE}" "[resource-drop]entry" (func (param i32)))`,
    `(memory (export "memory") 1)`,
    `(func (export "run") (param i64) (result i64) local.get 0)`,
    `(func (export "greet") (param i32 i32) (result i32) i32.const 0)`,
    `(func (export "cabi_post_greet") (param i32))`,
    `(func (export "${STORE}#[method]entry.get") (param i32) (result i32) i32.const 0)`,
    `(func (export "${STORE}#open") (param i32 i32) (result i32) i32.const 0)`,
    `(func (export "${STORE}#[dtor]entry") (param i32))`,
    `(func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 8)`,
  ].filter((field) => !omit.some((name) => field.includes(`"${name}"`)));
  return `(module\n  ${extraImports}\n  ${fields.join('\n  ')}\n  ${extraDefinitions}\n)`;
}

async function wat(text: string): Promise<Uint8Array> {
  return parse(text);
}

async function buildError(core: Uint8Array, world = 'app'): Promise<BuildError> {
  try {
    await buildComponent({ core, wit: loaded, world });
  } catch (error) {
    if (error instanceof BuildError) return error;
    throw error;
  }
  throw new Error('expected the build to fail');
}

function problem(error: BuildError, item: string): BuildProblem {
  const found = error.problems.find((p) => p.item === item);
  if (found === undefined) throw new Error(`no problem about ${item} in:\n${error.message}`);
  return found;
}

describe('buildComponent', () => {
  it('wraps a module that fits the world; no WASI imports means no adapter', async () => {
    const result = await buildComponent({ core: await wat(appModule()), wit: loaded, world: 'app' });
    expect(result.adapter).toBeNull();
    const text = await componentWit(result.component);
    expect(text).toContain('import test:build/math@1.0.0;');
    expect(text).toContain('export greet: func(name: string) -> string;');
    expect(text).toContain('export test:build/store@1.0.0;');
  });

  it('applies the reactor adapter to a module importing wasi_snapshot_preview1', async () => {
    const core = await wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "ping") (param i32) (result i32) local.get 0)
      (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 8))`);
    const result = await buildComponent({ core, wit: loaded, world: 'tiny' });
    expect(result.adapter).toBe('reactor');
    expect(await componentWit(result.component)).toMatch(/import wasi:cli\/stdout@/);
  });

  it('applies the command adapter when the module exports _start', async () => {
    const core = await wat(`(module
      (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (memory (export "memory") 1)
      (func (export "_start"))
      (func (export "ping") (param i32) (result i32) local.get 0)
      (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 8))`);
    const result = await buildComponent({ core, wit: loaded, world: 'tiny' });
    expect(result.adapter).toBe('command');
    expect(await componentWit(result.component)).toMatch(/export wasi:cli\/run@/);
  });

  it('embeds a world whose WIT directory has deps/ (all packages printed as one text)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'witgen-build-deps-'));
    try {
      mkdirSync(join(dir, 'deps', 'shapes'), { recursive: true });
      writeFileSync(
        join(dir, 'deps', 'shapes', 'shapes.wit'),
        'package dep:shapes@0.2.0;\ninterface geo {\n  record point { x: f64, y: f64 }\n  norm: func(p: point) -> f64;\n}\n',
      );
      writeFileSync(
        join(dir, 'main.wit'),
        'package app:main;\nworld w {\n  use dep:shapes/geo@0.2.0.{point};\n  import dep:shapes/geo@0.2.0;\n  export mid: func(a: point, b: point) -> point;\n}\n',
      );
      const core = await wat(`(module
        (import "dep:shapes/geo@0.2.0" "norm" (func (param f64 f64) (result f64)))
        (memory (export "memory") 1)
        (func (export "mid") (param f64 f64 f64 f64) (result i32) i32.const 0))`);
      const result = await buildComponent({ core, wit: dir });
      expect(await componentWit(result.component)).toContain('import dep:shapes/geo@0.2.0;');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes the string encoding to the canonical options', async () => {
    const { print } = await import('@bytecodealliance/jco');
    const result = await buildComponent({ core: await wat(appModule()), wit: loaded, world: 'app', stringEncoding: 'utf16' });
    expect(await print(result.component)).toContain('string-encoding=utf16');
  });
});

describe('buildComponent errors', () => {
  it('an import that belongs to no WIT import, with a hint for C externs in `env`', async () => {
    const error = await buildError(await wat(appModule('(import "env" "my_extern_fun" (func))')));
    expect(error.code).toBe('BUILD_MISMATCH');
    expect(error.problems).toHaveLength(1);
    const p = problem(error, 'env::my_extern_fun');
    expect(p.kind).toBe('unknown-import');
    expect(p.message).toContain('unknown import `env::my_extern_fun` (func)');
    expect(p.hint).toMatch(/import_module/);
  });

  it('an import under the wrong module names the one the world expects', async () => {
    const error = await buildError(await wat(appModule('(import "env" "log" (func (param i32 i32)))')));
    expect(problem(error, 'env::log').hint).toContain('`$root::log`');
  });

  it('an import with the wrong core type shows expected and found, with the C `long` hint', async () => {
    const module = appModule().replace(
      '(import "test:build/math@1.0.0" "add" (func (param i32 i32) (result i32)))',
      '(import "test:build/math@1.0.0" "add" (func (param i32 i32) (result i64)))',
    );
    const error = await buildError(await wat(module));
    const p = problem(error, 'test:build/math@1.0.0::add');
    expect(p.kind).toBe('import-type');
    expect(p.message).toContain('expected (func (param i32 i32) (result i32)), found (func (param i32 i32) (result i64))');
    expect(p.hint).toMatch(/long.*32-bit/);
  });

  it('resource intrinsics are checked by module: [resource-new] exists only under [export]<iface>', async () => {
    const error = await buildError(
      await wat(appModule('(import "test:build/math@1.0.0" "[resource-new]acc" (func (param i32) (result i32)))')),
    );
    expect(problem(error, 'test:build/math@1.0.0::[resource-new]acc').kind).toBe('unknown-import');
  });

  it('non-function imports are rejected', async () => {
    const core = await wat(`(module
      (import "env" "memory" (memory 1))
      (func (export "ping") (param i32) (result i32) local.get 0))`);
    const error = await buildError(core, 'tiny');
    const p = problem(error, 'env::memory');
    expect(p.kind).toBe('import-kind');
    expect(p.hint).toMatch(/--import-memory/);
  });

  it('a missing export is reported with the core signature it needs', async () => {
    const error = await buildError(await wat(appModule('', ['run'])));
    const p = problem(error, 'run');
    expect(p.kind).toBe('missing-export');
    expect(p.message).toBe('missing export `run` (world export `run`): expected (func (param i64) (result i64))');
  });

  it('interface exports use `<iface>#<name>` names', async () => {
    const error = await buildError(await wat(appModule('', [`${STORE}#open`])));
    expect(problem(error, `${STORE}#open`).expected).toEqual({ params: ['i32', 'i32'], results: ['i32'] });
  });

  it('an export with the wrong core type, or that is not a function', async () => {
    const module = appModule('', [], '(global (export "ping") i32 (i32.const 0))').replace(
      '(func (export "run") (param i64) (result i64) local.get 0)',
      '(func (export "run") (param i32) (result i32) local.get 0)',
    );
    const error = await buildError(await wat(module));
    expect(problem(error, 'run').message).toContain(
      'expected (func (param i64) (result i64)), found (func (param i32) (result i32))',
    );
    // `ping` is not part of world `app`: unrelated exports are left alone.
    expect(error.problems.map((p) => p.item)).toEqual(['run']);

    const tiny = await buildError(await wat('(module (global (export "ping") i32 (i32.const 0)))'), 'tiny');
    expect(problem(tiny, 'ping').message).toContain('found a global');
  });

  it('memory and cabi_realloc are required when strings or lists flow into the module', async () => {
    const error = await buildError(await wat(appModule('', ['memory', 'cabi_realloc'])));
    expect(problem(error, 'memory').kind).toBe('missing-export');
    expect(problem(error, 'cabi_realloc').expected).toEqual({ params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] });
  });

  it('reports every problem at once, each on its own line', async () => {
    const module = appModule('(import "env" "a" (func)) (import "env" "b" (func (param i64)))', ['run', 'greet']);
    const error = await buildError(await wat(module));
    expect(error.problems.map((p) => p.item).sort()).toEqual(['env::a', 'env::b', 'greet', 'run']);
    expect(error.message).toMatch(/^the core module does not fit world `test:build\/app@1\.0\.0` \(4 problems\):\n/);
    expect(error.message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(4);
  });

  it('modules named with the cm32p2 scheme are checked in that scheme', async () => {
    const core = await wat(`(module
      (import "cm32p2" "nope" (func))
      (memory (export "cm32p2_memory") 1)
      (func (export "cm32p2||ping") (param i64) (result i32) i32.const 0)
      (func (export "cm32p2||ping_post") (param i32)))`);
    const error = await buildError(core, 'tiny');
    expect(error.problems.map((p) => [p.kind, p.item])).toEqual([
      ['unknown-import', 'cm32p2::nope'],
      ['export-type', 'cm32p2||ping'],
    ]);
    expect(problem(error, 'cm32p2||ping').message).toContain('expected (func (param i32) (result i32)), found (func (param i64) (result i32))');
  });

  it('an async export is satisfied by its sync or async-lifted form, and missing when neither exists', async () => {
    const asyncWit = loadWitText('package a:b;\nworld w { export slow: async func(s: string) -> u32; }\n');
    const expected = expectedInterface(asyncWit.resolve, selectWorld(asyncWit));
    const withExports = async (exports: string): Promise<BuildProblem[]> =>
      checkModule(readCoreModule(await wat(`(module (memory (export "memory") 1) ${exports}
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) i32.const 8))`)), expected).problems;
    expect(await withExports('(func (export "slow") (param i32 i32) (result i32) i32.const 0)')).toEqual([]);
    expect(await withExports('(func (export "[async-lift]slow") (param i32 i32) (result i32) i32.const 0)')).toEqual([]);
    const missing = await withExports('');
    expect(missing.map((p) => [p.kind, p.item])).toEqual([['missing-export', 'slow']]);
    expect(missing[0]?.hint).toBe('an async-lifted `[async-lift]slow` or `[async-lift-stackful]slow` also does');
  });

  it('input that is not a core module', async () => {
    const notWasm = await buildError(new TextEncoder().encode('hello'));
    expect(notWasm.code).toBe('BUILD_INPUT');
    const component = (await buildComponent({ core: await wat(appModule()), wit: loaded, world: 'app' })).component;
    const error = await buildError(component);
    expect(error.code).toBe('BUILD_INPUT');
    expect(error.message).toMatch(/not a core module/);
  });

  it('a module whose code does not validate is refused before wasm-tools runs', async () => {
    // Imports and exports fit, but the body does not validate (returns i32 where i64 is declared).
    const module = appModule().replace(
      '(func (export "run") (param i64) (result i64) local.get 0)',
      '(func (export "run") (param i64) (result i64) i32.const 0)',
    );
    const error = await buildError(await wat(module));
    expect(error.code).toBe('BUILD_INPUT');
    expect(error.message).toMatch(/^cannot read the core module: it is not valid WebAssembly: Compiling function #\d+ failed: /);
  });

  it('failures of wasm-tools itself are wrapped in BuildError', async () => {
    // A valid module that already carries component type information wasm-tools cannot decode.
    const module = appModule().replace('(memory (export "memory") 1)', '(memory (export "memory") 1) (@custom "component-type:broken" "not a component type")');
    const error = await buildError(await wat(module));
    expect(error.code).toBe('BUILD_WASM_TOOLS');
    expect(error.message).toMatch(/^wasm-tools failed while /);
  });

  it('WIT problems stay WitErrors (unknown world)', async () => {
    await expect(buildComponent({ core: await wat(appModule()), wit: loaded, world: 'nope' })).rejects.toMatchObject({
      code: 'WIT_UNKNOWN_NAME',
    });
  });
});

