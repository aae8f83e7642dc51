/**
 * Which ambient module declares each type, and which types a module refers
 * to that another module declares (those it imports).
 *
 * ComponentizeJS gives the guest one importable module per import: an
 * imported interface under its full component name (`ns:pkg/iface@1.0.0`,
 * the version is required), a world-level import function under its WIT
 * name (the function is the default export), world-level imported resources
 * under `$root`. An imported interface's types are declared in its module,
 * next to the functions that use them; every other type (the world's own,
 * those of exported interfaces) lives in the world module, which only
 * exists for the type checker.
 */
import type { HostShape, ShapeGroup } from '../../abi/host-shape.js';
import type { Func, Resolve, Type, TypeId } from '../../wit/model.js';
import { quote } from '../ts-host/names.js';
import type { TypeRenderer } from '../ts-host/types.js';
import { typeChildren } from '../ts-host/world-source.js';

/** The specifier of world-level imported resources' module (ComponentizeJS's name). */
export const ROOT_MODULE = '$root';

/** Module specifier of each declared type (the world module's specifier for those it keeps). */
export function placeTypes(
  resolve: Resolve,
  shape: HostShape,
  declared: readonly TypeId[],
  worldModule: string,
): Map<TypeId, string> {
  const byInterface = new Map<number, string>();
  for (const group of shape.imports) if (group.interfaceId !== null) byInterface.set(group.interfaceId, group.witName);
  const rootResources = new Set(shape.root.imports.resources.map((r) => r.typeId));
  const placed = new Map<TypeId, string>();
  for (const id of declared) {
    const owner = resolve.types[id]?.owner;
    const imported = owner?.kind === 'interface' ? byInterface.get(owner.id) : undefined;
    placed.set(id, imported ?? (rootResources.has(id) ? ROOT_MODULE : worldModule));
  }
  return placed;
}

/** Every function of a shape group: freestanding ones, then each resource's constructor, methods and statics. */
export function groupFunctions(group: ShapeGroup): Func[] {
  return [
    ...group.functions.map((f) => f.func),
    ...group.resources.flatMap((r) => [...(r.ctor === null ? [] : [r.ctor.func]), ...r.methods.map((m) => m.func), ...r.statics.map((s) => s.func)]),
  ];
}

/**
 * Collects the declared types a module's text names, to import those
 * declared elsewhere: the named types a type expression refers to directly
 * (not what those refer to in turn; that is their own module's business).
 */
export class References {
  private readonly found = new Set<TypeId>();

  constructor(private readonly types: TypeRenderer) {}

  /** The types named by the expression of `type`. */
  type(type: Type | null): this {
    if (type === null || typeof type === 'string') return this;
    if (this.types.names.has(type)) {
      this.found.add(type);
      return this;
    }
    const def = this.types.resolve.types[type];
    if (def !== undefined) typeChildren(def).forEach((child) => this.type(child));
    return this;
  }

  /** The types named by the declaration of `id` (its fields, cases, aliased type). */
  declaration(id: TypeId): this {
    const def = this.types.resolve.types[id];
    if (def !== undefined) typeChildren(def).forEach((child) => this.type(child));
    return this;
  }

  func(func: Func): this {
    func.params.forEach((p) => this.type(p.type));
    return this.type(func.result);
  }

  /** `import type { A, B } from 'm';` lines for the found types not declared in `here`, by module then name. */
  importLines(placed: ReadonlyMap<TypeId, string>, here: string): string[] {
    const byModule = new Map<string, Set<string>>();
    for (const id of this.found) {
      const where = placed.get(id);
      const name = this.types.names.get(id);
      if (where === undefined || where === here || name === undefined) continue;
      const names = byModule.get(where) ?? new Set<string>();
      names.add(name);
      byModule.set(where, names);
    }
    return [...byModule]
      .sort(([a], [b]) => compare(a, b))
      .map(([where, names]) => `import type { ${[...names].sort(compare).join(', ')} } from ${quote(where)};`);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

