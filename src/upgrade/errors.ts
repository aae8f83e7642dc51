/**
 * Typed errors of `witgen upgrade` (legacy core module + WIT world →
 * component). Every problem is found before any bytes are produced; the
 * module/world mismatches are listed together in one UPGRADE_MISMATCH.
 */

export type UpgradeErrorCode =
  /** The world uses something the legacy C ABI cannot carry (resources, streams, futures, async), or the upgrade does not handle yet. */
  | 'UPGRADE_UNSUPPORTED'
  /** World exports missing from the module or with another core signature, module imports the world does not declare, or mistyped ones; see `problems`. */
  | 'UPGRADE_MISMATCH'
  /** The world's functions pass values through guest memory but the module exports no usable allocator. */
  | 'UPGRADE_NO_ALLOCATOR'
  /** The world's functions pass values through guest memory but the module exports no memory named `memory`. */
  | 'UPGRADE_NO_MEMORY'
  /** The input is not a core module, or options that cannot be used. */
  | 'UPGRADE_INPUT'
  /** wasm-tools (inside jco) refused a step of the assembly. */
  | 'UPGRADE_WASM_TOOLS';

export class UpgradeError extends Error {
  override readonly name = 'UpgradeError';
  readonly code: UpgradeErrorCode;
  /** One line per problem, for UPGRADE_MISMATCH. */
  readonly problems: readonly string[];

  constructor(code: UpgradeErrorCode, message: string, problems: readonly string[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}
