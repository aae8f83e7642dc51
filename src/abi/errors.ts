/**
 * Errors raised while planning the ABI of a WIT type or function. They
 * describe a model the canonical ABI cannot represent (a bare resource used
 * as a value, a dangling type id...), never bad user input to a call.
 */
export type AbiErrorCode =
  /** A type id that is not in the Resolve. */
  | 'ABI_UNKNOWN_TYPE'
  /** A type that has no value representation (e.g. a resource used directly instead of own/borrow). */
  | 'ABI_NOT_A_VALUE'
  /** A world, interface or function that is not in the Resolve. */
  | 'ABI_UNKNOWN_ITEM'
  /** A construct the requested ABI variant does not support. */
  | 'ABI_UNSUPPORTED';

export class AbiError extends Error {
  override readonly name = 'AbiError';
  readonly code: AbiErrorCode;

  constructor(code: AbiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
