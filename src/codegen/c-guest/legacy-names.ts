/**
 * Names older wit-bindgen releases gave to exports, kept working as macros.
 *
 * Before wit-bindgen 0.37 a function the world itself exports was
 * `<world>_<func>`, the name imports still have; it is now
 * `exports_<world>_<func>`. The header maps each old name onto the new one
 * (`#define <world>_<func> exports_<world>_<func>`), so a guest that defines
 * the old name defines the export, and one that defines the new name is
 * untouched. A name the glue uses for anything else (an import of the same
 * name, a type, a helper) gets no macro: it would change what that name means.
 */
import type { CodeWriter } from '../writer.js';

export interface LegacyAlias {
  /** The name wit-bindgen gave the export before 0.37. */
  readonly old: string;
  /** The name the glue declares. */
  readonly current: string;
}

/** Every identifier in C text (whole tokens; comments and strings included, which only makes it stricter). */
function identifiers(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

/** Writes the macros of the aliases whose old names the generated `texts` do not use otherwise. */
export function writeLegacyAliases(w: CodeWriter, aliases: readonly LegacyAlias[], texts: readonly string[]): void {
  const used = new Set<string>();
  for (const text of texts) for (const name of identifiers(text)) used.add(name);
  const usable = aliases.filter((a) => a.old !== a.current && !used.has(a.old));
  if (usable.length === 0) return;
  w.blank();
  w.line('// The names wit-bindgen gave the world\'s own exports before 0.37: a guest');
  w.line('// defining `<world>_<func>` defines `exports_<world>_<func>`.');
  for (const alias of usable) w.line(`#define ${alias.old} ${alias.current}`);
}
