/**
 * `buildJsGuest` (src/build/js.ts): JavaScript guests built with the real
 * ComponentizeJS and run on witgen's own runtime (fallback 'never').
 *
 * Two successful builds (each ~20 s on a fresh machine, ~5 s once the process
 * has built one): the plugin guest with no features, and a world whose WIT
 * spans several packages (deps/ and WASI 0.2.12). The failures run in the same
 * process after them, where ComponentizeJS is warm.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildError } from '../../src/build/errors.js';
import { detectBuildInput } from '../../src/build/input-kind.js';
import { buildJsGuest } from '../../src/build/js.js';
import { DEFAULT_JS_FEATURES } from '../../src/build/js-features.js';
import { jsImportSpecifiers } from '../../src/build/js-imports.js';
import { cleanComponentizeMessage } from '../../src/build/js-messages.js';
import { instantiate, compileComponent, WasiDeniedError, type CompiledComponent } from '../../src/runtime/index.js';
import { loadWit, loadWitText, selectWorld } from '../../src/wit/load.js';
import { componentizeProblem } from '../helpers/componentize.js';
import { PluginHost, type Plugin } from '../helpers/plugin-host.js';
import { STACK_LINE } from '../cli/run-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const pluginSource = read('guests/js/plugin/plugin.js');
const builtinWasi = path.join(root, 'node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12');

const problem = componentizeProblem();
const BUILD_TIMEOUT = 240_000;

/** The BuildError `run` rejects with. */
async function buildError(run: Promise<unknown>): Promise<BuildError> {
  const error: unknown = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BuildError);
  return error as BuildError;
}

describe('detectBuildInput', () => {
  const wasm = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const text = new TextEncoder().encode('export function f() {}');

  it('wasm by its magic whatever the name, JavaScript by .js / .mjs', () => {
    expect(detectBuildInput('guest.js', wasm)).toBe('core-wasm');
    expect(detectBuildInput('module', wasm)).toBe('core-wasm');
    expect(detectBuildInput('guest.js', text)).toBe('javascript');
    expect(detectBuildInput('dir/Guest.MJS', text)).toBe('javascript');
    // A .wasm that is not wasm goes to the core-module reader, which says what is wrong with it.
    expect(detectBuildInput('broken.wasm', text)).toBe('core-wasm');
  });

  it('refuses anything else, with a hint for TypeScript and CommonJS', () => {
    const ts = (() => {
      try {
        return detectBuildInput('guest.ts', text);
      } catch (error) {
        return error;
      }
    })();
    expect(ts).toBeInstanceOf(BuildError);
    expect((ts as BuildError).code).toBe('BUILD_INPUT');
    expect((ts as BuildError).message).toMatch(/expected a core WebAssembly module or a JavaScript ES module \(\.js, \.mjs\), found a \.ts file .*compile it to one JavaScript module first/);
    expect(() => detectBuildInput('guest.cjs', text)).toThrow(/not CommonJS/);
    expect(() => detectBuildInput('guest', text)).toThrow(/found a file without an extension that is not WebAssembly/);
  });
});

describe('cleanComponentizeMessage', () => {
  it("drops the wizer path, ComponentizeJS's stack frames, the guest stack block and work-folder paths", () => {
    const work = path.join(tmpdir(), '0123456789ab', 'sources');
    const raw = [
      'Failed to initialize component (wizer (/x/node_modules/@bytecodealliance/wizer-linux-x64/wizer)):',
      'Exception while evaluating top-level script',
      `${work}/guest.js:3:7 Error: boom`,
      'Stack:',
      '  @guest.js:3:7',
      '    at componentize (file:///x/componentize.js:365:11)',
    ].join('\n');
    expect(cleanComponentizeMessage(raw)).toBe('Exception while evaluating top-level script\nguest.js:3:7 Error: boom');
  });
});

describe('jsImportSpecifiers', () => {
  it('functions by WIT name, interfaces by full name with version, inline interfaces by key, resources from $root', () => {
    const loaded = loadWitText(`package a:b@1.2.0;
interface logs { log: func(m: string); }
world w {
  record point { x: u32 }
  resource handle { get: func() -> u32; }
  import logs;
  import inline: interface { f: func(); }
  import host-now: func() -> u64;
  import make: func() -> handle;
  export run: func(p: point);
}`);
    expect(jsImportSpecifiers(loaded.resolve, selectWorld(loaded, 'w')).sort()).toEqual(['$root', 'a:b/logs@1.2.0', 'host-now', 'inline', 'make']);
  });
});

describe.skipIf(problem !== null)(problem === null ? 'buildJsGuest with ComponentizeJS on witgen' : `buildJsGuest (skipped: ${problem})`, () => {
  let scratch: string;
  let silent: CompiledComponent;
  let greeter: CompiledComponent;
  let greeterWorld: string;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'witgen-build-js-'));
    // The plugin guest with no features at all: console.log has nowhere to go.
    const plugin = await buildJsGuest({ source: pluginSource, sourceName: 'plugin.js', wit: path.join(root, 'wit'), world: 'plugin', features: [] });
    expect(plugin.features).toEqual([]);
    silent = await compileComponent(plugin.component);

    // The greeter: its world's package, witgen:names from deps/, and WASI 0.2.12 from jco's WIT.
    const witDir = path.join(scratch, 'greeter');
    cpSync(path.join(root, 'test/fixtures/build-js/greeter'), witDir, { recursive: true });
    for (const pkg of readdirSync(builtinWasi)) cpSync(path.join(builtinWasi, pkg), path.join(witDir, 'deps', pkg), { recursive: true });
    const built = await buildJsGuest({ source: readFileSync(path.join(witDir, 'greeter.js'), 'utf8'), wit: loadWit(witDir) });
    expect(built.features).toEqual(DEFAULT_JS_FEATURES);
    greeterWorld = built.world;
    greeter = await compileComponent(built.component);
  }, BUILD_TIMEOUT);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('the plugin guest runs on witgen with the shared typed host, and without stdio console.log prints nothing even with stdout granted', async () => {
    expect(silent.engine).toBe('witgen');
    const written: Uint8Array[] = [];
    const host = new PluginHost(10);
    const plugin = (await instantiate(silent, host.imports, {
      fallback: 'never',
      wasi: { stdout: (bytes) => written.push(bytes), stderr: (bytes) => written.push(bytes) },
    })) as unknown as Plugin;
    expect(plugin.justAdd(2n ** 64n - 1n, 2n)).toBe(1n);
    expect(plugin.pointAdd({ x: 1, y: 2 }, { x: -3, y: 4 })).toEqual({ x: -2, y: 6 });
    plugin.triggerHostCalls(3);
    expect(host.logged).toEqual([6]);
    expect(host.shared).toBe(10 + 3 + 5);
    expect(written).toEqual([]);
    // Nothing in it asks for WASI beyond what the plugin world imports.
    expect(silent.importNames.filter((name) => name.startsWith('wasi:'))).toEqual([]);
  });

  it('a world over several packages (deps/ and WASI 0.2.12): imports of both reach the guest', async () => {
    expect(greeterWorld).toBe('witgen:greeter/greeter@0.1.0');
    expect(greeter.engine).toBe('witgen');
    expect(greeter.importNames).toEqual(expect.arrayContaining(['witgen:names/directory@0.2.0', 'wasi:clocks/wall-clock@0.2.12']));
    const people = new Map([
      [1, { name: 'Ada', title: 'Countess' }],
      [2, { name: 'Alan', title: undefined }],
    ]);
    const imports = { 'witgen:names/directory@0.2.0': { lookup: (id: number) => people.get(id), size: () => people.size } };
    const guest = (await instantiate(greeter, imports, { fallback: 'never', wasi: { clocks: true } })) as unknown as {
      greet(id: number): string;
      count(): number;
      stamp(): bigint;
    };
    expect(guest.greet(1)).toBe('hello, Countess Ada');
    expect(guest.greet(2)).toBe('hello, Alan');
    expect(guest.greet(7)).toBe('nobody has id 7');
    expect(guest.count()).toBe(2);
    const before = BigInt(Math.floor(Date.now() / 1000));
    const seconds = guest.stamp();
    const after = BigInt(Math.ceil(Date.now() / 1000));
    expect(seconds >= before && seconds <= after).toBe(true);
  });

  it('the clock the world imports is still the host’s to grant', async () => {
    const imports = { 'witgen:names/directory@0.2.0': { lookup: () => undefined, size: () => 0 } };
    const guest = (await instantiate(greeter, imports, { fallback: 'never' })) as unknown as { count(): number; stamp(): bigint };
    // The default features leave out ComponentizeJS's own clock use, so exports that do not read it run ungranted.
    expect(guest.count()).toBe(0);
    expect(() => guest.stamp()).toThrow(WasiDeniedError);
  });

  it('a JS syntax error: BUILD_JS_FAILED with where and why, no stack', async () => {
    const source = pluginSource.replace('export function pointAdd(a, b) {', 'export function pointAdd(a, b) {{');
    const error = await buildError(buildJsGuest({ source, sourceName: 'plugin.js', wit: path.join(root, 'wit'), world: 'plugin' }));
    expect(error.code).toBe('BUILD_JS_FAILED');
    expect(error.message).toMatch(/^ComponentizeJS could not build plugin\.js for world `witgen:example\/plugin@0\.1\.0`:\n/);
    expect(error.toolMessage).toBe('failed to parse JS source, encountered [1] errors');
    expect(error.message).toMatch(/plugin\.js:\d+\n/);
    expect(error.message).toMatch(/SyntaxError: Unexpected end of input/);
    expect(error.message).not.toMatch(STACK_LINE);
    expect(error.message).not.toContain(tmpdir());
  });

  it('an export the world requires is missing: BUILD_JS_FAILED naming it', async () => {
    const source = pluginSource.replace(/export function pointAdd[\s\S]*$/, '');
    const error = await buildError(buildJsGuest({ source, sourceName: 'plugin.js', wit: path.join(root, 'wit'), world: 'plugin' }));
    expect(error.code).toBe('BUILD_JS_FAILED');
    expect(error.toolMessage).toMatch(/^"plugin\.js" does not export a "pointAdd" function as expected by the world\./);
    expect(error.message).not.toMatch(STACK_LINE);
    expect(error.message).not.toContain('wizer');
  }, BUILD_TIMEOUT);

  it('an import the world lacks: BUILD_JS_FAILED with the imports the world has', async () => {
    const source = `import hostNope from 'host-nope';\n${pluginSource}\nexport const unused = hostNope;\n`;
    const error = await buildError(buildJsGuest({ source, sourceName: 'plugin.js', wit: path.join(root, 'wit'), world: 'plugin' }));
    expect(error.code).toBe('BUILD_JS_FAILED');
    expect(error.toolMessage).toMatch(/Error loading module "host-nope"/);
    expect(error.message).toContain(
      "hint: the world has no import `host-nope`; it may import 'host-log-value', 'host-get-shared-value', 'host-set-shared-value'",
    );
    expect(error.message).not.toMatch(STACK_LINE);
    expect(error.message).not.toContain('node_modules');
  }, BUILD_TIMEOUT);

  it('an interface imported without its version names the versioned one in the hint', async () => {
    const source = read('test/fixtures/build-js/greeter/greeter.js').replace("'witgen:names/directory@0.2.0'", "'witgen:names/directory'");
    const witDir = path.join(scratch, 'greeter');
    const error = await buildError(buildJsGuest({ source, wit: witDir }));
    expect(error.code).toBe('BUILD_JS_FAILED');
    expect(error.message).toMatch(/the world has no import `witgen:names\/directory`; it may import 'witgen:names\/directory@0\.2\.0', 'wasi:clocks\/wall-clock@0\.2\.12'/);
  }, BUILD_TIMEOUT);

  it('unknown features are refused before ComponentizeJS runs', async () => {
    const error = await buildError(
      buildJsGuest({ source: pluginSource, wit: path.join(root, 'wit'), features: ['stdio', 'sockets'] as unknown as ['stdio'] }),
    );
    expect(error.code).toBe('BUILD_INPUT');
    expect(error.message).toBe('unknown JavaScript guest feature `sockets`: expected some of stdio, random, clocks, http, fetch-event');
  });
});
