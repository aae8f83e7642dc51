/**
 * The host side of preview1's data plumbing: reading and writing guest
 * structures (iovecs, filestat, dirent) and moving bytes between guest
 * buffers and stdio / host files; plus the clocks behind clock_time_get
 * and poll_oneoff.
 */
import {
  fstatSync,
  fsyncSync,
  readSync,
  writeSync,
  type BigIntStats,
  type Dirent,
} from 'node:fs';
import type { GuestMemory } from '../core/memory.js';
import { ClockId, Errno, FileType, FstFlags } from './preview1-errno.js';
import { ErrnoError, type FdEntry, type FileEntry } from './preview1-fds.js';

const encoder = new TextEncoder();

export function fileType(stats: BigIntStats | Dirent): number {
  if (stats.isFile()) return FileType.REGULAR_FILE;
  if (stats.isDirectory()) return FileType.DIRECTORY;
  if (stats.isSymbolicLink()) return FileType.SYMBOLIC_LINK;
  if (stats.isCharacterDevice()) return FileType.CHARACTER_DEVICE;
  return FileType.UNKNOWN;
}

/** filestat: dev, ino, filetype (u8 at 16), nlink, size, atim, mtim, ctim: 64 bytes. */
export function writeFilestat(m: GuestMemory, at: number, stats: BigIntStats | undefined, type: number): void {
  m.writeBytes(at, new Uint8Array(64));
  m.writeU8(at + 16, type);
  if (stats === undefined) return;
  m.writeU64(at, stats.dev);
  m.writeU64(at + 8, stats.ino);
  m.writeU64(at + 24, stats.nlink);
  m.writeU64(at + 32, stats.size);
  m.writeU64(at + 40, stats.atimeNs);
  m.writeU64(at + 48, stats.mtimeNs);
  m.writeU64(at + 56, stats.ctimeNs);
}

/** The (buffer, length) pairs of an iovec array. */
function iovecs(m: GuestMemory, at: number, count: number): { readonly buf: number; readonly len: number }[] {
  const list = [];
  for (let i = 0; i < count; i++) list.push({ buf: m.readU32(at + 8 * i), len: m.readU32(at + 8 * i + 4) });
  return list;
}

export function gather(m: GuestMemory, at: number, count: number): Uint8Array {
  const parts = iovecs(m, at, count).map(({ buf, len }) => m.readBytes(buf, len));
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

/** Fills the iovecs from `read(length)` until a short read; returns the bytes read. */
export function scatter(m: GuestMemory, at: number, count: number, read: (length: number) => Uint8Array): number {
  let total = 0;
  for (const { buf, len } of iovecs(m, at, count)) {
    if (len === 0) continue;
    const bytes = read(len);
    m.writeBytes(buf, bytes);
    total += bytes.length;
    if (bytes.length < len) break;
  }
  return total;
}

function readFile(entry: FileEntry, length: number, position: bigint): Uint8Array {
  const buffer = new Uint8Array(length);
  const n = readSync(entry.hostFd, buffer, 0, length, position);
  return buffer.subarray(0, n);
}

function writeFile(entry: FileEntry, bytes: Uint8Array, position: bigint): number {
  return writeSync(entry.hostFd, bytes, 0, bytes.length, Number(position));
}

/** The current time of clock `id` in nanoseconds; undefined for an unknown clock. */
export function clockNow(id: number): bigint | undefined {
  switch (id) {
    case ClockId.REALTIME:
      return BigInt(Date.now()) * 1_000_000n;
    case ClockId.MONOTONIC:
      return process.hrtime.bigint();
    case ClockId.PROCESS_CPUTIME:
    case ClockId.THREAD_CPUTIME: {
      const usage = process.cpuUsage();
      return BigInt(usage.user + usage.system) * 1000n;
    }
    default:
      return undefined;
  }
}

/** Blocks the thread for `ns` nanoseconds (a guest's sleep is synchronous). */
export function sleep(ns: bigint): void {
  const ms = Number(ns / 1_000_000n);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function syncEntry(entry: FdEntry): void {
  if (entry.kind === 'file') fsyncSync(entry.hostFd);
}

/** Writes to an output or a file (at `position`, or at the file's own position / end when undefined). */
export function writeTo(entry: FdEntry, bytes: Uint8Array, position: bigint | undefined): number {
  switch (entry.kind) {
    case 'output': {
      const { target } = entry;
      if (typeof target === 'function') target(bytes);
      else if (target === 'inherit') (entry.hostFd === 1 ? process.stdout : process.stderr).write(bytes);
      return bytes.length;
    }
    case 'file': {
      if (!entry.writable) throw new ErrnoError(Errno.BADF);
      if (position !== undefined) return writeFile(entry, bytes, position);
      if (entry.append) entry.position = fstatSync(entry.hostFd, { bigint: true }).size;
      const n = writeFile(entry, bytes, entry.position);
      entry.position += BigInt(n);
      return n;
    }
    case 'dir':
      throw new ErrnoError(Errno.ISDIR);
    case 'stdin':
      throw new ErrnoError(Errno.BADF);
  }
}

/** Reads up to `length` bytes from stdin or a file (at `position`, or the file's own position when undefined). */
export function readFrom(entry: FdEntry, length: number, position: bigint | undefined): Uint8Array {
  switch (entry.kind) {
    case 'stdin': {
      if (entry.source === 'inherit') {
        const buffer = new Uint8Array(length);
        return buffer.subarray(0, readSync(0, buffer, 0, length, null));
      }
      const chunk = entry.source.subarray(entry.offset, entry.offset + length);
      entry.offset += chunk.length;
      return chunk;
    }
    case 'file': {
      if (!entry.readable) throw new ErrnoError(Errno.BADF);
      if (position !== undefined) return readFile(entry, length, position);
      const bytes = readFile(entry, length, entry.position);
      entry.position += BigInt(bytes.length);
      return bytes;
    }
    case 'dir':
      throw new ErrnoError(Errno.ISDIR);
    case 'output':
      throw new ErrnoError(Errno.BADF);
  }
}

/**
 * The dirents from `cookie` on, each 24 bytes (d_next u64, d_ino u64,
 * d_namlen u32, d_type u8) followed by its name, cut at `capacity` (a full
 * buffer tells wasi-libc to ask again with a larger one).
 */
export function direntBytes(entries: readonly Dirent[], cookie: bigint, capacity: number): Uint8Array {
  const names = ['.', '..', ...entries.map((e) => e.name).sort()];
  const types = new Map(entries.map((e) => [e.name, fileType(e)]));
  const out = new Uint8Array(capacity);
  let used = 0;
  for (let i = Number(cookie); i < names.length && used < capacity; i++) {
    const name = encoder.encode(names[i] as string);
    const record = new Uint8Array(24 + name.length);
    const header = new DataView(record.buffer);
    header.setBigUint64(0, BigInt(i + 1), true);
    header.setUint32(16, name.length, true);
    header.setUint8(20, types.get(names[i] as string) ?? FileType.DIRECTORY);
    record.set(name, 24);
    const take = Math.min(record.length, capacity - used);
    out.set(record.subarray(0, take), used);
    used += take;
  }
  return out.subarray(0, used);
}

/**
 * The access and modification times (seconds, as Node's utimes takes them)
 * that set_times asks for: each is kept, set to the given nanoseconds or to
 * now, after `fstflags`. Setting a time both to a value and to now is EINVAL.
 */
export function newTimes(current: BigIntStats, atim: bigint, mtim: bigint, flags: number): [number, number] {
  const pick = (value: bigint, set: number, now: number, kept: bigint): number => {
    if ((flags & set) !== 0 && (flags & now) !== 0) throw new ErrnoError(Errno.INVAL);
    if ((flags & now) !== 0) return Date.now() / 1000;
    return Number((flags & set) !== 0 ? BigInt.asUintN(64, value) : kept) / 1e9;
  };
  return [pick(atim, FstFlags.ATIM, FstFlags.ATIM_NOW, current.atimeNs), pick(mtim, FstFlags.MTIM, FstFlags.MTIM_NOW, current.mtimeNs)];
}
