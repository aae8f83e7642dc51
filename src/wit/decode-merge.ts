/**
 * Adding a Resolve decoded from a wasm-encoded WIT package to the Resolve
 * under construction (wit-parser's `Resolve::merge`).
 */
import { WitError } from './errors.js';
import type { Func, Package, PackageId, Resolve, Stability, Type, TypeDefKind, TypeOwner, WorldEntry, WorldKey } from './model.js';
import { packageNameString } from './model.js';
import { entryKey, type MutInterface, type MutTypeDef, type MutWorld, type ResolveState } from './resolve-state.js';

/**
 * Adds a decoded Resolve to the one under construction, as wit-parser's
 * `Resolve::merge` does: packages already present (by name) are unified
 * with the decoded ones, interface by interface and type by type; whatever
 * is new is appended in the decoded arenas' order. Returns the new ids of
 * the decoded packages.
 */
export function mergeDecoded(state: ResolveState, from: Resolve, path: string): PackageId[] {
  const ifaceMap = new Map<number, number>();
  const worldMap = new Map<number, number>();
  const typeMap = new Map<number, number>();
  const pkgMap = new Map<number, number>();
  function conflict(message: string): never {
    throw new WitError('WIT_PACKAGE', `${path}: cannot merge the decoded package: ${message}`);
  }

  /**
   * A decoded interface that already exists must be a subset of it (every
   * type and function present by name), as wit-parser requires; named types
   * map by name, anonymous ones are copied.
   */
  const mapInterface = (fromId: number, intoId: number): void => {
    ifaceMap.set(fromId, intoId);
    const into = state.interfaces[intoId] as MutInterface;
    const fromIface = from.interfaces[fromId] as MutInterface;
    const label = fromIface.name ?? 'inline interface';
    for (const [name, t] of fromIface.types) {
      const existing = into.types.get(name);
      if (existing === undefined) conflict(`interface \`${label}\`: expected type \`${name}\` to be present`);
      typeMap.set(t, existing);
    }
    for (const name of fromIface.functions.keys()) {
      if (!into.functions.has(name)) conflict(`interface \`${label}\`: expected function \`${name}\` to be present`);
    }
  };

  /** A decoded world that already exists must have the same imports and exports. */
  const mapWorld = (fromId: number, intoId: number): void => {
    worldMap.set(fromId, intoId);
    const intoWorld = state.worlds[intoId] as MutWorld;
    const fromWorld = from.worlds[fromId] as { name: string; imports: WorldEntry[]; exports: WorldEntry[] };
    const pairs = [
      [fromWorld.imports, intoWorld.imports, 'import'],
      [fromWorld.exports, intoWorld.exports, 'export'],
    ] as const;
    for (const [entries, intoEntries, what] of pairs) {
      if (entries.length !== intoEntries.size) conflict(`world \`${fromWorld.name}\` has a different number of ${what}s`);
      for (const { key, item } of entries) {
        const mappedKey: WorldKey = key.kind === 'interface' ? { kind: 'interface', id: ifaceMap.get(key.id) ?? -1 } : key;
        const other = intoEntries.get(entryKey(mappedKey))?.item;
        const label = key.kind === 'name' ? key.name : (from.interfaces[key.id]?.name ?? '?');
        if (other === undefined) conflict(`world \`${fromWorld.name}\`: ${what} \`${label}\` not found in the existing world`);
        if (item.kind === 'interface' && other.kind === 'interface') {
          const anonymous = from.interfaces[item.id]?.name === null;
          if (anonymous && state.interfaces[other.id]?.name === null) mapInterface(item.id, other.id);
          else if (ifaceMap.get(item.id) !== other.id) conflict(`world \`${fromWorld.name}\`: ${what} \`${label}\` is another interface`);
        } else if (item.kind === 'type' && other.kind === 'type') {
          typeMap.set(item.id, other.id);
        } else if (item.kind !== other.kind) {
          conflict(`world \`${fromWorld.name}\`: ${what} \`${label}\` is another kind of item`);
        }
      }
    }
  };

  from.packages.forEach((pkg, fromPkg) => {
    const existing = state.packageNames.get(packageNameString(pkg.name));
    if (existing === undefined) return;
    pkgMap.set(fromPkg, existing);
    const into = state.packages[existing] as Package;
    for (const [name, id] of pkg.interfaces) {
      const intoId = into.interfaces.get(name);
      if (intoId !== undefined) mapInterface(id, intoId);
    }
    for (const [name, id] of pkg.worlds) {
      const intoId = into.worlds.get(name);
      if (intoId !== undefined) mapWorld(id, intoId);
    }
  });

  /** Items that exist already take the decoded stability when theirs is unknown; two known ones must agree. */
  const mergeStability = (fromStability: Stability, into: { stability: Stability }, label: string): void => {
    if (fromStability.kind === 'unknown') return;
    if (into.stability.kind === 'unknown') into.stability = fromStability;
    else if (JSON.stringify(into.stability) !== JSON.stringify(fromStability)) conflict(`${label} has a different stability`);
  };
  typeMap.forEach((into, fromId) => mergeStability((from.types[fromId] as MutTypeDef).stability, state.types[into] as MutTypeDef, `type \`${from.types[fromId]?.name ?? ''}\``));
  ifaceMap.forEach((into, fromId) => mergeStability((from.interfaces[fromId] as MutInterface).stability, state.interfaces[into] as MutInterface, `interface \`${from.interfaces[fromId]?.name ?? ''}\``));
  worldMap.forEach((into, fromId) => mergeStability((from.worlds[fromId] as { stability: Stability }).stability, state.worlds[into] as MutWorld, `world \`${from.worlds[fromId]?.name ?? ''}\``));

  // New ids, in arena order.
  let nextType = state.types.length;
  from.types.forEach((_, id) => {
    if (!typeMap.has(id)) typeMap.set(id, nextType++);
  });
  let nextIface = state.interfaces.length;
  from.interfaces.forEach((_, id) => {
    if (!ifaceMap.has(id)) ifaceMap.set(id, nextIface++);
  });
  let nextWorld = state.worlds.length;
  from.worlds.forEach((_, id) => {
    if (!worldMap.has(id)) worldMap.set(id, nextWorld++);
  });
  let nextPkg = state.packages.length;
  from.packages.forEach((_, id) => {
    if (!pkgMap.has(id)) pkgMap.set(id, nextPkg++);
  });

  const type = (t: Type): Type => (typeof t === 'number' ? (typeMap.get(t) as number) : t);
  const maybe = (t: Type | null): Type | null => (t === null ? null : type(t));
  const owner = (o: TypeOwner): TypeOwner =>
    o.kind === 'interface'
      ? { kind: 'interface', id: ifaceMap.get(o.id) as number }
      : o.kind === 'world'
        ? { kind: 'world', id: worldMap.get(o.id) as number }
        : o;
  const func = (f: Func): Func => ({
    ...f,
    kind: f.kind.kind === 'freestanding' ? f.kind : { kind: f.kind.kind, resource: typeMap.get(f.kind.resource) as number },
    params: f.params.map((p) => ({ name: p.name, type: type(p.type) })),
    result: maybe(f.result),
  });
  const kind = (k: TypeDefKind): TypeDefKind => {
    switch (k.kind) {
      case 'record':
        return { kind: 'record', fields: k.fields.map((f) => ({ ...f, type: type(f.type) })) };
      case 'variant':
        return { kind: 'variant', cases: k.cases.map((c) => ({ ...c, type: maybe(c.type) })) };
      case 'handle':
        return { kind: 'handle', handle: k.handle, resource: typeMap.get(k.resource) as number };
      case 'tuple':
        return { kind: 'tuple', types: k.types.map(type) };
      case 'option':
        return { kind: 'option', type: type(k.type) };
      case 'result':
        return { kind: 'result', ok: maybe(k.ok), err: maybe(k.err) };
      case 'list':
        return { kind: 'list', element: type(k.element) };
      case 'fixed-length-list':
        return { kind: 'fixed-length-list', element: type(k.element), length: k.length };
      case 'map':
        return { kind: 'map', key: type(k.key), value: type(k.value) };
      case 'future':
      case 'stream':
        return { kind: k.kind, type: maybe(k.type) };
      case 'type':
        return { kind: 'type', type: type(k.type) };
      default:
        return k;
    }
  };
  const entry = (e: WorldEntry): WorldEntry => ({
    key: e.key.kind === 'interface' ? { kind: 'interface', id: ifaceMap.get(e.key.id) as number } : e.key,
    item:
      e.item.kind === 'interface'
        ? { ...e.item, id: ifaceMap.get(e.item.id) as number }
        : e.item.kind === 'type'
          ? { kind: 'type', id: typeMap.get(e.item.id) as number }
          : { kind: 'function', func: func(e.item.func) },
  });
  const pkgOf = (p: PackageId | null): PackageId | null => (p === null ? null : (pkgMap.get(p) as number));

  const firstNewType = state.types.length;
  const firstNewIface = state.interfaces.length;
  const firstNewWorld = state.worlds.length;
  const firstNewPkg = state.packages.length;
  from.types.forEach((t, id) => {
    const mapped = typeMap.get(id) as number;
    if (mapped < firstNewType) return;
    state.types.push({ name: t.name, kind: kind(t.kind), owner: owner(t.owner), docs: t.docs, stability: t.stability });
  });
  from.interfaces.forEach((iface, id) => {
    const mapped = ifaceMap.get(id) as number;
    if (mapped < firstNewIface) return;
    const functions = new Map([...iface.functions].map(([name, f]) => [name, func(f)]));
    const types = new Map([...iface.types].map(([name, t]) => [name, typeMap.get(t) as number]));
    state.interfaces.push({ name: iface.name, types, functions, docs: iface.docs, stability: iface.stability, package: pkgOf(iface.package) });
  });
  from.worlds.forEach((world, id) => {
    if ((worldMap.get(id) as number) < firstNewWorld) return;
    const imports = new Map(world.imports.map((e) => entry(e)).map((e) => [entryKey(e.key), e] as const));
    const exports = new Map(world.exports.map((e) => entry(e)).map((e) => [entryKey(e.key), e] as const));
    state.worlds.push({ name: world.name, imports, exports, package: pkgOf(world.package), docs: world.docs, stability: world.stability });
  });
  const ids: PackageId[] = [];
  from.packages.forEach((pkg, id) => {
    const mapped = pkgMap.get(id) as number;
    ids.push(mapped);
    const interfaces = [...pkg.interfaces].map(([name, i]) => [name, ifaceMap.get(i) as number] as const);
    const worlds = [...pkg.worlds].map(([name, w]) => [name, worldMap.get(w) as number] as const);
    if (mapped < firstNewPkg) {
      const into = state.packages[mapped] as Package;
      for (const [name, i] of interfaces) if (!into.interfaces.has(name)) into.interfaces.set(name, i);
      for (const [name, w] of worlds) if (!into.worlds.has(name)) into.worlds.set(name, w);
      if (into.docs === null) into.docs = pkg.docs;
      return;
    }
    state.packages.push({ name: pkg.name, docs: pkg.docs, interfaces: new Map(interfaces), worlds: new Map(worlds) });
    state.packageNames.set(packageNameString(pkg.name), mapped);
  });
  return ids;
}
