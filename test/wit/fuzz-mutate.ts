/**
 * Deterministic mutation of WIT source text for the fuzz test: byte flips,
 * token deletions / duplications / swaps / insertions, truncations and
 * splices between corpus files. Input number `i` for a given seed is always
 * the same text, so a failure can be reproduced from (seed, i) alone.
 */

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Comments, identifiers/keywords (with `%`), `->`, whitespace runs, or any single character. */
const TOKEN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|%?[\p{L}\p{N}_][\p{L}\p{N}_-]*|->|\s+|[\s\S]/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Characters a byte flip may write: WIT punctuation, letters, digits, and a few hostile code points. */
const FLIP_CHARS = [
  ...'{}()<>;:,.@/%=-_*+#"\'\\ \n\tabcxyz019AZ',
  '\u0000',
  '\r',
  'é',
  '東',
  '\u202e',
  '\u{1F600}',
  '\uD800',
];

/** Tokens worth inserting: keywords and structure that steer the parser into deep paths. */
const INSERT_TOKENS = [
  'package', 'interface', 'world', 'use', 'type', 'record', 'variant', 'enum', 'flags', 'resource',
  'func', 'static', 'constructor', 'import', 'export', 'include', 'with', 'as', 'async', 'borrow',
  'own', 'list', 'option', 'result', 'tuple', 'future', 'stream', 'map', '_', 'u32', 'string',
  '@since(version = 1.0.0)', '@unstable(feature = active)', '@deprecated(version = 0.1.0)',
  'a:b', 'a:b/c', 'a:b/c@1.0.0', '{', '}', '<', '>', '(', ')', ';', ':', ',', '.', '->', '=',
  '/// doc\n', '/* c */', 'list<u8, 4>', 'x', '%type',
];

type Rng = () => number;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function index(rng: Rng, length: number): number {
  return Math.floor(rng() * length);
}

const MUTATIONS: readonly ((text: string, rng: Rng, corpus: readonly string[]) => string)[] = [
  // byte flip
  (text, rng) => {
    if (text.length === 0) return pick(rng, FLIP_CHARS);
    const at = index(rng, text.length);
    return text.slice(0, at) + pick(rng, FLIP_CHARS) + text.slice(at + 1);
  },
  // token deletion
  (text, rng) => {
    const tokens = tokenize(text);
    if (tokens.length === 0) return text;
    tokens.splice(index(rng, tokens.length), 1 + index(rng, 3));
    return tokens.join('');
  },
  // token duplication
  (text, rng) => {
    const tokens = tokenize(text);
    if (tokens.length === 0) return text;
    const at = index(rng, tokens.length);
    tokens.splice(at, 0, ...tokens.slice(at, at + 1 + index(rng, 4)));
    return tokens.join('');
  },
  // token swap
  (text, rng) => {
    const tokens = tokenize(text);
    if (tokens.length < 2) return text;
    const a = index(rng, tokens.length);
    const b = rng() < 0.5 ? Math.min(tokens.length - 1, a + 1 + index(rng, 3)) : index(rng, tokens.length);
    [tokens[a], tokens[b]] = [tokens[b] as string, tokens[a] as string];
    return tokens.join('');
  },
  // token insertion
  (text, rng) => {
    const tokens = tokenize(text);
    tokens.splice(index(rng, tokens.length + 1), 0, ` ${pick(rng, INSERT_TOKENS)} `);
    return tokens.join('');
  },
  // truncation
  (text, rng) => text.slice(0, index(rng, text.length + 1)),
  // splice: the head of this file with the tail of another, at token boundaries
  (text, rng, corpus) => {
    const head = tokenize(text);
    const tail = tokenize(pick(rng, corpus));
    return head.slice(0, index(rng, head.length + 1)).join('') + tail.slice(index(rng, tail.length + 1)).join('');
  },
];

export interface FuzzInput {
  readonly text: string;
  /** Index of the corpus file the input started from. */
  readonly origin: number;
  readonly allFeatures: boolean;
}

/**
 * Input number `n` of the run with `seed`: a corpus file with 1 to 4
 * mutations applied. Two inputs in three start from a `preferred` file (one
 * that resolves as it is) with a single mutation, so that most inputs stay
 * close enough to valid WIT to reach the resolver, not just the parser.
 */
export function fuzzInput(corpus: readonly string[], seed: number, n: number, preferred: readonly number[] = []): FuzzInput {
  const rng = prng((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  const gentle = preferred.length > 0 && rng() < 2 / 3;
  const origin = gentle ? pick(rng, preferred) : index(rng, corpus.length);
  let text = corpus[origin] ?? '';
  const rounds = gentle ? 1 : 1 + index(rng, 4);
  for (let i = 0; i < rounds; i++) text = pick(rng, MUTATIONS)(text, rng, corpus);
  return { text, origin, allFeatures: rng() < 0.3 };
}
