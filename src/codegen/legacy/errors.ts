/** Typed failures of the legacy (`extern "C"`) guest header generators. */
export type LegacyGuestErrorCode =
  /** The world uses something the wasm32 C ABI has no form for (resources, futures, streams, async...). */
  | 'LEGACY_UNSUPPORTED'
  /** Two functions or types would get the same symbol or name. */
  | 'LEGACY_NAME_CLASH'
  /** A bad option value (empty import module, a symbol override that is not an identifier...). */
  | 'LEGACY_OPTION';

export class LegacyGuestError extends Error {
  override readonly name = 'LegacyGuestError';

  constructor(
    readonly code: LegacyGuestErrorCode,
    message: string,
  ) {
    super(message);
  }
}
