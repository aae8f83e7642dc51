/**
 * The WIT lexer: one pass over the text with `charCodeAt`, producing a flat
 * token list (kinds and offsets in parallel arrays) plus the comments found
 * between tokens, which the parser turns into doc comments.
 *
 * Lexing never throws. The first problem found becomes a final `Tok.Error`
 * token carrying a message; the parser reports it when (and only when) it
 * reaches that token, so a syntax error earlier in the file is reported
 * first, as wit-parser does. The exception is the up-front scan for
 * forbidden code points (control codes, bidi overrides...), which wit-parser
 * also performs before reading any token.
 */

/** Token kinds. Keywords come after `FirstKeyword`. */
export const Tok = {
  Eof: 0,
  Error: 1,
  Id: 2,
  /** `%name`: an identifier that may spell a keyword. */
  ExplicitId: 3,
  Integer: 4,
  StringLiteral: 5,
  Equals: 6,
  Comma: 7,
  Colon: 8,
  Period: 9,
  Semicolon: 10,
  LeftParen: 11,
  RightParen: 12,
  LeftBrace: 13,
  RightBrace: 14,
  LessThan: 15,
  GreaterThan: 16,
  Arrow: 17,
  Star: 18,
  At: 19,
  Slash: 20,
  Plus: 21,
  Minus: 22,
  // Keywords.
  Use: 30,
  Type: 31,
  Func: 32,
  U8: 33,
  U16: 34,
  U32: 35,
  U64: 36,
  S8: 37,
  S16: 38,
  S32: 39,
  S64: 40,
  F32: 41,
  F64: 42,
  Char: 43,
  Resource: 44,
  Own: 45,
  Borrow: 46,
  Record: 47,
  Flags: 48,
  Variant: 49,
  Enum: 50,
  Bool: 51,
  String: 52,
  Option: 53,
  Result: 54,
  Future: 55,
  Stream: 56,
  ErrorContext: 57,
  List: 58,
  Map: 59,
  Underscore: 60,
  As: 61,
  From: 62,
  Static: 63,
  Interface: 64,
  Tuple: 65,
  Import: 66,
  Export: 67,
  World: 68,
  Package: 69,
  Constructor: 70,
  Include: 71,
  With: 72,
  Async: 73,
} as const;

export type TokenKind = (typeof Tok)[keyof typeof Tok];

export const FIRST_KEYWORD: TokenKind = Tok.Use;

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['use', Tok.Use],
  ['type', Tok.Type],
  ['func', Tok.Func],
  ['u8', Tok.U8],
  ['u16', Tok.U16],
  ['u32', Tok.U32],
  ['u64', Tok.U64],
  ['s8', Tok.S8],
  ['s16', Tok.S16],
  ['s32', Tok.S32],
  ['s64', Tok.S64],
  ['f32', Tok.F32],
  ['f64', Tok.F64],
  ['char', Tok.Char],
  ['resource', Tok.Resource],
  ['own', Tok.Own],
  ['borrow', Tok.Borrow],
  ['record', Tok.Record],
  ['flags', Tok.Flags],
  ['variant', Tok.Variant],
  ['enum', Tok.Enum],
  ['bool', Tok.Bool],
  ['string', Tok.String],
  ['option', Tok.Option],
  ['result', Tok.Result],
  ['future', Tok.Future],
  ['stream', Tok.Stream],
  ['error-context', Tok.ErrorContext],
  ['list', Tok.List],
  ['map', Tok.Map],
  ['_', Tok.Underscore],
  ['as', Tok.As],
  ['from', Tok.From],
  ['static', Tok.Static],
  ['interface', Tok.Interface],
  ['tuple', Tok.Tuple],
  ['import', Tok.Import],
  ['export', Tok.Export],
  ['world', Tok.World],
  ['package', Tok.Package],
  ['constructor', Tok.Constructor],
  ['include', Tok.Include],
  ['with', Tok.With],
  ['async', Tok.Async],
]);

const PUNCTUATION_TEXT: Partial<Record<TokenKind, string>> = {
  [Tok.Equals]: '=',
  [Tok.Comma]: ',',
  [Tok.Colon]: ':',
  [Tok.Period]: '.',
  [Tok.Semicolon]: ';',
  [Tok.LeftParen]: '(',
  [Tok.RightParen]: ')',
  [Tok.LeftBrace]: '{',
  [Tok.RightBrace]: '}',
  [Tok.LessThan]: '<',
  [Tok.GreaterThan]: '>',
  [Tok.Arrow]: '->',
  [Tok.Star]: '*',
  [Tok.At]: '@',
  [Tok.Slash]: '/',
  [Tok.Plus]: '+',
  [Tok.Minus]: '-',
};

const KEYWORD_TEXT: ReadonlyMap<TokenKind, string> = new Map(
  [...KEYWORDS].map(([text, kind]) => [kind, text]),
);

/** How a token kind is named in "expected ..." messages, e.g. "`;`" or "keyword `type`". */
export function describeKind(kind: TokenKind): string {
  const punct = PUNCTUATION_TEXT[kind];
  if (punct !== undefined) return `\`${punct}\``;
  const keyword = KEYWORD_TEXT.get(kind);
  if (keyword !== undefined) return `keyword \`${keyword}\``;
  switch (kind) {
    case Tok.Eof:
      return 'end of file';
    case Tok.Id:
    case Tok.ExplicitId:
      return 'an identifier';
    case Tok.Integer:
      return 'an integer';
    case Tok.StringLiteral:
      return 'a string literal';
    default:
      return 'an invalid token';
  }
}

export function isKeyword(kind: TokenKind): boolean {
  return kind >= FIRST_KEYWORD;
}

/** Whether `word` lexes as a keyword, so a name spelled like it must be written `%word`. */
export function isKeywordName(word: string): boolean {
  return KEYWORDS.has(word);
}

export interface LexProblem {
  readonly detail: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The tokens of one file. Token `i` has kind `kinds[i]` and covers
 * `text.slice(starts[i], ends[i])`. The last token is `Tok.Eof` (at the end
 * of the text) or `Tok.Error` (at the problem, described by `problem`).
 * The comments between token `i - 1` and token `i` are
 * `comments[commentsBefore[i - 1] ?? 0 .. commentsBefore[i]]`, each stored as
 * a [start, end) pair in `commentStarts`/`commentEnds`.
 */
export interface TokenStream {
  readonly text: string;
  /** Number of tokens, the final Eof/Error included. */
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly commentsBefore: Int32Array;
  readonly commentStarts: readonly number[];
  readonly commentEnds: readonly number[];
  readonly problem: LexProblem | null;
}

/** Splits `text` into tokens. Never throws; see `TokenStream.problem`. */
export function tokenize(text: string): TokenStream {
  const n = text.length;
  // Typed arrays are much cheaper to fill than growing lists. Real WIT has
  // about one token per five characters; the arrays double when that guess
  // is too small (a file never has more tokens than characters, plus Eof).
  let capacity = Math.min(n + 1, 64 + (n >> 2));
  let kinds: Uint8Array = new Uint8Array(capacity);
  let starts: Int32Array = new Int32Array(capacity);
  let ends: Int32Array = new Int32Array(capacity);
  let commentsBefore: Int32Array = new Int32Array(capacity);
  const commentStarts: number[] = [];
  const commentEnds: number[] = [];
  let count = 0;
  const grow = (): void => {
    capacity = Math.min(n + 1, capacity * 2);
    const grown = (old: Int32Array): Int32Array => {
      const bigger = new Int32Array(capacity);
      bigger.set(old);
      return bigger;
    };
    const biggerKinds = new Uint8Array(capacity);
    biggerKinds.set(kinds);
    kinds = biggerKinds;
    starts = grown(starts);
    ends = grown(ends);
    commentsBefore = grown(commentsBefore);
  };
  const push = (kind: TokenKind, start: number, end: number): void => {
    if (count === capacity) grow();
    kinds[count] = kind;
    starts[count] = start;
    ends[count] = end;
    commentsBefore[count] = commentStarts.length;
    count++;
  };
  const finish = (problem: LexProblem | null): TokenStream => {
    if (problem) push(Tok.Error, problem.start, problem.end);
    else push(Tok.Eof, n, n);
    return {
      text,
      count,
      kinds: kinds.subarray(0, count),
      starts: starts.subarray(0, count),
      ends: ends.subarray(0, count),
      commentsBefore: commentsBefore.subarray(0, count),
      commentStarts,
      commentEnds,
      problem,
    };
  };

  const forbidden = findForbiddenCodePoint(text);
  if (forbidden) return finish(forbidden);

  let i = n > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x20: // space
      case 0x09: // \t
      case 0x0a: // \n
        i++;
        continue;
      case 0x0d: // \r: whitespace only as part of \r\n, as wit-parser reads it (WIT.md also lists a lone \r)
        if (text.charCodeAt(i + 1) !== 0x0a) return finish(unexpectedCharacter(text, i));
        i += 2;
        continue;
      case 0x2f: {
        // `/`: a comment or a slash
        const next = text.charCodeAt(i + 1);
        if (next === 0x2f) {
          let end = text.indexOf('\n', i + 2);
          if (end < 0) end = n;
          commentStarts.push(i);
          commentEnds.push(end);
          i = end;
          continue;
        }
        if (next === 0x2a) {
          const end = blockCommentEnd(text, i);
          if (end < 0) {
            return finish({
              detail: 'unterminated block comment',
              start: i,
              end: i + 2,
            });
          }
          commentStarts.push(i);
          commentEnds.push(end);
          i = end;
          continue;
        }
        push(Tok.Slash, i, i + 1);
        i++;
        continue;
      }
      case 0x3d:
        push(Tok.Equals, i, ++i);
        continue;
      case 0x2c:
        push(Tok.Comma, i, ++i);
        continue;
      case 0x3a:
        push(Tok.Colon, i, ++i);
        continue;
      case 0x2e:
        push(Tok.Period, i, ++i);
        continue;
      case 0x3b:
        push(Tok.Semicolon, i, ++i);
        continue;
      case 0x28:
        push(Tok.LeftParen, i, ++i);
        continue;
      case 0x29:
        push(Tok.RightParen, i, ++i);
        continue;
      case 0x7b:
        push(Tok.LeftBrace, i, ++i);
        continue;
      case 0x7d:
        push(Tok.RightBrace, i, ++i);
        continue;
      case 0x3c:
        push(Tok.LessThan, i, ++i);
        continue;
      case 0x3e:
        push(Tok.GreaterThan, i, ++i);
        continue;
      case 0x2a:
        push(Tok.Star, i, ++i);
        continue;
      case 0x40:
        push(Tok.At, i, ++i);
        continue;
      case 0x2b:
        push(Tok.Plus, i, ++i);
        continue;
      case 0x2d: // `-` or `->`
        if (text.charCodeAt(i + 1) === 0x3e) {
          push(Tok.Arrow, i, i + 2);
          i += 2;
        } else {
          push(Tok.Minus, i, ++i);
        }
        continue;
      case 0x25: {
        // `%name`; a lone `%` is an ExplicitId with an empty name, which
        // the parser rejects as an invalid identifier.
        const start = i;
        i++;
        if (i < n && isKeylikeStartAt(text, i)) i = keylikeEnd(text, i);
        push(Tok.ExplicitId, start, i);
        continue;
      }
      case 0x22: {
        const end = stringLiteralEnd(text, i);
        if (typeof end !== 'number') return finish(end);
        push(Tok.StringLiteral, i, end);
        i = end;
        continue;
      }
      default:
        break;
    }
    if (c >= 0x30 && c <= 0x39) {
      const start = i;
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      push(Tok.Integer, start, i);
      continue;
    }
    if (isKeylikeStartAt(text, i)) {
      const start = i;
      i = keylikeEnd(text, i);
      const word = text.slice(start, i);
      push(KEYWORDS.get(word) ?? Tok.Id, start, i);
      continue;
    }
    return finish(unexpectedCharacter(text, i));
  }
  return finish(null);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const XID_START = /^\p{XID_Start}$/u;
const XID_CONTINUE = /^\p{XID_Continue}$/u;

/**
 * Identifier-like words start with a letter, `_` or any Unicode XID_Start
 * character and continue with XID_Continue characters or `-`. Only ASCII
 * kebab-case survives validation later; lexing the whole word first lets the
 * error name the word instead of stopping at its first odd character.
 */
function isKeylikeStartAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  const cp = text.codePointAt(i) ?? c;
  return XID_START.test(String.fromCodePoint(cp));
}

function keylikeEnd(text: string, i: number): number {
  const n = text.length;
  // The first character is already known to be keylike.
  i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      const ok =
        (c >= 0x61 && c <= 0x7a) ||
        (c >= 0x41 && c <= 0x5a) ||
        (c >= 0x30 && c <= 0x39) ||
        c === 0x5f ||
        c === 0x2d;
      if (!ok) break;
      i++;
      continue;
    }
    const cp = text.codePointAt(i) ?? c;
    if (!XID_CONTINUE.test(String.fromCodePoint(cp))) break;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/** End offset of the (nested) block comment starting at `start`, or -1. */
function blockCommentEnd(text: string, start: number): number {
  const n = text.length;
  let depth = 1;
  let i = start + 2;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      depth++;
      i += 2;
    } else if (c === 0x2a && text.charCodeAt(i + 1) === 0x2f) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return -1;
}

/**
 * End offset of the string literal opening at `start`. WIT's grammar has no
 * place for strings today, but lexing them gives a precise "found a string
 * literal" (or "unterminated string literal") diagnostic.
 */
function stringLiteralEnd(text: string, start: number): number | LexProblem {
  const n = text.length;
  let i = start + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x0a || c === 0x0d) break;
    if (c === 0x5c) {
      const e = text.charCodeAt(i + 1);
      if (e === 0x0a || e === 0x0d || Number.isNaN(e)) break;
      const simple = e === 0x22 || e === 0x27 || e === 0x74 || e === 0x6e || e === 0x72 || e === 0x5c;
      if (simple) {
        i += 2;
        continue;
      }
      if (e === 0x75 && text.charCodeAt(i + 2) === 0x7b) {
        const close = text.indexOf('}', i + 3);
        const hex = close < 0 ? '' : text.slice(i + 3, close);
        const value = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : -1;
        if (value < 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
          return { detail: 'invalid unicode escape in string literal', start: i, end: i + 2 };
        }
        i = close + 1;
        continue;
      }
      if (isHexDigit(e) && isHexDigit(text.charCodeAt(i + 2))) {
        i += 3;
        continue;
      }
      return {
        detail: `invalid escape ${describeCharAt(text, i + 1)} in string literal`,
        start: i,
        end: i + 2,
      };
    }
    i++;
  }
  return { detail: 'unterminated string literal', start, end: start + 1 };
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function unexpectedCharacter(text: string, i: number): LexProblem {
  const cp = text.codePointAt(i) ?? 0;
  return {
    detail: `unexpected character ${describeCharAt(text, i)}`,
    start: i,
    end: i + (cp > 0xffff ? 2 : 1),
  };
}

/** A character for a message: printable ones quoted, others as `U+` and their hex code point. */
export function describeCharAt(text: string, i: number): string {
  const cp = text.codePointAt(i) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x60) return hex;
  if (/\s/u.test(String.fromCodePoint(cp))) return hex;
  return `\`${String.fromCodePoint(cp)}\` (${hex})`;
}

/**
 * Code points wit-parser refuses anywhere in a file, comments included:
 * control codes other than tab/CR/LF, bidirectional overrides (they make
 * source text read differently from what it means, CVE-2021-42574), and a few
 * characters Unicode deprecates or discourages.
 */
function findForbiddenCodePoint(text: string): LexProblem | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    let reason: string | null = null;
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) reason = 'control code';
    } else if (c <= 0x9f) {
      reason = 'control code';
    } else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      reason = 'bidirectional override code point';
    } else if (
      c === 0x149 ||
      c === 0x673 ||
      c === 0xf77 ||
      c === 0xf79 ||
      c === 0x17a3 ||
      c === 0x17a4 ||
      c === 0x17b4 ||
      c === 0x17b5
    ) {
      reason = 'code point deprecated or discouraged by Unicode';
    }
    if (reason !== null) {
      const hex = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
      return { detail: `${reason} ${hex} is not allowed in WIT source`, start: i, end: i + 1 };
    }
  }
  return null;
}
