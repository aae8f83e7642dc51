/**
 * The two ways a core module may name what it imports and exports for a
 * component, both accepted by wit-component:
 *
 * - `legacy`, what wit-bindgen's generators emit: modules `$root` and
 *   `ns:pkg/iface@1.2.3`, exports `f` and `ns:pkg/iface@1.2.3#f`,
 *   `cabi_post_<export>`, `[resource-drop]r`, `[export]<iface>` for exported
 *   resources, `<iface>#[dtor]r`, `memory`, `cabi_realloc`;
 * - `cm32p2` (the "standard32" scheme of the component-model's BuildTargets):
 *   modules `cm32p2` and `cm32p2|ns:pkg/iface@1`, exports `cm32p2||f` and
 *   `cm32p2|ns:pkg/iface@1|f`, `<export>_post`, `r_drop`/`r_new`/`r_rep`,
 *   `cm32p2|_ex_<iface>` for exported resources, `cm32p2|<iface>|r_dtor`,
 *   `cm32p2_memory`, `cm32p2_realloc`. Versions are shortened to their
 *   semver-compatible prefix (`1.2.3` → `1`, `0.2.3` → `0.2`).
 */
import type { CoreModuleInfo } from '../binary/reader.js';

export type NameScheme = 'legacy' | 'cm32p2';

export type ResourceIntrinsicName = 'drop' | 'new' | 'rep';

export interface Mangling {
  readonly scheme: NameScheme;
  /** Module of an imported function: `iface` null for a function of the world itself. */
  importModule(iface: string | null): string;
  /** Module of the `new`/`rep`/`drop` intrinsics of an exported interface's resources. */
  exportedResourceModule(iface: string | null): string;
  resourceIntrinsic(kind: ResourceIntrinsicName, resource: string): string;
  exportName(iface: string | null, func: string): string;
  postReturn(exportName: string): string;
  destructor(iface: string | null, resource: string): string;
  readonly memory: string;
  readonly realloc: string;
  /** Run once by the adapter/host before anything else (both schemes allow it). */
  readonly initialize: string;
}

const LEGACY: Mangling = {
  scheme: 'legacy',
  importModule: (iface) => iface ?? '$root',
  exportedResourceModule: (iface) => `[export]${iface ?? '$root'}`,
  resourceIntrinsic: (kind, resource) => `[resource-${kind}]${resource}`,
  exportName: (iface, func) => (iface === null ? func : `${iface}#${func}`),
  postReturn: (name) => `cabi_post_${name}`,
  destructor: (iface, resource) => (iface === null ? `[dtor]${resource}` : `${iface}#[dtor]${resource}`),
  memory: 'memory',
  realloc: 'cabi_realloc',
  initialize: '_initialize',
};

const PREFIX = 'cm32p2';

const CM32P2: Mangling = {
  scheme: 'cm32p2',
  importModule: (iface) => (iface === null ? PREFIX : `${PREFIX}|${shortenVersion(iface)}`),
  exportedResourceModule: (iface) => `${PREFIX}|_ex_${iface === null ? '' : shortenVersion(iface)}`,
  resourceIntrinsic: (kind, resource) => `${resource}_${kind}`,
  exportName: (iface, func) => `${PREFIX}|${iface === null ? '' : shortenVersion(iface)}|${func}`,
  postReturn: (name) => `${name}_post`,
  destructor: (iface, resource) => `${PREFIX}|${iface === null ? '' : shortenVersion(iface)}|${resource}_dtor`,
  memory: `${PREFIX}_memory`,
  realloc: `${PREFIX}_realloc`,
  initialize: `${PREFIX}_initialize`,
};

export function mangling(scheme: NameScheme): Mangling {
  return scheme === 'legacy' ? LEGACY : CM32P2;
}

/** A module using any `cm32p2` name is read with that scheme; anything else is legacy. */
export function detectScheme(info: CoreModuleInfo): NameScheme {
  const mangled = (name: string): boolean => name === PREFIX || name.startsWith(`${PREFIX}|`) || name.startsWith(`${PREFIX}_`);
  return info.imports.some((i) => mangled(i.module)) || info.exports.some((e) => mangled(e.name)) ? 'cm32p2' : 'legacy';
}

/** `ns:pkg/iface@1.2.3` → `ns:pkg/iface@1`; names without a version are unchanged. */
function shortenVersion(iface: string): string {
  const at = iface.lastIndexOf('@');
  if (at < 0) return iface;
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(iface.slice(at + 1));
  if (match === null) return iface;
  const [, major, minor, patch] = match;
  const short = major !== '0' ? major : minor !== '0' ? `0.${minor}` : `0.0.${patch}`;
  return `${iface.slice(0, at)}@${short}`;
}
