/**
 * Checks a component against the world its host bindings were generated
 * for (`options.world`): every function the world exports must be exported
 * by the component with the same signature (types compared by structure and
 * name), and the component may import only what the world imports (WASI
 * interfaces, which the runtime serves, excepted). All differences are
 * reported at once in a `WorldMismatchError`.
 */
import { interfaceName } from '../../abi/signature.js';
import { loadWitText, selectWorld } from '../../wit/index.js';
import type { Func, Resolve, Type, WorldEntry, WorldId } from '../../wit/model.js';
import { WorldMismatchError, type WorldDifference } from './errors.js';

interface Side {
  readonly resolve: Resolve;
  readonly worldId: WorldId;
}

/** Parsed expected worlds by WIT text and world name (bindings pass the same text for every instance). */
const expectedCache = new Map<string, Side>();

/** The world `spec` names, resolved once per WIT text. */
export function expectedWorld(spec: { readonly wit: string; readonly world: string }): Side {
  const key = `${spec.world}\u0000${spec.wit}`;
  let side = expectedCache.get(key);
  if (side === undefined) {
    const loaded = loadWitText(spec.wit);
    side = { resolve: loaded.resolve, worldId: selectWorld(loaded, spec.world) };
    expectedCache.set(key, side);
  }
  return side;
}

/** Throws WorldMismatchError when the component (`resolve`, `worldId`) does not fit `spec`. */
export function checkWorld(resolve: Resolve, worldId: WorldId, spec: { readonly wit: string; readonly world: string }): void {
  const expected = expectedWorld(spec);
  const found: Side = { resolve, worldId };
  const differences: WorldDifference[] = [];
  const expWorld = expected.resolve.worlds[expected.worldId];
  const gotWorld = resolve.worlds[worldId];
  if (expWorld === undefined || gotWorld === undefined) return;
  for (const entry of expWorld.exports) {
    for (const [label, func] of entryFunctions(expected.resolve, entry)) {
      const other = findFunction(found, gotWorld.exports, label);
      if (other === undefined) {
        differences.push({ item: label, problem: 'missing-export', expected: funcText(expected.resolve, func), found: null });
      } else if (!sameFunc(expected.resolve, func, resolve, other)) {
        differences.push({ item: label, problem: 'signature', expected: funcText(expected.resolve, func), found: funcText(resolve, other) });
      }
    }
  }
  const expectedImports = new Set(expWorld.imports.map((e) => entryName(expected.resolve, e)));
  for (const entry of gotWorld.imports) {
    const name = entryName(resolve, entry);
    if (entry.item.kind === 'type' || name.startsWith('wasi:') || expectedImports.has(name)) continue;
    differences.push({
      item: name,
      problem: 'extra-import',
      expected: null,
      found: entry.item.kind === 'function' ? funcText(resolve, entry.item.func) : `interface ${name}`,
    });
  }
  if (differences.length > 0) throw new WorldMismatchError(spec.world, differences);
}

function entryName(resolve: Resolve, entry: WorldEntry): string {
  if (entry.key.kind === 'name') return entry.key.name;
  return interfaceName(resolve, entry.key.id);
}

/** The functions of a world entry, labelled `f` or `ns:pkg/iface@v#f`. */
function entryFunctions(resolve: Resolve, entry: WorldEntry): [string, Func][] {
  if (entry.item.kind === 'function') return [[entry.item.func.name, entry.item.func]];
  if (entry.item.kind !== 'interface') return [];
  const name = entryName(resolve, entry);
  const iface = resolve.interfaces[entry.item.id];
  return [...(iface?.functions.values() ?? [])].map((f): [string, Func] => [`${name}#${f.name}`, f]);
}

function findFunction(side: Side, entries: readonly WorldEntry[], label: string): Func | undefined {
  for (const entry of entries) {
    for (const [l, f] of entryFunctions(side.resolve, entry)) if (l === label) return f;
  }
  return undefined;
}

function sameFunc(ra: Resolve, a: Func, rb: Resolve, b: Func): boolean {
  if (a.params.length !== b.params.length) return false;
  if (!a.params.every((p, i) => sameType(ra, p.type, rb, (b.params[i] as Func['params'][number]).type))) return false;
  if (a.result === null || b.result === null) return a.result === b.result;
  return sameType(ra, a.result, rb, b.result);
}

function peel(resolve: Resolve, type: Type): Type {
  let cur = type;
  for (let def = typeof cur === 'number' ? resolve.types[cur] : undefined; def?.kind.kind === 'type'; ) {
    cur = def.kind.type;
    def = typeof cur === 'number' ? resolve.types[cur] : undefined;
  }
  return cur;
}

function sameOptional(ra: Resolve, a: Type | null, rb: Resolve, b: Type | null): boolean {
  if (a === null || b === null) return a === b;
  return sameType(ra, a, rb, b);
}

/** Structural equality of two types of two Resolves (named types must also have the same name). */
function sameType(ra: Resolve, ta: Type, rb: Resolve, tb: Type): boolean {
  const a = peel(ra, ta);
  const b = peel(rb, tb);
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  const da = ra.types[a];
  const db = rb.types[b];
  if (da === undefined || db === undefined) return false;
  if (da.name !== null && db.name !== null && da.name !== db.name) return false;
  const ka = da.kind;
  const kb = db.kind;
  switch (ka.kind) {
    case 'record':
      return kb.kind === 'record' && ka.fields.length === kb.fields.length && ka.fields.every((f, i) => f.name === kb.fields[i]?.name && sameType(ra, f.type, rb, kb.fields[i]?.type ?? 'bool'));
    case 'variant':
      return kb.kind === 'variant' && ka.cases.length === kb.cases.length && ka.cases.every((c, i) => c.name === kb.cases[i]?.name && sameOptional(ra, c.type, rb, kb.cases[i]?.type ?? null));
    case 'enum':
      return kb.kind === 'enum' && ka.cases.map((c) => c.name).join() === kb.cases.map((c) => c.name).join();
    case 'flags':
      return kb.kind === 'flags' && ka.flags.map((c) => c.name).join() === kb.flags.map((c) => c.name).join();
    case 'tuple':
      return kb.kind === 'tuple' && ka.types.length === kb.types.length && ka.types.every((t, i) => sameType(ra, t, rb, kb.types[i] ?? 'bool'));
    case 'list':
      return kb.kind === 'list' && sameType(ra, ka.element, rb, kb.element);
    case 'fixed-length-list':
      return kb.kind === 'fixed-length-list' && ka.length === kb.length && sameType(ra, ka.element, rb, kb.element);
    case 'map':
      return kb.kind === 'map' && sameType(ra, ka.key, rb, kb.key) && sameType(ra, ka.value, rb, kb.value);
    case 'option':
      return kb.kind === 'option' && sameType(ra, ka.type, rb, kb.type);
    case 'result':
      return kb.kind === 'result' && sameOptional(ra, ka.ok, rb, kb.ok) && sameOptional(ra, ka.err, rb, kb.err);
    case 'handle':
      return kb.kind === 'handle' && ka.handle === kb.handle && sameType(ra, ka.resource, rb, kb.resource);
    case 'resource':
      return kb.kind === 'resource';
    case 'future':
    case 'stream':
      return kb.kind === ka.kind && sameOptional(ra, ka.type, rb, kb.type);
    case 'type':
      return false;
  }
}

/** `name: func(a: t, ...) -> r` for messages. */
function funcText(resolve: Resolve, func: Func): string {
  const params = func.params.map((p) => `${p.name}: ${typeText(resolve, p.type)}`).join(', ');
  const result = func.result === null ? '' : ` -> ${typeText(resolve, func.result)}`;
  return `${func.name}: func(${params})${result}`;
}

function typeText(resolve: Resolve, type: Type): string {
  if (typeof type === 'string') return type;
  const def = resolve.types[type];
  if (def === undefined) return `type-${type}`;
  if (def.name !== null) return def.name;
  const k = def.kind;
  const t = (x: Type | null): string => (x === null ? '_' : typeText(resolve, x));
  switch (k.kind) {
    case 'list':
      return `list<${t(k.element)}>`;
    case 'fixed-length-list':
      return `list<${t(k.element)}, ${k.length}>`;
    case 'map':
      return `map<${t(k.key)}, ${t(k.value)}>`;
    case 'option':
      return `option<${t(k.type)}>`;
    case 'result':
      return k.ok === null && k.err === null ? 'result' : `result<${t(k.ok)}, ${t(k.err)}>`;
    case 'tuple':
      return `tuple<${k.types.map((x) => t(x)).join(', ')}>`;
    case 'handle':
      return k.handle === 'own' ? t(k.resource) : `borrow<${t(k.resource)}>`;
    case 'future':
    case 'stream':
      return k.type === null ? k.kind : `${k.kind}<${t(k.type)}>`;
    case 'type':
      return t(k.type);
    default:
      return k.kind;
  }
}
