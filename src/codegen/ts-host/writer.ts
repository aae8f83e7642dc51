/**
 * Line printer for generated TypeScript: explicit indentation (two spaces per
 * level), JSDoc blocks, and never two blank lines in a row, so the output is
 * formatted the same way whatever order fragments are produced in.
 */
export class TsWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text = ''): this {
    if (text === '') return this.blank();
    this.lines.push(`${'  '.repeat(this.depth)}${text}`);
    return this;
  }

  blank(): this {
    const last = this.lines[this.lines.length - 1];
    if (last !== undefined && last !== '') this.lines.push('');
    return this;
  }

  /** `open`, the body one level deeper, then `close`. */
  block(open: string, body: () => void, close: string): this {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    this.line(close);
    return this;
  }

  /** A JSDoc block of `paragraphs` (null/empty entries skipped); nothing when all are empty. */
  doc(...paragraphs: readonly (string | null | undefined)[]): this {
    const lines: string[] = [];
    for (const paragraph of paragraphs) {
      if (paragraph === null || paragraph === undefined || paragraph.trim() === '') continue;
      if (lines.length > 0) lines.push('');
      lines.push(...paragraph.trimEnd().split('\n').map((l) => l.trimEnd()));
    }
    if (lines.length === 0) return this;
    // `*/` inside a doc comment would end it early.
    const safe = lines.map((l) => l.replace(/\*\//g, '*\\/'));
    if (safe.length === 1) return this.line(`/** ${safe[0]} */`);
    this.line('/**');
    for (const l of safe) this.line(l === '' ? ' *' : ` * ${l}`);
    return this.line(' */');
  }

  toString(): string {
    const out = [...this.lines];
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return `${out.join('\n')}\n`;
  }
}
