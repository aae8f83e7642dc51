/**
 * Typed errors for host access to a guest's linear memory. Each failure kind
 * has its own stable `code` so callers (and tests) can tell a bad pointer from
 * bad string contents without parsing messages.
 */
export type MemoryAccessErrorCode =
  /** The accessed range runs past the current end of memory. */
  | 'MEMORY_OUT_OF_BOUNDS'
  /** An address that is not a wasm32 pointer (not an integer in 0..2^32-1). */
  | 'MEMORY_INVALID_ADDRESS'
  /** Bytes read as a string are not well-formed UTF-8. */
  | 'MEMORY_INVALID_UTF8'
  /** A C string has no NUL terminator within memory or the given limit. */
  | 'MEMORY_UNTERMINATED'
  /** A value to write does not fit the target type (range, integer-ness, interior NUL...). */
  | 'MEMORY_INVALID_VALUE'
  /** A value (string, bytes) is longer than the space it is written into. */
  | 'MEMORY_CAPACITY_EXCEEDED'
  /** A pointer followed from guest memory is 0 (C NULL). */
  | 'MEMORY_NULL_POINTER'
  /** A struct field or array index that does not exist. */
  | 'MEMORY_NO_SUCH_FIELD';

export class MemoryAccessError extends Error {
  override readonly name = 'MemoryAccessError';
  readonly code: MemoryAccessErrorCode;

  constructor(code: MemoryAccessErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** `0x` + 8 hex digits: wasm32 addresses read best at a fixed width. */
export function hexAddress(address: number): string {
  return `0x${address.toString(16).padStart(8, '0')}`;
}
