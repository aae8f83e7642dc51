/**
 * Errors of `witgen build`: a core module that does not fit the world it is
 * wrapped for (listed problem by problem, before wasm-tools runs), unreadable
 * input, failures reported by wasm-tools itself, and JavaScript guests that
 * ComponentizeJS refuses or cannot build.
 */
import type { CoreFuncType } from '../abi/core-types.js';
import type { FuncType } from '../binary/reader.js';

export type BuildErrorCode =
  /** The core module's imports/exports do not match the world (see `problems`). */
  | 'BUILD_MISMATCH'
  /** The input is not a readable core WebAssembly module. */
  | 'BUILD_INPUT'
  /** A file could not be read or written. */
  | 'BUILD_IO'
  /** wasm-tools (inside jco) rejected the module while embedding or creating the component. */
  | 'BUILD_WASM_TOOLS'
  /** ComponentizeJS refused the JavaScript guest (syntax error, missing export, unknown import...); see `toolMessage`. */
  | 'BUILD_JS_FAILED'
  /** ComponentizeJS cannot be loaded here (not installed, or no wizer binary for this platform). */
  | 'BUILD_JS_UNAVAILABLE';

export type BuildProblemKind =
  /** A core import that belongs to no WIT import of the world. */
  | 'unknown-import'
  /** A core import whose name is expected but whose core type differs. */
  | 'import-type'
  /** A core import of a table, memory, global or tag, which a component's core module cannot have. */
  | 'import-kind'
  /** A core export the world requires is missing. */
  | 'missing-export'
  /** A core export has the expected name but another core type (or is not a function). */
  | 'export-type';

export interface BuildProblem {
  readonly kind: BuildProblemKind;
  /** `module::name` for imports, the export name for exports. */
  readonly item: string;
  /** The core type the world expects; null when nothing is expected (unknown imports). */
  readonly expected: CoreFuncType | null;
  /** The core type (or extern kind) the module has; null when the item is missing. */
  readonly found: FuncType | string | null;
  /** One line: what is wrong, in words. */
  readonly message: string;
  /** An extra hint where a likely cause is known. */
  readonly hint: string | null;
}

export class BuildError extends Error {
  override readonly name = 'BuildError';
  readonly code: BuildErrorCode;
  /** Every mismatch found, for `BUILD_MISMATCH`; empty otherwise. */
  readonly problems: readonly BuildProblem[];
  /** For `BUILD_JS_FAILED`: ComponentizeJS's own message, without its stack frames and temporary paths; null otherwise. */
  readonly toolMessage: string | null;

  constructor(code: BuildErrorCode, message: string, problems: readonly BuildProblem[] = [], toolMessage: string | null = null) {
    super(message);
    this.code = code;
    this.problems = problems;
    this.toolMessage = toolMessage;
  }

  /** A mismatch error listing every problem, one per line, with its hint. */
  static mismatch(world: string, problems: readonly BuildProblem[]): BuildError {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const lines = problems.map((p) => {
      const hint = p.hint === null ? '' : `\n      hint: ${p.hint}`;
      return `  - ${p.message}${hint}`;
    });
    return new BuildError(
      'BUILD_MISMATCH',
      `the core module does not fit world \`${world}\` (${count}):\n${lines.join('\n')}`,
      problems,
    );
  }
}

/** `(func (param i32) (result i32))`, or the extern kind as found (`memory`). */
export function describeFound(found: FuncType | string): string {
  return typeof found === 'string' ? `a ${found}` : formatFuncType(found);
}

/** `(func (param i32 i32) (result i32))` for any core function type, as wasm-tools prints it. */
export function formatFuncType(type: { readonly params: readonly string[]; readonly results: readonly string[] }): string {
  let text = '(func';
  if (type.params.length > 0) text += ` (param ${type.params.join(' ')})`;
  if (type.results.length > 0) text += ` (result ${type.results.join(' ')})`;
  return `${text})`;
}
