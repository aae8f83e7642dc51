/**
 * A tiny code printer shared by the code generators.
 *
 * Generators append lines without caring about indentation; the writer
 * indents C-like code by its braces: a line ending in `{` opens a level, a
 * line starting with `}` closes one (so `} else {` does both). Blank lines
 * never accumulate more than one in a row, which keeps the output stable and
 * readable whatever order the fragments were produced in.
 */
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  constructor(private readonly indentUnit = '  ') {}

  /** Appends one or more lines (a string containing `\n` is split). */
  line(text = ''): this {
    for (const raw of text.split('\n')) this.push(raw.trim());
    return this;
  }

  /** An empty line, unless the previous line is already empty or nothing was written yet. */
  blank(): this {
    const last = this.lines[this.lines.length - 1];
    if (last !== undefined && last !== '') this.lines.push('');
    return this;
  }

  /** `open {`, the body, then `}` (plus `close`, e.g. `} name_t;`). */
  block(open: string, body: () => void, close = ''): this {
    this.line(`${open} {`);
    body();
    this.line(`}${close}`);
    return this;
  }

  /** Appends everything another writer holds, re-indented at the current level. */
  append(other: CodeWriter): this {
    for (const text of other.lines) this.push(text.trim());
    return this;
  }

  get isEmpty(): boolean {
    return this.lines.every((text) => text === '');
  }

  toString(): string {
    const out = [...this.lines];
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out.length === 0 ? '' : `${out.join('\n')}\n`;
  }

  private push(text: string): void {
    if (text === '') {
      this.blank();
      return;
    }
    // Preprocessor lines stay at column 0; comments never change the depth.
    if (text.startsWith('#')) {
      this.lines.push(text);
      return;
    }
    if (text.startsWith('//')) {
      this.lines.push(this.indentUnit.repeat(this.depth) + text);
      return;
    }
    const opens = text.endsWith('{');
    const closes = text.startsWith('}');
    if (closes) this.depth = Math.max(0, this.depth - 1);
    this.lines.push(this.indentUnit.repeat(this.depth) + text);
    if (opens) this.depth += 1;
  }
}
