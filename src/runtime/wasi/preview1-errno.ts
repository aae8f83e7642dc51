/**
 * wasi_snapshot_preview1 constants (errno values, file types, flags) as
 * wasi-libc's <wasi/api.h> defines them, and the mapping from Node.js
 * filesystem error codes to errno.
 */

export const Errno = {
  SUCCESS: 0,
  ACCES: 2,
  AGAIN: 6,
  BADF: 8,
  BUSY: 10,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  ILSEQ: 25,
  INVAL: 28,
  IO: 29,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  NAMETOOLONG: 37,
  NOENT: 44,
  NOSPC: 51,
  NOSYS: 52,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTSOCK: 57,
  NOTSUP: 58,
  PERM: 63,
  ROFS: 69,
  SPIPE: 70,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;

export type ErrnoValue = (typeof Errno)[keyof typeof Errno];

export const FileType = {
  UNKNOWN: 0,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SYMBOLIC_LINK: 7,
} as const;

export const OFlags = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const FdFlags = { APPEND: 1 } as const;
export const LookupFlags = { SYMLINK_FOLLOW: 1 } as const;
export const FstFlags = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
export const Whence = { SET: 0, CUR: 1, END: 2 } as const;
export const ClockId = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3 } as const;

/** Rights bits witgen reads from `path_open` (the rest are granted as a whole, see ALL_RIGHTS). */
export const Rights = { FD_READ: 1n << 1n, FD_WRITE: 1n << 6n } as const;
/** Every right defined by preview1 (bits 0..29): witgen checks access by open mode, not by rights. */
export const ALL_RIGHTS = (1n << 30n) - 1n;

const NODE_CODES: Readonly<Record<string, ErrnoValue>> = {
  EACCES: Errno.ACCES,
  EAGAIN: Errno.AGAIN,
  EBADF: Errno.BADF,
  EBUSY: Errno.BUSY,
  EEXIST: Errno.EXIST,
  EFBIG: Errno.FBIG,
  EINVAL: Errno.INVAL,
  EIO: Errno.IO,
  EISDIR: Errno.ISDIR,
  ELOOP: Errno.LOOP,
  EMFILE: Errno.MFILE,
  ENAMETOOLONG: Errno.NAMETOOLONG,
  ENOENT: Errno.NOENT,
  ENOSPC: Errno.NOSPC,
  ENOTDIR: Errno.NOTDIR,
  ENOTEMPTY: Errno.NOTEMPTY,
  ENOTSUP: Errno.NOTSUP,
  EPERM: Errno.PERM,
  EROFS: Errno.ROFS,
  ESPIPE: Errno.SPIPE,
  EXDEV: Errno.XDEV,
};

/** The errno for a Node.js fs error; anything that is not an fs error is rethrown (a host bug, not a guest error). */
export function errnoOf(error: unknown): ErrnoValue {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return NODE_CODES[code] ?? Errno.IO;
  throw error;
}
