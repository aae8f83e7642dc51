/**
 * Typed errors of witgen's WASI implementations (preview2 for components,
 * preview1 for core modules). Each carries a stable `code`.
 */

export type WasiErrorCode =
  /** The guest used a capability the host did not grant and whose denial is an error (clocks, randomness). */
  | 'WASI_DENIED'
  /** The guest called WASI `exit` / `proc_exit`; `exitCode` says with which status. */
  | 'WASI_EXIT'
  /** The `WasiOptions` given by the host are malformed (e.g. a preopen that is not a directory). */
  | 'WASI_BAD_OPTIONS'
  /** preview2-shim cannot be loaded synchronously on this Node.js (before 20.19) and was not preloaded. */
  | 'WASI_SHIM_UNAVAILABLE';

export class WasiError extends Error {
  override readonly name: string = 'WasiError';
  readonly code: WasiErrorCode;

  constructor(code: WasiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The grants whose denial is reported as an error rather than as an empty answer. */
export type DeniableCapability = 'clocks' | 'random';

/**
 * A guest asked for the time or for random bytes without the grant. Both are
 * denied loudly: a fixed clock or predictable "random" bytes would let a
 * guest run on with wrong data (expired tokens, guessable keys).
 */
export class WasiDeniedError extends WasiError {
  override readonly name = 'WasiDeniedError';

  constructor(
    readonly capability: DeniableCapability,
    /** The WASI function the guest called, e.g. `wasi:clocks/wall-clock.now` or `wasi_snapshot_preview1::random_get`. */
    readonly func: string,
  ) {
    super('WASI_DENIED', `WASI access denied: the guest called ${func}, but the host did not grant ${capability} (grant it with the WASI option \`${capability}: true\`)`);
  }
}

/**
 * The guest ended itself through WASI `exit` (`proc_exit`). Thrown out of the
 * guest call so that the host process keeps running; the instance must not be
 * used afterwards.
 */
export class WasiExit extends WasiError {
  override readonly name = 'WasiExit';

  constructor(
    /** The exit status: 0 for success. */
    readonly exitCode: number,
  ) {
    super('WASI_EXIT', `the guest exited with status ${exitCode}`);
  }
}
