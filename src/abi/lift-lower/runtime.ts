/**
 * Helpers the generated lift/lower code calls: the parts that are the same
 * for every signature (bit reinterpretation, text codecs, traps, memory
 * checks). Generated code receives them as `rt`.
 */
import type { HandleKind } from '../layout.js';
import { AbiTrap, ResultError, errorPayload, type TrapReason } from './trap.js';

/** Canonical ABI string encodings (the `string-encoding` canonical option). */
export type StringEncoding = 'utf8' | 'utf16' | 'latin1+utf16';

/**
 * What the generated code needs from one component instance: its memory,
 * its `cabi_realloc` (needed whenever a lowered value goes to memory), and
 * how handles are turned into host values and back.
 */
export interface AbiInstance {
  /** A WebAssembly.Memory (anything whose `buffer` is the current memory). */
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly realloc?: (originalPtr: number, originalSize: number, align: number, newSize: number) => number;
  readonly handles?: HandleHooks;
}


/**
 * Conversions between table indices (i32) and host values for handles.
 * `target` is the resource type id (own/borrow), the payload type
 * (stream/future; a primitive name or type id), or null.
 * The runtime's resource tables plug in here.
 */
export interface HandleHooks {
  lift(kind: HandleKind, target: number | string | null, index: number): unknown;
  lower(kind: HandleKind, target: number | string | null, value: unknown): number;
}

/** Handles as plain table indices: what a host without resource tables sees. */
export const indexHandles: HandleHooks = {
  lift: (_kind, _target, index) => index >>> 0,
  lower: (kind, _target, value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new TypeError(`expected a ${kind} handle index, found ${describeValue(value)}`);
    }
    return value;
  },
};

/** State of generated code for one instance: current views of its memory (replaced when memory grows). */
export interface CallContext {
  readonly instance: AbiInstance;
  readonly handles: HandleHooks;
  dv: DataView;
  u8: Uint8Array;
  /**
   * Typed-array views of memory by class name, made on first use (see
   * `rt.view`). A plain object with every class as a field from the start:
   * generated code reads `cx.views.Uint32Array` as a fixed-shape property
   * load, which is much cheaper than a Map lookup on every list.
   */
  views: TypedViews;
}

export type TypedViews = { [name in TypedViewName]: TypedView | null };

/** The typed arrays lists of numbers use; all index memory from offset 0. */
export type TypedView =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

const VIEW_CLASSES = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  BigUint64Array,
  BigInt64Array,
  Float32Array,
  Float64Array,
} satisfies Record<string, new (buffer: ArrayBuffer) => TypedView>;

export type TypedViewName = keyof typeof VIEW_CLASSES;

function noViews(): TypedViews {
  return {
    Uint8Array: null,
    Int8Array: null,
    Uint16Array: null,
    Int16Array: null,
    Uint32Array: null,
    Int32Array: null,
    BigUint64Array: null,
    BigInt64Array: null,
    Float32Array: null,
    Float64Array: null,
  };
}

const contexts = new WeakMap<AbiInstance, CallContext>();

/** The instance's context, created once and refreshed at the start of every call. */
export function callContext(instance: AbiInstance): CallContext {
  let cx = contexts.get(instance);
  if (cx === undefined) {
    const buffer = instance.memory.buffer;
    cx = {
      instance,
      handles: instance.handles ?? indexHandles,
      dv: new DataView(buffer),
      u8: new Uint8Array(buffer),
      views: noViews(),
    };
    contexts.set(instance, cx);
  } else {
    rt.refresh(cx);
  }
  return cx;
}

const scratch = new ArrayBuffer(8);
const scratchF32 = new Float32Array(scratch, 0, 1);
const scratchI32 = new Int32Array(scratch, 0, 1);
const scratchF64 = new Float64Array(scratch);
const scratchI64 = new BigInt64Array(scratch);

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf16Decoder = new TextDecoder('utf-16le', { fatal: true });
const utf8Encoder = new TextEncoder();

/** With the `u` flag a valid pair is one code point, so this matches only lone surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;

/** `String.prototype.isWellFormed` (ES2024; Node >= 20) where present, else the regex. */
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
function isWellFormed(value: string): boolean {
  return nativeWellFormed !== undefined ? nativeWellFormed.call(value) : !LONE_SURROGATE.test(value);
}

/** Node's Buffer, whose `indexOf` of a byte is a memchr (much faster than TypedArray indexOf); absent in browsers. */
const NodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBuffer, offset: number, length: number): Uint8Array } })
  .Buffer;

/**
 * Whether UTF-8 that `TextEncoder` wrote from `value` into [ptr, ptr + length)
 * came from a string without lone surrogates. The encoder replaces each lone
 * surrogate by U+FFFD (EF BF BD), so output without an 0xEF byte proves the
 * string well formed; only when one appears is the string itself examined.
 */
function encodedWellFormed(cx: CallContext, ptr: number, length: number, value: string): boolean {
  const at =
    NodeBuffer !== undefined
      ? NodeBuffer.from(cx.u8.buffer as ArrayBuffer, ptr, length).indexOf(0xef)
      : cx.u8.subarray(ptr, ptr + length).indexOf(0xef);
  return at < 0 || isWellFormed(value);
}

export const MAX_STRING_BYTE_LENGTH = 0x7fffffff;
export const UTF16_TAG = 0x80000000;

/**
 * A short description of a JS value for error messages: numbers and
 * bigints as written in JS (`1.5`, `5n`), strings quoted, objects by kind.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    const length = (value as { length?: unknown }).length;
    return `${article(value.constructor.name)}${typeof length === 'number' ? ` of length ${length}` : ''}`;
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return String(value);
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== 'Object' && name !== '' ? article(name) : 'an object';
}

/** `an Int32Array`, `a Map`. */
function article(name: string): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

export const rt = {
  ResultError,
  errorPayload,

  trap(func: string, reason: TrapReason, detail: string): never {
    throw new AbiTrap(func, reason, detail);
  },

  invalid(func: string, expected: string, value: unknown): never {
    throw new AbiTrap(func, 'invalid-value', `expected ${expected}, found ${describeValue(value)}`);
  },

  /**
   * Renews the memory views when memory has grown. Growing detaches the old
   * buffer (its views' length drops to 0), much cheaper to test than the
   * `memory.buffer` getter on every call.
   */
  refresh(cx: CallContext): void {
    if (cx.u8.length === 0) rt.reload(cx);
  },

  /** Takes fresh views of the instance's memory. */
  reload(cx: CallContext): void {
    const buffer = cx.instance.memory.buffer;
    if (cx.dv.buffer !== buffer) {
      cx.dv = new DataView(buffer);
      cx.u8 = new Uint8Array(buffer);
      cx.views = noViews();
    }
  },

  /** A cached view of memory as typed array class `name` (valid until memory grows). */
  view(cx: CallContext, name: TypedViewName): TypedView {
    let view = cx.views[name];
    if (view === null) {
      const make = VIEW_CLASSES[name];
      if (make === undefined) throw new TypeError(`no typed array class ${name}`);
      view = new make(cx.u8.buffer as ArrayBuffer);
      cx.views[name] = view;
    }
    return view;
  },

  /** Traps unless [ptr, ptr + size) is inside memory and ptr is aligned (`align` is a power of two). */
  check(func: string, cx: CallContext, ptr: number, align: number, size: number): void {
    // A mask, not `%`: an integer division costs more than a small copy's bookkeeping.
    if ((ptr & (align - 1)) !== 0) rt.trap(func, 'misaligned-pointer', `pointer ${ptr} is not ${align}-byte aligned`);
    // `length` of a Uint8Array is the cheapest way to read the memory size.
    if (ptr + size > cx.u8.length) {
      // A shared memory grows without detaching: look again before trapping.
      rt.reload(cx);
      if (ptr + size > cx.u8.length) {
        rt.trap(func, 'out-of-bounds', `${size} bytes at ${ptr} exceed memory of ${cx.u8.length} bytes`);
      }
    }
  },

  /** Calls the instance's realloc for a fresh block and checks what it returns. */
  alloc(func: string, cx: CallContext, size: number, align: number): number {
    return rt.realloc(func, cx, 0, 0, align, size);
  },

  /** Calls the instance's realloc (which keeps the old contents) and checks what it returns. */
  realloc(func: string, cx: CallContext, ptr: number, oldSize: number, align: number, size: number): number {
    const realloc = cx.instance.realloc;
    if (realloc === undefined) {
      throw new TypeError(`\`${func}\` needs the instance's realloc to pass this value through memory`);
    }
    const out = realloc(ptr, oldSize, align, size) >>> 0;
    rt.refresh(cx);
    rt.check(func, cx, out, align, size);
    return out;
  },

  f32ToI32(value: number): number {
    scratchF32[0] = value;
    return scratchI32[0] as number;
  },

  i32ToF32(value: number): number {
    scratchI32[0] = value;
    return scratchF32[0] as number;
  },

  f64ToI64(value: number): bigint {
    scratchF64[0] = value;
    return scratchI64[0] as bigint;
  },

  i64ToF64(value: bigint): number {
    scratchI64[0] = BigInt.asIntN(64, value);
    return scratchF64[0] as number;
  },

  liftChar(func: string, code: number): string {
    const c = code >>> 0;
    if (c >= 0x110000 || (c >= 0xd800 && c <= 0xdfff)) {
      rt.trap(func, 'invalid-char', `0x${c.toString(16)} is not a Unicode scalar value`);
    }
    return String.fromCodePoint(c);
  },

  lowerChar(func: string, value: unknown): number {
    if (typeof value === 'string' && value.length > 0 && value.length <= 2) {
      const code = value.codePointAt(0) as number;
      if (String.fromCodePoint(code) === value && (code < 0xd800 || code > 0xdfff)) return code;
    }
    return rt.invalid(func, 'a string of one Unicode scalar value', value);
  },

  liftString(func: string, cx: CallContext, encoding: StringEncoding, ptr: number, units: number): string {
    ptr >>>= 0;
    units >>>= 0;
    if (encoding === 'utf8') {
      rt.check(func, cx, ptr, 1, units);
      try {
        return utf8Decoder.decode(cx.u8.subarray(ptr, ptr + units));
      } catch {
        return rt.trap(func, 'invalid-utf8', `the ${units} bytes at ${ptr} are not valid UTF-8`);
      }
    }
    if (encoding === 'latin1+utf16' && (units & UTF16_TAG) === 0) {
      rt.check(func, cx, ptr, 2, units);
      return decodeLatin1(cx.u8.subarray(ptr, ptr + units));
    }
    const count = encoding === 'utf16' ? units : units & ~UTF16_TAG;
    rt.check(func, cx, ptr, 2, count * 2);
    try {
      return utf16Decoder.decode(cx.u8.subarray(ptr, ptr + count * 2));
    } catch {
      return rt.trap(func, 'invalid-utf16', `the ${count} code units at ${ptr} are not valid UTF-16`);
    }
  },

  /** Stores a string through realloc; returns [ptr, length in the encoding's units (tagged for UTF-16 in latin1+utf16)]. */
  lowerString(func: string, cx: CallContext, encoding: StringEncoding, value: unknown, exact = false): [number, number] {
    if (typeof value !== 'string') return rt.invalid(func, 'a string', value);
    // UTF-8 checks for lone surrogates on its output, where it is much cheaper (see lowerUtf8).
    if (encoding === 'utf8') return exact ? lowerUtf8Exact(func, cx, value) : lowerUtf8(func, cx, value);
    if (!isWellFormed(value)) return rt.invalid(func, 'a string without lone surrogates', value);
    const length = value.length;
    if (length * 2 > MAX_STRING_BYTE_LENGTH) rt.trap(func, 'string-too-long', `${length} code units`);
    if (encoding === 'latin1+utf16' && isLatin1(value)) {
      const ptr = rt.alloc(func, cx, length, 2);
      const bytes = cx.u8;
      for (let i = 0; i < length; i++) bytes[ptr + i] = value.charCodeAt(i);
      return [ptr, length];
    }
    const ptr = rt.alloc(func, cx, length * 2, 2);
    const dv = cx.dv;
    for (let i = 0; i < length; i++) dv.setUint16(ptr + 2 * i, value.charCodeAt(i), true);
    return [ptr, encoding === 'utf16' ? length : (length | UTF16_TAG) >>> 0];
  },
};

export type Runtime = typeof rt;

/**
 * UTF-8 straight into guest memory (spec `store_string_to_utf8`): optimistically
 * one byte per code unit; on the first non-ASCII character, grow to the worst
 * case for the rest, then shrink to what was written.
 */
function lowerUtf8(func: string, cx: CallContext, value: string): [number, number] {
  const units = value.length;
  let capacity = units;
  let ptr = rt.alloc(func, cx, capacity, 1);
  let { read, written } = utf8Encoder.encodeInto(value, cx.u8.subarray(ptr, ptr + capacity));
  if (read < units) {
    // Each remaining code unit needs at least 1 and at most 3 bytes.
    if (written + (units - read) > MAX_STRING_BYTE_LENGTH) {
      rt.trap(func, 'string-too-long', `${units} UTF-16 code units`);
    }
    const worst = Math.min(written + (units - read) * 3, MAX_STRING_BYTE_LENGTH);
    ptr = rt.realloc(func, cx, ptr, capacity, 1, worst);
    capacity = worst;
    const rest = utf8Encoder.encodeInto(value.slice(read), cx.u8.subarray(ptr + written, ptr + capacity));
    read += rest.read;
    written += rest.written;
    if (written < capacity) ptr = rt.realloc(func, cx, ptr, capacity, 1, written);
  }
  if (written > MAX_STRING_BYTE_LENGTH) rt.trap(func, 'string-too-long', `${written} bytes`);
  // All ASCII when every code unit took one byte; a lone surrogate takes three.
  if (written !== units && !encodedWellFormed(cx, ptr, written, value)) {
    rt.invalid(func, 'a string without lone surrogates', value);
  }
  return [ptr, written];
}

/** Host-side buffer for `lowerUtf8Exact`, grown to the largest string seen. */
let utf8Scratch = new Uint8Array(256);

/**
 * UTF-8 into guest memory with a single realloc of the exact size: encode into
 * a host buffer first, then allocate and copy (one extra copy of the bytes).
 */
function lowerUtf8Exact(func: string, cx: CallContext, value: string): [number, number] {
  const worst = value.length * 3;
  if (value.length > MAX_STRING_BYTE_LENGTH) rt.trap(func, 'string-too-long', `${value.length} UTF-16 code units`);
  if (utf8Scratch.length < worst) utf8Scratch = new Uint8Array(Math.max(worst, utf8Scratch.length * 2));
  const { written } = utf8Encoder.encodeInto(value, utf8Scratch);
  if (written > MAX_STRING_BYTE_LENGTH) rt.trap(func, 'string-too-long', `${written} bytes`);
  const ptr = rt.alloc(func, cx, written, 1);
  cx.u8.set(utf8Scratch.subarray(0, written), ptr);
  if (written !== value.length && !encodedWellFormed(cx, ptr, written, value)) {
    rt.invalid(func, 'a string without lone surrogates', value);
  }
  return [ptr, written];
}

function isLatin1(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return false;
  return true;
}

function decodeLatin1(bytes: Uint8Array): string {
  // WHATWG's "latin1" label is windows-1252, so decode by hand (chunked for long inputs).
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x2000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  }
  return out;
}
