import { describe, expect, it } from 'vitest';
import { isKeywordName, Tok, tokenize, type TokenKind } from '../../src/wit/lexer.js';
import { isValidKebabName, kebabNameProblem, suggestKebabName } from '../../src/wit/names.js';

/** Kinds and texts of the tokens of `text`, without the final Eof. */
function lex(text: string): [TokenKind, string][] {
  const stream = tokenize(text);
  expect(stream.problem).toBeNull();
  const out: [TokenKind, string][] = [];
  for (let i = 0; i < stream.kinds.length; i++) {
    const kind = stream.kinds[i] as TokenKind;
    if (kind === Tok.Eof) break;
    out.push([kind, text.slice(stream.starts[i], stream.ends[i])]);
  }
  return out;
}

function problemOf(text: string): { detail: string; at: string } {
  const stream = tokenize(text);
  const problem = stream.problem;
  if (!problem) throw new Error(`expected a lexing problem in ${JSON.stringify(text)}`);
  expect(stream.kinds[stream.kinds.length - 1]).toBe(Tok.Error);
  return { detail: problem.detail, at: text.slice(problem.start) };
}

describe('tokenize', () => {
  it('reads punctuation, arrows and minus signs', () => {
    expect(lex('= , : . ; ( ) { } < > -> * @ / + -').map(([k]) => k)).toEqual([
      Tok.Equals,
      Tok.Comma,
      Tok.Colon,
      Tok.Period,
      Tok.Semicolon,
      Tok.LeftParen,
      Tok.RightParen,
      Tok.LeftBrace,
      Tok.RightBrace,
      Tok.LessThan,
      Tok.GreaterThan,
      Tok.Arrow,
      Tok.Star,
      Tok.At,
      Tok.Slash,
      Tok.Plus,
      Tok.Minus,
    ]);
  });

  it('tells keywords from identifiers, including multi-word keywords', () => {
    expect(lex('func funcs error-context error-contexts u32 u33 _ record-x %record')).toEqual([
      [Tok.Func, 'func'],
      [Tok.Id, 'funcs'],
      [Tok.ErrorContext, 'error-context'],
      [Tok.Id, 'error-contexts'],
      [Tok.U32, 'u32'],
      [Tok.Id, 'u33'],
      [Tok.Underscore, '_'],
      [Tok.Id, 'record-x'],
      [Tok.ExplicitId, '%record'],
    ]);
  });

  it('knows which words need a `%` escape', () => {
    expect(['interface', 'error-context', 'own', 'map', '_', 'async'].every(isKeywordName)).toBe(true);
    expect(['float32', 'union', 'x', 'errorcontext'].some(isKeywordName)).toBe(false);
  });

  it('lexes whole words, leaving validation to the parser', () => {
    expect(lex('apple_pear Apple garçon 東京 a--b')).toEqual([
      [Tok.Id, 'apple_pear'],
      [Tok.Id, 'Apple'],
      [Tok.Id, 'garçon'],
      [Tok.Id, '東京'],
      [Tok.Id, 'a--b'],
    ]);
    expect(lex('%')).toEqual([[Tok.ExplicitId, '%']]);
  });

  it('splits integers, versions and identifiers the way semver needs', () => {
    expect(lex('1.20.3-rc-1+b7')).toEqual([
      [Tok.Integer, '1'],
      [Tok.Period, '.'],
      [Tok.Integer, '20'],
      [Tok.Period, '.'],
      [Tok.Integer, '3'],
      [Tok.Minus, '-'],
      [Tok.Id, 'rc-1'],
      [Tok.Plus, '+'],
      [Tok.Id, 'b7'],
    ]);
  });

  it('skips whitespace (space, tab, LF, CRLF) and a leading byte-order mark', () => {
    expect(lex('\ufeffa\tb\r\nc\n\r\nd')).toEqual([
      [Tok.Id, 'a'],
      [Tok.Id, 'b'],
      [Tok.Id, 'c'],
      [Tok.Id, 'd'],
    ]);
  });

  it('rejects a carriage return that does not start a CRLF, as wit-parser does', () => {
    expect(problemOf('a\rb')).toEqual({ detail: 'unexpected character U+000D', at: '\rb' });
    expect(problemOf('a\r\r\nb').at).toBe('\r\r\nb');
    expect(problemOf('a\r').at).toBe('\r');
    // Inside comments a lone CR is text.
    expect(lex('/* \r */ a // \r x\nb')).toEqual([
      [Tok.Id, 'a'],
      [Tok.Id, 'b'],
    ]);
  });

  it('records line and (nested) block comments between tokens', () => {
    const text = 'a // one\n/* two /* nested */ still */ b /// three\n';
    const stream = tokenize(text);
    expect(stream.problem).toBeNull();
    const comments = stream.commentStarts.map((start, i) => text.slice(start, stream.commentEnds[i]));
    expect(comments).toEqual(['// one', '/* two /* nested */ still */', '/// three']);
    // Token 1 (`b`) is preceded by the first two comments; Eof by the third.
    expect([...stream.commentsBefore]).toEqual([0, 2, 3]);
  });

  it('lexes string literals so that the parser can reject them precisely', () => {
    expect(lex('"a\\"b\\u{1F600}\\41"')).toEqual([[Tok.StringLiteral, '"a\\"b\\u{1F600}\\41"']]);
  });

  it('reports an unterminated block comment at its start', () => {
    expect(problemOf('a /* b /* c */')).toEqual({ detail: 'unterminated block comment', at: '/* b /* c */' });
  });

  it('reports an unterminated string literal at its quote', () => {
    expect(problemOf('a "bc\nd"')).toEqual({ detail: 'unterminated string literal', at: '"bc\nd"' });
  });

  it('reports unexpected characters', () => {
    expect(problemOf('a $b')).toMatchObject({ at: '$b' });
    expect(problemOf('a $b').detail).toContain('unexpected character `$`');
    expect(problemOf('a # b').detail).toContain('`#`');
  });

  it('refuses control codes, bidi overrides and deprecated code points anywhere, even in comments', () => {
    expect(problemOf('a // \u0000').detail).toContain('control code U+0000');
    expect(problemOf('a /* \u202e */').detail).toContain('bidirectional override code point U+202E');
    expect(problemOf('a \u0149').detail).toContain('deprecated');
    expect(problemOf('x\u0085').detail).toContain('control code U+0085');
    // Reported before anything else, like wit-parser's up-front scan.
    expect(problemOf('$ \u2066').at).toBe('\u2066');
  });

  it('always ends with Eof or Error and never throws', () => {
    for (const text of ['', '/', '-', '%', '"', '/*', '@', '\\', '\ud800']) {
      const stream = tokenize(text);
      const last = stream.kinds[stream.kinds.length - 1];
      expect(last === Tok.Eof || last === Tok.Error).toBe(true);
    }
  });
});

describe('kebab-case names', () => {
  it('accepts lowercase or uppercase words with digits after the start', () => {
    for (const name of ['apple', 'apple-pear', 'a0', 'APPLE-PEAR', 'apple-PEAR-grape', 'is-XML', 'apple-0', 'a0-000-3d4a-54FF', 'bool']) {
      expect(kebabNameProblem(name), name).toBeNull();
    }
  });

  it('rejects everything else with a reason', () => {
    for (const name of ['', '0', '0a', 'a-', '-a', 'a--b', 'Apple', 'applE', 'apple-Pear', 'apple_pear', '_a', 'garçon', '東京', 'a0-000-3d4A-54Ff', 'a.b']) {
      expect(isValidKebabName(name), name).toBe(false);
    }
    expect(kebabNameProblem('a--b')).toContain('between `-`s');
    expect(kebabNameProblem('9lives')).toContain('start with an ASCII letter');
    expect(kebabNameProblem('camelCase')).toContain('all lowercase or all uppercase');
    expect(kebabNameProblem('snake_case')).toContain('`_`');
  });

  it('suggests a kebab-case spelling for camelCase, PascalCase and snake_case', () => {
    expect(suggestKebabName('getUser')).toBe('get-user');
    expect(suggestKebabName('HTTPError')).toBe('http-error');
    expect(suggestKebabName('snake_case_name')).toBe('snake-case-name');
    expect(suggestKebabName('a--b')).toBe('a-b');
    expect(suggestKebabName('9lives')).toBeNull();
    expect(suggestKebabName('garçon')).toBeNull();
  });
});
