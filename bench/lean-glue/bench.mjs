/**
 * Hand-written canonical-ABI glue for world `bench` (guests/c/bench/bench.wit),
 * written against the guest's core module (bench.core.wasm): the baseline
 * bench/host.mjs holds witgen's runtime to. It is what a careful person would
 * write for these five functions and nothing else — no generality, no
 * per-call bookkeeping — while still doing everything the canonical ABI and
 * a safe host need:
 *
 *   - arguments checked (u32/s32 range, string type, record fields), never
 *     silently coerced;
 *   - strings lowered with TextEncoder.encodeInto straight into memory the
 *     guest allocated through `cabi_realloc`; lifted with a fatal TextDecoder
 *     after a bounds check (invalid UTF-8 and out-of-bounds are errors);
 *   - lists of u32 lowered with one Uint32Array.set (typed array input) or a
 *     checked loop (plain array input);
 *   - records read from the guest's return area through an Int32Array;
 *   - `cabi_post_echo` called after the result is lifted;
 *   - views of memory re-derived after `memory.grow` detaches the buffer.
 *
 * `instantiateLean(module, { hostInc })` → `{ add, echo, sum, pointAdd, callHost }`.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A plain array of u32 into memory, each element checked: its own function,
 * so its element loads only ever see arrays (`sum` also takes typed arrays).
 */
function storeU32Array(xs, view, base) {
  if (!Array.isArray(xs)) throw new TypeError('sum xs: expected a Uint32Array or an array of u32');
  const len = xs.length;
  for (let i = 0; i < len; i++) {
    const x = xs[i];
    if (x !== x >>> 0) throw new TypeError(`sum xs[${i}]: expected a u32, found ${String(x)}`);
    view[base + i] = x;
  }
}

/** A synchronous instance of the bench core module with hand-written glue around its exports. */
export function instantiateLean(module, host) {
  const hostInc = host.hostInc;
  if (typeof hostInc !== 'function') throw new TypeError('import hostInc: expected a function');
  const instance = new WebAssembly.Instance(module, {
    $root: {
      'host-inc': (x) => {
        const result = hostInc(x >>> 0);
        if (result !== result >>> 0) throw new TypeError(`hostInc: expected a u32 result, found ${String(result)}`);
        return result | 0;
      },
    },
  });
  const core = instance.exports;
  const memory = core.memory;
  const realloc = core.cabi_realloc;
  const coreAdd = core.add;
  const coreEcho = core.echo;
  const postEcho = core.cabi_post_echo;
  const coreSum = core.sum;
  const corePointAdd = core['point-add'];
  const coreCallHost = core['call-host'];
  core._initialize();

  // Views of memory; a grow detaches the old buffer (length 0), so each use checks first.
  let u8 = new Uint8Array(memory.buffer);
  let u32 = new Uint32Array(memory.buffer);
  let i32 = new Int32Array(memory.buffer);
  function refresh() {
    u8 = new Uint8Array(memory.buffer);
    u32 = new Uint32Array(memory.buffer);
    i32 = new Int32Array(memory.buffer);
  }

  function checkU32(name, value) {
    if (value !== value >>> 0) throw new TypeError(`${name}: expected a u32, found ${String(value)}`);
  }
  function checkS32(name, value) {
    if (value !== (value | 0)) throw new TypeError(`${name}: expected an s32, found ${String(value)}`);
  }

  function lowerPoint(name, p) {
    if (typeof p !== 'object' || p === null) throw new TypeError(`${name}: expected a point record`);
    const x = p.x;
    const y = p.y;
    checkS32(`${name}.x`, x);
    checkS32(`${name}.y`, y);
  }

  return {
    add(a, b) {
      checkU32('add a', a);
      checkU32('add b', b);
      return coreAdd(a, b) >>> 0;
    },

    echo(s) {
      if (typeof s !== 'string') throw new TypeError(`echo s: expected a string, found ${typeof s}`);
      // UTF-8 needs at most 3 bytes per UTF-16 code unit.
      const capacity = s.length * 3;
      const ptr = realloc(0, 0, 1, capacity);
      if (u8.length === 0) refresh();
      if (ptr + capacity > u8.length) throw new RangeError('echo: cabi_realloc returned memory out of bounds');
      const { written } = encoder.encodeInto(s, u8.subarray(ptr, ptr + capacity));
      const area = coreEcho(ptr, written);
      if (u8.length === 0) refresh();
      if ((area & 3) !== 0 || area + 8 > u8.length) throw new RangeError('echo: result area out of bounds');
      const resultPtr = u32[area >>> 2];
      const resultLen = u32[(area >>> 2) + 1];
      if (resultPtr + resultLen > u8.length) {
        throw new RangeError(`echo: string at ${resultPtr} of ${resultLen} bytes runs past memory (${u8.length} bytes)`);
      }
      const result = decoder.decode(u8.subarray(resultPtr, resultPtr + resultLen));
      postEcho(area);
      return result;
    },

    sum(xs) {
      const len = xs.length;
      const ptr = realloc(0, 0, 4, len * 4);
      if (u32.length === 0) refresh();
      if ((ptr & 3) !== 0 || ptr + len * 4 > u8.length) throw new RangeError('sum: cabi_realloc returned a bad pointer');
      if (xs instanceof Uint32Array) u32.set(xs, ptr >>> 2);
      else storeU32Array(xs, u32, ptr >>> 2);
      return coreSum(ptr, len) >>> 0;
    },

    pointAdd(a, b) {
      lowerPoint('pointAdd a', a);
      lowerPoint('pointAdd b', b);
      const area = corePointAdd(a.x, a.y, b.x, b.y);
      if (i32.length === 0) refresh();
      if ((area & 3) !== 0 || area + 8 > u8.length) throw new RangeError('pointAdd: result area out of bounds');
      const at = area >>> 2;
      return { x: i32[at], y: i32[at + 1] };
    },

    callHost(n) {
      checkU32('callHost n', n);
      return coreCallHost(n) >>> 0;
    },
  };
}
