/**
 * `npm run bench`: parse + resolve of the WASI 0.2 WIT tree (wasi:http with
 * io, clocks, random, filesystem, sockets and cli as deps).
 *
 *   - witgen cold: the first `loadWit` in a fresh process (median over fresh processes)
 *   - witgen warm: median of many `loadWit` calls in this process
 *   - jco: `types` on the same directory in this process. It parses and
 *     resolves with wasm-tools compiled to wasm and then also generates the
 *     .d.ts text, so it does somewhat more work than `loadWit` alone.
 *   - CLI: wall clock of `node dist/cli/main.js wit <tree>` (median of spawns),
 *     next to a bare `node -e ""` for the Node start-up floor.
 *
 * Targets: < 10 ms warm in-process, < 300 ms CLI wall clock.
 * Requires `npm run build` first (the npm script does it).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _addPreopen } from '@bytecodealliance/preview2-shim/filesystem';
import { types as jcoTypes } from '@bytecodealliance/jco';
import { loadWit } from '../dist/index.js';
import { createWasiTree } from './wasi-tree.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
const WARM_RUNS = 200;
const JCO_RUNS = 15;
const SPAWNS = 9;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsync(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function spawnMs(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

const tree = createWasiTree();
try {
  // Sanity: the tree resolves and names the packages we expect.
  const loaded = loadWit(tree);
  const packageCount = loaded.resolve.packages.length;
  const interfaceCount = loaded.resolve.interfaces.length;
  const typeCount = loaded.resolve.types.length;

  // witgen cold: first call in fresh processes.
  const cold = [];
  const imports = [];
  for (let i = 0; i < SPAWNS; i++) {
    const { stdout } = spawnMs([join(here, 'cold.mjs'), tree]);
    const { importMs, firstMs } = JSON.parse(stdout);
    cold.push(firstMs);
    imports.push(importMs);
  }

  // witgen warm: many calls in this process.
  for (let i = 0; i < 20; i++) loadWit(tree);
  const warm = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push(time(() => loadWit(tree)));

  // jco types on the same directory. preview2-shim >= 0.26 grants the wasm
  // side no filesystem access unless a preopen is added, so expose the tree.
  _addPreopen(tree, tree);
  const jcoCold = await timeAsync(() => jcoTypes(tree, { worldName: 'proxy' }));
  const jcoWarm = [];
  for (let i = 0; i < JCO_RUNS; i++) {
    jcoWarm.push(await timeAsync(() => jcoTypes(tree, { worldName: 'proxy' })));
  }

  // CLI wall clock against Node's own start-up.
  const cliWall = [];
  const nodeWall = [];
  for (let i = 0; i < SPAWNS; i++) {
    cliWall.push(spawnMs([cli, 'wit', tree]).ms);
    nodeWall.push(spawnMs(['-e', '']).ms);
  }

  const rows = [
    ['parse+resolve, cold (first call, fresh process)', median(cold), jcoCold, null],
    ['parse+resolve, warm (median)', median(warm), median(jcoWarm), 10],
    ['`witgen wit <tree>` CLI wall clock (median)', median(cliWall), null, 300],
    ['node -e "" start-up floor (median)', median(nodeWall), null, null],
    // On a busy machine the floor moves a lot; what witgen adds is the difference.
    ['CLI above the node start-up floor', median(cliWall) - median(nodeWall), null, null],
    ['import dist/index.js in a fresh process (median)', median(imports), null, null],
  ];

  const fmt = (ms) => (ms === null ? '—' : `${ms.toFixed(2)} ms`);
  const header = ['measurement', 'witgen', 'jco types', 'jco / witgen', 'target', 'met'];
  const body = rows.map(([label, ours, theirs, target]) => [
    label,
    fmt(ours),
    fmt(theirs),
    theirs === null ? '—' : `${(theirs / ours).toFixed(1)}×`,
    target === null ? '—' : `< ${target} ms`,
    target === null ? '—' : ours < target ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;

  const load = loadavg()[0];
  console.log(`WASI 0.2.12 tree: ${packageCount} packages, ${interfaceCount} interfaces, ${typeCount} types`);
  console.log(
    `Node ${process.version}; ${cpus().length} CPUs, load average ${load.toFixed(1)}; ` +
      `${SPAWNS} fresh processes, ${WARM_RUNS} warm runs, ${JCO_RUNS} jco runs\n`,
  );
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of body) console.log(line(row));
  console.log('\njco `types` also renders TypeScript declarations after resolving, so it does more work than loadWit.');
} finally {
  rmSync(tree, { recursive: true, force: true });
}
