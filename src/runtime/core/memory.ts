/**
 * GuestMemory: typed, bounds-checked host access to a guest's linear memory.
 *
 * `memory.grow` detaches the old ArrayBuffer, so any DataView/Uint8Array the
 * host kept silently reads zero-length garbage (or throws a TypeError with no
 * context). Every access here first compares `memory.buffer` with the buffer
 * its views were made from and re-derives them when it changed: one identity
 * check per access, no view ever outlives its buffer.
 *
 * Addresses are wasm32 pointers: integers in 0..2^32-1. Anything else, and
 * any range running past the current end of memory, is a MemoryAccessError
 * with a stable code; a read never returns bytes from outside memory.
 * Multi-byte values are little-endian, as in wasm.
 */
import { MemoryAccessError, hexAddress } from './memory-errors.js';
import { decodeUtf8, firstInvalidUtf8 } from './utf8.js';

const MAX_ADDRESS = 0xffff_ffff;

/**
 * A WebAssembly.Memory, typed structurally (the project's lib settings carry
 * no DOM/wasm declarations): anything whose `buffer` is the current memory.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
const encoder = new TextEncoder();

export class GuestMemory {
  readonly memory: WasmMemory;
  private buffer: ArrayBuffer | SharedArrayBuffer;
  private dataView: DataView;
  private byteView: Uint8Array;

  constructor(memory: WasmMemory) {
    this.memory = memory;
    this.buffer = memory.buffer;
    this.dataView = new DataView(this.buffer);
    this.byteView = new Uint8Array(this.buffer);
  }

  /** Current size of memory in bytes (changes after `memory.grow`). */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Views over the current buffer; rebuilt only when the buffer changed (after a grow). */
  private fresh(): void {
    const current = this.memory.buffer;
    if (current !== this.buffer) {
      this.buffer = current;
      this.dataView = new DataView(current);
      this.byteView = new Uint8Array(current);
    }
  }

  /**
   * Checks that `[address, address + length)` lies inside memory and returns
   * the address; refreshes the views first so the check uses the live size.
   */
  check(address: unknown, length: number, what = 'memory access'): number {
    const at = checkAddress(address, what);
    this.fresh();
    const size = this.buffer.byteLength;
    if (at + length > size) {
      const end = at + length;
      throw new MemoryAccessError(
        'MEMORY_OUT_OF_BOUNDS',
        `${what} out of bounds: bytes ${hexAddress(at)}..${hexAddress(end)} (${length} at address ${at}) ` +
          `exceed the memory size of ${size} bytes`,
      );
    }
    return at;
  }

  // ---- integers (numbers) ----
  // Every accessor calls check() before touching a view: check() is what
  // swaps in fresh views after a grow, so `this.dataView` must be read after it.

  readU8(address: number): number {
    const at = this.check(address, 1, 'u8 read');
    return this.dataView.getUint8(at);
  }
  readI8(address: number): number {
    const at = this.check(address, 1, 'i8 read');
    return this.dataView.getInt8(at);
  }
  readU16(address: number): number {
    const at = this.check(address, 2, 'u16 read');
    return this.dataView.getUint16(at, true);
  }
  readI16(address: number): number {
    const at = this.check(address, 2, 'i16 read');
    return this.dataView.getInt16(at, true);
  }
  readU32(address: number): number {
    const at = this.check(address, 4, 'u32 read');
    return this.dataView.getUint32(at, true);
  }
  readI32(address: number): number {
    const at = this.check(address, 4, 'i32 read');
    return this.dataView.getInt32(at, true);
  }
  /** A wasm32 pointer stored in memory (a u32). */
  readPointer(address: number): number {
    const at = this.check(address, 4, 'pointer read');
    return this.dataView.getUint32(at, true);
  }

  writeU8(address: number, value: number): void {
    const at = this.check(address, 1, 'u8 write');
    this.dataView.setUint8(at, checkInt(value, 0, 0xff, 'u8'));
  }
  writeI8(address: number, value: number): void {
    const at = this.check(address, 1, 'i8 write');
    this.dataView.setInt8(at, checkInt(value, -0x80, 0x7f, 'i8'));
  }
  writeU16(address: number, value: number): void {
    const at = this.check(address, 2, 'u16 write');
    this.dataView.setUint16(at, checkInt(value, 0, 0xffff, 'u16'), true);
  }
  writeI16(address: number, value: number): void {
    const at = this.check(address, 2, 'i16 write');
    this.dataView.setInt16(at, checkInt(value, -0x8000, 0x7fff, 'i16'), true);
  }
  writeU32(address: number, value: number): void {
    const at = this.check(address, 4, 'u32 write');
    this.dataView.setUint32(at, checkInt(value, 0, MAX_ADDRESS, 'u32'), true);
  }
  writeI32(address: number, value: number): void {
    const at = this.check(address, 4, 'i32 write');
    this.dataView.setInt32(at, checkInt(value, -0x8000_0000, 0x7fff_ffff, 'i32'), true);
  }
  writePointer(address: number, value: number): void {
    const at = this.check(address, 4, 'pointer write');
    this.dataView.setUint32(at, checkInt(value, 0, MAX_ADDRESS, 'pointer'), true);
  }

  // ---- 64-bit integers (bigint) ----

  readU64(address: number): bigint {
    const at = this.check(address, 8, 'u64 read');
    return this.dataView.getBigUint64(at, true);
  }
  readI64(address: number): bigint {
    const at = this.check(address, 8, 'i64 read');
    return this.dataView.getBigInt64(at, true);
  }
  writeU64(address: number, value: bigint): void {
    const at = this.check(address, 8, 'u64 write');
    this.dataView.setBigUint64(at, checkBigInt(value, 0n, 0xffff_ffff_ffff_ffffn, 'u64'), true);
  }
  writeI64(address: number, value: bigint): void {
    const at = this.check(address, 8, 'i64 write');
    this.dataView.setBigInt64(at, checkBigInt(value, -(1n << 63n), (1n << 63n) - 1n, 'i64'), true);
  }

  // ---- floats ----

  readF32(address: number): number {
    const at = this.check(address, 4, 'f32 read');
    return this.dataView.getFloat32(at, true);
  }
  readF64(address: number): number {
    const at = this.check(address, 8, 'f64 read');
    return this.dataView.getFloat64(at, true);
  }
  writeF32(address: number, value: number): void {
    const at = this.check(address, 4, 'f32 write');
    this.dataView.setFloat32(at, checkNumber(value, 'f32'), true);
  }
  writeF64(address: number, value: number): void {
    const at = this.check(address, 8, 'f64 write');
    this.dataView.setFloat64(at, checkNumber(value, 'f64'), true);
  }

  // ---- bytes ----

  /** A copy of `length` bytes at `address` (stays valid after the guest changes or grows memory). */
  readBytes(address: number, length: number): Uint8Array {
    const len = checkLength(length);
    const at = this.check(address, len, 'bytes read');
    return this.byteView.slice(at, at + len);
  }

  writeBytes(address: number, bytes: Uint8Array): void {
    const at = this.check(address, bytes.length, 'bytes write');
    this.byteView.set(bytes, at);
  }

  // ---- strings ----

  /** The UTF-8 string of `length` bytes at `address` (a ptr/len pair); ill-formed UTF-8 is an error. */
  readString(address: number, length: number): string {
    const len = checkLength(length);
    const at = this.check(address, len, 'string read');
    return decodeChecked(this.byteView.subarray(at, at + len), at);
  }

  /** Writes `text` as UTF-8 at `address` (no terminator); returns the byte length written. */
  writeString(address: number, text: string, capacity?: number): number {
    const bytes = encodeText(text);
    checkCapacity(bytes.length, capacity, 'string');
    this.writeBytes(address, bytes);
    return bytes.length;
  }

  /**
   * The NUL-terminated UTF-8 string at `address`, searched for a NUL within
   * `maxLength` bytes (default: up to the end of memory).
   */
  readCString(address: number, maxLength?: number): string {
    const at = this.check(address, 1, 'C string read');
    const size = this.buffer.byteLength;
    const limit = maxLength === undefined ? size - at : Math.min(checkLength(maxLength), size - at);
    const nul = this.byteView.subarray(at, at + limit).indexOf(0);
    if (nul < 0) {
      const where =
        maxLength !== undefined && maxLength <= size - at
          ? `within its limit of ${maxLength} bytes`
          : `before the end of memory (size ${size} bytes)`;
      throw new MemoryAccessError(
        'MEMORY_UNTERMINATED',
        `C string at address ${at} (${hexAddress(at)}) has no NUL terminator ${where}`,
      );
    }
    return decodeChecked(this.byteView.subarray(at, at + nul), at);
  }

  /**
   * Writes `text` as UTF-8 plus a NUL terminator; `capacity` (e.g. a `char[16]`
   * field) bounds the total including the NUL. Returns bytes written including the NUL.
   */
  writeCString(address: number, text: string, capacity?: number): number {
    const bytes = encodeText(text);
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      throw new MemoryAccessError(
        'MEMORY_INVALID_VALUE',
        `cannot write a C string containing a NUL character (at UTF-8 byte ${nul})`,
      );
    }
    checkCapacity(bytes.length + 1, capacity, 'C string (with its NUL terminator)');
    const at = this.check(address, bytes.length + 1, 'C string write');
    this.byteView.set(bytes, at);
    this.byteView[at + bytes.length] = 0;
    return bytes.length + 1;
  }
}

// ---- argument checks (shared with the struct codecs) ----

/** A wasm32 address: an integer number in 0..2^32-1. */
export function checkAddress(address: unknown, what = 'memory access'): number {
  if (typeof address !== 'number' || !Number.isInteger(address) || address < 0 || address > MAX_ADDRESS) {
    throw new MemoryAccessError(
      'MEMORY_INVALID_ADDRESS',
      `${what}: invalid address ${describe(address)}; a wasm32 pointer is an integer from 0 to 4294967295`,
    );
  }
  return address;
}

function checkLength(length: unknown): number {
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > MAX_ADDRESS) {
    throw new MemoryAccessError(
      'MEMORY_INVALID_VALUE',
      `invalid length ${describe(length)}; expected an integer from 0 to 4294967295`,
    );
  }
  return length;
}

export function checkInt(value: unknown, min: number, max: number, type: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MemoryAccessError(
      'MEMORY_INVALID_VALUE',
      `cannot store ${describe(value)} as ${type}: expected an integer from ${min} to ${max}`,
    );
  }
  return value;
}

export function checkBigInt(value: unknown, min: bigint, max: bigint, type: string): bigint {
  if (typeof value !== 'bigint' || value < min || value > max) {
    throw new MemoryAccessError(
      'MEMORY_INVALID_VALUE',
      `cannot store ${describe(value)} as ${type}: expected a bigint from ${min} to ${max}`,
    );
  }
  return value;
}

function checkNumber(value: unknown, type: string): number {
  if (typeof value !== 'number') {
    throw new MemoryAccessError('MEMORY_INVALID_VALUE', `cannot store ${describe(value)} as ${type}: expected a number`);
  }
  return value;
}

function checkCapacity(needed: number, capacity: number | undefined, what: string): void {
  if (capacity !== undefined && needed > capacity) {
    throw new MemoryAccessError(
      'MEMORY_CAPACITY_EXCEEDED',
      `${what} needs ${needed} bytes but only ${capacity} are available`,
    );
  }
}

function encodeText(text: unknown): Uint8Array {
  if (typeof text !== 'string') {
    throw new MemoryAccessError('MEMORY_INVALID_VALUE', `expected a string, found ${describe(text)}`);
  }
  // TextEncoder would silently turn a lone surrogate into U+FFFD; the guest should not get altered text.
  const lone = LONE_SURROGATE.exec(text);
  if (lone !== null) {
    throw new MemoryAccessError(
      'MEMORY_INVALID_VALUE',
      `cannot encode the string as UTF-8: lone surrogate U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} at index ${lone.index}`,
    );
  }
  return encoder.encode(text);
}

const LONE_SURROGATE = /\p{Cs}/u;

function decodeChecked(bytes: Uint8Array, address: number): string {
  const text = decodeUtf8(bytes);
  if (text !== null) return text;
  const offset = firstInvalidUtf8(bytes);
  const bad = bytes[offset] ?? 0;
  throw new MemoryAccessError(
    'MEMORY_INVALID_UTF8',
    `invalid UTF-8 in the ${bytes.length}-byte string at address ${address}: ` +
      `byte offset ${offset} (address ${address + offset}, value 0x${bad.toString(16).padStart(2, '0')}) ` +
      `does not start a well-formed sequence`,
  );
}

export function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}
