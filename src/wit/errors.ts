import type { SourceMap, Span, Location } from './source.js';

/**
 * Stable codes for every WIT diagnostic. Callers may switch on them; the
 * message text may improve over time, the codes do not change meaning.
 */
export type WitErrorCode =
  /** A character or token the lexer cannot read (bad char, unterminated comment...). */
  | 'WIT_LEX'
  /** The token stream does not follow the WIT grammar. */
  | 'WIT_SYNTAX'
  /** A name that is declared twice in the same scope. */
  | 'WIT_DUPLICATE'
  /** A name (type, interface, world, package, feature target) that does not exist. */
  | 'WIT_UNKNOWN_NAME'
  /** A name that exists but is the wrong kind of item (e.g. a type used as a resource). */
  | 'WIT_WRONG_KIND'
  /** Types, interfaces or worlds that depend on themselves. */
  | 'WIT_CYCLE'
  /** A package/version/dependency problem (missing package, conflicting versions...). */
  | 'WIT_PACKAGE'
  /** A well-formed construct that WIT's rules forbid (bad gate, bad include, bad handle...). */
  | 'WIT_INVALID'
  /** A file or directory that cannot be read. */
  | 'WIT_IO';

/**
 * A WIT diagnostic. `message` is the one-line description; `location` and
 * `snippet` are present whenever the error points into source text.
 * `toString()` renders the full diagnostic:
 *
 *     error: expected `;`, found `}`
 *       --> wit/world.wit:3:5
 *        |
 *      3 |     }
 *        |     ^
 */
export class WitError extends Error {
  override readonly name = 'WitError';
  readonly code: WitErrorCode;
  /** The plain description, without location or snippet. */
  readonly detail: string;
  readonly location: Location | undefined;
  /** The rendered source excerpt with a caret (empty when no location). */
  readonly snippet: string;

  constructor(code: WitErrorCode, detail: string, location?: Location, snippet = '') {
    super(location ? `${location.path}:${location.line}:${location.column}: ${detail}` : detail);
    this.code = code;
    this.detail = detail;
    this.location = location;
    this.snippet = snippet;
  }

  /** Builds an error located at `span` in `sources`. */
  static at(code: WitErrorCode, detail: string, sources: SourceMap, span: Span): WitError {
    const location = sources.location(span);
    return new WitError(code, detail, location, renderSnippet(sources, span, location));
  }

  /** The complete human-readable diagnostic (what the CLI prints). */
  render(): string {
    if (!this.location) return `error: ${this.detail}`;
    const { path, line, column } = this.location;
    return `error: ${this.detail}\n  --> ${path}:${line}:${column}\n${this.snippet}`;
  }

  override toString(): string {
    return this.render();
  }
}

function renderSnippet(sources: SourceMap, span: Span, location: Location): string {
  const text = sources.lineText(span).replace(/\t/g, ' ');
  const gutter = String(location.line).length;
  const pad = ' '.repeat(gutter);
  const caretStart = location.column - 1;
  // Underline the span when it stays on one line; otherwise one caret.
  const spanText = sources.file(span.file).text.slice(span.start, span.end);
  const width = spanText.length > 0 && !spanText.includes('\n') ? [...spanText].length : 1;
  const carets = '^'.repeat(Math.max(1, Math.min(width, Math.max(1, [...text].length - caretStart))));
  return `${pad} |\n${location.line} | ${text}\n${pad} | ${' '.repeat(caretStart)}${carets}`;
}

export function isWitError(value: unknown): value is WitError {
  return value instanceof WitError;
}
