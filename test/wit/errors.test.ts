import { describe, expect, it } from 'vitest';
import { SourceMap, WitError } from '../../src/index.js';

describe('WitError rendering', () => {
  it('names file:line:col and underlines the span', () => {
    const sources = new SourceMap();
    const text = 'package a:b;\n\ninterface i {\n  f: func() -> nope;\n}\n';
    const file = sources.add('x.wit', text);
    const start = text.indexOf('nope');
    const error = WitError.at('WIT_UNKNOWN_NAME', 'type `nope` does not exist', sources, {
      file,
      start,
      end: start + 4,
    });
    expect(error.code).toBe('WIT_UNKNOWN_NAME');
    expect(error.location).toEqual({ path: 'x.wit', line: 4, column: 16 });
    expect(error.render()).toBe(
      [
        'error: type `nope` does not exist',
        '  --> x.wit:4:16',
        '  |',
        '4 |   f: func() -> nope;',
        '  |                ^^^^',
      ].join('\n'),
    );
  });

  it('counts columns in code points', () => {
    const sources = new SourceMap();
    const text = '/// 😀 é\nx';
    const file = sources.add('y.wit', text);
    const at = text.indexOf('é');
    expect(sources.location({ file, start: at, end: at + 1 })).toEqual({ path: 'y.wit', line: 1, column: 7 });
  });
});
