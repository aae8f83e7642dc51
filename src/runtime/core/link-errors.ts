/**
 * Typed errors of the core-module linker: problems found while resolving a
 * module's imports (before anything runs), and bad values returned by host
 * functions (at call time). Both carry a stable `code`.
 */

export type LinkErrorCode =
  /** One or more imports are missing or have an incompatible type; see `problems`. */
  | 'LINK_UNRESOLVED_IMPORTS'
  /** A (module, name) pair was defined twice while shadowing is off. */
  | 'LINK_DUPLICATE_DEFINITION'
  /** The module exports both `_start` and `_initialize`. */
  | 'LINK_COMMAND_AND_REACTOR'
  /** `run()` on an instance that is not a command, or a command run a second time. */
  | 'LINK_NOT_RUNNABLE'
  /** A host function asked for the caller's memory, but the instance has none. */
  | 'LINK_NO_MEMORY'
  /** A host function asked for the caller's memory or exports while the module's start function runs. */
  | 'LINK_NOT_INSTANTIATED'
  /** The engine refused the imports for a reason the linker cannot check from the binary (e.g. memory limits). */
  | 'LINK_INSTANTIATION_FAILED';

/** One unsatisfied import. `expected`/`found` are written in WAT syntax, e.g. `(func (result i32))`. */
export type LinkProblem =
  | { readonly kind: 'missing'; readonly module: string; readonly name: string; readonly expected: string }
  | {
      readonly kind: 'incompatible';
      readonly module: string;
      readonly name: string;
      readonly expected: string;
      readonly found: string;
      /** Set when the mismatch is only i32 against i64 (the C `long` trap). */
      readonly hint?: string;
    };

export class LinkError extends Error {
  override readonly name = 'LinkError';
  readonly code: LinkErrorCode;
  /** Every unsatisfied import, for `LINK_UNRESOLVED_IMPORTS`; empty otherwise. */
  readonly problems: readonly LinkProblem[];

  constructor(code: LinkErrorCode, message: string, problems: readonly LinkProblem[] = []) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}

export const LONG_HINT =
  'hint: C `long` is 32-bit on wasm32 (i32); use int64_t / long long in the guest for a 64-bit value, or declare s32 in the WIT world';

/** The one-line description of a problem, Wasmtime's wording plus the WAT signature. */
export function describeProblem(problem: LinkProblem): string {
  const where = `\`${problem.module}::${problem.name}\``;
  if (problem.kind === 'missing') {
    return `unknown import: ${where} has not been defined; the module imports it as ${problem.expected}`;
  }
  return `incompatible import type for ${where}: expected ${problem.expected}, found ${problem.found}`;
}

/** All problems in one message: one per line, each hint under its problem. */
export function unresolvedImportsError(problems: readonly LinkProblem[]): LinkError {
  const lines = problems.flatMap((problem) => {
    const line = describeProblem(problem);
    return problem.kind === 'incompatible' && problem.hint !== undefined ? [line, `  ${problem.hint}`] : [line];
  });
  const message =
    problems.length === 1
      ? lines.join('\n')
      : `${problems.length} imports cannot be resolved:\n${lines.map((l) => `  ${l}`).join('\n')}`;
  return new LinkError('LINK_UNRESOLVED_IMPORTS', message, problems);
}

export type CoreCallErrorCode =
  /** A host function returned a value its core result type cannot hold. */
  | 'CALL_BAD_RESULT'
  /** The guest called an import that was defined as a trap by `defineUnknownImportsAsTraps`. */
  | 'CALL_UNKNOWN_IMPORT';

export class CoreCallError extends Error {
  override readonly name = 'CoreCallError';
  readonly code: CoreCallErrorCode;
  /** `module::name` of the import involved. */
  readonly importName: string;

  constructor(code: CoreCallErrorCode, importName: string, message: string) {
    super(message);
    this.code = code;
    this.importName = importName;
  }
}

/** A short rendering of a JS value for error messages: `1.5`, `7n`, `"x"`, `undefined`, `[1, 2n]`. */
export function renderValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (value === null || typeof value !== 'object') return String(value);
  return typeof value === 'function' ? 'a function' : 'an object';
}
