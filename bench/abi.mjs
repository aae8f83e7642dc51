/**
 * `npm run bench:abi` (also the second half of `npm run bench`): throughput
 * of src/abi's generated lift/lower code for strings and lists against the
 * platform primitive doing the same copy into/out of the same memory.
 *
 *   - lower string (utf8)      vs TextEncoder.encodeInto into a subarray of memory
 *   - lift string (utf8)       vs TextDecoder.decode of a subarray of the same bytes
 *   - lower list<u8>/list<u32> vs Uint8Array.set / Uint32Array.set on a view of memory
 *     (input given as a typed array of the element type, and as a plain array)
 *   - lift list<u8>/list<u32>  vs slice of a view of memory
 *
 * witgen's side is the code generated once per signature with `new
 * Function`, as the host runtime uses it: lowering = an export adapter from
 * `compileExportCall` for `f(v: T)` (its core function a no-op, standing in
 * for the guest), lifting = an import trampoline from
 * `compileImportTrampoline` for `f(v: T)` called with (ptr, len) as the guest
 * would (its host function just keeps the value). Both run against a real
 * WebAssembly.Memory whose `cabi_realloc` is a bump allocator in a tiny core
 * module assembled from WAT with jco's `parse`. So witgen's figures include
 * the realloc call into wasm that the canonical ABI requires, the bounds and
 * alignment checks and the value checks; the baselines do only the copy.
 * Lowering rows also show the ratio against "realloc + the primitive", what
 * a hand-written binding must do at least: witgen's own overhead.
 *
 * Method: witgen and baseline batches alternate (same machine load for
 * both); each batch resets the allocator, then times K operations. A round
 * reports the median ns/op of each side and the median of the per-pair
 * ratios; ROUNDS rounds give the median and the spread (min–max) printed.
 * Target (issue 3): ratio <= 1.3 for payloads >= 4 KiB.
 * Requires `npm run build` first (the npm scripts do it).
 */
import { cpus, loadavg } from 'node:os';
import { parse } from '@bytecodealliance/jco';
import { compileExportCall, compileImportTrampoline, loadWitText } from '../dist/index.js';

const ROUNDS = Number(process.env.ABI_BENCH_ROUNDS ?? 5);
/** Per round and side, after warm-up. */
const BATCHES = Number(process.env.ABI_BENCH_BATCHES ?? 40);
const WARMUP_MS = 150;
const HEAP_BASE = 1024;
/** Bytes a batch may allocate before the allocator is reset. */
const BATCH_BYTES = 2 << 20;
const TARGET = 1.3;

// ---- the guest: memory + bump-allocator cabi_realloc ------------------------

/**
 * A bump allocator like a minimal guest's: grows and shrinks the newest
 * block in place, otherwise hands out a fresh block and copies the old
 * contents. `reset` frees everything (the bench calls it between batches).
 */
const WAT = `(module
  (memory (export "memory") 64)
  (global $heap (mut i32) (i32.const ${HEAP_BASE}))
  (func (export "reset") (global.set $heap (i32.const ${HEAP_BASE})))
  (func $ensure (param $end i32)
    (local $have i32)
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535)) (i32.const 16)))
              (i32.const -1))
          (then unreachable)))))
  (func (export "cabi_realloc") (param $old i32) (param $oldSize i32) (param $align i32) (param $new i32) (result i32)
    (local $ptr i32) (local $end i32)
    ;; The newest block (ending at the heap top) is resized in place.
    (if (i32.and (i32.ne (local.get $old) (i32.const 0))
                 (i32.eq (i32.add (local.get $old) (local.get $oldSize)) (global.get $heap)))
      (then
        (local.set $end (i32.add (local.get $old) (local.get $new)))
        (call $ensure (local.get $end))
        (global.set $heap (local.get $end))
        (return (local.get $old))))
    (local.set $ptr
      (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
               (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $new)))
    (call $ensure (local.get $end))
    (global.set $heap (local.get $end))
    (if (i32.ne (local.get $old) (i32.const 0))
      (then (memory.copy (local.get $ptr) (local.get $old)
              (select (local.get $oldSize) (local.get $new) (i32.lt_u (local.get $oldSize) (local.get $new))))))
    (local.get $ptr)))`;

const { instance: wasm } = await WebAssembly.instantiate(await parse(WAT));
const { memory, cabi_realloc: realloc, reset } = wasm.exports;
const abiInstance = { memory, realloc };

// ---- witgen's adapters ---------------------------------------------------------

const loaded = loadWitText(`package bench:abi;
interface payloads {
  text: func(v: string);
  bytes: func(v: list<u8>);
  words: func(v: list<u32>);
}
world bench { export payloads; }
`);
const iface = loaded.resolve.interfaces.find((i) => i.name === 'payloads');

// V8 caches `new Function` by source text and closures made from one text
// (or one literal) share type feedback, so a call site shared by several
// operations turns polymorphic and the ratios depend on which row ran first.
// Every operation and every timing loop is therefore compiled from its own
// text (a serial number in a comment), as in bench/host.mjs.
let serial = 0;

/** `() => expr` with `names` bound to `values`, compiled from text no other operation shares. */
function operation(expr, bindings) {
  const names = Object.keys(bindings);
  return new Function(...names, `/* operation ${++serial} */ return () => ${expr};`)(...Object.values(bindings));
}

/** A timing loop of its own: `loop(op, count)` calls `op` count times. */
function makeLoop() {
  return new Function('op', 'count', `/* loop ${++serial} */ let x = 0; for (let i = 0; i < count; i++) x ^= op(); return x;`);
}

/**
 * `lower`: the export adapter of `name`, calling a no-op core function that
 * keeps the length it was given in `seen.length`.
 * `lift`: the import trampoline of `name`, as the guest calls it, whose host
 * function keeps the value's length in `seen.length`.
 */
function adapters(name) {
  const func = iface.functions.get(name);
  const seen = { length: 0 };
  const lower = compileExportCall(loaded.resolve, func).value(
    abiInstance,
    new Function('seen', `/* core ${++serial} */ return (_ptr, len) => { seen.length = len; };`)(seen),
  );
  const lift = compileImportTrampoline(loaded.resolve, func).value(
    abiInstance,
    new Function('seen', `/* host ${++serial} */ return (value) => { seen.length = value.length; };`)(seen),
  );
  return { lower, lift, seen };
}
const text = adapters('text');
const bytes = adapters('bytes');
const words = adapters('words');

// ---- measuring -----------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Keeps results observable so the JIT cannot drop the work. */
let blackhole = 0;

/** ns/op of one batch of `count` calls of `op` in `loop`, from a freshly reset heap. */
function batch(loop, op, count) {
  reset();
  const start = process.hrtime.bigint();
  blackhole ^= loop(op, count);
  return Number(process.hrtime.bigint() - start) / count;
}

/**
 * Alternating batches of `ours`, `theirs` and (optionally) `theirsAlloc`;
 * per round the median ns/op of each and the median of per-batch ratios.
 */
function compare(ours, theirs, theirsAlloc, bytesPerOp) {
  const count = Math.max(1, Math.min(2000, Math.floor(BATCH_BYTES / (bytesPerOp * 3 + 64))));
  const sides = theirsAlloc === null ? [ours, theirs] : [ours, theirs, theirsAlloc];
  const loops = sides.map(makeLoop);
  const until = performance.now() + WARMUP_MS;
  while (performance.now() < until) sides.forEach((side, j) => batch(loops[j], side, count));
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const times = sides.map(() => []);
    const ratios = sides.map(() => []);
    for (let i = 0; i < BATCHES; i++) {
      const t = sides.map((side, j) => batch(loops[j], side, count));
      t.forEach((x, j) => {
        times[j].push(x);
        ratios[j].push(t[0] / x);
      });
    }
    rounds.push({ times: times.map(median), ratios: ratios.map(median) });
  }
  const ratios = rounds.map((r) => r.ratios[1]);
  return {
    ours: median(rounds.map((r) => r.times[0])),
    theirs: median(rounds.map((r) => r.times[1])),
    ratio: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    allocRatio: theirsAlloc === null ? null : median(rounds.map((r) => r.ratios[2])),
  };
}

// ---- payloads ----------------------------------------------------------------

const SIZES = [16, 4096, 65536];
const LIST_SIZES = [4096, 65536];
/** A fixed address for the baselines to write to and read from (above the heap's first blocks). */
const SCRATCH = 8 << 20;
memory.grow(Math.max(0, Math.ceil((SCRATCH + (1 << 20)) / 65536) - memory.buffer.byteLength / 65536));
// Memory never grows after this (batches stay far below SCRATCH), so the
// baselines keep views made once, as a hand-written binding would.
const memU8 = new Uint8Array(memory.buffer);
const memU32 = new Uint32Array(memory.buffer);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** ASCII text of exactly `bytes` UTF-8 bytes. */
function asciiText(bytes) {
  const unit = 'The quick brown fox jumps over the lazy dog. 0123456789 ';
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

/** Mixed 1/2/3/4-byte text of about `bytes` UTF-8 bytes (never splitting a pair). */
function mixedText(bytes) {
  const unit = 'Grüße, 東京 — naïve café ✓ 🎉 ';
  let out = '';
  while (encoder.encode(out + unit).length <= bytes) out += unit;
  for (const ch of unit) {
    if (encoder.encode(out + ch).length > bytes) break;
    out += ch;
  }
  return out;
}

/** ABI_BENCH_ONLY=<regex> measures only the operations whose label matches. */
const only = process.env.ABI_BENCH_ONLY ? new RegExp(process.env.ABI_BENCH_ONLY) : null;
const rows = [];
function add(label, bytes, baseline, ours, theirs, theirsAlloc = null) {
  if (only !== null && !only.test(label)) return;
  rows.push({ label, bytes, baseline, ...compare(ours, theirs, theirsAlloc, bytes) });
}

// Strings.
for (const size of SIZES) {
  for (const [kind, make] of [
    ['ASCII', asciiText],
    ['non-ASCII', mixedText],
  ]) {
    const value = make(size);
    const length = encoder.encode(value).length;
    const worst = value.length * 3;
    add(
      `lower string (${kind})`,
      length,
      'encodeInto',
      operation('(lower(value), seen.length)', { lower: text.lower, seen: text.seen, value }),
      operation('encoder.encodeInto(value, memU8.subarray(SCRATCH, SCRATCH + worst)).written', {
        encoder,
        memU8,
        SCRATCH,
        worst,
        value,
      }),
      // `at` is a variable of the closure, set from realloc's result.
      operation('encoder.encodeInto(value, memU8.subarray((at = realloc(0, 0, 1, worst)), at + worst)).written', {
        encoder,
        memU8,
        realloc,
        worst,
        value,
        at: 0,
      }),
    );
    memU8.set(encoder.encode(value), SCRATCH);
    add(
      `lift string (${kind})`,
      length,
      'TextDecoder.decode',
      operation('(lift(SCRATCH, length), seen.length)', { lift: text.lift, seen: text.seen, SCRATCH, length }),
      operation('decoder.decode(memU8.subarray(SCRATCH, SCRATCH + length)).length', { decoder, memU8, SCRATCH, length }),
    );
  }
}

// Lists.
for (const size of LIST_SIZES) {
  for (const [element, list, View, view] of [
    ['u8', bytes, Uint8Array, memU8],
    ['u32', words, Uint32Array, memU32],
  ]) {
    const count = size / View.BYTES_PER_ELEMENT;
    const typed = new View(count);
    // Small integers: a plain array of them is PACKED_SMI, the fastest input for set().
    for (let i = 0; i < count; i++) typed[i] = (i * 7919) % (element === 'u8' ? 256 : 1_000_003);
    const plain = Array.from(typed);
    for (const [input, value] of [
      ['typed array', typed],
      ['plain array', plain],
    ]) {
      add(
        `lower list<${element}> (${input})`,
        size,
        `${View.name}.set`,
        operation('(lower(value), seen.length)', { lower: list.lower, seen: list.seen, value }),
        operation('(view.set(value, at), 0)', { view, value, at: SCRATCH / View.BYTES_PER_ELEMENT }),
        operation('(view.set(value, realloc(0, 0, width, size) >>> shift), 0)', {
          view,
          value,
          realloc,
          width: View.BYTES_PER_ELEMENT,
          size,
          shift: Math.log2(View.BYTES_PER_ELEMENT),
        }),
      );
    }
    view.set(typed, SCRATCH / View.BYTES_PER_ELEMENT);
    add(
      `lift list<${element}>`,
      size,
      `${View.name}.slice`,
      operation('(lift(SCRATCH, count), seen.length)', { lift: list.lift, seen: list.seen, SCRATCH, count }),
      operation('view.slice(at, at + count).length', { view, at: SCRATCH / View.BYTES_PER_ELEMENT, count }),
    );
  }
}

// ---- report ------------------------------------------------------------------

const size = (bytes) => (bytes >= 1024 ? `${(bytes / 1024).toFixed(bytes % 1024 ? 1 : 0)} KiB` : `${bytes} B`);
const gbps = (bytes, ns) => (bytes / ns).toFixed(2);
const header = [
  'operation',
  'payload',
  'witgen ns/op',
  'GB/s',
  'baseline',
  'ns/op',
  'GB/s',
  'ratio',
  'spread',
  'target',
  'vs realloc+baseline',
];
const body = rows.map((r) => [
  r.label,
  size(r.bytes),
  r.ours.toFixed(0),
  gbps(r.bytes, r.ours),
  r.baseline,
  r.theirs.toFixed(0),
  gbps(r.bytes, r.theirs),
  `${r.ratio.toFixed(2)}×`,
  `${r.min.toFixed(2)}–${r.max.toFixed(2)}`,
  r.bytes < 4096 ? '—' : r.ratio <= TARGET ? 'met' : 'NOT MET',
  r.allocRatio === null ? '—' : `${r.allocRatio.toFixed(2)}×`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;

console.log('\nsrc/abi lift/lower vs the platform copy into/out of the same WebAssembly.Memory');
console.log(
  `Node ${process.version}; ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}; ` +
    `${ROUNDS} rounds × ${BATCHES} alternating batches; ratio = witgen / baseline (median of rounds, spread = min–max)\n`,
);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of body) console.log(line(row));
console.log(
  `\nTarget: ratio <= ${TARGET}× for payloads >= 4 KiB. witgen includes the cabi_realloc call into wasm and` +
    ' the canonical ABI checks; baselines only copy (the last column adds the realloc call to the baseline).' +
    '\nString lifting decodes with fatal UTF-8 (invalid input traps); lowering checks for lone surrogates.' +
    '\nPlain-array lowering checks every element (the baseline set() silently converts and wraps).',
);
if (blackhole === 0.5) console.log('');
