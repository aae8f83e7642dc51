/** Typed failures of the C guest generator. */
export type CGuestErrorCode =
  /** The world uses a WIT feature the C glue cannot express (today: a resource exported by the world itself). */
  | 'CGUEST_UNSUPPORTED'
  /** An option value is out of range (e.g. an unknown string encoding). */
  | 'CGUEST_OPTION';

export class CGuestError extends Error {
  override readonly name = 'CGuestError';

  constructor(
    readonly code: CGuestErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** A world uses `feature`, which the C generator cannot express; `where` names the item. */
export function unsupported(feature: string, where: string): CGuestError {
  return new CGuestError('CGUEST_UNSUPPORTED', `the C guest generator does not support ${feature} (used by ${where})`);
}
