/**
 * Legacy guest headers against the real compilers:
 *
 * 1. for every world of the wit-parser conformance corpus (and a world using
 *    every kind the C ABI has), `<world>.h` compiles with `clang
 *    --target=wasm32-wasi -Wall -Wextra -Werror -fsyntax-only` (which also
 *    evaluates its `_Static_assert`s), or the world is refused with a typed
 *    LegacyGuestError naming what the C ABI cannot carry;
 * 2. a guest compiled against the header (calling every import, defining every
 *    export) imports and exports exactly the symbols and core signatures the
 *    host computes with cabi.ts's `cFunctionAbi`;
 * 3. the Rust module compiles with Debian's /usr/bin/rustc (wasm32-wasi) for
 *    representative worlds, its const layout assertions hold, and the built
 *    module's imports/exports are again the planned ones;
 * 4. a guest that disagrees with the world does not compile (C: conflicting
 *    types; Rust: the `<world>_check_exports!` macro).
 *
 * CI installs clang, wasi-libc and Debian's rustc with libstd-rust-dev-wasm32 (.ci/run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { functionType, readCoreModule } from '../../src/binary/reader.js';
import { legacyCSignatures } from '../../src/codegen/legacy/c-header.js';
import {
  LegacyGuestError,
  planLegacyWorld,
  renderLegacyCHeader,
  renderLegacyRustModule,
  type LegacyWorldPlan,
} from '../../src/codegen/legacy/index.js';
import { snake } from '../../src/codegen/legacy/plan.js';
import { legacyRustSignature } from '../../src/codegen/legacy/rust-module.js';
import { loadWit, loadWitText, selectWorld, type LoadedWit } from '../../src/wit/load.js';
import type { WorldId } from '../../src/wit/model.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../shared/conformance/wit-parser');
const pluginWit = path.resolve(here, '../../wit/plugin.wit');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-legacy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CLANG = process.env['CLANG'] ?? 'clang';
const RUSTC = '/usr/bin/rustc';

/** Every kind the legacy C ABI carries, in imports and exports. */
const KINDS_WIT = `package test:legacy@1.0.0;

interface shapes {
  /// A record with padding between its fields.
  record padded { a: u8, b: u64, c: u16 }
  flags small { read, write, exec }
  flags wide { b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16,
    b17, b18, b19, b20, b21, b22, b23, b24, b25, b26, b27, b28, b29, b30, b31, b32, b33 }
  enum color { red, green, blue }
  variant shape { circle(f32), rect(tuple<f64, f64>), empty, named(string) }
  type alias = padded;
  log-line: func(line: string, level: color) -> bool;
  measure: func(s: shape, p: alias) -> result<f64, string>;
}

world kinds {
  import shapes;
  use shapes.{padded, small, wide, shape};
  record holder { items: list<padded>, tags: list<string>, maybe: option<u32>, pair: tuple<s8, char> }
  import host-flags: func(s: small, w: wide) -> wide;
  import host-sum: func(values: list<s64>) -> s64;
  export make-holder: func(n: u32) -> holder;
  export first-tag: func(h: holder) -> option<string>;
  export classify: func(s: shape) -> result<_, u8>;
  export nothing: func();
  export all-ints: func(a: u8, b: s8, c: u16, d: s16, e: u32, f: s32, g: u64, h: s64, i: f32, j: f64, k: char, l: bool) -> u16;
}
`;

interface WorldCase {
  readonly label: string;
  readonly loaded: LoadedWit;
  readonly worldId: WorldId;
  readonly plan: LegacyWorldPlan | LegacyGuestError;
}

const unloadable: string[] = [];

function casesOf(loaded: LoadedWit, label: string): WorldCase[] {
  return loaded.main.flatMap((pkgId) =>
    [...(loaded.resolve.packages[pkgId]?.worlds.entries() ?? [])].map(([name, worldId]) => caseOf(loaded, `${label} ${name}`, worldId)),
  );
}

function loadCorpusEntry(name: string): LoadedWit | null {
  try {
    return loadWit(path.join(corpus, name), { features: ['active'] });
  } catch {
    unloadable.push(name);
    return null;
  }
}

/**
 * Most corpus types live in interfaces no corpus world uses: each interface
 * with functions also gets a world of its own here, `import`ing it (added to
 * the loaded Resolve, as the resolver would build `world w { import i; }`).
 */
function interfaceWorlds(loaded: LoadedWit, label: string): WorldCase[] {
  const cases: WorldCase[] = [];
  for (const pkgId of loaded.main) {
    for (const [name, interfaceId] of loaded.resolve.packages[pkgId]?.interfaces ?? []) {
      const iface = loaded.resolve.interfaces[interfaceId];
      if (iface === undefined || iface.functions.size === 0) continue;
      const worldId = loaded.resolve.worlds.length;
      loaded.resolve.worlds.push({
        name: `import-${name}`,
        imports: [{ key: { kind: 'interface', id: interfaceId }, item: { kind: 'interface', id: interfaceId, stability: { kind: 'unknown' } } }],
        exports: [],
        package: pkgId,
        docs: null,
        stability: { kind: 'unknown' },
      });
      cases.push(caseOf(loaded, `${label} import-${name}`, worldId));
    }
  }
  return cases;
}

function caseOf(loaded: LoadedWit, label: string, worldId: WorldId): WorldCase {
  let plan: LegacyWorldPlan | LegacyGuestError;
  try {
    plan = planLegacyWorld(loaded.resolve, worldId);
  } catch (error) {
    if (!(error instanceof LegacyGuestError)) throw error;
    plan = error;
  }
  return { label, loaded, worldId, plan };
}

const corpusCases = readdirSync(corpus)
  .filter((name) => name !== 'parse-fail' && !name.endsWith('.json') && !name.endsWith('.result'))
  .sort()
  .flatMap((name) => {
    const loaded = loadCorpusEntry(name);
    return loaded === null ? [] : [...casesOf(loaded, name), ...interfaceWorlds(loaded, name)];
  });
const kinds = loadWitText(KINDS_WIT);
const plugin = loadWit(pluginWit);
const ownCases = [...casesOf(kinds, 'kinds'), ...casesOf(plugin, 'plugin.wit')];
const allCases = [...corpusCases, ...ownCases];
const supported = allCases.filter((c): c is WorldCase & { plan: LegacyWorldPlan } => !(c.plan instanceof LegacyGuestError));
const refused = allCases.filter((c) => c.plan instanceof LegacyGuestError);

function run(command: string, args: readonly string[], cwd: string): void {
  try {
    execFileSync(command, args, { cwd, stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`${command} ${args.join(' ')} failed:\n${stderr}`);
  }
}

/** Runs a command that must fail; returns its stderr. */
function runFailing(command: string, args: readonly string[], cwd: string): string {
  try {
    execFileSync(command, args, { cwd, stdio: 'pipe' });
  } catch (error) {
    return (error as { stderr?: Buffer }).stderr?.toString() ?? '';
  }
  throw new Error(`${command} ${args.join(' ')} succeeded, expected a failure`);
}

/** A C guest of the world: one export that calls every import with zeroed arguments, every export defined. */
function cGuestSource(plan: LegacyWorldPlan, header: string): string {
  const signatures = legacyCSignatures(plan);
  const lines = [`#include "${header}"`, ''];
  lines.push('__attribute__((export_name("witgen_use_imports"))) void witgen_use_imports(void) {');
  for (const func of plan.functions.filter((f) => f.direction === 'import')) {
    const sig = signatures.get(func);
    if (sig === undefined) throw new Error(`no signature for ${func.where}`);
    lines.push('  {');
    for (const p of sig.params) lines.push(`    ${p.type} ${p.name}; __builtin_memset(&${p.name}, 0, sizeof ${p.name});`);
    lines.push(`    (void) ${sig.id}(${sig.params.map((p) => p.name).join(', ')});`);
    lines.push('  }');
  }
  lines.push('}', '');
  for (const func of plan.functions.filter((f) => f.direction === 'export')) {
    const sig = signatures.get(func);
    if (sig === undefined) throw new Error(`no signature for ${func.where}`);
    const params = sig.params.length === 0 ? 'void' : sig.params.map((p) => `${p.type} ${p.name}`).join(', ');
    lines.push(`${sig.result} ${sig.id}(${params}) {`);
    for (const p of sig.params) lines.push(`  (void) ${p.name};`);
    if (sig.result !== 'void') lines.push(`  ${sig.result} r; __builtin_memset(&r, 0, sizeof r); return r;`);
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

interface CoreFunction {
  readonly params: readonly string[];
  readonly results: readonly string[];
}

/** The module's function imports `module::name` and function exports, with their core signatures. */
function coreInterface(bytes: Uint8Array): { imports: Map<string, CoreFunction>; exports: Map<string, CoreFunction> } {
  const info = readCoreModule(bytes);
  const imports = new Map<string, CoreFunction>();
  for (const i of info.imports) {
    if (i.kind !== 'func' || i.typeIndex === null) continue;
    const type = info.types[i.typeIndex];
    if (type !== undefined) imports.set(`${i.module}::${i.name}`, type);
  }
  const exports = new Map<string, CoreFunction>();
  for (const e of info.exports) if (e.kind === 'func') exports.set(e.name, functionType(info, e.index));
  return { imports, exports };
}

/** The guest's `env` imports and the world's exports are exactly what the plan says, signature by signature. */
function expectPlannedInterface(plan: LegacyWorldPlan, bytes: Uint8Array): void {
  const { imports, exports } = coreInterface(bytes);
  const plannedImports = new Map(
    plan.functions.filter((f) => f.direction === 'import').map((f) => [`${f.module}::${f.symbol}`, f.abi]),
  );
  const worldImports = [...imports].filter(([key]) => !key.startsWith('wasi_snapshot_preview1::'));
  expect(new Map(worldImports)).toEqual(
    new Map([...plannedImports].map(([key, abi]) => [key, { params: [...abi.params], results: [...abi.results] }])),
  );
  for (const func of plan.functions.filter((f) => f.direction === 'export')) {
    expect(exports.get(func.symbol), `export ${func.symbol}`).toEqual({ params: [...func.abi.params], results: [...func.abi.results] });
  }
}

describe('legacy C headers over the conformance corpus', () => {
  it('plans every loadable world or refuses it with a typed error naming what the C ABI cannot carry', () => {
    expect(corpusCases.length).toBeGreaterThan(40);
    expect(supported.length).toBeGreaterThan(30);
    expect(refused.length).toBeGreaterThan(0);
    for (const c of refused) {
      const error = c.plan as LegacyGuestError;
      expect(['LEGACY_UNSUPPORTED', 'LEGACY_NAME_CLASH'], `${c.label}: ${error.message}`).toContain(error.code);
      expect(error.message, c.label).toMatch(/`[^`]+`/);
    }
  });

  it('compiles every header with -Wall -Wextra -Werror (its _Static_asserts hold)', () => {
    const dir = mkdtempSync(path.join(scratch, 'syntax-'));
    const sources = supported.map((c, i) => {
      writeFileSync(path.join(dir, `w${i}.h`), renderLegacyCHeader(c.plan));
      // Twice, to check the include guard.
      writeFileSync(path.join(dir, `w${i}.c`), `#include "w${i}.h"\n#include "w${i}.h"\n`);
      return `w${i}.c`;
    });
    run(CLANG, ['--target=wasm32-wasi', '-std=c11', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', ...sources], dir);
  }, 180_000);

  it('a guest compiled against the header imports and exports exactly the planned core signatures', () => {
    const dir = mkdtempSync(path.join(scratch, 'link-'));
    // Worlds without functions have nothing to link.
    const withFunctions = supported.filter((c) => c.plan.functions.length > 0);
    expect(withFunctions.length).toBeGreaterThan(10);
    for (const [i, c] of withFunctions.entries()) {
      writeFileSync(path.join(dir, `w${i}.h`), renderLegacyCHeader(c.plan));
      writeFileSync(path.join(dir, `w${i}.c`), cGuestSource(c.plan, `w${i}.h`));
    }
    // One compiler process for every object; the links are cheap.
    run(CLANG, ['--target=wasm32-wasi', '-O1', '-Wall', '-Wextra', '-Werror', '-c', ...withFunctions.map((_, i) => `w${i}.c`)], dir);
    for (const [i, c] of withFunctions.entries()) {
      run(CLANG, ['--target=wasm32-wasi', '-mexec-model=reactor', '-Wl,--no-entry', '-o', `w${i}.wasm`, `w${i}.o`], dir);
      try {
        expectPlannedInterface(c.plan, readFileSync(path.join(dir, `w${i}.wasm`)));
      } catch (error) {
        throw new Error(`${c.label}: ${(error as Error).message}`);
      }
    }
  }, 180_000);
});

describe('legacy headers: the plugin world and every-kind world', () => {
  const kindsPlan = planLegacyWorld(kinds.resolve, selectWorld(kinds, 'kinds'));

  it('declares the plugin imports from env and the exports with export_name', () => {
    const header = renderLegacyCHeader(planLegacyWorld(plugin.resolve, selectWorld(plugin, 'plugin')));
    expect(header).toContain('__attribute__((import_module("env"), import_name("host_log_value")))\nvoid host_log_value(int32_t value);');
    expect(header).toContain('__attribute__((export_name("point_add")))\nplugin_point_t point_add(plugin_point_t a, plugin_point_t b);');
    expect(header).toContain('_Static_assert(offsetof(plugin_point_t, y) == 4,');
    expect(header).toContain('// A point on the integer grid, passed by value in both directions.');
  });

  it('gives padded records, flags, enums, variants, options and results their cabi.ts layout', () => {
    const header = renderLegacyCHeader(kindsPlan);
    expect(header).toContain('_Static_assert(offsetof(kinds_padded_t, b) == 8,');
    expect(header).toContain('_Static_assert(sizeof(kinds_padded_t) == 24,');
    expect(header).toContain('typedef uint8_t kinds_small_t;');
    expect(header).toContain('#define KINDS_SMALL_EXEC ((kinds_small_t) 1u << 2)');
    expect(header).toContain('uint32_t flags[2];');
    expect(header).toContain('#define KINDS_COLOR_BLUE 2');
    expect(header).toContain('#define KINDS_SHAPE_NAMED 3');
    expect(header).toContain('typedef struct kinds_option_string {\n  bool is_some;\n  kinds_string_t val;\n} kinds_option_string_t;');
    expect(header).toContain('typedef struct kinds_list_padded {\n  kinds_padded_t *ptr;\n  size_t len;\n} kinds_list_padded_t;');
  });

  it('does not compile a guest whose export disagrees with the world', () => {
    const dir = mkdtempSync(path.join(scratch, 'mismatch-'));
    const plan = planLegacyWorld(plugin.resolve, selectWorld(plugin, 'plugin'));
    writeFileSync(path.join(dir, 'plugin.h'), renderLegacyCHeader(plan));
    writeFileSync(path.join(dir, 'guest.c'), '#include "plugin.h"\nuint32_t just_add(uint32_t a, uint32_t b) { return a + b; }\n');
    const stderr = runFailing(CLANG, ['--target=wasm32-wasi', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', 'guest.c'], dir);
    expect(stderr).toContain("conflicting types for 'just_add'");
  });
});

/** A Rust guest crate of the world: `mod <world>;`, every export defined, the export check, every import called. */
function rustGuestSource(plan: LegacyWorldPlan, module: string): string {
  const lines = [`mod ${module};`, '#[allow(unused_imports)]', `use ${module}::*;`, `${module}_check_exports!(${module});`, ''];
  lines.push('#[no_mangle]', 'pub unsafe extern "C" fn witgen_use_imports() {');
  for (const func of plan.functions.filter((f) => f.direction === 'import')) {
    const sig = legacyRustSignature(func);
    lines.push(`    let _ = ${module}::${sig.id}(${func.params.map(() => 'core::mem::zeroed()').join(', ')});`);
  }
  lines.push('}', '');
  for (const func of plan.functions.filter((f) => f.direction === 'export')) {
    const sig = legacyRustSignature(func);
    const body = func.result === null ? '' : 'unsafe { core::mem::zeroed() }';
    lines.push('#[no_mangle]', `pub extern "C" fn ${sig.id}(${sig.params})${sig.returns} {`);
    if (sig.paramNames.length > 0) lines.push(`    let _ = (${sig.paramNames.join(', ')},);`);
    if (body !== '') lines.push(`    ${body}`);
    lines.push('}');
  }
  return `${lines.join('\n')}\n`;
}

function buildRust(dir: string, lib: string): Uint8Array {
  writeFileSync(path.join(dir, 'lib.rs'), lib);
  run(RUSTC, ['--edition', '2021', '--crate-type', 'cdylib', '--crate-name', 'guest', '--target', 'wasm32-wasi', '-O', '-D', 'warnings', '-o', 'guest.wasm', 'lib.rs'], dir);
  return readFileSync(path.join(dir, 'guest.wasm'));
}

describe('legacy Rust modules with /usr/bin/rustc (wasm32-wasi)', () => {
  const representative = supported.filter((c) =>
    ['plugin.wit plugin', 'kinds kinds', 'world-top-level-funcs.wit foo', 'world-implicit-import3.wit w', 'kebab-name-include-with.wit baz'].includes(c.label),
  );

  it('covers the plugin world, the every-kind world and corpus worlds', () => {
    expect(representative.map((c) => c.label)).toEqual(expect.arrayContaining(['plugin.wit plugin', 'kinds kinds']));
    expect(representative.length).toBe(5);
  });

  for (const c of representative) {
    it(`${c.label}: compiles with -D warnings and imports/exports the planned core signatures`, () => {
      const dir = mkdtempSync(path.join(scratch, 'rust-'));
      const module = snake(c.plan.worldName);
      writeFileSync(path.join(dir, `${module}.rs`), renderLegacyRustModule(c.plan));
      expectPlannedInterface(c.plan, buildRust(dir, rustGuestSource(c.plan, module)));
    });
  }

  it('does not compile a guest whose export disagrees with the world', () => {
    const dir = mkdtempSync(path.join(scratch, 'rust-mismatch-'));
    const plan = planLegacyWorld(plugin.resolve, selectWorld(plugin, 'plugin'));
    writeFileSync(path.join(dir, 'plugin.rs'), renderLegacyRustModule(plan));
    const source = rustGuestSource(plan, 'plugin').replace(
      'pub extern "C" fn just_add(a: u64, b: u64) -> u64',
      'pub extern "C" fn just_add(a: u32, b: u32) -> u32',
    );
    expect(source).toContain('fn just_add(a: u32');
    writeFileSync(path.join(dir, 'lib.rs'), source);
    const stderr = runFailing(RUSTC, ['--edition', '2021', '--crate-type', 'cdylib', '--target', 'wasm32-wasi', '-o', 'guest.wasm', 'lib.rs'], dir);
    expect(stderr).toContain('mismatched types');
    expect(stderr).toContain('const _: $module::JustAddExport = just_add;');
    expect(stderr).toContain('expected `u64`, found `u32`');
  });

  it('refuses a world whose import and export share a name (one symbol in Rust), and accepts an override', () => {
    const overlap = supported.find((c) => c.label === 'import-export-overlap1.wit foo');
    if (overlap === undefined) throw new Error('import-export-overlap1.wit is missing from the corpus');
    expect(() => renderLegacyRustModule(overlap.plan)).toThrow(
      'import `a` and export `a` both have the core name `a`, which a Rust guest cannot tell apart',
    );
    const worldId = overlap.worldId;
    const renamed = planLegacyWorld(overlap.loaded.resolve, worldId, { names: { 'import:a': 'host_a' } });
    expect(renamed.functions.map((f) => [f.direction, f.symbol])).toEqual([
      ['import', 'host_a'],
      ['export', 'a'],
    ]);
    expect(renderLegacyRustModule(renamed)).toContain('#[link_name = "host_a"]\n    pub fn host_a();');
  });
});

describe('legacy plans refuse what the C ABI cannot carry, naming the function and the type', () => {
  const refusedOf = (wit: string): LegacyGuestError => {
    const loaded = loadWitText(wit);
    try {
      planLegacyWorld(loaded.resolve, selectWorld(loaded, 'w'));
    } catch (error) {
      if (error instanceof LegacyGuestError) return error;
      throw error;
    }
    throw new Error('expected a LegacyGuestError');
  };

  it('handles, futures, streams and async functions', () => {
    const handle = refusedOf('package t:r; interface i { resource r; } world w { use i.{r}; import take: func(x: own<r>); }');
    expect(handle.code).toBe('LEGACY_UNSUPPORTED');
    expect(handle.message).toBe(
      '`take` uses `own<r>`: the legacy C ABI has no form for it (expected numbers, strings, lists, records, tuples, flags, enums, variants, options and results)',
    );
    expect(refusedOf('package t:s; world w { export get: func() -> stream<u8>; }').message).toMatch(/^`get` uses `stream<u8>`/);
    expect(refusedOf('package t:f; world w { import wait: func(f: future<string>); }').message).toMatch(/^`wait` uses `future<string>`/);
    expect(refusedOf('package t:a; world w { export run: async func(); }').message).toMatch(/^`run` uses async functions/);
  });
});
