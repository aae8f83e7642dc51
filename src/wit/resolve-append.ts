/**
 * Phase two of resolution: adds one `UnresolvedPackage` to the `Resolve`
 * under construction. Placeholders for other packages' interfaces, worlds
 * and types are bound to the real items, feature gates drop disabled items,
 * package-local ids are renumbered into the shared arenas, references to
 * resources become interned `own<r>` handles, and worlds get their
 * `include`s applied and their imports/exports elaborated.
 */
import type { Func, PackageId, Stability, Type, TypeDefKind, WorldEntry, WorldItem, WorldKey } from './model.js';
import { packageNameString } from './model.js';
import type { Span } from './source.js';
import { elaborateWorld } from './resolve-elaborate.js';
import { applyIncludes } from './resolve-include.js';
import { includeStability } from './resolve-stability.js';
import { entryKey, type MutInterface, type MutWorld, type ResolveState } from './resolve-state.js';
import type { UInclude, UnresolvedPackage, UTypeDef, UWorldEntry } from './resolve-unresolved.js';

export function appendPackage(state: ResolveState, unresolved: UnresolvedPackage): PackageId {
  return new PackageAppender(state, unresolved).run();
}

class PackageAppender {
  /** Package-local id → id in `state`, or null when gated out. */
  private readonly types: (number | null)[] = [];
  private readonly interfaces: (number | null)[] = [];
  private readonly worlds: (number | null)[] = [];
  /** Interned `own<r>` handles of this package, by the resource (or alias) id. */
  private readonly ownHandles = new Map<number, number>();
  private readonly hasBorrowCache = new Map<number, boolean>();
  private readonly pkg: PackageId;

  constructor(
    private readonly state: ResolveState,
    private readonly u: UnresolvedPackage,
  ) {
    this.pkg = state.packages.length;
  }

  run(): PackageId {
    const { state, u, pkg } = this;
    state.packages.push({ name: u.name, docs: u.docs, interfaces: new Map(), worlds: new Map() });
    state.packageNames.set(packageNameString(u.name), pkg);

    this.bindForeignItems();
    const foreignTypes = this.types.length;
    const foreignInterfaces = this.interfaces.length;
    const foreignWorlds = this.worlds.length;

    for (let i = foreignTypes; i < u.types.length; i++) this.appendType(u.types[i] as UTypeDef, u.typeSpans[i] as Span);

    for (let i = foreignInterfaces; i < u.interfaces.length; i++) this.appendInterface(i);
    for (let i = foreignTypes; i < u.types.length; i++) {
      const id = this.types[i];
      if (id === null || id === undefined) continue;
      const def = state.types[id];
      if (def && def.owner.kind === 'interface') {
        const iface = this.mapInterface(
          def.owner.id,
          u.typeSpans[i] as Span,
          '; this type is not gated by a feature but its interface is gated by a feature',
        );
        def.owner = { kind: 'interface', id: iface };
      }
    }

    const includes = new Map<number, readonly UInclude[]>();
    for (let i = foreignWorlds; i < u.worlds.length; i++) {
      const id = this.appendWorld(i);
      if (id !== null) includes.set(id, (u.worlds[i] as { includes: UInclude[] }).includes);
    }
    for (let i = foreignTypes; i < u.types.length; i++) {
      const id = this.types[i];
      if (id === null || id === undefined) continue;
      const def = state.types[id];
      if (def && def.owner.kind === 'world') {
        const world = this.mapWorld(
          def.owner.id,
          u.typeSpans[i] as Span,
          '; this type is not gated by a feature but its world is gated by a feature',
        );
        def.owner = { kind: 'world', id: world };
      }
    }

    // Worlds are in dependency order, so an included world is complete
    // (included and elaborated) before anything includes it.
    for (let i = foreignWorlds; i < u.worlds.length; i++) {
      const id = this.worlds[i];
      if (id === null || id === undefined) continue;
      const span = u.worldSpans[i] as Span;
      applyIncludes(state, {
        world: id,
        includes: (includes.get(id) ?? []).map((inc) => ({ ...inc, world: inc.world })),
        mapWorld: (local, at) => this.mapWorld(local, at, ''),
        include: (stability, at) => this.include(stability, at),
        pkg,
        span,
      });
      elaborateWorld(state, id, span);
    }

    const pkgDef = state.packages[pkg] as { interfaces: Map<string, number>; worlds: Map<string, number> };
    for (let i = foreignInterfaces; i < u.interfaces.length; i++) {
      const id = this.interfaces[i];
      if (id === null || id === undefined) continue;
      const iface = state.interfaces[id] as MutInterface;
      iface.package = pkg;
      if (iface.name !== null) pkgDef.interfaces.set(iface.name, id);
    }
    for (let i = foreignWorlds; i < u.worlds.length; i++) {
      const id = this.worlds[i];
      if (id === null || id === undefined) continue;
      const world = state.worlds[id] as MutWorld;
      world.package = pkg;
      pkgDef.worlds.set(world.name, id);
    }
    return pkg;
  }

  // ---------------------------------------------------------------- foreign items

  private bindForeignItems(): void {
    const state: ResolveState = this.state;
    const u = this.u;
    const interfaceOwners = new Map<number, { dep: string; name: string; stabilities: Stability[] }>();
    const worldOwners = new Map<number, { dep: string; name: string; stabilities: Stability[] }>();
    for (const [depKey, dep] of u.foreignDeps) {
      for (const [name, item] of dep.items) {
        const owners = item.kind === 'interface' ? interfaceOwners : worldOwners;
        owners.set(item.id, { dep: depKey, name, stabilities: item.stabilities });
      }
    }

    for (let i = 0; i < u.interfaces.length; i++) {
      const owner = interfaceOwners.get(i);
      if (!owner) break;
      const span = (u.interfaceSpans[i] as { span: Span }).span;
      const pkg = this.foreignPackage(owner.dep);
      if (!owner.stabilities.some((s) => this.include(s, span))) {
        this.interfaces.push(null);
        continue;
      }
      const id = (state.packages[pkg] as { interfaces: Map<string, number> }).interfaces.get(owner.name);
      if (id === undefined) {
        state.fail('WIT_UNKNOWN_NAME', `interface \`${owner.name}\` not found in package \`${owner.dep}\``, span);
      }
      this.interfaces.push(id);
    }
    for (let i = 0; i < u.worlds.length; i++) {
      const owner = worldOwners.get(i);
      if (!owner) break;
      const span = u.worldSpans[i] as Span;
      const pkg = this.foreignPackage(owner.dep);
      if (!owner.stabilities.some((s) => this.include(s, span))) {
        this.worlds.push(null);
        continue;
      }
      const id = (state.packages[pkg] as { worlds: Map<string, number> }).worlds.get(owner.name);
      if (id === undefined) {
        state.fail('WIT_UNKNOWN_NAME', `world \`${owner.name}\` not found in package \`${owner.dep}\``, span);
      }
      this.worlds.push(id);
    }

    for (let i = 0; i < u.types.length; i++) {
      const def = u.types[i] as UTypeDef;
      if (def.kind.kind !== 'unknown') break;
      const span = u.typeSpans[i] as Span;
      if (!this.include(def.stability, span)) {
        this.types.push(null);
        continue;
      }
      if (def.owner.kind !== 'interface' || def.name === null) throw new Error('foreign type without interface');
      const iface = this.mapInterface(def.owner.id, span, '');
      const id = (state.interfaces[iface] as MutInterface).types.get(def.name);
      if (id === undefined) state.fail('WIT_UNKNOWN_NAME', `type \`${def.name}\` not defined in interface`, span);
      this.types.push(id);
    }

    for (const { id, span } of u.requiredResources) {
      const mapped = this.types[id];
      // A gated-out type is reported where it is used, not here.
      if (mapped === null || mapped === undefined) continue;
      for (let cur = mapped; ; ) {
        const kind = (state.types[cur] as { kind: TypeDefKind }).kind;
        if (kind.kind === 'resource') break;
        if (kind.kind === 'type' && typeof kind.type === 'number') {
          cur = kind.type;
          continue;
        }
        state.fail('WIT_WRONG_KIND', 'type used in a handle must be a resource', span);
      }
    }
  }

  private foreignPackage(depKey: string): PackageId {
    const id = this.state.packageNames.get(depKey);
    if (id !== undefined) return id;
    const dep = this.u.foreignDeps.get(depKey) as { span: Span };
    const known = [...this.state.packageNames.keys()];
    return this.state.fail(
      'WIT_PACKAGE',
      `package \`${depKey}\` not found; ${known.length === 0 ? 'no packages are known' : `known packages: ${known.join(', ')}`}`,
      dep.span,
    );
  }

  // ---------------------------------------------------------------- local items

  private appendType(def: UTypeDef, span: Span): void {
    if (!this.include(def.stability, span)) {
      this.types.push(null);
      return;
    }
    if (def.kind.kind === 'unknown') throw new Error('unbound foreign type after local types');
    const kind = this.updateKind(def.kind, span, def.memberSpans ?? []);
    let id = this.state.pushType({ name: def.name, kind, owner: def.owner, docs: def.docs, stability: def.stability });
    if (def.name === null && def.owner.kind === 'none' && kind.kind === 'handle' && kind.handle === 'own') {
      const existing = this.ownHandles.get(kind.resource);
      if (existing === undefined) this.ownHandles.set(kind.resource, id);
      else id = existing;
    }
    this.types.push(id);
  }

  private appendInterface(local: number): void {
    const { state, u } = this;
    const iface = u.interfaces[local] as { name: string | null; types: Map<string, number>; functions: Map<string, Func>; docs: string | null; stability: Stability };
    const spans = u.interfaceSpans[local] as { span: Span; funcs: Span[] };
    if (!this.include(iface.stability, spans.span)) {
      this.interfaces.push(null);
      return;
    }
    const types = new Map<string, number>();
    for (const [name, id] of iface.types) {
      if (this.types[id] === null) continue;
      types.set(name, this.mapType(id, spans.span));
    }
    const functions = new Map<string, Func>();
    let index = 0;
    for (const [name, func] of iface.functions) {
      const span = spans.funcs[index++] ?? spans.span;
      if (!this.include(func.stability, span)) continue;
      functions.set(name, this.updateFunction(func, span));
    }
    state.interfaces.push({
      name: iface.name,
      types,
      functions,
      docs: iface.docs,
      stability: iface.stability,
      package: this.pkg,
    });
    this.interfaces.push(state.interfaces.length - 1);
  }

  private appendWorld(local: number): number | null {
    const { state, u } = this;
    const world = u.worlds[local] as { name: string; imports: UWorldEntry[]; exports: UWorldEntry[]; docs: string | null; stability: Stability };
    if (!this.include(world.stability, u.worldSpans[local] as Span)) {
      this.worlds.push(null);
      return null;
    }
    const id = state.worlds.length;
    const convert = (entries: readonly UWorldEntry[]): Map<string, WorldEntry> => {
      const out = new Map<string, WorldEntry>();
      for (const entry of entries) {
        let item: WorldItem;
        let stability: Stability;
        if (entry.item.kind === 'type') {
          const id = this.mapType(entry.item.id, entry.span);
          item = { kind: 'type', id };
          stability = (state.types[id] as { stability: Stability }).stability;
        } else if (entry.item.kind === 'function') {
          item = entry.item;
          stability = entry.item.func.stability;
        } else {
          item = entry.item;
          stability = entry.item.stability;
        }
        if (!this.include(stability, entry.span)) continue;
        const key: WorldKey =
          entry.key.kind === 'name' ? entry.key : { kind: 'interface', id: this.mapInterface(entry.key.id, entry.span, '') };
        if (item.kind === 'interface') {
          item = { kind: 'interface', id: this.mapInterface(item.id, entry.span, ''), stability: item.stability };
        } else if (item.kind === 'function') {
          item = { kind: 'function', func: this.updateFunction(item.func, entry.span) };
        }
        out.set(entryKey(key), { key, item });
        state.noteWorldName(id, key, entry.span);
      }
      return out;
    };
    state.worlds.push({
      name: world.name,
      imports: convert(world.imports),
      exports: convert(world.exports),
      package: null,
      docs: world.docs,
      stability: world.stability,
    });
    this.worlds.push(id);
    return id;
  }

  // ---------------------------------------------------------------- renumbering

  private updateKind(kind: TypeDefKind, span: Span, memberSpans: readonly Span[]): TypeDefKind {
    const ty = (t: Type, at = span): Type => this.updateType(t, at);
    const opt = (t: Type | null, at = span): Type | null => (t === null ? null : this.updateType(t, at));
    switch (kind.kind) {
      case 'handle':
        return { ...kind, resource: this.mapType(kind.resource, span) };
      case 'record':
        return {
          kind: 'record',
          fields: kind.fields.map((f, i) => ({ ...f, type: ty(f.type, memberSpans[i]) })),
        };
      case 'tuple':
        return { kind: 'tuple', types: kind.types.map((t) => ty(t)) };
      case 'variant':
        return {
          kind: 'variant',
          cases: kind.cases.map((c, i) => ({ ...c, type: opt(c.type, memberSpans[i]) })),
        };
      case 'option':
        return { kind: 'option', type: ty(kind.type) };
      case 'list':
        return { kind: 'list', element: ty(kind.element) };
      case 'fixed-length-list':
        return { ...kind, element: ty(kind.element) };
      case 'future':
        return { kind: 'future', type: opt(kind.type) };
      case 'stream':
        return { kind: 'stream', type: opt(kind.type) };
      case 'map':
        return { kind: 'map', key: ty(kind.key), value: ty(kind.value) };
      case 'result':
        return { kind: 'result', ok: opt(kind.ok), err: opt(kind.err) };
      case 'type':
        // `type a = r` stays an alias of the resource (usable as the resource
        // itself), so no `own` handle is introduced here.
        return typeof kind.type === 'number' ? { kind: 'type', type: this.mapType(kind.type, span) } : kind;
      case 'resource':
      case 'flags':
      case 'enum':
        return kind;
    }
  }

  /** Renumbers a use-site type; a reference to a resource becomes `own<r>`. */
  private updateType(t: Type, span: Span): Type {
    if (typeof t !== 'number') return t;
    const id = this.mapType(t, span);
    let cur = id;
    for (;;) {
      const kind = (this.state.types[cur] as { kind: TypeDefKind }).kind;
      if (kind.kind === 'type' && typeof kind.type === 'number') {
        cur = kind.type;
        continue;
      }
      if (kind.kind !== 'resource') return id;
      break;
    }
    let own = this.ownHandles.get(id);
    if (own === undefined) {
      own = this.state.pushType({
        name: null,
        kind: { kind: 'handle', handle: 'own', resource: id },
        owner: { kind: 'none' },
        docs: null,
        stability: { kind: 'unknown' },
      });
      this.ownHandles.set(id, own);
    }
    return own;
  }

  private updateFunction(func: Func, span: Span): Func {
    const kind = func.kind.kind === 'freestanding' ? func.kind : { ...func.kind, resource: this.mapType(func.kind.resource, span) };
    const params = func.params.map((p) => ({ name: p.name, type: this.updateType(p.type, span) }));
    const result = func.result === null ? null : this.updateType(func.result, span);
    if (result !== null && this.hasBorrow(result)) {
      this.state.fail(
        'WIT_INVALID',
        `function \`${func.name}\` returns a type which contains a \`borrow<T>\` which is not supported`,
        span,
      );
    }
    return { ...func, kind, params, result };
  }

  private hasBorrow(t: Type): boolean {
    if (typeof t !== 'number') return false;
    const cached = this.hasBorrowCache.get(t);
    if (cached !== undefined) return cached;
    const kind = (this.state.types[t] as { kind: TypeDefKind }).kind;
    const any = (types: readonly (Type | null)[]): boolean => types.some((x) => x !== null && this.hasBorrow(x));
    let result: boolean;
    switch (kind.kind) {
      case 'type':
        result = this.hasBorrow(kind.type);
        break;
      case 'handle':
        result = kind.handle === 'borrow';
        break;
      case 'record':
        result = any(kind.fields.map((f) => f.type));
        break;
      case 'variant':
        result = any(kind.cases.map((c) => c.type));
        break;
      case 'tuple':
        result = any(kind.types);
        break;
      case 'list':
      case 'fixed-length-list':
        result = this.hasBorrow(kind.element);
        break;
      case 'option':
      case 'future':
      case 'stream':
        result = any([kind.type]);
        break;
      case 'map':
        result = any([kind.key, kind.value]);
        break;
      case 'result':
        result = any([kind.ok, kind.err]);
        break;
      default:
        result = false;
    }
    this.hasBorrowCache.set(t, result);
    return result;
  }

  private mapType(local: number, span: Span): number {
    return this.apply(this.types, local, 'type', span, '');
  }

  private mapInterface(local: number, span: Span, context: string): number {
    return this.apply(this.interfaces, local, 'interface', span, context);
  }

  private mapWorld(local: number, span: Span, context: string): number {
    return this.apply(this.worlds, local, 'world', span, context);
  }

  private apply(map: readonly (number | null)[], local: number, what: string, span: Span, context: string): number {
    const id = map[local];
    if (id === undefined) throw new Error(`${what} #${local} referenced before it was added`);
    if (id === null) {
      this.state.fail(
        'WIT_INVALID',
        `found a reference to a ${what} which is excluded due to its feature not being activated${context}`,
        span,
      );
    }
    return id;
  }

  private include(stability: Stability, span: Span): boolean {
    return includeStability(stability, this.u.name, this.state.gates, (detail) =>
      this.state.fail('WIT_INVALID', detail, span),
    );
  }
}
