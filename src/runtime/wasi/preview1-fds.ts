/**
 * The file-descriptor table of one preview1 instance: stdio (0-2), the
 * preopened directories (3, 4, ... in the order of `WasiOptions.preopens`)
 * and what the guest opened below them. Paths are resolved under the
 * preopen a directory descriptor belongs to: `..` may not climb above it and
 * symbolic links may not lead out of it (checked on the real path; a race
 * with a host process changing the tree meanwhile is not guarded against).
 */
import { closeSync, constants, openSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { Errno, FdFlags, LookupFlags, OFlags, type ErrnoValue } from './preview1-errno.js';
import type { WasiGrants, WasiOutput } from './options.js';

/** A failure the guest sees as an errno (thrown inside the table, turned into the return value by preview1.ts). */
export class ErrnoError extends Error {
  constructor(readonly errno: ErrnoValue) {
    super(`WASI errno ${errno}`);
  }
}

export type FdEntry =
  | { readonly kind: 'stdin'; readonly source: Uint8Array | 'inherit'; offset: number }
  | { readonly kind: 'output'; readonly target: WasiOutput | undefined; readonly hostFd: 1 | 2 }
  | {
      readonly kind: 'dir';
      /** The preopen's real host path; nothing outside it is reachable. */
      readonly root: string;
      /** This directory's host path (the root itself for a preopen). */
      readonly hostPath: string;
      /** The guest path of a preopen (what fd_prestat_dir_name reports), undefined for opened directories. */
      readonly preopenName: string | undefined;
    }
  | {
      readonly kind: 'file';
      readonly hostFd: number;
      readonly hostPath: string;
      readonly readable: boolean;
      readonly writable: boolean;
      append: boolean;
      position: bigint;
    };

export type DirEntry = Extract<FdEntry, { kind: 'dir' }>;
export type FileEntry = Extract<FdEntry, { kind: 'file' }>;

/** Host descriptors still open when an instance is collected are closed then. */
const leaks = new FinalizationRegistry<Set<number>>((hostFds) => {
  for (const fd of hostFds) {
    try {
      closeSync(fd);
    } catch {
      // Already closed by the host process; nothing to release.
    }
  }
});

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

export class FdTable {
  readonly #entries = new Map<number, FdEntry>();
  readonly #hostFds = new Set<number>();

  constructor(grants: WasiGrants, owner: object) {
    this.#entries.set(0, { kind: 'stdin', source: grants.stdin, offset: 0 });
    this.#entries.set(1, { kind: 'output', target: grants.stdout, hostFd: 1 });
    this.#entries.set(2, { kind: 'output', target: grants.stderr, hostFd: 2 });
    grants.preopens.forEach((preopen, i) => {
      const root = realpathSync(preopen.hostPath);
      this.#entries.set(3 + i, { kind: 'dir', root, hostPath: root, preopenName: preopen.guestPath });
    });
    leaks.register(owner, this.#hostFds);
  }

  get(fd: number): FdEntry {
    const entry = this.#entries.get(fd);
    if (entry === undefined) throw new ErrnoError(Errno.BADF);
    return entry;
  }

  dir(fd: number): DirEntry {
    const entry = this.get(fd);
    if (entry.kind !== 'dir') throw new ErrnoError(Errno.NOTDIR);
    return entry;
  }

  file(fd: number): FileEntry {
    const entry = this.get(fd);
    if (entry.kind === 'dir') throw new ErrnoError(Errno.ISDIR);
    if (entry.kind !== 'file') throw new ErrnoError(Errno.SPIPE);
    return entry;
  }

  close(fd: number): void {
    const entry = this.get(fd);
    this.#entries.delete(fd);
    if (entry.kind === 'file') {
      this.#hostFds.delete(entry.hostFd);
      closeSync(entry.hostFd);
    }
  }

  renumber(from: number, to: number): void {
    const entry = this.get(from);
    this.get(to);
    this.close(to);
    this.#entries.delete(from);
    this.#entries.set(to, entry);
  }

  /**
   * The host path of `path` below directory `dir`: NOTCAPABLE when it is
   * absolute, climbs above the preopen with `..`, or (following symbolic
   * links, the last one only if `followLast`) ends up outside it.
   */
  resolve(dir: DirEntry, path: string, followLast: boolean): string {
    if (path.startsWith('/') || path.includes('\0')) throw new ErrnoError(Errno.NOTCAPABLE);
    const segments = relative(dir.root, dir.hostPath).split(sep).filter((s) => s !== '');
    for (const segment of path.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (segments.pop() === undefined) throw new ErrnoError(Errno.NOTCAPABLE);
      } else {
        segments.push(segment);
      }
    }
    const hostPath = join(dir.root, ...segments);
    // The nearest existing ancestor (the target itself when following it) must really lie inside the root.
    let probe = followLast || hostPath === dir.root ? hostPath : dirname(hostPath);
    for (;;) {
      let real: string | undefined;
      try {
        real = realpathSync(probe);
      } catch {
        real = undefined;
      }
      if (real !== undefined) {
        if (!within(dir.root, real)) throw new ErrnoError(Errno.NOTCAPABLE);
        break;
      }
      if (probe === dir.root || dirname(probe) === probe) break;
      probe = dirname(probe);
    }
    return hostPath;
  }

  /** path_open: a directory entry or a file opened on the host; returns the new descriptor number. */
  open(dirFd: number, path: string, lookup: number, oflags: number, read: boolean, write: boolean, fdflags: number): number {
    const dir = this.dir(dirFd);
    const follow = (lookup & LookupFlags.SYMLINK_FOLLOW) !== 0;
    const hostPath = this.resolve(dir, path, follow);
    let isDirectory = false;
    try {
      isDirectory = statSync(hostPath).isDirectory();
    } catch {
      isDirectory = false;
    }
    if ((oflags & OFlags.DIRECTORY) !== 0 || (isDirectory && !write && (oflags & OFlags.CREAT) === 0)) {
      if (!isDirectory) throw new ErrnoError(statExists(hostPath) ? Errno.NOTDIR : Errno.NOENT);
      return this.#add({ kind: 'dir', root: dir.root, hostPath, preopenName: undefined });
    }
    if (isDirectory) throw new ErrnoError(Errno.ISDIR);
    let flags = read && write ? constants.O_RDWR : write ? constants.O_WRONLY : constants.O_RDONLY;
    if ((oflags & OFlags.CREAT) !== 0) flags |= constants.O_CREAT;
    if ((oflags & OFlags.EXCL) !== 0) flags |= constants.O_EXCL;
    if ((oflags & OFlags.TRUNC) !== 0) flags |= constants.O_TRUNC;
    if (!follow) flags |= constants.O_NOFOLLOW;
    const hostFd = openSync(hostPath, flags, 0o666);
    this.#hostFds.add(hostFd);
    const append = (fdflags & FdFlags.APPEND) !== 0;
    return this.#add({ kind: 'file', hostFd, hostPath, readable: read || !write, writable: write, append, position: 0n });
  }

  #add(entry: FdEntry): number {
    let fd = 3;
    while (this.#entries.has(fd)) fd++;
    this.#entries.set(fd, entry);
    return fd;
  }
}

function statExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
