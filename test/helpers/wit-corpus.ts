/**
 * The wit-parser conformance corpus in ../shared/conformance (test data from
 * public suites): where it is and which of its cases resolve (everything but
 * the parse-fail folder).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const corpusRoot = fileURLToPath(new URL('../../../shared/conformance/wit-parser', import.meta.url));

/** The names of the corpus's resolving cases (`x.wit` files and package folders), sorted; none when the corpus is absent. */
export function corpusCases(): string[] {
  if (!existsSync(corpusRoot)) return [];
  return readdirSync(corpusRoot, { withFileTypes: true })
    .filter((e) => (e.isDirectory() && e.name !== 'parse-fail') || (e.isFile() && e.name.endsWith('.wit')))
    .map((e) => e.name)
    .sort();
}

/** Every `.wit` file below `dir`, recursively, in a stable order. */
export function witFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return witFilesUnder(path);
      return name.endsWith('.wit') ? [path] : [];
    });
}
