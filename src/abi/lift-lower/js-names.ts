/**
 * JavaScript names of WIT identifiers, following jco: kebab-case words joined
 * in lowerCamelCase for record fields, flags and functions.
 */

/** `field-one` → `fieldOne`, `HTTP-request` → `httpRequest`. */
export function camelCase(name: string): string {
  return name
    .split('-')
    .filter((word) => word.length > 0)
    .map((word, i) => {
      const lower = word.toLowerCase();
      return i === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}
