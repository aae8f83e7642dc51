/**
 * wasi_snapshot_preview1 for core modules (what wasi-libc commands and
 * reactors import), deny-by-default with the same `WasiOptions` and the same
 * choices as the component path (preview2.ts):
 * - no arguments, no environment, no preopened directories unless granted;
 *   a path outside every preopen fails in wasi-libc (ENOTCAPABLE), one that
 *   escapes a preopen (`..`, symbolic links) fails here with ENOTCAPABLE;
 * - stdin empty, stdout/stderr discarded unless granted;
 * - clocks and randomness throw `WasiDeniedError` unless granted;
 * - `proc_exit` throws `WasiExit` (the host process keeps running);
 * - files below a granted preopen can be read, written, created, renamed,
 *   linked and removed, their times set, directories listed; a symbolic link
 *   may not name an absolute host path (EPERM); sockets are not supported
 *   (ENOTSOCK).
 * Each instance gets its own descriptor table (stdin position, open files),
 * created on its first WASI call.
 */
import { randomFillSync } from 'node:crypto';
import {
  fstatSync,
  ftruncateSync,
  futimesSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
} from 'node:fs';
import type { CoreType } from '../../abi/core-types.js';
import { GuestMemory, type WasmMemory } from '../core/memory.js';
import { WasiDeniedError, WasiExit, type DeniableCapability } from './errors.js';
import { wasiGrants, type WasiGrants, type WasiOptions } from './options.js';
import { ALL_RIGHTS, ClockId, Errno, FileType, LookupFlags, Rights, Whence, errnoOf } from './preview1-errno.js';
import { ErrnoError, FdTable } from './preview1-fds.js';
import { clockNow, direntBytes, fileType, gather, newTimes, readFrom, scatter, sleep, syncEntry, writeFilestat, writeTo } from './preview1-io.js';

export const PREVIEW1_MODULE = 'wasi_snapshot_preview1';

/** What a preview1 function needs from its caller: the instance's memory (CoreLinker's `Caller` has it). */
export interface Preview1Caller {
  readonly memory: WasmMemory;
}

/** One preview1 function: its core type and its implementation (caller first, then the core arguments). */
export interface Preview1Function {
  readonly params: readonly CoreType[];
  readonly results: readonly CoreType[];
  readonly fn: (caller: Preview1Caller, ...args: never[]) => number | undefined;
}

/** The state of one instance: its memory accessor and descriptor table. */
interface InstanceState {
  readonly memory: GuestMemory;
  readonly fds: FdTable;
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `KEY=VALUE\0` / `arg\0` as wasi-libc expects them. */
const cStrings = (strings: readonly string[]): readonly Uint8Array[] => strings.map((s) => encoder.encode(`${s}\0`));

const u32 = (n: number): number => n >>> 0;

export class Preview1 {
  readonly #grants: WasiGrants;
  readonly #args: readonly Uint8Array[];
  readonly #env: readonly Uint8Array[];
  readonly #states = new WeakMap<object, InstanceState>();

  /** Checks the options (a `WASI_BAD_OPTIONS` WasiError names a bad one); the grants are copied. */
  constructor(options: WasiOptions = {}) {
    this.#grants = wasiGrants(options);
    this.#args = cStrings(this.#grants.args);
    this.#env = cStrings(this.#grants.env.map(([key, value]) => `${key}=${value}`));
  }

  #state(caller: Preview1Caller): InstanceState {
    let state = this.#states.get(caller);
    if (state === undefined) {
      state = { memory: new GuestMemory(caller.memory), fds: new FdTable(this.#grants, caller) };
      this.#states.set(caller, state);
    }
    return state;
  }

  #require(capability: DeniableCapability, func: string): void {
    if (!this.#grants[capability]) throw new WasiDeniedError(capability, `${PREVIEW1_MODULE}::${func}`);
  }

  /** Every preview1 function witgen implements, by import name. */
  functions(): ReadonlyMap<string, Preview1Function> {
    const table = new Map<string, Preview1Function>();
    const I = 'i32' as const;
    const L = 'i64' as const;
    /** A syscall: errors thrown as ErrnoError or Node fs errors become its errno result. */
    const sys = <A extends (number | bigint)[]>(
      name: string,
      params: readonly CoreType[],
      impl: (s: InstanceState, ...args: A) => number | void,
    ): void => {
      const fn = (caller: Preview1Caller, ...args: A): number => {
        const state = this.#state(caller);
        try {
          return impl(state, ...args) ?? Errno.SUCCESS;
        } catch (error) {
          if (error instanceof ErrnoError) return error.errno;
          if (error instanceof Error && 'syscall' in error) return errnoOf(error);
          throw error;
        }
      };
      table.set(name, { params, results: [I], fn: fn as unknown as Preview1Function['fn'] });
    };
    const path = (m: GuestMemory, at: number, len: number): string => {
      try {
        return utf8.decode(m.readBytes(u32(at), u32(len)));
      } catch (error) {
        if (error instanceof TypeError) throw new ErrnoError(Errno.ILSEQ);
        throw error;
      }
    };
    const putStrings = (m: GuestMemory, strings: readonly Uint8Array[], ptrs: number, buf: number): void => {
      let at = u32(buf);
      strings.forEach((bytes, i) => {
        m.writeU32(u32(ptrs) + 4 * i, at);
        m.writeBytes(at, bytes);
        at += bytes.length;
      });
    };
    const putSizes = (m: GuestMemory, strings: readonly Uint8Array[], countPtr: number, sizePtr: number): void => {
      m.writeU32(u32(countPtr), strings.length);
      m.writeU32(u32(sizePtr), strings.reduce((sum, s) => sum + s.length, 0));
    };

    sys('args_get', [I, I], (s, argv: number, buf: number) => putStrings(s.memory, this.#args, argv, buf));
    sys('args_sizes_get', [I, I], (s, count: number, size: number) => putSizes(s.memory, this.#args, count, size));
    sys('environ_get', [I, I], (s, environ: number, buf: number) => putStrings(s.memory, this.#env, environ, buf));
    sys('environ_sizes_get', [I, I], (s, count: number, size: number) => putSizes(s.memory, this.#env, count, size));

    sys('clock_res_get', [I, I], (s, id: number, out: number) => {
      this.#require('clocks', 'clock_res_get');
      if (id < ClockId.REALTIME || id > ClockId.THREAD_CPUTIME) return Errno.INVAL;
      s.memory.writeU64(u32(out), id === ClockId.REALTIME ? 1_000_000n : id === ClockId.MONOTONIC ? 1n : 1000n);
    });
    sys('clock_time_get', [I, L, I], (s, id: number, _precision: bigint, out: number) => {
      this.#require('clocks', 'clock_time_get');
      const time = clockNow(id);
      if (time === undefined) return Errno.INVAL;
      s.memory.writeU64(u32(out), time);
    });
    sys('random_get', [I, I], (s, buf: number, len: number) => {
      this.#require('random', 'random_get');
      s.memory.writeBytes(u32(buf), randomFillSync(new Uint8Array(u32(len))));
    });
    sys('sched_yield', [], () => Errno.SUCCESS);
    sys('proc_raise', [I], () => Errno.NOTSUP);
    table.set('proc_exit', {
      params: [I],
      results: [],
      fn: ((_caller: Preview1Caller, code: number): never => {
        throw new WasiExit(u32(code));
      }) as Preview1Function['fn'],
    });

    sys('fd_write', [I, I, I, I], (s, fd: number, iovs: number, count: number, out: number) => {
      const bytes = gather(s.memory, u32(iovs), u32(count));
      s.memory.writeU32(u32(out), writeTo(s.fds.get(fd), bytes, undefined));
    });
    sys('fd_pwrite', [I, I, I, L, I], (s, fd: number, iovs: number, count: number, offset: bigint, out: number) => {
      const entry = s.fds.file(fd);
      s.memory.writeU32(u32(out), writeTo(entry, gather(s.memory, u32(iovs), u32(count)), BigInt.asUintN(64, offset)));
    });
    sys('fd_read', [I, I, I, I], (s, fd: number, iovs: number, count: number, out: number) => {
      const entry = s.fds.get(fd);
      s.memory.writeU32(u32(out), scatter(s.memory, u32(iovs), u32(count), (length) => readFrom(entry, length, undefined)));
    });
    sys('fd_pread', [I, I, I, L, I], (s, fd: number, iovs: number, count: number, offset: bigint, out: number) => {
      const entry = s.fds.file(fd);
      let position = BigInt.asUintN(64, offset);
      const n = scatter(s.memory, u32(iovs), u32(count), (length) => {
        const bytes = readFrom(entry, length, position);
        position += BigInt(bytes.length);
        return bytes;
      });
      s.memory.writeU32(u32(out), n);
    });
    sys('fd_seek', [I, L, I, I], (s, fd: number, offset: bigint, whence: number, out: number) => {
      const entry = s.fds.file(fd);
      const base =
        whence === Whence.SET ? 0n : whence === Whence.CUR ? entry.position : whence === Whence.END ? fstatSync(entry.hostFd, { bigint: true }).size : undefined;
      if (base === undefined || base + offset < 0n) return Errno.INVAL;
      entry.position = base + offset;
      s.memory.writeU64(u32(out), entry.position);
    });
    sys('fd_tell', [I, I], (s, fd: number, out: number) => s.memory.writeU64(u32(out), s.fds.file(fd).position));
    sys('fd_close', [I], (s, fd: number) => s.fds.close(fd));
    sys('fd_renumber', [I, I], (s, from: number, to: number) => s.fds.renumber(from, to));
    sys('fd_sync', [I], (s, fd: number) => syncEntry(s.fds.get(fd)));
    sys('fd_datasync', [I], (s, fd: number) => syncEntry(s.fds.get(fd)));
    sys('fd_advise', [I, L, L, I], (s, fd: number) => void s.fds.get(fd));
    sys('fd_allocate', [I, L, L], () => Errno.NOTSUP);
    sys('fd_fdstat_get', [I, I], (s, fd: number, out: number) => {
      const entry = s.fds.get(fd);
      const m = s.memory;
      const at = u32(out);
      m.writeBytes(at, new Uint8Array(24));
      m.writeU8(at, entry.kind === 'dir' ? FileType.DIRECTORY : entry.kind === 'file' ? FileType.REGULAR_FILE : FileType.CHARACTER_DEVICE);
      m.writeU16(at + 2, entry.kind === 'file' && entry.append ? 1 : 0);
      m.writeU64(at + 8, ALL_RIGHTS);
      m.writeU64(at + 16, ALL_RIGHTS);
    });
    sys('fd_fdstat_set_flags', [I, I], (s, fd: number, flags: number) => {
      const entry = s.fds.get(fd);
      if (entry.kind === 'file') entry.append = (flags & 1) !== 0;
    });
    sys('fd_fdstat_set_rights', [I, L, L], (s, fd: number) => void s.fds.get(fd));
    sys('fd_filestat_get', [I, I], (s, fd: number, out: number) => {
      const entry = s.fds.get(fd);
      if (entry.kind === 'file') writeFilestat(s.memory, u32(out), fstatSync(entry.hostFd, { bigint: true }), FileType.REGULAR_FILE);
      else if (entry.kind === 'dir') writeFilestat(s.memory, u32(out), statSync(entry.hostPath, { bigint: true }), FileType.DIRECTORY);
      else writeFilestat(s.memory, u32(out), undefined, FileType.CHARACTER_DEVICE);
    });
    sys('fd_filestat_set_size', [I, L], (s, fd: number, size: bigint) => {
      const entry = s.fds.file(fd);
      if (!entry.writable) return Errno.BADF;
      ftruncateSync(entry.hostFd, Number(BigInt.asUintN(64, size)));
    });
    sys('fd_filestat_set_times', [I, L, L, I], (s, fd: number, atim: bigint, mtim: bigint, flags: number) => {
      const entry = s.fds.get(fd);
      if (entry.kind === 'file') {
        const [atime, mtime] = newTimes(fstatSync(entry.hostFd, { bigint: true }), atim, mtim, flags);
        futimesSync(entry.hostFd, atime, mtime);
      } else if (entry.kind === 'dir') {
        const [atime, mtime] = newTimes(statSync(entry.hostPath, { bigint: true }), atim, mtim, flags);
        utimesSync(entry.hostPath, atime, mtime);
      } else {
        return Errno.BADF;
      }
    });
    sys('fd_prestat_get', [I, I], (s, fd: number, out: number) => {
      const entry = s.fds.get(fd);
      if (entry.kind !== 'dir' || entry.preopenName === undefined) return Errno.BADF;
      s.memory.writeU32(u32(out), 0);
      s.memory.writeU32(u32(out) + 4, encoder.encode(entry.preopenName).length);
    });
    sys('fd_prestat_dir_name', [I, I, I], (s, fd: number, buf: number, len: number) => {
      const entry = s.fds.get(fd);
      if (entry.kind !== 'dir' || entry.preopenName === undefined) return Errno.BADF;
      const name = encoder.encode(entry.preopenName);
      if (u32(len) < name.length) return Errno.NAMETOOLONG;
      s.memory.writeBytes(u32(buf), name);
    });
    sys('fd_readdir', [I, I, I, L, I], (s, fd: number, buf: number, len: number, cookie: bigint, out: number) => {
      const dir = s.fds.dir(fd);
      const bytes = direntBytes(readdirSync(dir.hostPath, { withFileTypes: true }), BigInt.asUintN(64, cookie), u32(len));
      s.memory.writeBytes(u32(buf), bytes);
      s.memory.writeU32(u32(out), bytes.length);
    });

    sys(
      'path_open',
      [I, I, I, I, I, L, L, I, I],
      (s, fd: number, lookup: number, at: number, len: number, oflags: number, base: bigint, _inheriting: bigint, fdflags: number, out: number) => {
        const read = (base & Rights.FD_READ) !== 0n;
        const write = (base & Rights.FD_WRITE) !== 0n;
        const opened = s.fds.open(fd, path(s.memory, at, len), lookup, oflags, read, write, fdflags);
        s.memory.writeU32(u32(out), opened);
      },
    );
    sys('path_filestat_get', [I, I, I, I, I], (s, fd: number, lookup: number, at: number, len: number, out: number) => {
      const follow = (lookup & LookupFlags.SYMLINK_FOLLOW) !== 0;
      const hostPath = s.fds.resolve(s.fds.dir(fd), path(s.memory, at, len), follow);
      const stats = (follow ? statSync : lstatSync)(hostPath, { bigint: true });
      writeFilestat(s.memory, u32(out), stats, fileType(stats));
    });
    sys('path_create_directory', [I, I, I], (s, fd: number, at: number, len: number) => {
      mkdirSync(s.fds.resolve(s.fds.dir(fd), path(s.memory, at, len), false));
    });
    sys('path_remove_directory', [I, I, I], (s, fd: number, at: number, len: number) => {
      rmdirSync(s.fds.resolve(s.fds.dir(fd), path(s.memory, at, len), false));
    });
    sys('path_unlink_file', [I, I, I], (s, fd: number, at: number, len: number) => {
      unlinkSync(s.fds.resolve(s.fds.dir(fd), path(s.memory, at, len), false));
    });
    sys('path_rename', [I, I, I, I, I, I], (s, fd: number, at: number, len: number, newFd: number, newAt: number, newLen: number) => {
      const from = s.fds.resolve(s.fds.dir(fd), path(s.memory, at, len), false);
      const to = s.fds.resolve(s.fds.dir(newFd), path(s.memory, newAt, newLen), false);
      renameSync(from, to);
    });
    sys('path_readlink', [I, I, I, I, I, I], (s, fd: number, at: number, len: number, buf: number, bufLen: number, out: number) => {
      const target = encoder.encode(readlinkSync(s.fds.resolve(s.fds.dir(fd), path(s.memory, at, len), false)));
      const bytes = target.subarray(0, u32(bufLen));
      s.memory.writeBytes(u32(buf), bytes);
      s.memory.writeU32(u32(out), bytes.length);
    });
    sys('path_symlink', [I, I, I, I, I], (s, targetAt: number, targetLen: number, fd: number, at: number, len: number) => {
      const target = path(s.memory, targetAt, targetLen);
      // An absolute target would name a host path; relative ones are checked whenever the link is followed.
      if (target.startsWith('/') || target.includes('\0')) return Errno.PERM;
      symlinkSync(target, s.fds.resolve(s.fds.dir(fd), path(s.memory, at, len), false));
    });
    sys(
      'path_link',
      [I, I, I, I, I, I, I],
      (s, fd: number, lookup: number, at: number, len: number, newFd: number, newAt: number, newLen: number) => {
        const follow = (lookup & LookupFlags.SYMLINK_FOLLOW) !== 0;
        const from = s.fds.resolve(s.fds.dir(fd), path(s.memory, at, len), follow);
        linkSync(follow ? realpathSync(from) : from, s.fds.resolve(s.fds.dir(newFd), path(s.memory, newAt, newLen), false));
      },
    );
    sys(
      'path_filestat_set_times',
      [I, I, I, I, L, L, I],
      (s, fd: number, lookup: number, at: number, len: number, atim: bigint, mtim: bigint, flags: number) => {
        const follow = (lookup & LookupFlags.SYMLINK_FOLLOW) !== 0;
        const hostPath = s.fds.resolve(s.fds.dir(fd), path(s.memory, at, len), follow);
        const [atime, mtime] = newTimes((follow ? statSync : lstatSync)(hostPath, { bigint: true }), atim, mtim, flags);
        (follow ? utimesSync : lutimesSync)(hostPath, atime, mtime);
      },
    );

    sys('poll_oneoff', [I, I, I, I], (s, inPtr: number, outPtr: number, count: number, neventsPtr: number) => {
      s.memory.writeU32(u32(neventsPtr), this.#poll(s, u32(inPtr), u32(outPtr), u32(count)));
    });

    sys('sock_accept', [I, I, I], () => Errno.NOTSOCK);
    sys('sock_recv', [I, I, I, I, I, I], () => Errno.NOTSOCK);
    sys('sock_send', [I, I, I, I, I], () => Errno.NOTSOCK);
    sys('sock_shutdown', [I, I], () => Errno.NOTSOCK);
    return table;
  }

  /**
   * poll_oneoff: descriptor subscriptions are ready at once (every
   * descriptor here is blocking and always readable/writable); clock
   * subscriptions (needing the clocks grant) are waited for, the shortest
   * first, when no descriptor is ready. Returns the number of events.
   */
  #poll(s: InstanceState, inPtr: number, outPtr: number, count: number): number {
    const m = s.memory;
    interface Event {
      readonly userdata: bigint;
      readonly type: number;
      readonly error: number;
    }
    const ready: Event[] = [];
    let soonest: { userdata: bigint; ns: bigint } | undefined;
    for (let i = 0; i < count; i++) {
      const at = inPtr + 48 * i;
      const userdata = m.readU64(at);
      const type = m.readU8(at + 8);
      if (type === 0) {
        this.#require('clocks', 'poll_oneoff');
        const id = m.readU32(at + 16);
        const timeout = m.readU64(at + 24);
        const absolute = (m.readU16(at + 40) & 1) !== 0;
        const now = clockNow(id);
        if (now === undefined) {
          ready.push({ userdata, type, error: Errno.INVAL });
          continue;
        }
        const ns = absolute ? (timeout > now ? timeout - now : 0n) : timeout;
        if (soonest === undefined || ns < soonest.ns) soonest = { userdata, ns };
      } else {
        const fd = m.readU32(at + 16);
        const valid = (() => {
          try {
            s.fds.get(fd);
            return true;
          } catch {
            return false;
          }
        })();
        ready.push({ userdata, type, error: valid ? Errno.SUCCESS : Errno.BADF });
      }
    }
    if (ready.length === 0 && soonest !== undefined) {
      sleep(soonest.ns);
      ready.push({ userdata: soonest.userdata, type: 0, error: Errno.SUCCESS });
    }
    ready.forEach((event, i) => {
      const at = outPtr + 32 * i;
      m.writeBytes(at, new Uint8Array(32));
      m.writeU64(at, event.userdata);
      m.writeU16(at + 8, event.error);
      m.writeU8(at + 10, event.type);
    });
    return ready.length;
  }
}

