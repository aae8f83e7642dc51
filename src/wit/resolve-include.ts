/**
 * `include` in worlds: copies the imports and exports of an (already
 * elaborated) world into another, renaming with `with { a as b }`. Items
 * under plain names are deep-copied so that the including world owns its
 * own types, functions and inline interfaces; interfaces imported by their
 * package path are shared.
 */
import type { Func, PackageId, Stability, Type, TypeDefKind, TypeOwner, WorldEntry, WorldItem } from './model.js';
import type { Span } from './source.js';
import { sameStability } from './resolve-stability.js';
import { entryKey, sameOwner, type MutInterface, type MutWorld, type ResolveState } from './resolve-state.js';

export interface IncludeRequest {
  readonly world: number;
  readonly includes: readonly {
    readonly stability: Stability;
    /** Package-local id of the included world (see `mapWorld`). */
    readonly world: number;
    readonly names: readonly { readonly name: string; readonly as: string }[];
    readonly span: Span;
  }[];
  readonly mapWorld: (local: number, span: Span) => number;
  readonly include: (stability: Stability, span: Span) => boolean;
  readonly pkg: PackageId;
  /** The world's name, for diagnostics that have no better location. */
  readonly span: Span;
}

export function applyIncludes(state: ResolveState, req: IncludeRequest): void {
  for (const inc of req.includes) {
    if (!req.include(inc.stability, inc.span)) continue;
    includeWorld(state, req.world, req.mapWorld(inc.world, inc.span), inc.names, inc.span, req.pkg);
  }
  checkCaseInsensitiveNames(state, req.world, req.span);
}

function includeWorld(
  state: ResolveState,
  id: number,
  fromId: number,
  names: readonly { readonly name: string; readonly as: string }[],
  span: Span,
  pkg: PackageId,
): void {
  const world = state.worlds[id] as MutWorld;
  const from = state.worlds[fromId] as MutWorld;
  const external = world.package !== from.package;
  const imports = [...from.imports.values()];
  const exports = [...from.exports.values()];

  const unmatched = names.filter(
    (n) => ![...imports, ...exports].some((e) => e.key.kind === 'name' && rename(e.key.name, n) !== null),
  );
  const first = unmatched[0];
  if (first) {
    state.fail(
      'WIT_UNKNOWN_NAME',
      `no import or export kebab-name \`${first.name}\`. Note that an ID does not support renaming`,
      span,
    );
  }

  const cloner = new Cloner(state, { kind: 'world', id: fromId }, { kind: 'world', id }, pkg);
  for (const entry of imports) addIncluded(state, cloner, names, world.imports, entry, span, 'import', external, id);
  for (const entry of exports) addIncluded(state, cloner, names, world.exports, entry, span, 'export', external, id);
}

function addIncluded(
  state: ResolveState,
  cloner: Cloner,
  names: readonly { readonly name: string; readonly as: string }[],
  target: Map<string, WorldEntry>,
  entry: WorldEntry,
  span: Span,
  desc: 'import' | 'export',
  external: boolean,
  worldId: number,
): void {
  if (entry.key.kind === 'name') {
    const original = entry.key.name;
    let name = original;
    for (const n of names) {
      const renamed = rename(original, n);
      if (renamed !== null) {
        name = renamed;
        break;
      }
    }
    let item = cloner.worldItem(entry.item);
    if (item.kind === 'function') item = { kind: 'function', func: { ...item.func, name } };
    else if (item.kind === 'type') (state.types[item.id] as { name: string | null }).name = name;
    const key = { kind: 'name', name } as const;
    if (target.has(entryKey(key))) {
      state.fail('WIT_DUPLICATE', `${desc} of \`${name}\` shadows previously ${desc}ed items`, span);
    }
    target.set(entryKey(key), { key, item });
    state.noteWorldName(worldId, key, span);
    return;
  }

  const k = entryKey(entry.key);
  const existing = target.get(k) ?? entry;
  if (entry.item.kind !== 'interface' || existing.item.kind !== 'interface') {
    throw new Error('interface-keyed world entry that is not an interface');
  }
  const merged = mergeIncludeStability(entry.item.stability, existing.item.stability, external, (detail) =>
    state.fail('WIT_INVALID', detail, span),
  );
  target.set(k, { key: entry.key, item: { ...existing.item, stability: merged } });
}

/**
 * Stability of an interface reached through several includes: a known gate
 * wins over none, two different gates conflict, and `@since` gates of other
 * packages do not carry over.
 */
function mergeIncludeStability(
  from: Stability,
  into: Stability,
  external: boolean,
  fail: (detail: string) => never,
): Stability {
  if (external && from.kind === 'stable') return { kind: 'unknown' };
  if (from.kind === 'unknown' || sameStability(from, into)) return into;
  if (into.kind === 'unknown') return from;
  return fail(`mismatch in stability from '${describe(from)}' to '${describe(into)}'`);
}

function describe(s: Stability): string {
  if (s.kind === 'stable') return `@since(version = ${s.since})`;
  if (s.kind === 'unstable') return `@unstable(feature = ${s.feature})`;
  return 'no gate';
}

/**
 * The name `original` takes under `with { name as as }`: the item itself, or
 * a resource method/static/constructor (`[method]r.f` when `r` is renamed).
 */
function rename(original: string, n: { readonly name: string; readonly as: string }): string | null {
  if (original === n.name) return n.as;
  const close = original.indexOf(']');
  if (close < 0) return null;
  const prefix = original.slice(0, close);
  const rest = original.slice(close + 1);
  const dot = rest.indexOf('.');
  if (dot >= 0) {
    if (rest.slice(0, dot) === n.name) return `${prefix}]${n.as}${rest.slice(dot)}`;
    return rest === n.name ? `${prefix}]${n.as}` : null;
  }
  return rest === n.name ? `${prefix}]${n.as}` : null;
}

/** Deep-copies world items (and the types they own) from one owner to another. */
class Cloner {
  private readonly copies = new Map<number, number>();

  constructor(
    private readonly state: ResolveState,
    private readonly from: TypeOwner,
    private readonly to: TypeOwner,
    private readonly pkg: PackageId,
  ) {}

  worldItem(item: WorldItem): WorldItem {
    switch (item.kind) {
      case 'type':
        return { kind: 'type', id: this.typeId(item.id) };
      case 'function':
        return { kind: 'function', func: this.func(item.func) };
      case 'interface':
        // Only inline (anonymous) interfaces belong to the world and are
        // copied; a named one under a plain name (`export x: o:o/i`) stays
        // the same interface, in its own package.
        return (this.state.interfaces[item.id] as MutInterface).name === null ? { ...item, id: this.iface(item.id) } : item;
    }
  }

  private typeId(id: number): number {
    const done = this.copies.get(id);
    if (done !== undefined) return done;
    const def = this.state.types[id];
    // Types owned elsewhere (another interface) are shared, not copied.
    if (!def || (def.owner.kind !== 'none' && !sameOwner(def.owner, this.from))) return id;
    const kind = this.kind(def.kind);
    const copy = this.state.pushType({
      ...def,
      kind,
      owner: def.owner.kind === 'none' ? def.owner : this.to,
    });
    this.copies.set(id, copy);
    return copy;
  }

  private kind(kind: TypeDefKind): TypeDefKind {
    const ty = (t: Type): Type => (typeof t === 'number' ? this.typeId(t) : t);
    const opt = (t: Type | null): Type | null => (t === null ? null : ty(t));
    switch (kind.kind) {
      case 'type': {
        const target = typeof kind.type === 'number' ? this.state.types[kind.type] : undefined;
        return target && sameOwner(target.owner, this.from) ? { kind: 'type', type: ty(kind.type) } : kind;
      }
      case 'handle':
        return { ...kind, resource: this.typeId(kind.resource) };
      case 'option':
        return { kind: 'option', type: ty(kind.type) };
      case 'list':
        return { kind: 'list', element: ty(kind.element) };
      case 'fixed-length-list':
        return { ...kind, element: ty(kind.element) };
      case 'map':
        return { kind: 'map', key: ty(kind.key), value: ty(kind.value) };
      case 'tuple':
        return { kind: 'tuple', types: kind.types.map(ty) };
      case 'record':
        return { kind: 'record', fields: kind.fields.map((f) => ({ ...f, type: ty(f.type) })) };
      case 'variant':
        return { kind: 'variant', cases: kind.cases.map((c) => ({ ...c, type: opt(c.type) })) };
      case 'result':
        return { kind: 'result', ok: opt(kind.ok), err: opt(kind.err) };
      case 'future':
        return { kind: 'future', type: opt(kind.type) };
      case 'stream':
        return { kind: 'stream', type: opt(kind.type) };
      case 'resource':
      case 'flags':
      case 'enum':
        return kind;
    }
  }

  func(func: Func): Func {
    const ty = (t: Type): Type => (typeof t === 'number' ? this.typeId(t) : t);
    const kind = func.kind.kind === 'freestanding' ? func.kind : { ...func.kind, resource: this.typeId(func.kind.resource) };
    return {
      ...func,
      kind,
      params: func.params.map((p) => ({ name: p.name, type: ty(p.type) })),
      result: func.result === null ? null : ty(func.result),
    };
  }

  private iface(id: number): number {
    const original = this.state.interfaces[id] as MutInterface;
    const next = this.state.interfaces.length;
    const inner = new Cloner(this.state, { kind: 'interface', id }, { kind: 'interface', id: next }, this.pkg);
    const types = new Map<string, number>();
    for (const [name, t] of original.types) types.set(name, inner.typeId(t));
    const functions = new Map<string, Func>();
    for (const [name, f] of original.functions) functions.set(name, inner.func(f));
    this.state.interfaces.push({ ...original, types, functions, package: this.pkg });
    return next;
  }
}

/** Kebab-case names are case-insensitive: `foo` and `FOO` may not both be imported. */
function checkCaseInsensitiveNames(state: ResolveState, id: number, span: Span): void {
  const world = state.worlds[id] as MutWorld;
  for (const [desc, entries] of [
    ['import', world.imports],
    ['export', world.exports],
  ] as const) {
    const seen = new Map<string, string>();
    for (const { key } of entries.values()) {
      if (key.kind !== 'name') continue;
      const lower = key.name.toLowerCase();
      const prev = seen.get(lower);
      if (prev !== undefined && prev !== key.name) {
        // Point at the later of the two names when we know where it is written.
        const at = state.worldNameSpans.get(id)?.get(entryKey(key)) ?? span;
        state.fail(
          'WIT_DUPLICATE',
          `${desc} \`${key.name}\` in world \`${world.name}\` conflicts with ${desc} \`${prev}\` (kebab-case identifiers are case-insensitive)`,
          at,
        );
      }
      seen.set(lower, key.name);
    }
  }
}
