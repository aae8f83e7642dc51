/**
 * The module specifiers a ComponentizeJS guest may import for a world: a
 * world-level function under its WIT name, an interface under its full name
 * with version (`ns:pkg/iface@1.0.0`), an inline interface under its key, and
 * world-level resources from `$root`. Used to say what the guest could have
 * imported when it imports something else.
 */
import type { InterfaceId, Resolve, WorldId } from '../wit/model.js';

export function jsImportSpecifiers(resolve: Resolve, worldId: WorldId): string[] {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new RangeError(`world id ${worldId} is not in the Resolve`);
  const specifiers = new Set<string>();
  for (const { key, item } of world.imports) {
    if (item.kind === 'function') {
      // Methods, statics and constructors of world-level resources come with their class from `$root`.
      specifiers.add(item.func.kind.kind === 'freestanding' ? item.func.name : '$root');
    } else if (item.kind === 'type') {
      if (resolve.types[item.id]?.kind.kind === 'resource') specifiers.add('$root');
    } else if (key.kind === 'name') specifiers.add(key.name);
    else specifiers.add(interfaceSpecifier(resolve, key.id));
  }
  return [...specifiers];
}

function interfaceSpecifier(resolve: Resolve, id: InterfaceId): string {
  const iface = resolve.interfaces[id];
  const pkg = iface?.package === undefined || iface.package === null ? undefined : resolve.packages[iface.package];
  if (iface === undefined || pkg === undefined || iface.name === null) throw new RangeError(`interface id ${id} has no package or name`);
  const { namespace, name, version } = pkg.name;
  return `${namespace}:${name}/${iface.name}${version === null ? '' : `@${version}`}`;
}
