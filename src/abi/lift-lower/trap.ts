/**
 * A trap the canonical ABI mandates while moving a value across the
 * component boundary, or a host value that does not fit its WIT type.
 * `func` names the function being called; `reason` is stable.
 */
export type TrapReason =
  /** A variant/enum/option/result discriminant with no case. */
  | 'invalid-discriminant'
  /** A `char` that is a surrogate or above U+10FFFF. */
  | 'invalid-char'
  /** A pointer not aligned for what it points at. */
  | 'misaligned-pointer'
  /** A pointer/length pair reaching past the end of linear memory. */
  | 'out-of-bounds'
  | 'invalid-utf8'
  | 'invalid-utf16'
  /** Flags bits set beyond the declared flags. */
  | 'invalid-flags'
  /** A string whose encoded length does not fit the canonical ABI's 31-bit limit. */
  | 'string-too-long'
  /** A host value that is not a value of the WIT type (wrong JS type, out of range, unknown case). */
  | 'invalid-value';

export class AbiTrap extends Error {
  override readonly name = 'AbiTrap';
  readonly code = 'ABI_TRAP';
  readonly reason: TrapReason;
  /** The function whose arguments or results were being lifted or lowered. */
  readonly func: string;

  /** `message` replaces the default `trap in \`func\`: reason: detail` (AbiValueError says where the value was). */
  constructor(func: string, reason: TrapReason, detail: string, message?: string) {
    super(message ?? `trap in \`${func}\`: ${reason}: ${detail}`);
    this.func = func;
    this.reason = reason;
  }
}

/**
 * The `err` case of a function's `result<T, E>` when results are mapped to
 * exceptions (jco's convention): an export call throws it; an import
 * implementation throws it (or anything with an own `payload`) to return `err`.
 */
export class ResultError extends Error {
  override readonly name = 'ResultError';
  readonly payload: unknown;

  constructor(payload: unknown) {
    super(typeof payload === 'string' ? payload : 'the function returned an error result');
    this.payload = payload;
  }
}

/** The `err` payload carried by what an import implementation threw (jco's rules); rethrows plain Errors. */
export function errorPayload(thrown: unknown): unknown {
  if (thrown !== null && typeof thrown === 'object' && Object.prototype.hasOwnProperty.call(thrown, 'payload')) {
    return (thrown as { payload: unknown }).payload;
  }
  if (thrown instanceof Error) throw thrown;
  return thrown;
}
