/**
 * The JavaScript shape of a world for a host: which keys the imports object
 * and the exports object have, and which functions and resource classes sit
 * under each. One answer shared by the TypeScript generator (the `Imports` /
 * `Exports` types it writes) and the runtime (what it reads from the
 * imports object and what it builds as exports), so the two cannot drift.
 *
 * The rules (close to jco's):
 * - world-level functions: camelCase at the top level (`host-log` → `hostLog`);
 * - world-level resources: PascalCase classes at the top level;
 * - imported interfaces: keyed by their component import name
 *   (`ns:pkg/iface@1.0.0`, or the plain name of an inline `import foo: interface {..}`),
 *   each an object of camelCase functions and PascalCase resource classes;
 * - exported interfaces: keyed by the camelCase of the interface's own name
 *   (`ns:pkg/iface@1.0.0` → `iface`, `export foo: interface {..}` → `foo`);
 *   when two exports would share a key, each of them is keyed by its full
 *   component export name instead.
 * - resource members: constructor (`ctor`) → `new R(...)`, `[method]r.do-it` → `doIt`
 *   on instances, `[static]r.make` → `R.make`.
 */
import type { Func, InterfaceId, Resolve, TypeId, WorldEntry, WorldId } from '../wit/model.js';
import { AbiError } from './errors.js';
import { camelCase } from './lift-lower/js-names.js';
import { interfaceName } from './signature.js';

/** `my-resource` → `MyResource`. */
export function pascalCase(name: string): string {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

export interface ShapeFunction {
  /** Component-level name: `f`, `[constructor]r`, `[method]r.f`, `[static]r.f`. */
  readonly witName: string;
  /** The JS property name (`doIt`); for a constructor, the class name. */
  readonly jsName: string;
  readonly func: Func;
}

export interface ShapeResource {
  readonly typeId: TypeId;
  /** The WIT name (`blob-store`). */
  readonly witName: string;
  /** The class name (`BlobStore`). */
  readonly jsName: string;
  readonly ctor: ShapeFunction | null;
  /** Instance methods; the first WIT parameter (`self`) is the receiver. */
  readonly methods: ShapeFunction[];
  readonly statics: ShapeFunction[];
}

/** What one key of the imports or exports object holds. */
export interface ShapeGroup {
  /** The key in the JS object. */
  readonly key: string;
  /** The component-level import/export name (`ns:pkg/iface@1.0.0`, `foo`). */
  readonly witName: string;
  /** null for the world's own functions and resources (the top level). */
  readonly interfaceId: InterfaceId | null;
  /** Freestanding functions. */
  readonly functions: ShapeFunction[];
  readonly resources: ShapeResource[];
}

export interface HostShape {
  /** The top level: world-level functions and resources (key `''`). */
  readonly root: { readonly imports: ShapeGroup; readonly exports: ShapeGroup };
  /** Imported interfaces in world order. */
  readonly imports: ShapeGroup[];
  /** Exported interfaces in world order. */
  readonly exports: ShapeGroup[];
}

/** The host shape of world `worldId`. */
export function hostShape(resolve: Resolve, worldId: WorldId): HostShape {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new AbiError('ABI_UNKNOWN_ITEM', `world id ${worldId} is not in the Resolve`);
  const importRoot = rootGroup(resolve, world.imports);
  const exportRoot = rootGroup(resolve, world.exports);
  const imports = world.imports
    .filter((e) => e.item.kind === 'interface')
    .map((e) => interfaceGroup(resolve, e, componentName(resolve, e)));
  const exported = world.exports.filter((e) => e.item.kind === 'interface');
  const shortKeys = exported.map((e) => camelCase(shortName(resolve, e)));
  const exports = exported.map((e, i) => {
    const short = shortKeys[i] as string;
    const clash = shortKeys.filter((k) => k === short).length > 1 || exportRoot.functions.some((f) => f.jsName === short);
    return interfaceGroup(resolve, e, clash ? componentName(resolve, e) : short);
  });
  return { root: { imports: importRoot, exports: exportRoot }, imports, exports };
}

/** The component-level name of an interface entry: `ns:pkg/iface@v` or the inline name. */
function componentName(resolve: Resolve, entry: WorldEntry): string {
  if (entry.key.kind === 'name') return entry.key.name;
  return interfaceName(resolve, entry.key.id);
}

/** The interface's own name, without package and version. */
function shortName(resolve: Resolve, entry: WorldEntry): string {
  if (entry.key.kind === 'name') return entry.key.name;
  return resolve.interfaces[entry.key.id]?.name ?? componentName(resolve, entry);
}

function rootGroup(resolve: Resolve, entries: readonly WorldEntry[]): ShapeGroup {
  const funcs: Func[] = [];
  const resourceIds: TypeId[] = [];
  for (const entry of entries) {
    if (entry.item.kind === 'function') funcs.push(entry.item.func);
    if (entry.item.kind === 'type' && isResource(resolve, entry.item.id)) resourceIds.push(entry.item.id);
  }
  return group(resolve, '', '', null, funcs, resourceIds);
}

function interfaceGroup(resolve: Resolve, entry: WorldEntry, key: string): ShapeGroup {
  if (entry.item.kind !== 'interface') throw new AbiError('ABI_UNKNOWN_ITEM', 'not an interface entry');
  const iface = resolve.interfaces[entry.item.id];
  if (iface === undefined) throw new AbiError('ABI_UNKNOWN_ITEM', `interface id ${entry.item.id} is not in the Resolve`);
  // Only resources the interface defines itself; `use`d ones belong to their own interface.
  const resourceIds = [...iface.types.values()].filter(
    (id) => isResource(resolve, id) && ownedBy(resolve, id, entry.item.kind === 'interface' ? entry.item.id : -1),
  );
  return group(resolve, key, componentName(resolve, entry), entry.item.id, [...iface.functions.values()], resourceIds);
}

function isResource(resolve: Resolve, id: TypeId): boolean {
  return resolve.types[id]?.kind.kind === 'resource';
}

function ownedBy(resolve: Resolve, id: TypeId, interfaceId: InterfaceId): boolean {
  const owner = resolve.types[id]?.owner;
  return owner !== undefined && owner.kind === 'interface' && owner.id === interfaceId;
}

function group(
  resolve: Resolve,
  key: string,
  witName: string,
  interfaceId: InterfaceId | null,
  funcs: readonly Func[],
  resourceIds: readonly TypeId[],
): ShapeGroup {
  const resources = new Map<TypeId, { ctor: ShapeFunction | null; methods: ShapeFunction[]; statics: ShapeFunction[] }>(
    resourceIds.map((id) => [id, { ctor: null, methods: [], statics: [] }]),
  );
  const functions: ShapeFunction[] = [];
  for (const func of funcs) {
    const kind = func.kind;
    if (kind.kind === 'freestanding') {
      functions.push({ witName: func.name, jsName: camelCase(func.name), func });
      continue;
    }
    let members = resources.get(kind.resource);
    if (members === undefined) {
      // A resource defined elsewhere whose functions are listed here cannot happen in a valid Resolve.
      members = { ctor: null, methods: [], statics: [] };
      resources.set(kind.resource, members);
    }
    const member = func.name.slice(func.name.indexOf('.') + 1);
    if (kind.kind === 'constructor') {
      members.ctor = { witName: func.name, jsName: resourceName(resolve, kind.resource), func };
    } else if (kind.kind === 'method') {
      members.methods.push({ witName: func.name, jsName: camelCase(member), func });
    } else {
      members.statics.push({ witName: func.name, jsName: camelCase(member), func });
    }
  }
  return {
    key,
    witName,
    interfaceId,
    functions,
    resources: [...resources].map(([typeId, members]) => ({
      typeId,
      witName: resolve.types[typeId]?.name ?? `resource-${typeId}`,
      jsName: resourceName(resolve, typeId),
      ...members,
    })),
  };
}

function resourceName(resolve: Resolve, id: TypeId): string {
  return pascalCase(resolve.types[id]?.name ?? `resource-${id}`);
}
