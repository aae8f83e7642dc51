/**
 * World elaboration: makes a world's imports list every interface its
 * imports and exports depend on (through `use`), in dependency order, and
 * rejects worlds whose exports would need an interface both imported and
 * exported.
 */
import type { Stability, TypeDefKind, TypeOwner, WorldEntry, WorldItem, WorldKey } from './model.js';
import type { Span } from './source.js';
import { entryKey, sameOwner, type MutInterface, type MutWorld, type ResolveState } from './resolve-state.js';

export function elaborateWorld(state: ResolveState, worldId: number, span: Span): void {
  const world = state.worlds[worldId] as MutWorld;

  // Interfaces first, then `use`d types, then other types, then functions,
  // then resource functions: the order in which a printed world lists them.
  const rank = (item: WorldItem): number => {
    if (item.kind === 'interface') return 0;
    if (item.kind === 'type') {
      const def = state.types[item.id] as { kind: TypeDefKind; owner: TypeOwner };
      if (def.kind.kind === 'type' && typeof def.kind.type === 'number') {
        const target = state.types[def.kind.type];
        if (target && !sameOwner(target.owner, def.owner)) return 1;
      }
      return 2;
    }
    return item.func.kind.kind === 'freestanding' ? 3 : 4;
  };
  const byRank = (entries: WorldEntry[]): WorldEntry[] =>
    entries
      .map((entry, index) => ({ entry, index, rank: rank(entry.item) }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map((x) => x.entry);

  const imports = new Map<string, WorldEntry>();
  for (const entry of byRank([...world.imports.values()])) {
    const item = entry.item;
    if (item.kind === 'interface') {
      addImport(state, imports, entry.key, item.id, item.stability);
    } else {
      if (item.kind === 'type') {
        const dep = typeInterfaceDep(state, item.id);
        if (dep !== null) {
          const stability = (state.types[item.id] as { stability: Stability }).stability;
          addImport(state, imports, { kind: 'interface', id: dep }, dep, stability);
        }
      }
      imports.set(entryKey(entry.key), entry);
    }
  }

  const exports = new Map<string, WorldEntry>();
  // Interface exports are added below with their dependencies; an interface
  // may be exported under several plain names (`export a: iface`). Only an
  // export under the interface's own name (`export iface`) makes a dependency
  // on that interface an export: behind `export a: iface` it stays an import
  // (what wasm-tools does; after `export k;` whose `k` uses `iface`, the
  // later `export a: iface` then needs `iface` both ways and is rejected).
  const exported: { id: number; key: WorldKey; stability: Stability }[] = [];
  const exportedIds = new Set<number>();
  for (const entry of world.exports.values()) {
    if (entry.item.kind === 'interface') {
      exported.push({ id: entry.item.id, key: entry.key, stability: entry.item.stability });
      if (entry.key.kind === 'interface') exportedIds.add(entry.item.id);
    } else {
      exports.set(entryKey(entry.key), entry);
    }
  }

  const requiredImports = new Set<number>();
  const addExport = (id: number, key: WorldKey, asExport: boolean, stability: Stability): boolean => {
    if (exports.has(entryKey(key))) return asExport;
    if (!asExport && requiredImports.has(id)) return true;
    for (const dep of interfaceDirectDeps(state, id)) {
      const ok = addExport(dep, { kind: 'interface', id: dep }, asExport && exportedIds.has(dep), stability);
      if (!ok) return false;
    }
    const item: WorldItem = { kind: 'interface', id, stability };
    if (asExport) {
      if (requiredImports.has(id)) return false;
      exports.set(entryKey(key), { key, item });
    } else {
      requiredImports.add(id);
      imports.set(entryKey(key), { key, item });
    }
    return true;
  };
  for (const { id, key, stability } of exported) {
    if (!addExport(id, key, true, stability)) {
      const name = key.kind === 'name' ? key.name : (state.interfaceId(key.id) ?? `interface-${key.id}`);
      state.fail(
        'WIT_INVALID',
        `interface \`${name}\` transitively depends on an interface in incompatible ways (failed to elaborate world \`${world.name}\`)`,
        span,
      );
    }
  }

  world.imports = new Map(byRank([...imports.values()]).map((e) => [entryKey(e.key), e]));
  world.exports = exports;
}

function addImport(
  state: ResolveState,
  imports: Map<string, WorldEntry>,
  key: WorldKey,
  id: number,
  stability: Stability,
): void {
  if (imports.has(entryKey(key))) return;
  for (const dep of interfaceDirectDeps(state, id)) {
    addImport(state, imports, { kind: 'interface', id: dep }, dep, stability);
  }
  imports.set(entryKey(key), { key, item: { kind: 'interface', id, stability } });
}

/** The interface a `use`d type comes from, when it comes from another owner. */
export function typeInterfaceDep(state: ResolveState, id: number): number | null {
  const def = state.types[id];
  if (!def || def.kind.kind !== 'type' || typeof def.kind.type !== 'number') return null;
  const other = state.types[def.kind.type];
  if (!other || sameOwner(def.owner, other.owner)) return null;
  return other.owner.kind === 'interface' ? other.owner.id : null;
}

function* interfaceDirectDeps(state: ResolveState, id: number): Generator<number> {
  const iface = state.interfaces[id] as MutInterface;
  for (const t of iface.types.values()) {
    const dep = typeInterfaceDep(state, t);
    if (dep !== null) yield dep;
  }
}
