/**
 * Source files known to the front-end and the mapping from offsets to
 * `file:line:col`. Spans everywhere in the AST point into a `SourceMap`.
 *
 * Offsets are UTF-16 code-unit indexes into the file text (JavaScript string
 * indexes); columns are reported 1-based in code points so that a caret lines
 * up under non-ASCII text.
 */
export interface Span {
  /** Index of the file in its SourceMap. */
  readonly file: number;
  /** Offset of the first character. */
  readonly start: number;
  /** Offset one past the last character. */
  readonly end: number;
}

export interface SourceFile {
  /** Path as given by the caller (used verbatim in diagnostics). */
  readonly path: string;
  readonly text: string;
}

export interface Location {
  readonly path: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

export class SourceMap {
  readonly files: SourceFile[] = [];
  private readonly lineStarts: (number[] | undefined)[] = [];

  /** Adds a file and returns its index for use in spans. */
  add(path: string, text: string): number {
    this.files.push({ path, text });
    this.lineStarts.push(undefined);
    return this.files.length - 1;
  }

  file(index: number): SourceFile {
    const file = this.files[index];
    if (!file) throw new RangeError(`no source file #${index}`);
    return file;
  }

  location(span: Span): Location {
    const file = this.file(span.file);
    const starts = this.starts(span.file);
    const line = lineIndexOf(starts, span.start);
    const lineStart = starts[line] ?? 0;
    const column = codePointCount(file.text, lineStart, span.start) + 1;
    return { path: file.path, line: line + 1, column };
  }

  /** The full text of the line containing `span.start`, without its newline. */
  lineText(span: Span): string {
    const file = this.file(span.file);
    const starts = this.starts(span.file);
    const line = lineIndexOf(starts, span.start);
    const from = starts[line] ?? 0;
    let to = starts[line + 1] ?? file.text.length;
    while (to > from && (file.text[to - 1] === '\n' || file.text[to - 1] === '\r')) to--;
    return file.text.slice(from, to);
  }

  private starts(index: number): number[] {
    let starts = this.lineStarts[index];
    if (!starts) {
      const text = this.file(index).text;
      starts = [0];
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts[index] = starts;
    }
    return starts;
  }
}

function lineIndexOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function codePointCount(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // Count a surrogate pair once.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
