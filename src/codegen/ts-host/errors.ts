/** Typed failures of the TypeScript host bindings generator. */
export type TsHostErrorCode =
  /** An option value is out of range (e.g. an unknown `abi`). */
  | 'TSHOST_OPTION'
  /** The world refers to something that is not in the Resolve. */
  | 'TSHOST_MODEL';

export class TsHostError extends Error {
  override readonly name = 'TsHostError';

  constructor(
    readonly code: TsHostErrorCode,
    message: string,
  ) {
    super(message);
  }
}
