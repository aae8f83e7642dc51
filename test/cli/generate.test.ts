/**
 * `witgen generate` and bare `witgen` as users run them (the built CLI in a
 * child process): flags, --check, config discovery (json, package.json key,
 * .ts, from a subfolder), config and WIT errors, and --watch.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTsHost } from '../../src/codegen/ts-host/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { buildCli, repoRoot, type BuiltCli, STACK_LINE } from './run-cli.js';

let cli: BuiltCli;
const projects: string[] = [];

beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => {
  cli?.dispose();
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

/** A scratch project with wit/plugin.wit; `files` adds more (relative path → content). */
function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'witgen-generate-'));
  projects.push(dir);
  mkdirSync(join(dir, 'wit'));
  copyFileSync(join(repoRoot, 'wit/plugin.wit'), join(dir, 'wit/plugin.wit'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function expectedPlugin(): string {
  const loaded = loadWit(join(repoRoot, 'wit/plugin.wit'));
  return generateTsHost(loaded.resolve, selectWorld(loaded, 'plugin')).files[0]?.content ?? '';
}

const JSON_CONFIG = JSON.stringify({ worlds: [{ wit: 'wit', world: 'plugin', out: 'src/generated' }] });

describe('witgen generate with flags', () => {
  it('is listed in help; an unknown command is still an unknown command, not an argument of generate', () => {
    expect(cli.run(['--help']).stdout).toMatch(/^  generate\b/m);
    const unknown = cli.run(['generat']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'generat'/);
  });

  it('writes <out>/<world>.ts, the same bytes as generateTsHost, and says so', () => {
    const dir = project();
    const result = cli.run(['generate', '--wit', 'wit', '--world', 'plugin', '--out', 'gen'], dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('wrote gen/plugin.ts\n');
    expect(readFileSync(join(dir, 'gen/plugin.ts'), 'utf8')).toBe(expectedPlugin());
    const again = cli.run(['generate', '--wit', 'wit', '--out', 'gen'], dir);
    expect(again.stdout).toBe('1 file already up to date\n');
  });

  it("--abi c and --runtime-import reach the module", () => {
    const dir = project();
    cli.run(['generate', '--wit', 'wit', '--out', 'gen', '--abi', 'c', '--runtime-import', './rt.js'], dir);
    const text = readFileSync(join(dir, 'gen/plugin.ts'), 'utf8');
    expect(text).toContain("} from './rt.js';");
    expect(text).toContain("  abi: 'c',");
  });

  it('--check: 0 when current, 1 listing stale and missing files; writes nothing', () => {
    const dir = project({ 'witgen.config.json': JSON_CONFIG });
    const missing = cli.run(['generate', '--check'], dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('error: 1 generated file is out of date');
    expect(missing.stderr).toContain('  missing: src/generated/plugin.ts');
    expect(existsSync(join(dir, 'src/generated/plugin.ts'))).toBe(false);

    expect(cli.run([], dir).status).toBe(0);
    const fresh = cli.run(['--check'], dir);
    expect(fresh.stdout).toBe('1 generated file is up to date\n');
    expect(fresh.status).toBe(0);

    writeFileSync(join(dir, 'src/generated/plugin.ts'), 'edited by hand\n');
    const stale = cli.run(['generate', '--check'], dir);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('  stale: src/generated/plugin.ts');
    expect(stale.stderr).not.toMatch(STACK_LINE);
    expect(readFileSync(join(dir, 'src/generated/plugin.ts'), 'utf8')).toBe('edited by hand\n');
  });

  it('a WIT error prints its located diagnostic and exits 1 without a stack trace', () => {
    const dir = project({ 'bad/x.wit': 'package a:b;\nworld w {\n  export f: func() -> nope;\n}\n' });
    const result = cli.run(['generate', '--wit', 'bad', '--out', 'gen'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/x\.wit:3:\d+/);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });
});

describe('bare witgen: config discovery', () => {
  it('witgen.config.json', () => {
    const dir = project({ 'witgen.config.json': JSON_CONFIG });
    const result = cli.run([], dir);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('wrote src/generated/plugin.ts\n');
    expect(readFileSync(join(dir, 'src/generated/plugin.ts'), 'utf8')).toBe(expectedPlugin());
  });

  it('a "witgen" key in package.json, found from a subfolder', () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'app', witgen: { worlds: [{ wit: 'wit', out: 'gen' }] } }),
      'src/deep/keep.txt': '',
    });
    const result = cli.run([], join(dir, 'src/deep'));
    expect(result.stderr).toBe('');
    expect(existsSync(join(dir, 'gen/plugin.ts'))).toBe(true);
  });

  it('witgen.config.ts with type annotations, compiled with typescript and removed afterwards', () => {
    const dir = project({
      'witgen.config.ts': [
        "import type { WitgenConfig } from 'witgen';",
        "const out: string = 'ts-out';",
        "const config: WitgenConfig = { worlds: [{ wit: 'wit', world: 'plugin', out, abi: 'c' as const }] };",
        'export default config;',
      ].join('\n'),
    });
    const result = cli.run([], dir);
    expect(result.stderr).toBe('');
    expect(readFileSync(join(dir, 'ts-out/plugin.ts'), 'utf8')).toContain("  abi: 'c',");
    expect(readdirSync(dir).filter((name) => name.endsWith('.mjs'))).toEqual([]);
  });

  it('witgen.config.mjs with --config, and flags override the config', () => {
    const dir = project({
      'conf/witgen.config.mjs': "export default { worlds: [{ wit: '../wit', world: 'plugin', out: '../from-config' }] };",
    });
    const result = cli.run(['generate', '--config', 'conf/witgen.config.mjs', '--out', 'from-flag'], dir);
    expect(result.stderr).toBe('');
    expect(existsSync(join(dir, 'from-flag/plugin.ts'))).toBe(true);
    expect(existsSync(join(dir, 'from-config'))).toBe(false);
  });

  it('no config: says where it looked and what it expected', () => {
    const dir = project({ 'package.json': '{"name":"app"}' });
    const result = cli.run([], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: no witgen config found from');
    expect(result.stderr).toContain('witgen.config.ts, witgen.config.mts, witgen.config.js, witgen.config.mjs, witgen.config.json');
  });

  it('a config of the wrong shape: file, place, expected and found', () => {
    const dir = project({ 'witgen.config.json': JSON.stringify({ worlds: [{ wit: 'wit', outDir: 'x' }] }) });
    const result = cli.run([], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: witgen.config.json: worlds[0]: unknown key `outDir` (known keys: wit, world, out, abi, runtimeImport, features, allFeatures, legacy)\n',
    );
  });

  it('an unknown world in the config', () => {
    const dir = project({ 'witgen.config.json': JSON.stringify({ worlds: [{ wit: 'wit', world: 'nope', out: 'x' }] }) });
    const result = cli.run([], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('world `nope` not found in the main package; its worlds are: plugin');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });
});

describe('witgen generate --watch', () => {
  it('regenerates when a WIT file changes, reports WIT errors and keeps running', async () => {
    const dir = project({ 'witgen.config.json': JSON_CONFIG });
    const child = spawn(process.execPath, [cli.main, 'generate', '--watch'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const waitFor = async (test: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!test()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await waitFor(() => stdout.includes('watching for changes'), 'the watcher to start');
      expect(stdout).toContain('wrote src/generated/plugin.ts\n');
      const wit = join(dir, 'wit/plugin.wit');
      const original = readFileSync(wit, 'utf8');

      writeFileSync(wit, original.replace('export just-add: func(a: u64, b: u64) -> u64;', 'export just-add: func(a: u64, b: u64) -> s64;'));
      await waitFor(() => /wrote src\/generated\/plugin\.ts \(wit\/plugin\.wit changed\)/.test(stdout), 'a regeneration');
      expect(readFileSync(join(dir, 'src/generated/plugin.ts'), 'utf8')).toContain('justAdd(a: bigint, b: bigint): bigint;');
      expect(readFileSync(join(dir, 'src/generated/plugin.ts'), 'utf8')).toContain('func(a: u64, b: u64) -> s64;');

      writeFileSync(wit, original.replace('export just-add', 'export just add'));
      await waitFor(() => stderr.includes('plugin.wit:'), 'the WIT diagnostic');
      expect(stderr).not.toMatch(STACK_LINE);
      expect(child.exitCode).toBeNull();

      const before = stdout.length;
      writeFileSync(wit, original);
      await waitFor(() => stdout.slice(before).includes('wrote src/generated/plugin.ts'), 'a regeneration after the fix');
      expect(readFileSync(join(dir, 'src/generated/plugin.ts'), 'utf8')).toBe(expectedPlugin());
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(child.exitCode === 0 || child.signalCode === 'SIGTERM').toBe(true);
  }, 60_000);
});
