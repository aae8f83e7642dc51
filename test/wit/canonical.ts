/**
 * Test helper: an id-free, order-preserving description of resolved packages,
 * so two `Resolve`s built from different texts (original vs printed) can be
 * compared with `toEqual`. Types, interfaces and worlds are referred to by
 * their path (`ns:pkg@v/iface#type`), anonymous ones by their structure.
 * Like the Resolve JSON, named members (types and functions of an interface,
 * world imports and exports) are keyed by name, so their order does not
 * count; ordered things (fields, cases, params) stay lists.
 */
import {
  packageNameString,
  type Func,
  type InterfaceId,
  type Resolve,
  type Stability,
  type Type,
  type TypeId,
  type TypeOwner,
  type WorldEntry,
} from '../../src/wit/model.js';

type Shape = string | number | boolean | null | Shape[] | { [key: string]: Shape };

export function canonicalPackages(resolve: Resolve, names?: readonly string[]): Record<string, Shape> {
  const c = new Canonicalizer(resolve);
  const out: Record<string, Shape> = {};
  for (const pkg of resolve.packages) {
    const name = packageNameString(pkg.name);
    if (names && !names.includes(name)) continue;
    out[name] = {
      docs: pkg.docs,
      interfaces: Object.fromEntries([...pkg.interfaces].map(([n, id]) => [n, c.interfaceBody(id)])),
      worlds: Object.fromEntries(
        [...pkg.worlds].map(([n, id]) => {
          const world = resolve.worlds[id]!;
          return [
            n,
            {
              docs: world.docs,
              stability: stability(world.stability),
              imports: Object.fromEntries(world.imports.map((e) => c.entry(e))),
              exports: Object.fromEntries(world.exports.map((e) => c.entry(e))),
              types: world.imports.flatMap((e) => (e.item.kind === 'type' ? [c.typeDef(e.item.id)] : [])),
            },
          ];
        }),
      ),
    };
  }
  return out;
}

function stability(s: Stability): Shape {
  if (s.kind === 'unknown') return null;
  return s.kind === 'stable' ? `since ${s.since} deprecated ${s.deprecated}` : `unstable ${s.feature} deprecated ${s.deprecated}`;
}

class Canonicalizer {
  /** Where each anonymous interface lives: `world#import:key`. */
  private readonly anonymous = new Map<InterfaceId, string>();

  constructor(private readonly resolve: Resolve) {
    resolve.worlds.forEach((world) => {
      const at = this.worldPath(world.package, world.name);
      for (const [dir, entries] of [['import', world.imports], ['export', world.exports]] as const) {
        for (const { key, item } of entries) {
          if (item.kind === 'interface' && key.kind === 'name') this.anonymous.set(item.id, `${at}#${dir}:${key.name}`);
        }
      }
    });
  }

  private worldPath(pkg: number | null, name: string): string {
    const p = pkg === null ? '?' : packageNameString(this.resolve.packages[pkg]!.name);
    return `${p}/${name}`;
  }

  interfacePath(id: InterfaceId): string {
    const iface = this.resolve.interfaces[id]!;
    if (iface.name === null) return this.anonymous.get(id) ?? `anonymous-interface`;
    const p = iface.package === null ? '?' : packageNameString(this.resolve.packages[iface.package]!.name);
    return `${p}/${iface.name}`;
  }

  private ownerPath(owner: TypeOwner): string {
    if (owner.kind === 'none') return '';
    if (owner.kind === 'interface') return this.interfacePath(owner.id);
    const world = this.resolve.worlds[owner.id]!;
    return this.worldPath(world.package, world.name);
  }

  interfaceBody(id: InterfaceId): Shape {
    const iface = this.resolve.interfaces[id]!;
    return {
      path: this.interfacePath(id),
      docs: iface.docs,
      stability: stability(iface.stability),
      types: Object.fromEntries([...iface.types].map(([name, t]) => [name, this.typeDef(t)])),
      functions: Object.fromEntries([...iface.functions].map(([name, f]) => [name, this.func(f)])),
    };
  }

  /** `[key, description]` of a world import or export. */
  entry({ key, item }: WorldEntry): [string, Shape] {
    const k = key.kind === 'name' ? key.name : this.interfacePath(key.id);
    if (item.kind === 'interface') return [k, ['interface', stability(item.stability), this.interfaceBody(item.id)]];
    if (item.kind === 'function') return [k, ['function', this.func(item.func)]];
    return [k, ['type', this.ref(item.id)]];
  }

  func(f: Func): Shape {
    return {
      name: f.name,
      kind: f.kind.kind === 'freestanding' ? 'freestanding' : `${f.kind.kind} ${this.ref(f.kind.resource)}`,
      async: f.async,
      params: f.params.map((p) => [p.name, this.type(p.type)]),
      result: f.result === null ? null : this.type(f.result),
      docs: f.docs,
      stability: stability(f.stability),
    };
  }

  /** A named type by path; an anonymous one by structure. */
  type(t: Type): Shape {
    if (typeof t === 'string') return t;
    const def = this.resolve.types[t]!;
    return def.name === null ? this.kind(t) : this.ref(t);
  }

  ref(id: TypeId): string {
    const def = this.resolve.types[id]!;
    return `${this.ownerPath(def.owner)}#${def.name ?? '(anonymous)'}`;
  }

  typeDef(id: TypeId): Shape {
    const def = this.resolve.types[id]!;
    return { ref: this.ref(id), docs: def.docs, stability: stability(def.stability), kind: this.kind(id) };
  }

  private kind(id: TypeId): Shape {
    const k = this.resolve.types[id]!.kind;
    const opt = (t: Type | null): Shape => (t === null ? null : this.type(t));
    switch (k.kind) {
      case 'record':
        return ['record', ...k.fields.map((f) => [f.name, this.type(f.type), f.docs])];
      case 'variant':
        return ['variant', ...k.cases.map((c) => [c.name, opt(c.type), c.docs])];
      case 'enum':
        return ['enum', ...k.cases.map((c) => [c.name, c.docs])];
      case 'flags':
        return ['flags', ...k.flags.map((c) => [c.name, c.docs])];
      case 'resource':
        return ['resource'];
      case 'handle':
        return [k.handle, this.ref(k.resource)];
      case 'tuple':
        return ['tuple', ...k.types.map((t) => this.type(t))];
      case 'option':
        return ['option', this.type(k.type)];
      case 'result':
        return ['result', opt(k.ok), opt(k.err)];
      case 'list':
        return ['list', this.type(k.element)];
      case 'fixed-length-list':
        return ['list', this.type(k.element), k.length];
      case 'map':
        return ['map', this.type(k.key), this.type(k.value)];
      case 'future':
        return ['future', opt(k.type)];
      case 'stream':
        return ['stream', opt(k.type)];
      case 'type':
        return ['type', this.type(k.type)];
    }
  }
}
