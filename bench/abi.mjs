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
 * witgen's side is `compileValueCodec(...).lowerFlat / liftFlat` (the code
 * generated once per type with `new Function`), running against a real
 * WebAssembly.Memory whose `cabi_realloc` is a bump allocator in a tiny core
 * module assembled from WAT with jco's `parse`. So witgen's figures include
 * the realloc call into wasm, the bounds/alignment checks and the value
 * checks the canonical ABI needs; the baselines do only the copy.
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
import { compileValueCodec, loadWitText } from '../dist/index.js';

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

// ---- witgen's codecs ---------------------------------------------------------

const loaded = loadWitText(`package bench:abi;
interface payloads {
  bytes: func(v: list<u8>);
  words: func(v: list<u32>);
}
world bench { export payloads; }
`);
const iface = loaded.resolve.interfaces.find((i) => i.name === 'payloads');
const paramType = (fn) => iface.functions.get(fn).params[0].type;
const codec = (type) => compileValueCodec(loaded.resolve, type, { name: 'bench' }).value;
const stringCodec = codec('string');
const bytesCodec = codec(paramType('bytes'));
const wordsCodec = codec(paramType('words'));

// ---- measuring -----------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Keeps results observable so the JIT cannot drop the work. */
let blackhole = 0;

/** ns/op of one batch of `count` calls of `op`, from a freshly reset heap. */
function batch(op, count) {
  reset();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) blackhole ^= op();
  return Number(process.hrtime.bigint() - start) / count;
}

/** Alternating batches of `ours` and `theirs`; per-round medians and the median of per-pair ratios. */
function compare(ours, theirs, bytesPerOp) {
  const count = Math.max(1, Math.min(2000, Math.floor(BATCH_BYTES / (bytesPerOp * 3 + 64))));
  const until = performance.now() + WARMUP_MS;
  while (performance.now() < until) {
    batch(ours, count);
    batch(theirs, count);
  }
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = [];
    const b = [];
    const ratios = [];
    for (let i = 0; i < BATCHES; i++) {
      const x = batch(ours, count);
      const y = batch(theirs, count);
      a.push(x);
      b.push(y);
      ratios.push(x / y);
    }
    rounds.push({ ours: median(a), theirs: median(b), ratio: median(ratios) });
  }
  const ratios = rounds.map((r) => r.ratio);
  return {
    ours: median(rounds.map((r) => r.ours)),
    theirs: median(rounds.map((r) => r.theirs)),
    ratio: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
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
function add(label, bytes, baseline, ours, theirs) {
  if (only !== null && !only.test(label)) return;
  rows.push({ label, bytes, baseline, ...compare(ours, theirs, bytes) });
}

// Strings.
for (const size of SIZES) {
  for (const [kind, make] of [
    ['ASCII', asciiText],
    ['non-ASCII', mixedText],
  ]) {
    const text = make(size);
    const bytes = encoder.encode(text).length;
    const dest = () => memU8.subarray(SCRATCH, SCRATCH + text.length * 3);
    add(
      `lower string (${kind})`,
      bytes,
      'encodeInto',
      () => stringCodec.lowerFlat(abiInstance, text)[1],
      () => encoder.encodeInto(text, dest()).written,
    );
    memU8.set(encoder.encode(text), SCRATCH);
    const flat = [SCRATCH, bytes];
    add(
      `lift string (${kind})`,
      bytes,
      'TextDecoder.decode',
      () => stringCodec.liftFlat(abiInstance, flat).length,
      () => decoder.decode(memU8.subarray(SCRATCH, SCRATCH + bytes)).length,
    );
  }
}

// Lists.
for (const size of LIST_SIZES) {
  for (const [element, listCodec, View, view] of [
    ['u8', bytesCodec, Uint8Array, memU8],
    ['u32', wordsCodec, Uint32Array, memU32],
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
        () => listCodec.lowerFlat(abiInstance, value)[0],
        () => {
          view.set(value, SCRATCH / View.BYTES_PER_ELEMENT);
          return 0;
        },
      );
    }
    view.set(typed, SCRATCH / View.BYTES_PER_ELEMENT);
    const flat = [SCRATCH, count];
    add(
      `lift list<${element}>`,
      size,
      `${View.name}.slice`,
      () => listCodec.liftFlat(abiInstance, flat).length,
      () => view.slice(SCRATCH / View.BYTES_PER_ELEMENT, SCRATCH / View.BYTES_PER_ELEMENT + count).length,
    );
  }
}

// ---- report ------------------------------------------------------------------

const size = (bytes) => (bytes >= 1024 ? `${(bytes / 1024).toFixed(bytes % 1024 ? 1 : 0)} KiB` : `${bytes} B`);
const gbps = (bytes, ns) => (bytes / ns).toFixed(2);
const header = ['operation', 'payload', 'witgen ns/op', 'GB/s', 'baseline', 'ns/op', 'GB/s', 'ratio', 'spread', 'target'];
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
    ' the canonical ABI checks; baselines only copy. String lifting decodes with fatal UTF-8 (invalid input traps).',
);
if (blackhole === 0.5) console.log('');
