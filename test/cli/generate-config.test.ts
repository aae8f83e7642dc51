/**
 * The config layer in process: shape validation messages, discovery rules,
 * how flags and config entries combine into targets, loading each config
 * format, and watching (a config edit takes effect on the next run).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { defineConfig, type WitgenConfig } from '../../src/config/define.js';
import { findConfig, loadConfig, type LoadedConfig } from '../../src/config/load.js';
import { checkTargets, generateTargets, renderTarget, StaleBindingsError } from '../../src/config/run.js';
import { resolveTargets, type GenerateTarget } from '../../src/config/targets.js';
import { validateConfig } from '../../src/config/validate.js';
import { watchBindings, type WatchEvent } from '../../src/config/watch.js';
import { repoRoot } from './run-cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function scratch(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'witgen-config-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function invalid(value: unknown): string {
  try {
    validateConfig(value, 'witgen.config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('validateConfig', () => {
  it('accepts a full entry and keeps only what was given', () => {
    const config = validateConfig(
      {
        worlds: [
          { wit: 'wit', out: 'gen' },
          { wit: 'w', world: 'x', out: 'o', abi: 'c', runtimeImport: 'rt', features: ['f'], allFeatures: false, legacy: { allocator: { malloc: 'm' }, names: { a: 'b' }, importModule: 'env2' } },
        ],
      },
      'c.json',
    );
    expect(config.worlds[0]).toEqual({ wit: 'wit', out: 'gen' });
    expect(config.worlds[1]?.legacy).toEqual({ allocator: { malloc: 'm' }, names: { a: 'b' }, importModule: 'env2' });
  });

  it('says where, what was expected and what was found', () => {
    expect(invalid([])).toBe('witgen.config.json: the config: expected an object with a `worlds` array, found an array of 0');
    expect(invalid({ worlds: [] })).toBe('witgen.config.json: worlds: expected a non-empty array, found an array of 0');
    expect(invalid({ worlds: [{ wit: 'wit' }] })).toBe('witgen.config.json: worlds[0].out: expected a non-empty string, found nothing');
    expect(invalid({ worlds: [{ wit: 'wit', out: 'o', abi: 'wasm' }] })).toBe(
      "witgen.config.json: worlds[0].abi: expected 'component' or 'c', found string \"wasm\"",
    );
    expect(invalid({ worlds: [{ wit: 'wit', out: 'o', features: 'a,b' }] })).toBe(
      'witgen.config.json: worlds[0].features: expected an array of feature names, found string "a,b"',
    );
    expect(invalid({ worlds: [{ wit: 'wit', out: 'o', legacy: {} }] })).toBe(
      "witgen.config.json: worlds[0].legacy: expected no legacy options unless abi is 'c', found an object",
    );
    expect(invalid({ worlds: [{ wit: 'wit', out: 'o', abi: 'c', legacy: { names: { f: 3 } } }] })).toBe(
      'witgen.config.json: worlds[0].legacy.names["f"]: expected a symbol name, found number 3',
    );
    expect(invalid({ worlds: [], extra: 1 })).toBe(
      'witgen.config.json: the config: unknown key `extra` (known keys: worlds)',
    );
  });

  it('defineConfig returns its argument and is typed', () => {
    const config = { worlds: [{ wit: 'wit', out: 'gen' }] };
    expect(defineConfig(config)).toBe(config);
    expectTypeOf(defineConfig).parameter(0).toEqualTypeOf<WitgenConfig>();
  });
});

describe('findConfig / loadConfig', () => {
  it('walks up to the project root; a config file wins over package.json; the first of the list wins', () => {
    const dir = scratch({
      'package.json': JSON.stringify({ witgen: { worlds: [{ wit: 'a', out: 'b' }] } }),
      'sub/deeper/x.txt': '',
    });
    expect(findConfig(join(dir, 'sub/deeper'))).toBe(join(dir, 'package.json'));
    writeFileSync(join(dir, 'witgen.config.json'), '{}');
    writeFileSync(join(dir, 'witgen.config.mjs'), 'export default {}');
    expect(findConfig(join(dir, 'sub/deeper'))).toBe(join(dir, 'witgen.config.mjs'));
  });

  it('stops at a package.json without a witgen key', () => {
    const dir = scratch({ 'witgen.config.json': '{}', 'app/package.json': '{"name":"app"}' });
    expect(findConfig(join(dir, 'app'))).toBeNull();
  });

  it('loads JSON, reporting invalid JSON as CONFIG_LOAD', async () => {
    const dir = scratch({ 'witgen.config.json': '{ "worlds": [' });
    await expect(loadConfig({ cwd: dir })).rejects.toMatchObject({ code: 'CONFIG_LOAD', message: expect.stringContaining('invalid JSON') });
  });

  it('loads a .mts config that imports a sibling module; a syntax error is CONFIG_LOAD', async () => {
    const dir = scratch({
      'shared.mjs': "export const out = 'from-sibling';",
      'witgen.config.mts': "import { out } from './shared.mjs';\nconst wit: string = 'wit';\nexport default { worlds: [{ wit, out }] };",
    });
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.config.worlds[0]).toEqual({ wit: 'wit', out: 'from-sibling' });
    expect(loaded.root).toBe(dir);
    writeFileSync(join(dir, 'witgen.config.mts'), 'export default {');
    await expect(loadConfig({ cwd: dir })).rejects.toMatchObject({ code: 'CONFIG_LOAD', message: expect.stringContaining('cannot compile') });
  });

  it('a CommonJS .js config (module.exports) loads too', async () => {
    const dir = scratch({ 'witgen.config.js': "module.exports = { worlds: [{ wit: 'wit', out: 'gen' }] };" });
    expect((await loadConfig({ cwd: dir })).config.worlds).toEqual([{ wit: 'wit', out: 'gen' }]);
  });

  it('a config that throws while loading is CONFIG_LOAD with its message', async () => {
    const dir = scratch({ 'witgen.config.mjs': "throw new Error('no such env');" });
    await expect(loadConfig({ cwd: dir })).rejects.toMatchObject({ code: 'CONFIG_LOAD', message: expect.stringContaining('cannot load: no such env') });
  });

  it('a module config without a default export says so', async () => {
    const dir = scratch({ 'witgen.config.js': 'export const worlds = [];' });
    await expect(loadConfig({ cwd: dir })).rejects.toThrow(/expected a default export/);
  });
});

describe('resolveTargets', () => {
  const config: LoadedConfig = {
    config: {
      worlds: [
        { wit: 'wit', world: 'a', out: 'gen', runtimeImport: 'rt', abi: 'c', legacy: { importModule: 'host' } },
        { wit: 'wit', world: 'b', out: 'gen' },
      ],
    },
    path: '/p/witgen.config.json',
    root: '/p',
  };

  it('config paths are relative to the config folder; every entry is a target', () => {
    const targets = resolveTargets(config, {}, '/cwd');
    expect(targets.map((t) => [t.wit, t.world, t.out, t.abi])).toEqual([
      ['/p/wit', 'a', '/p/gen', 'c'],
      ['/p/wit', 'b', '/p/gen', 'component'],
    ]);
    expect(targets[0]?.legacy).toEqual({ importModule: 'host' });
  });

  it('--world selects entries, other flags replace fields (relative to the working folder)', () => {
    const [target, ...rest] = resolveTargets(config, { world: 'a', out: 'o', abi: 'component' }, '/cwd');
    expect(rest).toEqual([]);
    expect(target).toMatchObject({ world: 'a', out: '/cwd/o', abi: 'component', runtimeImport: 'rt' });
    expect(target?.legacy).toBeUndefined();
    expect(() => resolveTargets(config, { world: 'z' }, '/cwd')).toThrow(/lists no such world \(it lists: a, b\)/);
  });

  it('--wit with --out describes one target; a config entry of the same world fills the rest', () => {
    const [target] = resolveTargets(config, { wit: 'other', world: 'a', out: 'x' }, '/cwd');
    expect(target).toMatchObject({ wit: '/cwd/other', out: '/cwd/x', runtimeImport: 'rt', abi: 'c' });
    expect(() => resolveTargets(null, { wit: 'w' }, '/cwd')).toThrow(/--wit needs --out/);
    expect(resolveTargets(null, { wit: 'w', out: 'o' }, '/cwd')).toEqual([
      { wit: '/cwd/w', out: '/cwd/o', abi: 'component', features: [], allFeatures: false },
    ]);
  });
});

describe('generateTargets / checkTargets / watchBindings', () => {
  function pluginProject(): string {
    const dir = scratch({ 'witgen.config.json': JSON.stringify({ worlds: [{ wit: 'wit', out: 'gen' }] }) });
    mkdirSync(join(dir, 'wit'));
    copyFileSync(join(repoRoot, 'wit/plugin.wit'), join(dir, 'wit/plugin.wit'));
    return dir;
  }

  it('writes only changed files and checks without writing', async () => {
    const dir = pluginProject();
    const targets = resolveTargets(await loadConfig({ cwd: dir }), {}, dir);
    expect((await checkTargets(targets)).map((o) => o.state)).toEqual(['missing']);
    expect((await generateTargets(targets)).map((o) => o.state)).toEqual(['written']);
    expect((await generateTargets(targets)).map((o) => o.state)).toEqual(['unchanged']);
    expect((await checkTargets(targets)).map((o) => o.state)).toEqual(['current']);
    const error = new StaleBindingsError([{ path: '/x/a.ts', state: 'stale' }]);
    expect(error.message).toBe('1 generated file is out of date (expected the output of `witgen generate`, found 1 with other content):\n  stale: /x/a.ts');
  });

  it('WASI 0.2 interfaces the runtime serves are optional imports; others stay required', async () => {
    const dir = scratch({
      'w.wit': `package a:b;
world w {
  import wasi:cli/environment@0.2.3;
  import wasi:http/handler@0.2.3;
  export run: func();
}
package wasi:cli@0.2.3 { interface environment { get-arguments: func() -> list<string>; } }
package wasi:http@0.2.3 { interface handler { handle: func(); } }`,
    });
    const [file] = await renderTarget(resolveTargets(null, { wit: 'w.wit', out: 'gen' }, dir)[0] as GenerateTarget);
    expect(file?.path).toBe(join(dir, 'gen/w.ts'));
    expect(file?.content).toContain("  'wasi:cli/environment@0.2.3'?: {");
    expect(file?.content).toContain("  'wasi:http/handler@0.2.3': {");
  });

  it('the committed example bindings (examples/plugin) are current', async () => {
    const config = await loadConfig({ path: join(repoRoot, 'examples/plugin/witgen.config.json') });
    const outcomes = await checkTargets(resolveTargets(config, {}, repoRoot));
    expect(outcomes).toEqual([{ path: join(repoRoot, 'examples/plugin/generated/plugin.ts'), state: 'current' }]);
  });

  it('a WIT folder that also holds the config and the output: only WIT files trigger a run', async () => {
    const dir = scratch({
      'witgen.config.mts': "const out: string = 'gen';\nexport default { worlds: [{ wit: '.', out }] };",
    });
    copyFileSync(join(repoRoot, 'wit/plugin.wit'), join(dir, 'plugin.wit'));
    const events: WatchEvent[] = [];
    const watcher = await watchBindings({
      targets: async () => resolveTargets(await loadConfig({ cwd: dir }), {}, dir),
      extraFiles: [join(dir, 'witgen.config.mts')],
      onEvent: (event) => events.push(event),
      debounceMs: 20,
    });
    const settle = () => new Promise((r) => setTimeout(r, 400));
    try {
      await settle();
      writeFileSync(join(dir, 'notes.txt'), 'not WIT');
      await settle();
      // The first run only: its output (gen/plugin.ts) and the compiled config did not start another.
      expect(events.map((e) => e.trigger)).toEqual([null]);
      writeFileSync(join(dir, 'plugin.wit'), `${readFileSync(join(dir, 'plugin.wit'), 'utf8')}\n`);
      const deadline = Date.now() + 15_000;
      while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(events[1]?.trigger).toBe(join(dir, 'plugin.wit'));
      await settle();
      expect(events).toHaveLength(2);
    } finally {
      watcher.close();
    }
  }, 30_000);

  it('a config edit takes effect on the next run', async () => {
    const dir = pluginProject();
    const events: WatchEvent[] = [];
    const configPath = join(dir, 'witgen.config.json');
    const watcher = await watchBindings({
      targets: async () => resolveTargets(await loadConfig({ cwd: dir }), {}, dir),
      extraFiles: [configPath],
      onEvent: (event) => events.push(event),
      debounceMs: 20,
    });
    try {
      expect(events.map((e) => e.kind)).toEqual(['generated']);
      writeFileSync(configPath, JSON.stringify({ worlds: [{ wit: 'wit', out: 'gen2', abi: 'c' }] }));
      const deadline = Date.now() + 15_000;
      while (events.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const second = events[1];
      expect(second?.kind).toBe('generated');
      expect(second?.trigger).toBe(configPath);
      expect(readFileSync(join(dir, 'gen2/plugin.ts'), 'utf8')).toContain("  abi: 'c',");
    } finally {
      watcher.close();
    }
  }, 30_000);
});
