import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/cli/diagnostics.js';
import { WitError } from '../../src/wit/errors.js';
import { SourceMap } from '../../src/wit/source.js';

function located(): WitError {
  const sources = new SourceMap();
  const file = sources.add('w.wit', 'package a:b;\nworld w { nope }\n');
  return WitError.at('WIT_SYNTAX', 'expected `import`, `export`, `use` or a type, found `nope`', sources, {
    file,
    start: 23,
    end: 27,
  });
}

describe('formatError', () => {
  it('prints a WitError as its rendering, plain when colour is off', () => {
    expect(formatError(located(), false)).toBe(
      'error: expected `import`, `export`, `use` or a type, found `nope`\n  --> w.wit:2:11\n  |\n2 | world w { nope }\n  |           ^^^^',
    );
  });

  it('paints only the leading `error:` when colour is on', () => {
    const text = formatError(located(), true);
    expect(text).toMatch(/^\u001b\[1m\u001b\[31merror:\u001b\[39m\u001b\[22m expected/);
    expect(text.replace(/\u001b\[\d+m/g, '')).toBe(formatError(located(), false));
  });

  it('prints filesystem errors by message, without a stack', () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'x.wit'"), { code: 'ENOENT' });
    expect(formatError(error, false)).toBe("error: ENOENT: no such file or directory, open 'x.wit'");
  });

  it('prints other typed errors (a string code) by message', () => {
    class BuildLikeError extends Error {
      readonly code = 'BUILD_MISMATCH';
    }
    expect(formatError(new BuildLikeError('the module does not fit\n  - one problem'), false)).toBe(
      'error: the module does not fit\n  - one problem',
    );
  });

  it('labels anything else as an internal error', () => {
    expect(formatError(new TypeError('boom'), false)).toMatch(/^error: internal error in witgen: boom$/);
  });
});
