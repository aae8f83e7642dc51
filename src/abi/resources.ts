/**
 * Resource intrinsics a core module needs besides the world's functions:
 * for every resource of an imported interface, `[resource-drop]r`; for every
 * resource of an exported interface, `[resource-drop]r`, `[resource-new]r`
 * and `[resource-rep]r` imports (from the `[export]`-side instance) and a
 * `[dtor]r` export the component calls when a handle is dropped.
 */
import type { InterfaceId, Resolve, TypeId, WorldEntry, WorldId } from '../wit/model.js';
import type { CoreType } from './core-types.js';
import { AbiError } from './errors.js';
import { interfaceName } from './signature.js';

export type ResourceIntrinsicKind = 'drop' | 'new' | 'rep' | 'dtor';

export interface ResourceIntrinsic {
  /** `import` for functions the module imports, `export` for `[dtor]`. */
  readonly kind: 'import' | 'export';
  /** Whether the resource belongs to an imported or an exported interface. */
  readonly side: 'imported' | 'exported';
  /** `ns:pkg/iface@version`, the world key of an inline interface, or null for a world-level resource. */
  readonly interface: string | null;
  readonly resource: string;
  readonly resourceId: TypeId;
  readonly intrinsic: ResourceIntrinsicKind;
  /** The canonical name: `[resource-drop]r`, `[resource-new]r`, `[resource-rep]r`, `[dtor]r`. */
  readonly name: string;
  readonly params: CoreType[];
  readonly results: CoreType[];
}

const NAMES: Record<ResourceIntrinsicKind, string> = {
  drop: '[resource-drop]',
  new: '[resource-new]',
  rep: '[resource-rep]',
  dtor: '[dtor]',
};

function intrinsic(
  side: 'imported' | 'exported',
  iface: string | null,
  resourceId: TypeId,
  resource: string,
  kind: ResourceIntrinsicKind,
): ResourceIntrinsic {
  return {
    kind: kind === 'dtor' ? 'export' : 'import',
    side,
    interface: iface,
    resource,
    resourceId,
    intrinsic: kind,
    name: `${NAMES[kind]}${resource}`,
    params: ['i32'],
    results: kind === 'new' || kind === 'rep' ? ['i32'] : [],
  };
}

/** Resources an interface defines itself (not the ones it `use`s). */
function ownResources(resolve: Resolve, id: InterfaceId): { id: TypeId; name: string }[] {
  const iface = resolve.interfaces[id];
  if (iface === undefined) throw new AbiError('ABI_UNKNOWN_ITEM', `interface id ${id} is not in the Resolve`);
  return [...iface.types.entries()].flatMap(([name, typeId]) =>
    resolve.types[typeId]?.kind.kind === 'resource' ? [{ id: typeId, name }] : [],
  );
}

function entryResources(resolve: Resolve, entry: WorldEntry): { iface: string | null; resources: { id: TypeId; name: string }[] } {
  const item = entry.item;
  if (item.kind === 'interface') {
    const iface = entry.key.kind === 'name' ? entry.key.name : interfaceName(resolve, item.id);
    return { iface, resources: ownResources(resolve, item.id) };
  }
  if (item.kind === 'type' && resolve.types[item.id]?.kind.kind === 'resource') {
    const name = entry.key.kind === 'name' ? entry.key.name : (resolve.types[item.id]?.name ?? '');
    return { iface: null, resources: [{ id: item.id, name }] };
  }
  return { iface: null, resources: [] };
}

/** Every resource intrinsic of world `worldId`: imported interfaces first, then exported ones. */
export function resourceIntrinsics(resolve: Resolve, worldId: WorldId): ResourceIntrinsic[] {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new AbiError('ABI_UNKNOWN_ITEM', `world id ${worldId} is not in the Resolve`);
  const out: ResourceIntrinsic[] = [];
  for (const entry of world.imports) {
    const { iface, resources } = entryResources(resolve, entry);
    for (const r of resources) out.push(intrinsic('imported', iface, r.id, r.name, 'drop'));
  }
  for (const entry of world.exports) {
    const { iface, resources } = entryResources(resolve, entry);
    for (const r of resources) {
      for (const kind of ['drop', 'new', 'rep', 'dtor'] as const) out.push(intrinsic('exported', iface, r.id, r.name, kind));
    }
  }
  return out;
}
