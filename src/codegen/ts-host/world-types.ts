/**
 * The named types a world's bindings declare, and where each comes from:
 * shared by the host bindings (this folder) and the guest declarations
 * (src/codegen/ts-guest), so both declare the same types under the same names.
 */
import { interfaceName } from '../../abi/signature.js';
import type { Resolve, Type, TypeId, WorldEntry, WorldId } from '../../wit/model.js';
import { TsHostError } from './errors.js';
import { reachableDeclared } from './types.js';

/** Every declared type world `worldId` reaches, grouped by owner (owners in first-reached order). */
export function worldTypes(resolve: Resolve, worldId: WorldId): TypeId[] {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new TsHostError('TSHOST_MODEL', `world id ${worldId} is not in the Resolve`);
  return groupByOwner(resolve, reachableDeclared(resolve, worldRoots(resolve, [...world.imports, ...world.exports])));
}

/** Every type a world mentions: the types and functions of its interfaces, its own types and functions. */
export function worldRoots(resolve: Resolve, entries: readonly WorldEntry[]): Type[] {
  const roots: Type[] = [];
  const addFunc = (params: readonly { type: Type }[], result: Type | null): void => {
    params.forEach((p) => roots.push(p.type));
    if (result !== null) roots.push(result);
  };
  for (const entry of entries) {
    const item = entry.item;
    if (item.kind === 'type') roots.push(item.id);
    if (item.kind === 'function') addFunc(item.func.params, item.func.result);
    if (item.kind === 'interface') {
      const iface = resolve.interfaces[item.id];
      iface?.types.forEach((id) => roots.push(id));
      iface?.functions.forEach((f) => addFunc(f.params, f.result));
    }
  }
  return roots;
}

/** Where a type is defined, as a section heading: `ns:pkg/iface@v` or `world w`. */
export function ownerHeading(resolve: Resolve, id: TypeId): string {
  const owner = resolve.types[id]?.owner;
  if (owner?.kind === 'interface') {
    const iface = resolve.interfaces[owner.id];
    return iface?.name === null || iface === undefined ? 'inline interface' : interfaceName(resolve, owner.id);
  }
  if (owner?.kind === 'world') return `world ${resolve.worlds[owner.id]?.name ?? ''}`;
  return 'types';
}

/** Stable grouping: the types of one owner together, owners in first-reached order. */
function groupByOwner(resolve: Resolve, ids: readonly TypeId[]): TypeId[] {
  const groups = new Map<string, TypeId[]>();
  for (const id of ids) {
    const heading = ownerHeading(resolve, id);
    const group = groups.get(heading);
    if (group === undefined) groups.set(heading, [id]);
    else group.push(id);
  }
  return [...groups.values()].flat();
}
