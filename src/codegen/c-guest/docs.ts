/** WIT doc comments rendered as C `//` comments. */
import type { CodeWriter } from '../writer.js';

export type Docs = string | null;

export function writeDocs(writer: CodeWriter, docs: Docs): void {
  if (docs === null) return;
  const text = docs.trim();
  if (text === '') return;
  for (const raw of text.split('\n')) {
    // A `//` comment ending in a backslash would swallow the next line.
    const line = raw.trimEnd().replace(/\\$/, '\\ (backslash)');
    writer.line(`// ${line}`.trimEnd());
  }
}
