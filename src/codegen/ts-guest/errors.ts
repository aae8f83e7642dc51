/** Typed failures of the TypeScript guest declarations generator. */
export type TsGuestErrorCode =
  /** The world uses something ComponentizeJS 0.22 cannot build (async functions, streams, futures, maps, fixed-length lists). */
  | 'TSGUEST_UNSUPPORTED'
  /** The world refers to something that is not in the Resolve. */
  | 'TSGUEST_MODEL';

export class TsGuestError extends Error {
  override readonly name = 'TsGuestError';

  constructor(
    readonly code: TsGuestErrorCode,
    message: string,
  ) {
    super(message);
  }
}
