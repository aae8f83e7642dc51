/**
 * Translation between witgen's host shape (src/abi/host-shape.ts) and the
 * import/export objects of jco's transpiled module.
 *
 * jco reads its imports by component import name: a world-level function
 * `host-log` as `imports['host-log'].default`, an interface as
 * `imports['ns:pkg/iface']` (jco drops the version when only one is
 * imported), holding the same camelCase functions and PascalCase classes as
 * witgen's interface objects. Its exports match witgen's keys, except that
 * an exported interface appears both under its short camelCase key and its
 * full name; witgen's export object keeps exactly the host shape's keys.
 */
import type { HostShape } from '../../abi/host-shape.js';
import { camelCase } from '../../abi/lift-lower/js-names.js';
import type { ImportObject } from './wasi.js';

/** `ns:pkg/iface@1.2.3` → `ns:pkg/iface`. */
export function unversioned(name: string): string {
  const at = name.indexOf('@');
  return at < 0 ? name : name.slice(0, at);
}

/** Where one jco import specifier's object comes from. */
export type ImportSource =
  | { readonly kind: 'root'; readonly jsName: string }
  | { readonly kind: 'interface'; readonly key: string }
  | { readonly kind: 'wasi' }
  | { readonly kind: 'unknown' };

/**
 * Which witgen imports key serves jco's specifier `specifier`. With a host
 * shape the answer comes from the world; without one, from the names alone
 * (a plain name is a world-level function, anything else an interface key
 * equal to the specifier up to its version).
 */
export function importSource(
  specifier: string,
  shape: HostShape | null,
  userKeys: readonly string[],
  isWasi: (specifier: string) => boolean,
): ImportSource {
  if (shape !== null) {
    const root = shape.root.imports;
    const member = [...root.functions, ...root.resources].find((m) => m.witName === specifier);
    if (member !== undefined) return { kind: 'root', jsName: member.jsName };
    const group = shape.imports.find((g) => g.witName === specifier || unversioned(g.witName) === unversioned(specifier));
    if (group !== undefined && userKeys.includes(group.key)) return { kind: 'interface', key: group.key };
    if (isWasi(specifier)) return { kind: 'wasi' };
    return group === undefined ? { kind: 'unknown' } : { kind: 'interface', key: group.key };
  }
  if (!specifier.includes(':') && !specifier.includes('/')) return { kind: 'root', jsName: camelCase(specifier) };
  const userKey = userKeys.find((k) => k === specifier) ?? userKeys.find((k) => unversioned(k) === unversioned(specifier));
  if (userKey !== undefined) return { kind: 'interface', key: userKey };
  return isWasi(specifier) ? { kind: 'wasi' } : { kind: 'unknown' };
}

/** jco's imports object from witgen's (`imports`), the WASI objects and the resolved sources. */
export function jcoImports(
  specifiers: readonly string[],
  sources: ReadonlyMap<string, ImportSource>,
  imports: Readonly<Record<string, unknown>>,
  wasi: ImportObject,
): ImportObject {
  const out: ImportObject = {};
  for (const specifier of specifiers) {
    const source = sources.get(specifier);
    if (source === undefined) continue;
    switch (source.kind) {
      case 'root':
        out[specifier] = { default: imports[source.jsName] };
        break;
      case 'interface':
        out[specifier] = (imports[source.key] ?? {}) as Record<string, unknown>;
        break;
      case 'wasi': {
        const served = wasi[specifier];
        if (served !== undefined) out[specifier] = served;
        break;
      }
      case 'unknown':
        break;
    }
  }
  return out;
}

/** witgen's exports object from jco's: exactly the host shape's keys. */
export function witgenExports(shape: HostShape, exports: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const root = shape.root.exports;
  for (const member of [...root.functions, ...root.resources]) out[member.jsName] = exports[member.jsName];
  for (const group of shape.exports) out[group.key] = exports[group.witName] ?? exports[group.key];
  return out;
}
