/**
 * `npm run bench` (last part): the host runtime — what a call into a
 * component costs from Node, and what one more instance costs — on the bench
 * guest (guests/c/bench: world bench, C + witgen glue, no WASI), side by side:
 *
 *   raw     the guest's core module called directly with core values
 *           (`add(1, 2)` on the wasm export); for echo and sum only the core
 *           calls the canonical ABI makes (cabi_realloc, the export,
 *           cabi_post_echo), with no bytes copied: the guest's own floor
 *   lean    hand-written canonical-ABI glue for this one world
 *           (bench/lean-glue/bench.mjs) on the same core module: the baseline
 *   jco     jco 1.35 `transpile` of the component, loaded in-process
 *           (instantiation: 'async', core modules compiled once)
 *   witgen  witgen's component runtime from dist/runtime: `compileComponent`
 *           once, then `instantiate(compiled, imports)` per instance
 *
 * Calls: add(u32, u32), echo(string) with 16 B and 4 KiB, sum(list<u32>) with
 * 1,000 items as a Uint32Array and as a plain array, point-add(point, point),
 * call-host (one export call that makes one host import call). Then the
 * time and heap per further instance of an already compiled module/component.
 *
 * Method: one process. Each (call, side) gets its own freshly built loop
 * function (so every call site stays monomorphic) and a batch size giving
 * about BATCH_MS per batch; after a warm-up, ROUNDS rounds run one batch of
 * each side in turn (same machine load for all sides). Printed: the best
 * round's ns/call of each side (other processes only add time, so on a shared
 * machine the best round is closest to the code's own cost), ratios of the
 * best rounds, and for witgen/lean also the median of the per-round ratios.
 * Instances: the same, with rounds of a few instances. Memory per instance is the heap growth over
 * INSTANCES live instances after a full GC (the script re-runs itself with
 * --expose-gc when needed). HOST_BENCH_ONLY=<regex> runs only the matching
 * call rows. Requires `npm run build` first.
 *
 * Targets (issue 4): witgen/lean <= 2x per call, jco/witgen >= 100x for add,
 * a further witgen instance <= 3x a core module instance.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transpile } from '@bytecodealliance/jco';
import { instantiateLean } from './lean-glue/bench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

if (typeof globalThis.gc !== 'function') {
  // Memory per instance needs a full GC before each reading.
  const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

/** A regular expression: only the call rows whose name matches run (the instance rows always run). */
const ONLY = process.env.HOST_BENCH_ONLY === undefined ? null : new RegExp(process.env.HOST_BENCH_ONLY);
const ROUNDS = Number(process.env.HOST_BENCH_ROUNDS ?? 31);
/** Short batches: on a loaded machine a short batch more often runs without being preempted. */
const BATCH_MS = Number(process.env.HOST_BENCH_BATCH_MS ?? 2);
const WARMUP_MS = 60;
const INSTANCE_ROUNDS = 31;
/** Instances per round and side (jco's are slower: a fifth of that). */
const INSTANCES_PER_ROUND = 25;
/** Live instances for the heap reading. */
const INSTANCES = 200;
const TARGET_LEAN = 2;
const TARGET_JCO_ADD = 100;
const TARGET_INSTANCE = 3;

const coreBytes = readFileSync(join(root, 'guests/c/bench/bench.core.wasm'));
const componentBytes = readFileSync(join(root, 'guests/c/bench/bench.component.wasm'));
const coreModule = new WebAssembly.Module(coreBytes);
const hostInc = (x) => (x + 1) >>> 0;

// ---- the four sides ---------------------------------------------------------

function rawInstance() {
  const instance = new WebAssembly.Instance(coreModule, { $root: { 'host-inc': (x) => (x + 1) | 0 } });
  instance.exports._initialize();
  return instance.exports;
}

/** jco's transpile output in a temporary folder, imported as an ES module. */
async function loadJco() {
  const start = performance.now();
  const { files } = await transpile(componentBytes, { name: 'bench', instantiation: 'async', noTypescript: true, quiet: true });
  const transpileMs = performance.now() - start;
  const dir = mkdtempSync(join(tmpdir(), 'witgen-bench-jco-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  const module = await import(pathToFileURL(join(dir, 'bench.js')).href);
  const compiled = new Map();
  const getCoreModule = (path) => {
    if (!compiled.has(path)) compiled.set(path, WebAssembly.compile(readFileSync(join(dir, path))));
    return compiled.get(path);
  };
  const imports = { 'host-inc': { default: hostInc } };
  return {
    transpileMs,
    instantiate: () => module.instantiate(getCoreModule, imports),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * witgen's component runtime from dist/runtime: the component compiled once
 * (`compileComponent`), then `instantiate(compiled, imports)` per instance,
 * so further instances reuse the compiled core modules. The runtime must run
 * the bench guest itself: a jco fallback would measure jco twice.
 */
async function loadWitgen() {
  const runtime = await import(pathToFileURL(join(root, 'dist/runtime/index.js')).href);
  if (typeof runtime.instantiate !== 'function' || typeof runtime.compileComponent !== 'function') {
    return { missing: 'dist/runtime/index.js does not export instantiate and compileComponent' };
  }
  const compiled = await runtime.compileComponent(componentBytes);
  if (compiled.engine !== 'witgen') {
    return { missing: `witgen's runtime does not run the bench guest itself (fallback: ${compiled.fallbackReason})` };
  }
  const imports = { hostInc };
  return { instantiate: () => runtime.instantiate(compiled, imports) };
}

// ---- timing -----------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A fresh loop per (call, side): `new Function` gives each its own call sites and feedback. */
let loopSerial = 0;
function makeLoop() {
  // The serial comment matters: V8 caches `new Function` by source text, and closures of one text share type feedback.
  return new Function('f', 'k', `/* loop ${++loopSerial} */ let last; for (let i = 0; i < k; i++) last = f(); return last;`);
}

/** Batch size for about BATCH_MS per batch, after WARMUP_MS of warm-up. */
function calibrate(loop, fn) {
  let k = 1;
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) {
    const start = performance.now();
    loop(fn, k);
    const ms = performance.now() - start;
    if (ms < BATCH_MS / 4) k *= 2;
  }
  const start = performance.now();
  loop(fn, k);
  const perCall = (performance.now() - start) / k;
  return Math.max(1, Math.round(BATCH_MS / Math.max(perCall, 1e-6)));
}

/** ns per call of each side of one row, one sample per round; sides alternate within each round. */
function timeRow(sides) {
  const runners = sides.map(({ fn }) => {
    const loop = makeLoop();
    return { loop, fn, k: calibrate(loop, fn), samples: [] };
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (const runner of runners) {
      const start = performance.now();
      runner.loop(runner.fn, runner.k);
      runner.samples.push(((performance.now() - start) * 1e6) / runner.k);
    }
  }
  return runners.map((runner) => runner.samples);
}

/**
 * The ratio a/b of two sides as the median of the per-round ratios: both
 * batches of a round ran back to back under the same load, so pairing them
 * cancels most of the noise of a shared machine.
 */
function pairedRatio(a, b) {
  if (a === undefined || b === undefined) return undefined;
  return median(a.map((value, i) => value / b[i]));
}

/**
 * The ratio of the best (fastest) rounds of two sides. Other processes only
 * ever add time to a batch, so on a shared machine the best round is the
 * closest to the cost of the code itself; the paired median is printed next
 * to it as a check.
 */
function bestRatio(a, b) {
  if (a === undefined || b === undefined) return undefined;
  return Math.min(...a) / Math.min(...b);
}

/**
 * ms per further instance of each side (one sample per round), over rounds of `count(side)`
 * instances made one after another; sides alternate within each round (same
 * machine load for all), instances are dropped at once.
 */
async function timeInstances(makers, count) {
  const sides = Object.entries(makers);
  const samples = new Map(sides.map(([side]) => [side, []]));
  for (const [, make] of sides) for (let i = 0; i < 20; i++) await make(); // warm-up
  for (let round = 0; round < INSTANCE_ROUNDS; round++) {
    for (const [side, make] of sides) {
      const n = count(side);
      globalThis.gc(); // the last side's dropped instances are not collected on this side's time
      const start = performance.now();
      for (let i = 0; i < n; i++) await make();
      samples.get(side).push((performance.now() - start) / n);
    }
  }
  return samples;
}

/** Heap (V8 heap and external memory) per live instance, in KiB. */
async function memoryPerInstance(make, count) {
  const keep = [];
  await make();
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage();
  for (let i = 0; i < count; i++) keep.push(await make());
  globalThis.gc();
  globalThis.gc();
  const after = process.memoryUsage();
  if (keep.length !== count) throw new Error('instances were lost');
  return {
    heap: (after.heapUsed - before.heapUsed) / count / 1024,
    external: (after.external - before.external) / count / 1024,
  };
}

// ---- formatting -------------------------------------------------------------

function ns(samples) {
  if (samples === undefined) return '—';
  const value = Math.min(...samples);
  if (value >= 100_000) return `${(value / 1000).toFixed(0)} µs`;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} µs`;
  if (value >= 100) return `${value.toFixed(0)} ns`;
  return `${value.toFixed(1)} ns`;
}

function ratio(r) {
  if (r === undefined) return '—';
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

// ---- the calls --------------------------------------------------------------

const ECHO_16 = 'sixteen bytes ok';
const ECHO_4K = 'abcdefghijklmnopqrstuvwxyz012345'.repeat(128);
const ITEMS = Array.from({ length: 1000 }, (_, i) => (i * 2654435761) >>> 0);
const ITEMS_TYPED = Uint32Array.from(ITEMS);
const ITEMS_SUM = ITEMS.reduce((a, b) => (a + b) >>> 0, 0);

/**
 * Each row: the expected result (every side is checked once before timing),
 * the raw call on the core exports, and the call on a side's exports as an
 * expression of `g` (the exports) and `D` (the inputs), see makeCall.
 */
function rows(raw) {
  const rawEcho = (len) => () => {
    const ptr = raw.cabi_realloc(0, 0, 1, len);
    const area = raw.echo(ptr, len);
    raw.cabi_post_echo(area);
    return area;
  };
  const rawSum = () => raw.sum(raw.cabi_realloc(0, 0, 4, 4000), 1000);
  return [
    { name: 'add(u32, u32)', expected: 3, raw: () => raw.add(1, 2), call: 'g.add(1, 2)' },
    { name: 'echo 16 B', expected: ECHO_16, raw: rawEcho(16), call: 'g.echo(D.ECHO_16)' },
    { name: 'echo 4 KiB', expected: ECHO_4K, raw: rawEcho(4096), call: 'g.echo(D.ECHO_4K)' },
    { name: 'sum 1,000 (Uint32Array)', expected: ITEMS_SUM, raw: rawSum, call: 'g.sum(D.ITEMS_TYPED)' },
    { name: 'sum 1,000 (array)', expected: ITEMS_SUM, raw: rawSum, call: 'g.sum(D.ITEMS)' },
    {
      name: 'point-add(point, point)',
      expected: { x: 4, y: -6 },
      raw: () => raw['point-add'](1, -2, 3, -4),
      call: 'g.pointAdd({ x: 1, y: -2 }, { x: 3, y: -4 })',
    },
    { name: 'call-host (1 import call)', expected: 42, raw: () => raw['call-host'](41), call: 'g.callHost(41)' },
  ];
}

const DATA = { ECHO_16, ECHO_4K, ITEMS, ITEMS_TYPED };

/**
 * `() => <expr>` with `g` = one side's exports, built with `new Function` per
 * side: closures of one shared arrow would share its type feedback, making
 * every side's call site polymorphic (lean, jco and witgen objects at once).
 */
function makeCall(expr, g) {
  return new Function('g', 'D', `/* call ${++loopSerial} */ return () => ${expr};`)(g, DATA);
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---- main -------------------------------------------------------------------

async function main() {
  console.log(`host runtime bench — Node ${process.version}, ${cpus().length} cpus, load ${loadavg()[0].toFixed(2)}`);
  const raw = rawInstance();
  const lean = instantiateLean(coreModule, { hostInc });
  const jco = await loadJco();
  const witgenLoader = await loadWitgen();
  try {
    const sideNames = ['raw', 'lean', 'jco', 'witgen'];
    const jcoExports = await jco.instantiate();
    const witgenExports = witgenLoader.instantiate ? await witgenLoader.instantiate() : undefined;
    const guests = { lean, jco: jcoExports, witgen: witgenExports };

    const results = [];
    for (const row of rows(raw).filter((r) => ONLY === null || ONLY.test(r.name))) {
      const sides = [];
      for (const side of sideNames) {
        if (side === 'raw') {
          sides.push({ side, fn: row.raw });
          continue;
        }
        const guest = guests[side];
        if (guest === undefined) continue;
        const fn = makeCall(row.call, guest);
        const got = fn();
        if (!sameValue(got, row.expected)) {
          throw new Error(`${side} ${row.name}: expected ${JSON.stringify(row.expected)}, got ${JSON.stringify(got)}`);
        }
        sides.push({ side, fn });
      }
      const samples = timeRow(sides);
      results.push({ name: row.name, ...Object.fromEntries(sides.map(({ side }, i) => [side, samples[i]])) });
    }

    console.log(
      `\ncalls: ns per call, best of ${ROUNDS} rounds (batches of ~${BATCH_MS} ms, sides alternating); ratios of the best rounds, ` +
        `"med" = median of the per-round ratios`,
    );
    table(
      ['call', 'raw', 'lean', 'jco', 'witgen', 'lean/raw', 'witgen/lean', 'med', 'jco/witgen', 'jco/lean'],
      results.map((r) => [
        r.name,
        ns(r.raw),
        ns(r.lean),
        ns(r.jco),
        ns(r.witgen),
        ratio(bestRatio(r.lean, r.raw)),
        ratio(bestRatio(r.witgen, r.lean)),
        ratio(pairedRatio(r.witgen, r.lean)),
        ratio(bestRatio(r.jco, r.witgen)),
        ratio(bestRatio(r.jco, r.lean)),
      ]),
    );
    console.log('raw for echo/sum: cabi_realloc + the export (+ cabi_post_echo), no bytes copied.');

    // Further instances of an already compiled module / component.
    const makers = {
      core: () => {
        const instance = new WebAssembly.Instance(coreModule, { $root: { 'host-inc': (x) => (x + 1) | 0 } });
        instance.exports._initialize();
        return instance;
      },
      lean: () => instantiateLean(coreModule, { hostInc }),
      jco: () => jco.instantiate(),
      ...(witgenLoader.instantiate ? { witgen: () => witgenLoader.instantiate() } : {}),
    };
    const times = await timeInstances(makers, (side) => (side === 'jco' ? INSTANCES_PER_ROUND / 5 : INSTANCES_PER_ROUND));
    const instanceRows = [];
    for (const [side, make] of Object.entries(makers)) {
      const memory = await memoryPerInstance(make, side === 'jco' ? INSTANCES / 4 : INSTANCES);
      instanceRows.push({ side, samples: times.get(side), ...memory });
    }
    const coreSamples = times.get('core');
    console.log(
      `\nfurther instances (compiled once): ms per instance, best of ${INSTANCE_ROUNDS} rounds of ${INSTANCES_PER_ROUND} ` +
        `(x core: ratio of the best rounds; med: median of per-round ratios); heap growth per live instance`,
    );
    table(
      ['instance', 'ms', 'x core', 'med', 'JS heap KiB', 'external KiB'],
      instanceRows.map((r) => [
        r.side,
        Math.min(...r.samples).toFixed(4),
        ratio(bestRatio(r.samples, coreSamples)),
        ratio(pairedRatio(r.samples, coreSamples)),
        r.heap.toFixed(1),
        r.external.toFixed(1),
      ]),
    );
    console.log('core = new WebAssembly.Instance + _initialize; external = mostly the linear memory (the guest starts with 2 pages, 128 KiB).');
    console.log(`jco transpile of the component (in-process, first): ${jco.transpileMs.toFixed(0)} ms`);

    // Targets.
    console.log('\ntargets (issue 4):');
    if (witgenLoader.missing) {
      console.log(`  witgen: not measured — ${witgenLoader.missing}`);
      return;
    }
    for (const r of results) {
      const value = bestRatio(r.witgen, r.lean);
      console.log(`  ${r.name}: witgen/lean ${ratio(value)} (median ${ratio(pairedRatio(r.witgen, r.lean))}) (target <= ${TARGET_LEAN}x) ${value <= TARGET_LEAN ? 'met' : 'MISSED'}`);
    }
    const add = results.find((r) => r.name.startsWith('add'));
    if (add !== undefined) {
      const jcoAdd = bestRatio(add.jco, add.witgen);
      console.log(`  add: jco/witgen ${ratio(jcoAdd)} (median ${ratio(pairedRatio(add.jco, add.witgen))}) (target >= ${TARGET_JCO_ADD}x) ${jcoAdd >= TARGET_JCO_ADD ? 'met' : 'MISSED'}`);
    }
    const witgenInstance = instanceRows.find((r) => r.side === 'witgen');
    const instanceRatio = bestRatio(witgenInstance.samples, coreSamples);
    console.log(
      `  instance: witgen/core ${ratio(instanceRatio)} (median ${ratio(pairedRatio(witgenInstance.samples, coreSamples))}) (target <= ${TARGET_INSTANCE}x) ${instanceRatio <= TARGET_INSTANCE ? 'met' : 'MISSED'}`,
    );
  } finally {
    jco.dispose();
  }
}

await main();
