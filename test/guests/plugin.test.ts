/**
 * Scenario 5 (shared/scenarios.md) with the C plugin guest in guests/c/plugin,
 * built by clang + `witgen build` (with the WASI preview1 reactor adapter,
 * since it prints), run through jco's transpile output: the guest changes
 * host state through imports, the host calls exports with records, and the
 * guest's WASI output goes where the host sends it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGuest, repoRoot, transpileComponent, wasiImports, type TranspiledComponent } from './jco-host.js';

interface Point {
  x: number;
  y: number;
}

interface Plugin {
  justAdd(a: bigint, b: bigint): bigint;
  triggerHostCalls(n: number): void;
  pointAdd(a: Point, b: Point): Point;
}

/** The host side of the world: a log and one shared value per instance. */
function hostState(initial: number): { logged: number[]; shared: number; imports: Record<string, Record<string, unknown>> } {
  const state = {
    logged: [] as number[],
    shared: initial,
    imports: {} as Record<string, Record<string, unknown>>,
  };
  state.imports = {
    'host-log-value': { default: (value: number) => void state.logged.push(value) },
    'host-get-shared-value': { default: () => state.shared },
    'host-set-shared-value': { default: (value: number) => void (state.shared = value) },
  };
  return state;
}

const s32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const wrap32 = (n: number): number => n | 0;

describe('plugin guest (scenario 5)', () => {
  let component: TranspiledComponent;

  beforeAll(async () => {
    component = await transpileComponent(readGuest('guests/c/plugin/plugin.component.wasm'), 'plugin');
  });
  afterAll(() => component?.dispose());

  async function instantiate(initial: number): Promise<{ plugin: Plugin; state: ReturnType<typeof hostState> }> {
    const state = hostState(initial);
    const root = await component.instantiate({ ...wasiImports(component.imports), ...state.imports });
    return { plugin: root as unknown as Plugin, state };
  }

  it('imports WASI through the preview1 adapter', () => {
    expect(component.imports).toEqual(expect.arrayContaining(['wasi:cli/stdout']));
  });

  it('just-add wraps on u64 overflow', async () => {
    const { plugin } = await instantiate(0);
    expect(plugin.justAdd(2n ** 64n - 1n, 2n)).toBe(1n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (a, b) => {
        expect(plugin.justAdd(a, b)).toBe((a + b) % 2n ** 64n);
      }),
      { numRuns: 50 },
    );
  });

  it('point-add takes and returns records', async () => {
    const { plugin } = await instantiate(0);
    fc.assert(
      fc.property(s32, s32, s32, s32, (ax, ay, bx, by) => {
        expect(plugin.pointAdd({ x: ax, y: ay }, { x: bx, y: by })).toEqual({ x: wrap32(ax + bx), y: wrap32(ay + by) });
      }),
      { numRuns: 50 },
    );
  });

  it('trigger-host-calls changes host state through the imports; instances do not share it', async () => {
    const first = await instantiate(10);
    const second = await instantiate(100);
    first.plugin.triggerHostCalls(3);
    expect(first.state.logged).toEqual([6]);
    expect(first.state.shared).toBe(10 + 3 + 5);
    first.plugin.triggerHostCalls(-20);
    expect(first.state.logged).toEqual([6, -40]);
    expect(first.state.shared).toBe(18 - 20 + 5);
    expect(second.state.logged).toEqual([]);
    expect(second.state.shared).toBe(100);
  });

  // The guest's printf reaches a stdout only through the WASI the host hands it:
  // run a host in a child process to see its real stdout and stderr.
  it.each([
    ['stdout', 'wasi stdout → process stdout', true],
    ['stderr', 'wasi stdout → process stderr', false],
  ])('guest output follows the host: %s', (target, _label, onStdout) => {
    const requireFromRepo = createRequire(join(repoRoot, 'package.json'));
    const shimUrl = pathToFileURL(requireFromRepo.resolve('@bytecodealliance/preview2-shim')).href;
    const script = join(component.dir, `host-${target}.mjs`);
    writeFileSync(
      script,
      `import { readFile } from 'node:fs/promises';
import * as shim from ${JSON.stringify(shimUrl)};
import { instantiate } from './plugin.js';
const imports = {};
for (const name of ${JSON.stringify(component.imports)}) {
  const match = /^wasi:([a-z-]+)\\/([a-z-]+)/.exec(name);
  if (match) imports[name] = shim[match[1]][match[2].replace(/-([a-z])/g, (_, c) => c.toUpperCase())];
}
${target === 'stdout' ? '' : "imports['wasi:cli/stdout'] = { getStdout: () => shim.cli.stderr.getStderr() };"}
imports['host-log-value'] = { default: () => {} };
imports['host-get-shared-value'] = { default: () => 0 };
imports['host-set-shared-value'] = { default: () => {} };
const plugin = await instantiate((path) => readFile(new URL(path, import.meta.url)).then((b) => WebAssembly.compile(b)), imports);
plugin.triggerHostCalls(7);
`,
    );
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status, result.stderr).toBe(0);
    const line = 'plugin: trigger-host-calls(7)';
    expect(result.stdout.includes(line)).toBe(onStdout);
    expect(result.stderr.includes(line)).toBe(!onStdout);
  });
});
