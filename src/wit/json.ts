/**
 * The Resolve rendered as wasm-tools' wit-parser serializes it (its `serde`
 * output, as in `wasm-tools component wit --json`): same schema and key
 * order; absent docs and unknown stability are omitted.
 */
import type {
  Func,
  Interface,
  Package,
  Resolve,
  Stability,
  Type,
  TypeDef,
  TypeDefKind,
  TypeOwner,
  World,
  WorldEntry,
} from './model.js';
import { packageNameString, worldKeyString } from './model.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The Resolve as wasm-tools wit-parser serializes it (same schema, same key order). */
export function toResolveJson(resolve: Resolve): unknown {
  return {
    worlds: resolve.worlds.map(worldJson),
    interfaces: resolve.interfaces.map(interfaceJson),
    types: resolve.types.map(typeJson),
    packages: resolve.packages.map(packageJson),
  };
}

function worldJson(world: World): Json {
  const out: JsonObject = {
    name: world.name,
    imports: entriesJson(world.imports),
    exports: entriesJson(world.exports),
    package: world.package,
  };
  addDocs(out, world.docs);
  addStability(out, world.stability);
  return out;
}

function entriesJson(entries: readonly WorldEntry[]): Json {
  const out: JsonObject = {};
  for (const { key, item } of entries) {
    let value: Json;
    if (item.kind === 'interface') {
      const iface: JsonObject = { id: item.id };
      addStability(iface, item.stability);
      value = { interface: iface };
    } else if (item.kind === 'function') {
      value = { function: funcJson(item.func) };
    } else {
      value = { type: item.id };
    }
    out[worldKeyString(key)] = value;
  }
  return out;
}

function interfaceJson(iface: Interface): Json {
  const out: JsonObject = {
    name: iface.name,
    types: Object.fromEntries(iface.types),
    functions: Object.fromEntries([...iface.functions].map(([name, f]) => [name, funcJson(f)])),
  };
  addDocs(out, iface.docs);
  addStability(out, iface.stability);
  out.package = iface.package;
  return out;
}

function funcJson(func: Func): Json {
  const out: JsonObject = {
    name: func.name,
    kind: funcKindJson(func),
    params: func.params.map((p) => ({ name: p.name, type: typeJsonRef(p.type) })),
  };
  if (func.result !== null) out.result = typeJsonRef(func.result);
  addDocs(out, func.docs);
  addStability(out, func.stability);
  return out;
}

function funcKindJson(func: Func): Json {
  const prefix = func.async ? 'async-' : '';
  const kind = func.kind;
  if (kind.kind === 'freestanding') return `${prefix}freestanding`;
  // Constructors are never async.
  const name = kind.kind === 'constructor' ? 'constructor' : `${prefix}${kind.kind}`;
  return { [name]: kind.resource };
}

function typeJson(def: TypeDef): Json {
  const out: JsonObject = { name: def.name, kind: kindJson(def.kind), owner: ownerJson(def.owner) };
  addDocs(out, def.docs);
  addStability(out, def.stability);
  return out;
}

function kindJson(kind: TypeDefKind): Json {
  const docs = (o: JsonObject, d: string | null): JsonObject => {
    addDocs(o, d);
    return o;
  };
  switch (kind.kind) {
    case 'record':
      return { record: { fields: kind.fields.map((f) => docs({ name: f.name, type: typeJsonRef(f.type) }, f.docs)) } };
    case 'resource':
      return 'resource';
    case 'handle':
      return { handle: { [kind.handle]: kind.resource } };
    case 'flags':
      return { flags: { flags: kind.flags.map((f) => docs({ name: f.name }, f.docs)) } };
    case 'tuple':
      return { tuple: { types: kind.types.map(typeJsonRef) } };
    case 'variant':
      return {
        variant: {
          cases: kind.cases.map((c) =>
            docs({ name: c.name, type: c.type === null ? null : typeJsonRef(c.type) }, c.docs),
          ),
        },
      };
    case 'enum':
      return { enum: { cases: kind.cases.map((c) => docs({ name: c.name }, c.docs)) } };
    case 'option':
      return { option: typeJsonRef(kind.type) };
    case 'result':
      return {
        result: {
          ok: kind.ok === null ? null : typeJsonRef(kind.ok),
          err: kind.err === null ? null : typeJsonRef(kind.err),
        },
      };
    case 'list':
      return { list: typeJsonRef(kind.element) };
    case 'fixed-length-list':
      return { 'fixed-length-list': [typeJsonRef(kind.element), kind.length] };
    case 'map':
      return { map: [typeJsonRef(kind.key), typeJsonRef(kind.value)] };
    case 'future':
      return { future: kind.type === null ? null : typeJsonRef(kind.type) };
    case 'stream':
      return { stream: kind.type === null ? null : typeJsonRef(kind.type) };
    case 'type':
      return { type: typeJsonRef(kind.type) };
  }
}

function ownerJson(owner: TypeOwner): Json {
  return owner.kind === 'none' ? null : { [owner.kind]: owner.id };
}

function typeJsonRef(type: Type): Json {
  return type;
}

function packageJson(pkg: Package): Json {
  const out: JsonObject = { name: packageNameString(pkg.name) };
  addDocs(out, pkg.docs);
  out.interfaces = Object.fromEntries(pkg.interfaces);
  out.worlds = Object.fromEntries(pkg.worlds);
  return out;
}

function addDocs(out: JsonObject, docs: string | null): void {
  if (docs !== null) out.docs = { contents: docs };
}

function addStability(out: JsonObject, stability: Stability): void {
  if (stability.kind === 'stable') {
    const s: JsonObject = { since: stability.since };
    if (stability.deprecated !== null) s.deprecated = stability.deprecated;
    out.stability = { stable: s };
  } else if (stability.kind === 'unstable') {
    const s: JsonObject = { feature: stability.feature };
    if (stability.deprecated !== null) s.deprecated = stability.deprecated;
    out.stability = { unstable: s };
  }
}
