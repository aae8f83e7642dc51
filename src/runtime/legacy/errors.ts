/**
 * Typed errors of the WIT-typed legacy bindings: problems found while
 * binding a world to a core module, before anything runs. Link problems of
 * the module's imports stay the core linker's `LinkError`
 * (src/runtime/core/link-errors.ts); bad values at call time are `AbiTrap`s
 * naming the function; a guest trap is the engine's WebAssembly.RuntimeError.
 */

export type LegacyErrorCode =
  /** A world function uses a type the C ABI mapping cannot carry (resources, streams, futures, async). */
  | 'LEGACY_UNSUPPORTED'
  /** The world's functions need guest memory allocation but the module exports no usable allocator. */
  | 'LEGACY_NO_ALLOCATOR'
  /** The world's functions pass values through guest memory but the module exports no `memory` (or it is not there yet). */
  | 'LEGACY_NO_MEMORY'
  /** World exports missing from the module or exported with another core signature; see `problems`. */
  | 'LEGACY_EXPORTS'
  /** A member of the imports object that should be a function is something else. */
  | 'LEGACY_BAD_IMPORT'
  /** Options that cannot be used (no WIT world given). */
  | 'LEGACY_BAD_OPTIONS';

export class LegacyError extends Error {
  override readonly name = 'LegacyError';
  readonly code: LegacyErrorCode;
  /** One line per problem, for `LEGACY_EXPORTS` (and any other error listing several). */
  readonly problems: readonly string[];

  constructor(code: LegacyErrorCode, message: string, problems: readonly string[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}
