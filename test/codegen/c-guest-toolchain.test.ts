/**
 * The generated C glue against real tools, for every world of the wit-parser
 * conformance corpus and the fixtures in test/fixtures/c-guest:
 *
 * 1. `<world>.c` compiles with `clang --target=wasm32-wasi -Wall -Wextra -Werror -c`
 *    (worlds using a feature the generator cannot express must fail with a
 *    typed CGUEST_UNSUPPORTED error instead, and are counted);
 * 2. linked with an empty implementation of the exports into a reactor core
 *    module, its imports and exports are exactly the core signatures src/abi
 *    plans (async functions with the async-lower / callback-lift ABI; plus resource
 *    intrinsics, cabi_realloc, post-return functions and the canonical built-ins
 *    the glue lists for futures, streams, async tasks and error contexts);
 * 3. jco's componentEmbed + componentNew (wasm-tools) accept it as a component
 *    of the world.
 *
 * Skipped only when clang cannot build a wasm32-wasi reactor on this machine
 * (the skip reason is in the test names); CI installs clang, lld and wasi-libc.
 */
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { preview1AdapterReactorPath } from '@bytecodealliance/jco';
import { afterAll, describe, expect, it } from 'vitest';
import { resourceIntrinsics } from '../../src/abi/resources.js';
import { coreSignatures, interfaceName } from '../../src/abi/signature.js';
import { functionType, readCoreModule } from '../../src/binary/reader.js';
import { CGuestError, generateCGuest, type CGuestFiles } from '../../src/codegen/c-guest/index.js';
import { renderGuestSkeleton } from '../../src/codegen/c-guest/skeleton.js';
import { WitError } from '../../src/wit/errors.js';
import { loadWit, loadWitText, type LoadedWit } from '../../src/wit/load.js';
import type { Resolve, WorldId } from '../../src/wit/model.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../shared/conformance/wit-parser');
const fixtures = path.resolve(here, '../fixtures/c-guest');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-c-guest-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CLANG = process.env['CLANG'] ?? 'clang';
const TARGET = ['--target=wasm32-wasi'];

/** Can clang build a wasm32-wasi reactor with wasi-libc here? Returns null when it can, else why not. */
function toolchainProblem(): string | null {
  const dir = mkdtempSync(path.join(scratch, 'probe-'));
  const source = path.join(dir, 'probe.c');
  writeFileSync(source, '#include <stdlib.h>\n#include <string.h>\nint probe(int n) { return (int) strlen(malloc((size_t) n)); }\n');
  try {
    execFileSync(CLANG, [...TARGET, '-mexec-model=reactor', '-Wl,--no-entry', source, '-o', path.join(dir, 'probe.wasm')], {
      stdio: 'pipe',
    });
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().split('\n')[0] ?? '';
    return `clang cannot build wasm32-wasi reactors here${stderr ? `: ${stderr}` : ` (${(error as Error).message})`}`;
  }
}

const problem = toolchainProblem();
const skipNote = problem === null ? '' : ` [SKIPPED: ${problem}]`;

interface WorldCase {
  readonly label: string;
  readonly witPath: string;
  readonly loaded: LoadedWit;
  readonly worldId: WorldId;
  /** `ns:pkg/world@version`, as componentEmbed selects it. */
  readonly spec: string;
  /** The glue, or the typed error explaining why the world cannot be expressed in C. */
  readonly generated: CGuestFiles | CGuestError;
  /** Fixtures made to fail component validation (e.g. > 32 flags) skip step 3. */
  readonly validComponent: boolean;
}

function qualifiedWorld(resolve: Resolve, worldId: WorldId): string {
  const world = resolve.worlds[worldId];
  const pkg = world?.package === null || world === undefined ? undefined : resolve.packages[world.package];
  if (world === undefined || pkg === undefined) throw new Error(`world ${worldId} has no package`);
  const { namespace, name, version } = pkg.name;
  return `${namespace}:${name}/${world.name}${version === null ? '' : `@${version}`}`;
}

const unloadable: { label: string; error: unknown }[] = [];

function casesOf(witPath: string, label: string, validComponent: boolean): WorldCase[] {
  let loaded: LoadedWit;
  try {
    loaded = loadWit(witPath, { features: ['active'] });
  } catch (error) {
    unloadable.push({ label, error });
    return [];
  }
  return loaded.main.flatMap((pkgId) =>
    [...(loaded.resolve.packages[pkgId]?.worlds.values() ?? [])].map((worldId) => {
      let generated: CGuestFiles | CGuestError;
      try {
        generated = generateCGuest(loaded.resolve, worldId);
      } catch (error) {
        if (!(error instanceof CGuestError)) throw error;
        generated = error;
      }
      const spec = qualifiedWorld(loaded.resolve, worldId);
      return { label: `${label} ${spec}`, witPath, loaded, worldId, spec, generated, validComponent };
    }),
  );
}

const corpusCases = readdirSync(corpus)
  .filter((name) => name !== 'parse-fail' && !name.endsWith('.json') && !name.endsWith('.result'))
  .sort()
  .flatMap((name) => casesOf(path.join(corpus, name), name, true));
/**
 * Corpus files that declare interfaces but no world (types.wit with its fixed
 * lists, futures and streams; error-context.wit...) get a world importing and
 * exporting every interface, so their types go through the generator too.
 */
function synthesizedCases(): WorldCase[] {
  const cases: WorldCase[] = [];
  for (const name of readdirSync(corpus).filter((n) => n.endsWith('.wit')).sort()) {
    const text = readFileSync(path.join(corpus, name), 'utf8');
    // Appending a world needs a top-level package header (not only nested `package x { }` blocks).
    if (!/^\s*package\s+[^;{]+;/m.test(text)) continue;
    let loaded: LoadedWit;
    try {
      loaded = loadWitText(text, { features: ['active'] });
    } catch {
      continue;
    }
    const [main] = loaded.main;
    const pkg = main === undefined ? undefined : loaded.resolve.packages[main];
    if (pkg === undefined || pkg.worlds.size > 0 || pkg.interfaces.size === 0) continue;
    const entries = [...pkg.interfaces.keys()].map((iface) => `  import ${iface};\n  export ${iface};`);
    const file = path.join(scratch, `synth-${name}`);
    writeFileSync(file, `${text}\nworld c-guest-synth {\n${entries.join('\n')}\n}\n`);
    cases.push(...casesOf(file, `${name} (synthesized world)`, true));
  }
  return cases;
}

const fixtureCases = [
  ...casesOf(path.join(fixtures, 'kinds.wit'), 'fixture kinds.wit', true),
  ...casesOf(path.join(fixtures, 'beyond-components.wit'), 'fixture beyond-components.wit', false),
  ...casesOf(path.join(fixtures, 'world-uses.wit'), 'fixture world-uses.wit', true),
  ...casesOf(path.join(fixtures, 'fixed-lists.wit'), 'fixture fixed-lists.wit', true),
  ...casesOf(path.join(fixtures, 'huge-flags.wit'), 'fixture huge-flags.wit', false),
  ...casesOf(path.join(fixtures, 'async-types.wit'), 'fixture async-types.wit', true),
  ...casesOf(path.join(fixtures, 'async-functions.wit'), 'fixture async-functions.wit', true),
];
const allCases = [...corpusCases, ...synthesizedCases(), ...fixtureCases];
const supported = allCases.filter((c) => !(c.generated instanceof CGuestError));
const unsupported = allCases.filter((c) => c.generated instanceof CGuestError);

function clang(args: readonly string[]): void {
  try {
    execFileSync(CLANG, [...TARGET, ...args], { stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`clang ${args.join(' ')} failed:\n${stderr}`);
  }
}

function writeGlue(c: WorldCase): { dir: string; files: CGuestFiles } {
  if (c.generated instanceof CGuestError) throw c.generated;
  const dir = mkdtempSync(path.join(scratch, 'world-'));
  for (const [name, text] of c.generated.files) writeFileSync(path.join(dir, name), text);
  return { dir, files: c.generated };
}

/** Compiles the glue and the implementation skeleton (both -Wall -Wextra -Werror) and links them into a reactor module. */
function buildModule(c: WorldCase): Uint8Array {
  const { dir, files } = writeGlue(c);
  const object = path.join(dir, 'glue.o');
  clang(['-Wall', '-Wextra', '-Werror', '-c', path.join(dir, files.sourceName), '-o', object]);
  const impl = path.join(dir, 'impl.c');
  writeFileSync(impl, renderGuestSkeleton(files.headerName, files.guestImplements));
  const wasm = path.join(dir, 'module.wasm');
  // --no-gc-sections keeps every import wrapper, so every import shows up in the module.
  clang(['-mexec-model=reactor', '-Wl,--no-entry', '-Wl,--no-gc-sections', '-Wall', '-Wextra', '-Werror', object, impl, '-o', wasm]);
  return new Uint8Array(readFileSync(wasm));
}

type Sig = { params: readonly string[]; results: readonly string[] };

/** `import|export <module> <name>` of every `async` function of the world. */
function asyncFunctionKeys(resolve: Resolve, worldId: WorldId): Set<string> {
  const keys = new Set<string>();
  const world = resolve.worlds[worldId];
  if (world === undefined) return keys;
  for (const [kind, entries] of [['import', world.imports], ['export', world.exports]] as const) {
    for (const entry of entries) {
      const item = entry.item;
      if (item.kind === 'function' && item.func.async) keys.add(`${kind} $root ${item.func.name}`);
      if (item.kind !== 'interface') continue;
      const module = entry.key.kind === 'name' ? entry.key.name : interfaceName(resolve, item.id);
      for (const func of resolve.interfaces[item.id]?.functions.values() ?? []) {
        if (func.async) keys.add(`${kind} ${module} ${func.name}`);
      }
    }
  }
  return keys;
}
const render = (s: Sig): string => `(${s.params.join(' ')}) -> (${s.results.join(' ')})`;

/** Checks the module's function imports and exports against src/abi's plan; returns a list of mismatches. */
function compareWithPlan(c: WorldCase, bytes: Uint8Array): string[] {
  const { resolve } = c.loaded;
  const expectedImports = new Map<string, Sig>();
  const expectedExports = new Map<string, Sig>();
  // `async` functions use the async ABI (callback lifting), under prefixed names.
  const asyncNames = asyncFunctionKeys(resolve, c.worldId);
  for (const s of coreSignatures(resolve, c.worldId, { async: 'async-callback' })) {
    const isAsync = asyncNames.has(`${s.kind} ${s.interface ?? '$root'} ${s.name}`);
    if (s.kind === 'import') {
      expectedImports.set(`${s.interface ?? '$root'}::${isAsync ? '[async-lower]' : ''}${s.name}`, s);
    } else {
      const name = `${isAsync ? '[async-lift]' : ''}${s.interface === null ? s.name : `${s.interface}#${s.name}`}`;
      expectedExports.set(name, s);
      if (isAsync) expectedExports.set(`[callback]${name}`, { params: ['i32', 'i32', 'i32'], results: ['i32'] });
    }
  }
  for (const r of resourceIntrinsics(resolve, c.worldId)) {
    const iface = r.interface ?? '$root';
    if (r.kind === 'export') expectedExports.set(`${iface}#${r.name}`, r);
    else expectedImports.set(`${r.side === 'exported' ? `[export]${iface}` : iface}::${r.name}`, r);
  }
  expectedExports.set('cabi_realloc', { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] });
  // Canonical built-ins for futures, streams, waitable sets and error contexts: the generator's own
  // list, whose names and types wasm-tools checks when it makes the component (step 3).
  if (!(c.generated instanceof CGuestError)) {
    for (const b of c.generated.builtinImports) expectedImports.set(`${b.module}::${b.name}`, b);
  }

  const problems: string[] = [];
  const info = readCoreModule(bytes);
  let funcIndex = 0;
  for (const imp of info.imports) {
    if (imp.kind !== 'func') continue;
    const actual = functionType(info, funcIndex++);
    if (imp.module === 'wasi_snapshot_preview1') continue;
    const key = `${imp.module}::${imp.name}`;
    const expected = expectedImports.get(key);
    if (expected === undefined) problems.push(`unexpected import ${key}`);
    else if (render(expected) !== render(actual)) problems.push(`import ${key}: expected ${render(expected)}, found ${render(actual)}`);
    expectedImports.delete(key);
  }
  for (const key of expectedImports.keys()) problems.push(`missing import ${key}`);

  const exportTypes = new Map<string, Sig>();
  for (const exp of info.exports) if (exp.kind === 'func') exportTypes.set(exp.name, functionType(info, exp.index));
  for (const [name, actual] of exportTypes) {
    if (name === '_initialize') continue;
    if (name.startsWith('cabi_post_')) {
      const target = expectedExports.get(name.slice('cabi_post_'.length)) ?? exportTypes.get(name.slice('cabi_post_'.length));
      if (target === undefined) problems.push(`post-return ${name} has no export`);
      else if (render({ params: target.results, results: [] }) !== render(actual)) problems.push(`post-return ${name}: found ${render(actual)}`);
      continue;
    }
    const expected = expectedExports.get(name);
    if (expected === undefined) problems.push(`unexpected export ${name}`);
    else if (render(expected) !== render(actual)) problems.push(`export ${name}: expected ${render(expected)}, found ${render(actual)}`);
  }
  for (const name of expectedExports.keys()) if (!exportTypes.has(name)) problems.push(`missing export ${name}`);
  return problems;
}

/**
 * componentEmbed + componentNew in a worker thread, so that a world jco's
 * wasm-tools build takes minutes over (the corpus' stress-export-elaborate)
 * cannot stall the suite: such a case reports a timeout instead.
 */
const COMPONENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  // preview2-shim >= 0.26 grants no filesystem access by default; componentEmbed reads WIT from disk.
  const fs = await import('@bytecodealliance/preview2-shim/filesystem');
  fs._addPreopen('/', '/');
  const jco = await import('@bytecodealliance/jco');
  const embedded = await jco.componentEmbed({
    binary: workerData.binary,
    witPath: workerData.witPath,
    world: workerData.world,
    features: { tag: 'list', val: ['active'] },
  });
  try {
    const component = await jco.componentNew(embedded, workerData.adapters);
    parentPort.postMessage({ kind: 'ok', size: component.length });
  } catch (error) {
    // Is the world itself no valid component type? Then wasm-tools rejects jco's own dummy module too.
    const message = String((error && error.message) || error);
    try {
      const dummy = await jco.componentEmbed({
        dummy: true,
        witPath: workerData.witPath,
        world: workerData.world,
        features: { tag: 'list', val: ['active'] },
      });
      await jco.componentNew(dummy, []);
      parentPort.postMessage({ kind: 'error', message });
    } catch {
      parentPort.postMessage({ kind: 'invalid-world', message });
    }
  }
})().catch((e) => parentPort.postMessage({ kind: 'error', message: String((e && e.message) || e) }));
`;

type ComponentOutcome =
  | { kind: 'ok'; size: number }
  | { kind: 'error'; message: string }
  /** wasm-tools rejects the world's component type itself (e.g. an empty record), dummy module included. */
  | { kind: 'invalid-world'; message: string }
  | { kind: 'timeout' };

function makeComponent(c: WorldCase, bytes: Uint8Array, timeoutMs: number): Promise<ComponentOutcome> {
  const needsWasi = readCoreModule(bytes).imports.some((i) => i.module === 'wasi_snapshot_preview1');
  const adapters: [string, Uint8Array][] = needsWasi
    ? [['wasi_snapshot_preview1', new Uint8Array(readFileSync(preview1AdapterReactorPath()))]]
    : [];
  const worker = new Worker(COMPONENT_WORKER, {
    eval: true,
    workerData: { binary: bytes, witPath: c.witPath, world: c.spec, adapters },
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    worker.once('message', (outcome: ComponentOutcome) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      resolve({ kind: 'error', message: error.message });
    });
  });
}

const COMPONENT_TIMEOUT_MS = 30_000;

describe('C guest glue over the conformance corpus', () => {
  it('loads the corpus and generates glue for its worlds', () => {
    expect(corpusCases.length).toBeGreaterThan(40);
    // Cases the WIT loader rejects are its own conformance test's business; they must fail with a WitError.
    for (const { error } of unloadable) expect(error).toBeInstanceOf(WitError);
  });

  it(`counts the worlds using features C cannot express: ${unsupported.length} (${unsupported.map((c) => c.label).join(', ') || 'none'})`, () => {
    for (const c of unsupported) {
      expect(c.generated).toBeInstanceOf(CGuestError);
      expect((c.generated as CGuestError).code).toBe('CGUEST_UNSUPPORTED');
    }
    expect(supported.length + unsupported.length).toBe(allCases.length);
  });
});

describe.skipIf(problem !== null)(`C guest glue with clang and wasm-tools${skipNote}`, () => {
  for (const c of supported) {
    it(`${c.label}: compiles -Werror, links, matches the ABI plan${c.validComponent ? ', becomes a component' : ''}`, async (ctx) => {
      const bytes = buildModule(c);
      expect(compareWithPlan(c, bytes)).toEqual([]);
      if (!c.validComponent) return;
      const outcome = await makeComponent(c, bytes, COMPONENT_TIMEOUT_MS);
      if (outcome.kind === 'timeout') {
        ctx.skip(`core module checked; componentNew took over ${COMPONENT_TIMEOUT_MS / 1000} s in jco's wasm-tools build`);
        return;
      }
      if (outcome.kind === 'invalid-world') {
        ctx.skip(`core module checked; the world is no valid component type (wasm-tools: ${outcome.message.split('\n').pop()?.trim()})`);
        return;
      }
      expect(outcome).toEqual({ kind: 'ok', size: expect.any(Number) });
    }, COMPONENT_TIMEOUT_MS + 30_000);
  }
});

