/**
 * Reads the Resolve JSON that wasm-tools' wit-parser serializes (the
 * conformance corpus' expected `X.wit.json`) into witgen's Resolve model.
 * This lets the ABI tests run against the reference resolution of each
 * case, independent of witgen's own resolver.
 */
import type {
  Func,
  FunctionKind,
  Interface,
  Package,
  PackageName,
  Resolve,
  Stability,
  Type,
  TypeDef,
  TypeDefKind,
  TypeOwner,
  World,
  WorldEntry,
  WorldItem,
} from '../../src/wit/model.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function obj(value: Json | undefined, what: string): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`expected an object for ${what}, found ${JSON.stringify(value)}`);
  }
  return value;
}

function arr(value: Json | undefined, what: string): Json[] {
  if (!Array.isArray(value)) throw new Error(`expected an array for ${what}`);
  return value;
}

function str(value: Json | undefined, what: string): string {
  if (typeof value !== 'string') throw new Error(`expected a string for ${what}`);
  return value;
}

function num(value: Json | undefined, what: string): number {
  if (typeof value !== 'number') throw new Error(`expected a number for ${what}`);
  return value;
}

function single(value: Json | undefined, what: string): [string, Json] {
  const entries = Object.entries(obj(value, what));
  const first = entries[0];
  if (entries.length !== 1 || first === undefined) throw new Error(`expected one key in ${what}`);
  return first;
}

function type(value: Json | undefined): Type {
  return typeof value === 'number' ? value : (str(value, 'type') as Type);
}

function optionalType(value: Json | undefined): Type | null {
  return value === null || value === undefined ? null : type(value);
}

function docs(o: JsonObject): string | null {
  const d = o['docs'];
  if (d === undefined || d === null) return null;
  const contents = obj(d, 'docs')['contents'];
  return typeof contents === 'string' ? contents : null;
}

function stability(value: Json | undefined): Stability {
  if (value === undefined || value === null) return { kind: 'unknown' };
  const [kind, body] = single(value, 'stability');
  const b = obj(body, 'stability');
  const deprecated = typeof b['deprecated'] === 'string' ? b['deprecated'] : null;
  if (kind === 'stable') return { kind: 'stable', since: str(b['since'], 'since'), deprecated };
  return { kind: 'unstable', feature: str(b['feature'], 'feature'), deprecated };
}

function functionKind(value: Json | undefined): { kind: FunctionKind; async: boolean } {
  if (typeof value === 'string') {
    return { kind: { kind: 'freestanding' }, async: value.startsWith('async-') };
  }
  const [name, resource] = single(value, 'function kind');
  const isAsync = name.startsWith('async-');
  const base = isAsync ? name.slice('async-'.length) : name;
  if (base !== 'method' && base !== 'static' && base !== 'constructor') {
    throw new Error(`unknown function kind ${name}`);
  }
  return { kind: { kind: base, resource: num(resource, 'resource') }, async: isAsync };
}

function func(value: Json | undefined): Func {
  const o = obj(value, 'function');
  const { kind, async } = functionKind(o['kind']);
  return {
    name: str(o['name'], 'function name'),
    kind,
    async,
    params: arr(o['params'], 'params').map((p) => {
      const po = obj(p, 'param');
      return { name: str(po['name'], 'param name'), type: type(po['type']) };
    }),
    result: optionalType(o['result']),
    docs: docs(o),
    stability: stability(o['stability']),
  };
}

function typeDefKind(value: Json | undefined): TypeDefKind {
  if (value === 'resource') return { kind: 'resource' };
  const [kind, body] = single(value, 'type kind');
  switch (kind) {
    case 'record':
      return {
        kind,
        fields: arr(obj(body, 'record')['fields'], 'fields').map((f) => {
          const fo = obj(f, 'field');
          return { name: str(fo['name'], 'field'), type: type(fo['type']), docs: docs(fo) };
        }),
      };
    case 'handle': {
      const [handle, resource] = single(body, 'handle');
      if (handle !== 'own' && handle !== 'borrow') throw new Error(`unknown handle ${handle}`);
      return { kind, handle, resource: num(resource, 'resource') };
    }
    case 'flags':
      return {
        kind,
        flags: arr(obj(body, 'flags')['flags'], 'flags').map((f) => {
          const fo = obj(f, 'flag');
          return { name: str(fo['name'], 'flag'), docs: docs(fo) };
        }),
      };
    case 'tuple':
      return { kind, types: arr(obj(body, 'tuple')['types'], 'tuple').map(type) };
    case 'variant':
      return {
        kind,
        cases: arr(obj(body, 'variant')['cases'], 'cases').map((c) => {
          const co = obj(c, 'case');
          return { name: str(co['name'], 'case'), type: optionalType(co['type']), docs: docs(co) };
        }),
      };
    case 'enum':
      return {
        kind,
        cases: arr(obj(body, 'enum')['cases'], 'cases').map((c) => {
          const co = obj(c, 'case');
          return { name: str(co['name'], 'case'), docs: docs(co) };
        }),
      };
    case 'option':
      return { kind, type: type(body) };
    case 'result': {
      const ro = obj(body, 'result');
      return { kind, ok: optionalType(ro['ok']), err: optionalType(ro['err']) };
    }
    case 'list':
      return { kind, element: type(body) };
    case 'fixed-length-list': {
      const [element, length] = arr(body, 'fixed-length-list');
      return { kind, element: type(element), length: num(length, 'length') };
    }
    case 'map': {
      const [key, val] = arr(body, 'map');
      return { kind, key: type(key), value: type(val) };
    }
    case 'future':
    case 'stream':
      return { kind, type: optionalType(body) };
    case 'type':
      return { kind, type: type(body) };
    default:
      throw new Error(`unknown type kind ${kind}`);
  }
}

function owner(value: Json | undefined): TypeOwner {
  if (value === null || value === undefined) return { kind: 'none' };
  const [kind, id] = single(value, 'owner');
  if (kind !== 'interface' && kind !== 'world') throw new Error(`unknown owner ${kind}`);
  return { kind, id: num(id, 'owner id') };
}

function worldItem(value: Json | undefined): WorldItem {
  const [kind, body] = single(value, 'world item');
  switch (kind) {
    case 'interface': {
      const o = obj(body, 'interface item');
      return { kind, id: num(o['id'], 'interface id'), stability: stability(o['stability']) };
    }
    case 'function':
      return { kind, func: func(body) };
    case 'type':
      return { kind, id: num(body, 'type id') };
    default:
      throw new Error(`unknown world item ${kind}`);
  }
}

function worldEntries(value: Json | undefined): WorldEntry[] {
  return Object.entries(obj(value, 'world items')).map(([key, item]) => {
    const match = /^interface-(\d+)$/.exec(key);
    return {
      key: match ? { kind: 'interface', id: Number(match[1]) } : { kind: 'name', name: key },
      item: worldItem(item),
    };
  });
}

function packageName(text: string): PackageName {
  const match = /^([^:]+):([^@]+)(?:@(.+))?$/.exec(text);
  if (!match) throw new Error(`bad package name ${text}`);
  return { namespace: match[1] as string, name: match[2] as string, version: match[3] ?? null };
}

function idMap(value: Json | undefined): Map<string, number> {
  return new Map(Object.entries(obj(value ?? {}, 'ids')).map(([k, v]) => [k, num(v, k)]));
}

function nullableNumber(value: Json | undefined): number | null {
  return value === null || value === undefined ? null : num(value, 'id');
}

export function resolveFromJson(text: string): Resolve {
  const root = obj(JSON.parse(text) as Json, 'resolve');
  const worlds: World[] = arr(root['worlds'], 'worlds').map((w) => {
    const o = obj(w, 'world');
    return {
      name: str(o['name'], 'world name'),
      imports: worldEntries(o['imports']),
      exports: worldEntries(o['exports']),
      package: nullableNumber(o['package']),
      docs: docs(o),
      stability: stability(o['stability']),
    };
  });
  const interfaces: Interface[] = arr(root['interfaces'], 'interfaces').map((i) => {
    const o = obj(i, 'interface');
    return {
      name: typeof o['name'] === 'string' ? o['name'] : null,
      types: idMap(o['types']),
      functions: new Map(Object.entries(obj(o['functions'] ?? {}, 'functions')).map(([k, f]) => [k, func(f)])),
      docs: docs(o),
      stability: stability(o['stability']),
      package: nullableNumber(o['package']),
    };
  });
  const types: TypeDef[] = arr(root['types'], 'types').map((t) => {
    const o = obj(t, 'type');
    return {
      name: typeof o['name'] === 'string' ? o['name'] : null,
      kind: typeDefKind(o['kind']),
      owner: owner(o['owner']),
      docs: docs(o),
      stability: stability(o['stability']),
    };
  });
  const packages: Package[] = arr(root['packages'], 'packages').map((p) => {
    const o = obj(p, 'package');
    return {
      name: packageName(str(o['name'], 'package name')),
      docs: docs(o),
      interfaces: idMap(o['interfaces']),
      worlds: idMap(o['worlds']),
    };
  });
  return { worlds, interfaces, types, packages };
}
