/** Typed errors of the jco fallback path; each carries a stable `code`. */

export type FallbackErrorCode =
  /** jco's `transpile` rejected the component. */
  | 'FALLBACK_TRANSPILE_FAILED'
  /** The transpiled module did not instantiate (a core module failed to compile or link, a start function trapped). */
  | 'FALLBACK_INSTANTIATE_FAILED'
  /** The imports cannot be mapped onto what the transpiled module expects. */
  | 'FALLBACK_IMPORTS';

export class FallbackError extends Error {
  override readonly name = 'FallbackError';
  readonly code: FallbackErrorCode;
  /** Why the fallback was taken (the reason given by the caller). */
  readonly reason: string;

  constructor(code: FallbackErrorCode, reason: string, message: string, options?: { cause?: unknown }) {
    super(`${message} (running through jco because: ${reason})`, options);
    this.code = code;
    this.reason = reason;
  }
}
