/**
 * The WIT text generated bindings carry at run time, so the runtime can
 * resolve the same world without the original files: every package the
 * world needs, printed with src/wit's printer (the world's own package first,
 * the others as nested packages), and the world's full name.
 *
 * Feature gates were already applied when the WIT was loaded: what is left
 * in the Resolve is exactly what the bindings were generated for. Printing
 * `@unstable(feature = ...)` would make a plain `loadWitText` drop those
 * items again, so the text is printed from a copy of the Resolve whose
 * unstable gates are lifted.
 */
import type {
  Func,
  Interface,
  PackageId,
  Resolve,
  Stability,
  Type,
  TypeDef,
  TypeId,
  World,
  WorldEntry,
  WorldId,
} from '../../wit/model.js';
import { printPackages } from '../../wit/printer.js';
import { typeDefChildren } from '../../wit/type-children.js';
import { TsHostError } from './errors.js';

export interface WorldSource {
  /** WIT text that `loadWitText` resolves to the world. */
  readonly wit: string;
  /** `ns:pkg/world` or `ns:pkg/world@version`, for `selectWorld`. */
  readonly world: string;
}

export function worldSource(resolve: Resolve, worldId: WorldId): WorldSource {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new TsHostError('TSHOST_MODEL', `world id ${worldId} is not in the Resolve`);
  if (world.package === null) {
    throw new TsHostError('TSHOST_MODEL', `world \`${world.name}\` belongs to no package, so it cannot be named at run time`);
  }
  const pkg = resolve.packages[world.package];
  if (pkg === undefined) throw new TsHostError('TSHOST_MODEL', `package id ${world.package} is not in the Resolve`);
  const { namespace, name, version } = pkg.name;
  const worldName = `${namespace}:${name}/${world.name}${version === null ? '' : `@${version}`}`;
  const others = [...packagesNeeded(resolve, world.package)].filter((id) => id !== world.package).sort((a, b) => a - b);
  return { wit: printPackages(ungated(resolve), [world.package, ...others]), world: worldName };
}

/** `pkg` and every package it refers to, transitively (each is printed whole, so all of its references count). */
function packagesNeeded(resolve: Resolve, pkg: PackageId): Set<PackageId> {
  const needed = new Set<PackageId>([pkg]);
  const queue: PackageId[] = [pkg];
  const seenTypes = new Set<TypeId>();
  const addPackage = (id: PackageId | null | undefined): void => {
    if (id === null || id === undefined || needed.has(id)) return;
    needed.add(id);
    queue.push(id);
  };
  const visitType = (type: Type | null): void => {
    if (type === null || typeof type === 'string' || seenTypes.has(type)) return;
    seenTypes.add(type);
    const def = resolve.types[type];
    if (def === undefined) return;
    if (def.owner.kind === 'interface') addPackage(resolve.interfaces[def.owner.id]?.package);
    if (def.owner.kind === 'world') addPackage(resolve.worlds[def.owner.id]?.package);
    for (const inner of typeChildren(def)) visitType(inner);
  };
  const visitFunc = (func: Func): void => {
    func.params.forEach((p) => visitType(p.type));
    visitType(func.result);
  };
  const visitInterface = (iface: Interface | undefined): void => {
    if (iface === undefined) return;
    addPackage(iface.package);
    iface.types.forEach((id) => visitType(id));
    iface.functions.forEach(visitFunc);
  };
  const visitEntry = (entry: WorldEntry): void => {
    if (entry.key.kind === 'interface') addPackage(resolve.interfaces[entry.key.id]?.package);
    if (entry.item.kind === 'interface') visitInterface(resolve.interfaces[entry.item.id]);
    if (entry.item.kind === 'function') visitFunc(entry.item.func);
    if (entry.item.kind === 'type') visitType(entry.item.id);
  };
  while (queue.length > 0) {
    const id = queue.shift() as PackageId;
    const current = resolve.packages[id];
    if (current === undefined) continue;
    current.interfaces.forEach((ifaceId) => visitInterface(resolve.interfaces[ifaceId]));
    current.worlds.forEach((worldId) => {
      const world = resolve.worlds[worldId];
      world?.imports.forEach(visitEntry);
      world?.exports.forEach(visitEntry);
    });
  }
  return needed;
}

/** The types a type definition refers to. */
export function typeChildren(def: TypeDef): Type[] {
  return typeDefChildren(def.kind);
}

const UNGATED: Stability = { kind: 'unknown' };

function lift(stability: Stability): Stability {
  return stability.kind === 'unstable' ? UNGATED : stability;
}

function liftFunc(func: Func): Func {
  return { ...func, stability: lift(func.stability) };
}

function liftEntry(entry: WorldEntry): WorldEntry {
  const item = entry.item;
  if (item.kind === 'interface') return { key: entry.key, item: { ...item, stability: lift(item.stability) } };
  if (item.kind === 'function') return { key: entry.key, item: { kind: 'function', func: liftFunc(item.func) } };
  return entry;
}

/** A copy of `resolve` in which no item carries an `@unstable` gate (see the module comment). */
function ungated(resolve: Resolve): Resolve {
  const interfaces: Interface[] = resolve.interfaces.map((iface) => ({
    ...iface,
    stability: lift(iface.stability),
    functions: new Map([...iface.functions].map(([name, func]) => [name, liftFunc(func)])),
  }));
  const worlds: World[] = resolve.worlds.map((world) => ({
    ...world,
    stability: lift(world.stability),
    imports: world.imports.map(liftEntry),
    exports: world.exports.map(liftEntry),
  }));
  const types: TypeDef[] = resolve.types.map((def) => ({ ...def, stability: lift(def.stability) }));
  return { worlds, interfaces, types, packages: resolve.packages };
}
