/**
 * WIT identifier rules. A WIT name is kebab-case: words separated by single
 * `-`s, each word all-lowercase or all-uppercase ASCII letters, digits allowed
 * anywhere except at the very start of the name (`is-XML`, `a0-000-3d4a` are
 * valid; `Apple`, `a_b`, `a--b`, `0a` are not).
 */

/** Why `name` is not a valid WIT identifier, or null when it is valid. */
export function kebabNameProblem(name: string): string | null {
  if (name.length === 0) return 'identifiers must not be empty';
  let wordStart = 0;
  // 0 = no letter seen yet in this word, 1 = lowercase word, 2 = uppercase word.
  let wordCase = 0;
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : 0x2d;
    if (c === 0x2d /* - */) {
      if (i === wordStart) {
        return 'identifiers must have characters between `-`s (no leading, trailing or doubled `-`)';
      }
      wordStart = i + 1;
      wordCase = 0;
      continue;
    }
    const lower = c >= 0x61 && c <= 0x7a;
    const upper = c >= 0x41 && c <= 0x5a;
    const digit = c >= 0x30 && c <= 0x39;
    if (i === 0 && !lower && !upper) {
      return `identifiers must start with an ASCII letter, not ${quoteChar(name, i)}`;
    }
    if (digit) continue;
    if (lower || upper) {
      const thisCase = lower ? 1 : 2;
      if (wordCase !== 0 && wordCase !== thisCase) {
        return `${quoteChar(name, i)} mixes cases in one word; each \`-\`-separated word must be all lowercase or all uppercase`;
      }
      wordCase = thisCase;
      continue;
    }
    return `${quoteChar(name, i)} is not allowed; identifiers are kebab-case (ASCII letters, digits and \`-\`)`;
  }
  return null;
}

export function isValidKebabName(name: string): boolean {
  return kebabNameProblem(name) === null;
}

/**
 * A kebab-case spelling of a camelCase, PascalCase or snake_case name
 * (`getUser` -> `get-user`, `HTTP_Error` -> `http-error`), or null when no
 * valid name comes out of it.
 */
export function suggestKebabName(name: string): string | null {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .split(/[-_\s]+/)
    .filter((word) => word.length > 0);
  const suggestion = words.join('-').toLowerCase();
  return suggestion !== name && isValidKebabName(suggestion) ? suggestion : null;
}

function quoteChar(text: string, index: number): string {
  const cp = text.codePointAt(index) ?? 0;
  const ch = String.fromCodePoint(cp);
  return ch === '`' ? "'`'" : `\`${ch}\``;
}
