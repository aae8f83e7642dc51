/**
 * The preview1 path sandbox (FdTable.resolve in src/runtime/wasi/preview1-fds.ts)
 * against a model, on random paths: `..` may not climb above the preopen,
 * and a symbolic link leading out of it may not be followed.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasiGrants } from '../../src/runtime/wasi/options.js';
import { Errno } from '../../src/runtime/wasi/preview1-errno.js';
import { ErrnoError, FdTable } from '../../src/runtime/wasi/preview1-fds.js';

describe('preview1 path sandbox', () => {
  let base: string;
  let root: string;
  let table: FdTable;

  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'witgen-sandbox-')));
    root = join(base, 'root');
    mkdirSync(join(root, 'a'), { recursive: true });
    // `out` leads out of the preopen, `in` stays inside it.
    symlinkSync(base, join(root, 'out'));
    symlinkSync(join(root, 'a'), join(root, 'in'));
    table = new FdTable(wasiGrants({ preopens: { '/': root } }), {});
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  /** What resolve must do: the lexically normalised path under the root, or NOTCAPABLE. */
  function model(segments: readonly string[], follow: boolean): string | 'notcapable' {
    if (segments.join('/').startsWith('/')) return 'notcapable';
    const stack: string[] = [];
    for (const segment of segments) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (stack.pop() === undefined) return 'notcapable';
      } else {
        stack.push(segment);
      }
    }
    // Only `out` at the top leaves the root (`a/out` and `b/...` do not exist, `in` stays inside).
    if (stack[0] === 'out' && (stack.length > 1 || follow)) return 'notcapable';
    return join(root, ...stack);
  }

  function resolve(path: string, follow: boolean): string | 'notcapable' {
    try {
      return table.resolve(table.dir(3), path, follow);
    } catch (error) {
      if (error instanceof ErrnoError && error.errno === Errno.NOTCAPABLE) return 'notcapable';
      throw error;
    }
  }

  it('matches the model on random relative paths', () => {
    const segment = fc.constantFrom('..', '.', '', 'a', 'b', 'in', 'out');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), fc.boolean(), (segments, follow) => {
        expect(resolve(segments.join('/'), follow)).toBe(model(segments, follow));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses absolute paths and NUL bytes', () => {
    expect(resolve('/etc/passwd', true)).toBe('notcapable');
    expect(resolve('a\0b', true)).toBe('notcapable');
  });

  it('resolves under an opened subdirectory, which may climb back to the root but not above', () => {
    const sub = table.open(3, 'a', 0, 0, true, false, 0);
    expect(table.resolve(table.dir(sub), '../in', true)).toBe(join(root, 'in'));
    expect(() => table.resolve(table.dir(sub), '../..', true)).toThrow(ErrnoError);
    table.close(sub);
  });
});
