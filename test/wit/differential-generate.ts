/**
 * Random WIT documents for the differential check: packages with
 * interfaces, types, resources, uses, worlds, includes and feature gates.
 * Each choice is usually a valid one (names that exist, distinct members,
 * one constructor) and now and then a deliberately doubtful one (a clash, a
 * missing name, a borrow in a result, a gate), so most documents are valid
 * or nearly so, which is where resolution rules differ, not the parser.
 * Document `n` of a seed is always the same text.
 */
import { prng } from './fuzz-mutate.js';
import type { Features } from './wasm-tools.js';

type Rng = () => number;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const chance = (rng: Rng, p: number): boolean => rng() < p;
const count = (rng: Rng, max: number): number => Math.floor(rng() * (max + 1));

/** How often a choice is a doubtful one, per document: most documents have none or one or two. */
const ODD_RATES = [0, 0, 0.005, 0.01, 0.03];

const PRIMITIVES = ['u8', 's32', 'u64', 'f32', 'f64', 'bool', 'char', 'string'];
/** Gates any package may use; `@since` needs a versioned package (VERSIONED_GATES). */
const GATES = ['@unstable(feature = active)', '@unstable(feature = inactive)', '@unstable(feature = active) @deprecated(version = 1.0.0)'];
const VERSIONED_GATES = ['@since(version = 1.0.0)', '@since(version = 0.9.0) @deprecated(version = 1.0.0)', '@since(version = 1.0.0-rc.1)'];
const ODD_GATES = ['@since(version = 2.0.0)', '@deprecated(version = 1.0.0)', '@since(version = 1.0.0) @unstable(feature = active)'];
const ODD_NAMES = ['%type', 'A', 'self', 'x', 'nope', 'T'];

interface TypeName {
  readonly name: string;
  readonly resource: boolean;
}

/** Named interfaces generated so far: `path` as a world or `use` refers to it, and its types. */
interface IfaceInfo {
  readonly path: string;
  readonly types: TypeName[];
}

class Generator {
  private fresh = 0;
  /** Whether the package being generated has a version (`@since` needs one). */
  private versioned = false;

  constructor(
    private readonly rng: Rng,
    private readonly oddRate: number,
  ) {}

  /** A fresh name; prefixes never form a keyword with the number (`f32`, `u16`). */
  private name(prefix: string): string {
    return `${prefix}${this.fresh++}`;
  }

  private odd(): boolean {
    return chance(this.rng, this.oddRate);
  }

  /** A name for a new item: a fresh one, or now and then one that may clash. */
  private newName(prefix: string, taken: readonly string[]): string {
    if (this.odd()) return pick(this.rng, [...taken, ...ODD_NAMES]);
    return this.name(prefix);
  }

  gate(): string {
    if (!chance(this.rng, 0.08)) return '';
    const gates = this.odd() ? ODD_GATES : this.versioned ? [...GATES, ...VERSIONED_GATES] : GATES;
    return `${pick(this.rng, gates)}\n  `;
  }

  type(scope: readonly TypeName[], depth = 0): string {
    const { rng } = this;
    if (this.odd()) {
      return pick(rng, ['nope', 'borrow<nope>', 'own<u8>', 'list<u8, 0>', 'error-context', 'future', 'stream', '_', 'map<f32, u8>']);
    }
    const roll = rng();
    if (depth > 2 || roll < 0.35) return pick(rng, PRIMITIVES);
    const plain = scope.filter((t) => !t.resource);
    if (roll < 0.6 && scope.length > 0) return pick(rng, scope).name;
    const inner = (): string => this.type(scope, depth + 1);
    const resources = scope.filter((t) => t.resource).map((t) => t.name);
    return pick(rng, [
      () => `list<${inner()}>`,
      () => `list<${inner()}, ${1 + count(rng, 3)}>`,
      () => `option<${inner()}>`,
      () => pick(rng, ['result', `result<${inner()}>`, `result<_, ${inner()}>`, `result<${inner()}, ${inner()}>`]),
      () => `tuple<${Array.from({ length: 1 + count(rng, 2) }, inner).join(', ')}>`,
      () => (resources.length > 0 ? `${pick(rng, ['own', 'borrow'])}<${pick(rng, resources)}>` : inner()),
      () => pick(rng, ['future', 'stream', `future<${inner()}>`, `stream<${inner()}>`]),
      () => `map<${pick(rng, ['string', 'u32'])}, ${inner()}>`,
      () => (plain.length > 0 ? pick(rng, plain).name : inner()),
    ])();
  }

  /** A parameter list: borrows allowed; distinct names unless odd. */
  params(scope: readonly TypeName[]): string {
    const names: string[] = [];
    for (let n = count(this.rng, 3); n > 0; n--) names.push(this.newName('p', names));
    return names.map((name) => `${name}: ${this.type(scope)}`).join(', ');
  }

  /** A result type without borrows (unless odd). */
  result(scope: readonly TypeName[]): string {
    if (!chance(this.rng, 0.5)) return '';
    const type = this.type(scope);
    return type.includes('borrow<') && !this.odd() ? '' : ` -> ${type}`;
  }

  funcType(scope: readonly TypeName[]): string {
    const asyncWord = chance(this.rng, 0.1) ? 'async ' : '';
    return `${asyncWord}func(${this.params(scope)})${this.result(scope)}`;
  }

  members(prefix: string): string[] {
    const names: string[] = [];
    for (let n = 1 + count(this.rng, 3); n > 0; n--) names.push(this.newName(prefix, names));
    if (this.odd()) return [];
    return names;
  }

  /** One type definition; its name joins `scope` first, so it may refer to itself (a cycle, unless odd only). */
  typeDef(scope: TypeName[]): string {
    const { rng } = this;
    const name = this.newName('t', scope.map((t) => t.name));
    const kind = pick(rng, ['alias', 'record', 'enum', 'flags', 'variant', 'resource', 'resource']);
    const before = [...scope];
    scope.push({ name, resource: kind === 'resource' });
    const body = this.odd() ? scope : before;
    const gate = this.gate();
    switch (kind) {
      case 'alias':
        return `${gate}type ${name} = ${this.type(body)};`;
      case 'record':
        return `${gate}record ${name} { ${this.members('m').map((m) => `${m}: ${this.type(body)}`).join(', ')} }`;
      case 'enum':
        return `${gate}enum ${name} { ${this.members('c').join(', ')} }`;
      case 'flags':
        return `${gate}flags ${name} { ${this.members('g').join(', ')} }`;
      case 'variant':
        return `${gate}variant ${name} { ${this.members('c').map((m) => (chance(rng, 0.5) ? `${m}(${this.type(body)})` : m)).join(', ')} }`;
      default: {
        if (chance(rng, 0.3)) return `${gate}resource ${name};`;
        const funcs: string[] = [];
        const names: string[] = [];
        let constructors = 0;
        for (let n = 1 + count(rng, 3); n > 0; n--) {
          const roll = rng();
          if (roll < 0.3 && (constructors === 0 || this.odd())) {
            constructors++;
            const result = chance(rng, 0.2) ? ` -> result<${name}, u32>` : '';
            funcs.push(`${this.gate()}constructor(${this.params(scope)})${result};`);
            continue;
          }
          const fname = this.newName('m', names);
          names.push(fname);
          const staticWord = roll < 0.5 ? 'static ' : '';
          funcs.push(`${this.gate()}${fname}: ${staticWord}${this.funcType(scope)};`);
        }
        return `${gate}resource ${name} {\n    ${funcs.join('\n    ')}\n  }`;
      }
    }
  }

  /** A `use` of types from an earlier interface (or, odd, a missing one). */
  use(scope: TypeName[], earlier: readonly IfaceInfo[]): string {
    const { rng } = this;
    const from = earlier.filter((i) => i.types.length > 0);
    if (from.length === 0 && !this.odd()) return this.typeDef(scope);
    if (from.length === 0 || this.odd()) return `${this.gate()}use ${pick(rng, ['nope', 'o:o/nope', ...earlier.map((i) => i.path)])}.{t0};`;
    const iface = pick(rng, from);
    const names = [...new Set(Array.from({ length: 1 + count(rng, 1) }, () => pick(rng, iface.types)))].map((t) => {
      const local = chance(rng, 0.25) ? this.newName('al', scope.map((s) => s.name)) : t.name;
      scope.push({ name: local, resource: t.resource });
      return local === t.name ? t.name : `${t.name} as ${local}`;
    });
    return `${this.gate()}use ${iface.path}.{${names.join(', ')}};`;
  }

  interfaceBody(earlier: readonly IfaceInfo[], types: TypeName[]): string {
    const items: string[] = [];
    const funcs: string[] = [];
    for (let n = count(this.rng, 4); n > 0; n--) {
      const roll = this.rng();
      if (roll < 0.45) items.push(this.typeDef(types));
      else if (roll < 0.65) items.push(this.use(types, earlier));
      else {
        const name = this.newName('fn', funcs);
        funcs.push(name);
        items.push(`${this.gate()}${name}: ${this.funcType(types)};`);
      }
    }
    return items.map((item) => `  ${item}`).join('\n');
  }

  worldBody(ifaces: readonly IfaceInfo[], worlds: readonly string[]): string {
    const { rng } = this;
    const scope: TypeName[] = [];
    const names: string[] = [];
    const path = (): string => (this.odd() || ifaces.length === 0 ? pick(rng, ['nope', 'o:o/nope', ...worlds]) : pick(rng, ifaces).path);
    const items: string[] = [];
    for (let n = count(rng, 5); n > 0; n--) {
      const dir = pick(rng, ['import', 'export']);
      const roll = rng();
      if (roll < 0.3) items.push(`${this.gate()}${dir} ${path()};`);
      else if (roll < 0.4) items.push(`${this.gate()}${dir} ${this.pushName(names)}: ${path()};`);
      else if (roll < 0.6) items.push(`${this.gate()}${dir} ${this.pushName(names)}: ${this.funcType(scope)};`);
      else if (roll < 0.7) {
        const name = this.pushName(names);
        items.push(`${this.gate()}${dir} ${name}: interface {\n${this.interfaceBody(ifaces, [])}\n  }`);
      } else if (roll < 0.8) items.push(this.typeDef(scope));
      else if (roll < 0.9) items.push(this.use(scope, ifaces));
      else if (worlds.length > 0 || this.odd()) {
        const target = worlds.length > 0 && !this.odd() ? pick(rng, worlds) : 'nope';
        items.push(
          chance(rng, 0.7)
            ? `${this.gate()}include ${target};`
            : `${this.gate()}include ${target} with { ${pick(rng, ['x1', 'x2', 'x3', 'x5', 'x8'])} as ${this.name('z')} }`,
        );
      }
    }
    return items.map((item) => `  ${item}`).join('\n');
  }

  private pushName(names: string[]): string {
    const name = this.newName('x', names);
    names.push(name);
    return name;
  }

  /** A package's items; `known` are interfaces and worlds of packages generated before it. */
  package(header: string, nested: boolean, known: { ifaces: IfaceInfo[]; worlds: string[] }): string {
    const { rng } = this;
    const [pkgName] = header.split('@') as [string];
    const version = header.includes('@') ? `@${header.split('@')[1]}` : '';
    this.versioned = version !== '';
    const parts: string[] = [];
    const ifaces: IfaceInfo[] = [...known.ifaces];
    const worlds: string[] = [...known.worlds];
    for (let n = 1 + count(rng, 2); n > 0; n--) {
      const name = this.newName('i', ifaces.map((i) => i.path));
      const types: TypeName[] = [];
      parts.push(`${this.gate()}interface ${name} {\n${this.interfaceBody(ifaces, types)}\n}`);
      // Other packages name it by its full path.
      ifaces.push({ path: name, types });
      known.ifaces.push({ path: `${pkgName}/${name}${version}`, types });
    }
    for (let n = count(rng, 2); n > 0; n--) {
      const name = this.newName('w', worlds);
      parts.push(`${this.gate()}world ${name} {\n${this.worldBody(ifaces, worlds)}\n}`);
      worlds.push(name);
      known.worlds.push(`${pkgName}/${name}${version}`);
    }
    // Now and then the items come in another order: WIT resolves them regardless.
    if (chance(rng, 0.3)) parts.reverse();
    return nested ? `package ${header} {\n${parts.join('\n')}\n}` : `package ${header};\n${parts.join('\n')}`;
  }

  document(): string {
    const { rng } = this;
    const known = { ifaces: [] as IfaceInfo[], worlds: [] as string[] };
    // Nested packages first in generation so the main package can use them; printed after it.
    const nested = Array.from({ length: count(rng, 2) }, (_, i) =>
      this.package(pick(rng, [`o${i}:o`, `o${i}:o@1.0.0`]), true, known),
    );
    const main = this.package(pick(rng, ['t:t', 't:t@1.0.0']), false, known);
    return `${[main, ...nested].join('\n')}\n`;
  }
}

export interface GeneratedInput {
  readonly text: string;
  readonly features: Features;
}

export function generatedInput(seed: number, n: number): GeneratedInput {
  const rng = prng((seed ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0);
  const text = new Generator(rng, pick(rng, ODD_RATES)).document();
  const features = pick<Features>(rng, [['active'], ['active'], [], 'all']);
  return { text, features };
}
