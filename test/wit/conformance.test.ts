/**
 * wit-parser's own test corpus: every valid case must resolve to exactly the
 * Resolve JSON wit-parser produces (with feature `active` enabled), and every
 * parse-fail case must be rejected with a located WitError, on the line the
 * reference points at. The folder is enumerated at test time so added cases
 * are picked up.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WitError } from '../../src/wit/errors.js';
import { toResolveJson } from '../../src/wit/json.js';
import { loadWit, loadWitAsync } from '../../src/wit/load.js';

const root = fileURLToPath(new URL('../../../shared/conformance/wit-parser', import.meta.url));
const failRoot = join(root, 'parse-fail');

/** Case names: `X.wit` files and `X/` directories, without the result files. */
function cases(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isDirectory() && e.name !== 'parse-fail') || (e.isFile() && e.name.endsWith('.wit')))
    .map((e) => e.name)
    .sort();
}

const valid = cases(root).filter((name) => existsSync(join(root, `${stem(name)}.wit.json`)));
const invalid = cases(failRoot);

function stem(name: string): string {
  return name.endsWith('.wit') ? name.slice(0, -'.wit'.length) : name;
}

describe('wit-parser corpus: valid cases resolve to the reference Resolve JSON', () => {
  it('finds the corpus', () => {
    expect(valid.length).toBeGreaterThan(0);
  });
  for (const name of valid) {
    // loadWitAsync: some cases have WIT packages encoded as WebAssembly text in deps/.
    it(name, async () => {
      const expected: unknown = JSON.parse(readFileSync(join(root, `${stem(name)}.wit.json`), 'utf8'));
      const loaded = await loadWitAsync(join(root, name), { features: ['active'] });
      expect(toResolveJson(loaded.resolve)).toEqual(expected);
    });
  }
});

/** The `--> file:line:col` of a reference error, when it has one. */
function referenceLocation(name: string): { file: string; line: number } | null {
  const result = join(failRoot, `${stem(name)}.wit.result`);
  if (!existsSync(result)) return null;
  const match = /-->\s+(\S+):(\d+):(\d+)/.exec(readFileSync(result, 'utf8'));
  return match ? { file: basename(match[1] as string), line: Number(match[2]) } : null;
}

describe('wit-parser corpus: parse-fail cases are rejected with a located WitError', () => {
  it('finds the corpus', () => {
    expect(invalid.length).toBeGreaterThan(0);
  });
  for (const name of invalid) {
    it(name, () => {
      let caught: unknown;
      try {
        loadWit(join(failRoot, name), { features: ['active'] });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WitError);
      const error = caught as WitError;
      expect(error.location, error.message).toBeDefined();
      const reference = referenceLocation(name);
      if (reference) {
        expect({ file: basename(error.location?.path ?? ''), line: error.location?.line }, error.render()).toEqual(
          reference,
        );
      }
    });
  }
});
