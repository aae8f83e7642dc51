/**
 * The WIT handed to wasm-tools as source text. jco's wasm-tools runs on
 * preview2-shim, which (since 0.26) grants no filesystem preopens, so WIT
 * cannot be passed by path: every package the world needs is printed into
 * one document, the world's own package first and the others as nested
 * `package a:b { ... }` blocks.
 */
import { printPackages } from '../wit/printer.js';
import type { PackageId, Resolve, WorldId } from '../wit/model.js';

export interface EmbeddableWit {
  readonly source: string;
  /** `ns:pkg/world@version`, unambiguous inside `source`. */
  readonly world: string;
}

export function embeddableWit(resolve: Resolve, worldId: WorldId): EmbeddableWit {
  const world = resolve.worlds[worldId];
  if (world === undefined || world.package === null) throw new RangeError(`world id ${worldId} has no package`);
  const own = world.package;
  const pkg = resolve.packages[own];
  if (pkg === undefined) throw new RangeError(`package id ${own} is not in the Resolve`);
  const others: PackageId[] = resolve.packages.map((_, id) => id).filter((id) => id !== own);
  const { namespace, name, version } = pkg.name;
  const qualified = `${namespace}:${name}/${world.name}${version === null ? '' : `@${version}`}`;
  return { source: printPackages(resolve, [own, ...others]), world: qualified };
}

