/**
 * `npm run bench:js` (also the last part of `npm run bench`): what a
 * JavaScript guest costs, on the plugin world (wit/plugin.wit), side by side
 * in one process:
 *
 *   c-witgen   the C component guest (guests/c/plugin) on witgen's runtime: the reference
 *   js-witgen  guests/js/plugin/plugin.js built by `buildJsGuest` (ComponentizeJS, features
 *              stdio) on witgen's runtime
 *   js-jco     the same JS component through jco 1.35's `transpile`, loaded in-process
 *
 * Rows: `just-add(u64, u64)`, `point-add(point, point)` and `trigger-host-calls(s32)` (three host
 * import calls), then one more instance of the compiled component. Method: each (row, side) gets
 * its own loop function; after a warm-up, ROUNDS rounds run one batch of each side in turn; the
 * best round of each side is printed (other processes only add time) and the ratios of the best
 * rounds. Requires `npm run build` first (the npm script does it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transpile } from '@bytecodealliance/jco';
import { buildJsGuest } from '../dist/index.js';
import { compileComponent, instantiate, wasiImportsFor } from '../dist/runtime/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.JS_BENCH_ROUNDS ?? 15);
const BATCH_MS = 20;
const INSTANCE_ROUNDS = 7;

function host() {
  let shared = 0;
  return { hostLogValue: () => {}, hostGetSharedValue: () => shared, hostSetSharedValue: (v) => (shared = v) };
}

async function jcoSide(component) {
  const { files, imports: importNames } = await transpile(component, { name: 'plugin', instantiation: 'async', noTypescript: true, quiet: true });
  // The guest's stdio (feature stdio) through witgen's deny-by-default WASI, as on witgen's side.
  const wasiNames = importNames.filter((name) => name.startsWith('wasi:'));
  const dir = mkdtempSync(join(tmpdir(), 'witgen-bench-js-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  const module = await import(pathToFileURL(join(dir, 'plugin.js')).href);
  const cores = new Map();
  const getCoreModule = (path) => {
    if (!cores.has(path)) cores.set(path, WebAssembly.compile(readFileSync(join(dir, path))));
    return cores.get(path);
  };
  const imports = () => {
    const h = host();
    return {
      ...wasiImportsFor(wasiNames),
      'host-log-value': { default: h.hostLogValue },
      'host-get-shared-value': { default: h.hostGetSharedValue },
      'host-set-shared-value': { default: h.hostSetSharedValue },
    };
  };
  return { instantiate: () => module.instantiate(getCoreModule, imports()), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

let serial = 0;
/** A loop of its own per (row, side): `new Function` with a distinct text keeps each call site monomorphic. */
function makeLoop() {
  return new Function('f', 'k', `/* loop ${++serial} */ let last; for (let i = 0; i < k; i++) last = f(); return last;`);
}

function batchSize(loop, fn) {
  let k = 1;
  for (;;) {
    const start = performance.now();
    loop(fn, k);
    if (performance.now() - start >= BATCH_MS / 4 || k > 1e7) return Math.max(1, Math.round((k * BATCH_MS) / Math.max(performance.now() - start, 1e-3)));
    k *= 2;
  }
}

/** The best round's ns/call of each side. */
function timeRow(fns) {
  const runners = fns.map((fn) => {
    const loop = makeLoop();
    return { loop, fn, k: batchSize(loop, fn), best: Infinity };
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (const r of runners) {
      const start = performance.now();
      r.loop(r.fn, r.k);
      r.best = Math.min(r.best, ((performance.now() - start) * 1e6) / r.k);
    }
  }
  return runners.map((r) => r.best);
}

async function bestInstanceMs(make) {
  let best = Infinity;
  for (let round = 0; round < INSTANCE_ROUNDS; round++) {
    const start = performance.now();
    await make();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const format = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

console.log(`JavaScript guest bench (Node ${process.version}, ${cpus().length} cores, load ${loadavg()[0].toFixed(2)})`);
const buildStart = performance.now();
const { component } = await buildJsGuest({
  source: readFileSync(join(root, 'guests/js/plugin/plugin.js'), 'utf8'),
  sourceName: 'plugin.js',
  wit: join(root, 'wit'),
  world: 'plugin',
});
console.log(`built the JS guest with ComponentizeJS in ${((performance.now() - buildStart) / 1000).toFixed(1)} s (${(component.length / 1e6).toFixed(1)} MB)`);

const compileStart = performance.now();
const js = await compileComponent(component);
const compileMs = performance.now() - compileStart;
if (js.engine !== 'witgen') throw new Error(`witgen's runtime does not run the JS guest itself: ${js.fallbackReason}`);
const c = await compileComponent(readFileSync(join(root, 'guests/c/plugin/plugin.component.wasm')));
const jco = await jcoSide(component);
try {
  const sides = [await instantiate(c, host()), await instantiate(js, host()), await jco.instantiate()];
  const p = { x: 3, y: 4 };
  const rows = [
    ['just-add(u64, u64)', (s) => () => s.justAdd(40n, 2n)],
    ['point-add(point, point)', (s) => () => s.pointAdd(p, p)],
    ['trigger-host-calls(s32)', (s) => () => s.triggerHostCalls(7)],
  ];
  console.log('\nper call (best round)       c-witgen     js-witgen    js-jco       js-witgen/c-witgen  js-jco/js-witgen');
  for (const [name, call] of rows) {
    const [cNs, jsNs, jcoNs] = timeRow(sides.map(call));
    console.log(`${name.padEnd(27)} ${format(cNs).padEnd(12)} ${format(jsNs).padEnd(12)} ${format(jcoNs).padEnd(12)} ${(jsNs / cNs).toFixed(0).padStart(8)}x          ${(jcoNs / jsNs).toFixed(2)}x`);
  }
  const [cInst, jsInst, jcoInst] = [
    await bestInstanceMs(() => instantiate(c, host())),
    await bestInstanceMs(() => instantiate(js, host())),
    await bestInstanceMs(() => jco.instantiate()),
  ];
  console.log(`\none more instance            ${cInst.toFixed(2)} ms      ${jsInst.toFixed(1)} ms      ${jcoInst.toFixed(1)} ms`);
  console.log(`compileComponent of the JS guest: ${compileMs.toFixed(0)} ms`);
} finally {
  jco.dispose();
}
