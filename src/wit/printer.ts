/**
 * Renders resolved packages back to normalized WIT text.
 *
 * The output follows what `wasm-tools component wit` prints: a package header,
 * then every interface and world of the package in declaration order, 2-space
 * indentation, one blank line between items, `use` statements for types that
 * another interface owns, doc comments as `///`, feature gates as `@since` /
 * `@unstable` / `@deprecated` attributes, and `%`-escaping for names that
 * collide with WIT keywords. Output is deterministic: the same `Resolve` always
 * prints to the same bytes.
 *
 * Several packages print into one file: the first one is the file's own
 * package (`package a:b;` followed by its items), every other one follows as a
 * nested `package c:d { ... }` block — the layout wasm-tools uses when it
 * prints a package together with the packages nested in it.
 */
import type {
  Func,
  Interface,
  InterfaceId,
  PackageId,
  Resolve,
  Stability,
  Type,
  TypeDef,
  TypeId,
  TypeOwner,
  WorldEntry,
  WorldId,
} from './model.js';

/**
 * Words the WIT lexer reads as keywords. A name spelled like one of them must
 * be written `%name`. Escaping a word that is not a keyword is harmless (`%x`
 * always means `x`), so the list errs on the side of including old keywords.
 */
const KEYWORDS: ReadonlySet<string> = new Set([
  '_',
  'as',
  'async',
  'bool',
  'borrow',
  'char',
  'constructor',
  'enum',
  'error-context',
  'export',
  'f32',
  'f64',
  'flags',
  'float32',
  'float64',
  'from',
  'func',
  'future',
  'import',
  'include',
  'interface',
  'list',
  'map',
  'option',
  'own',
  'package',
  'record',
  'resource',
  'result',
  's16',
  's32',
  's64',
  's8',
  'static',
  'stream',
  'string',
  'tuple',
  'type',
  'u16',
  'u32',
  'u64',
  'u8',
  'use',
  'variant',
  'with',
  'world',
]);

/** Prints `packages` as one WIT document (see the module comment for the layout). */
export function printPackages(resolve: Resolve, packages: readonly PackageId[]): string {
  const printer = new WitPrinter(resolve);
  packages.forEach((id, index) => printer.printPackage(id, index === 0));
  return printer.finish();
}

/** `name`, or `%name` when the name is spelled like a keyword. */
export function escapeName(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

/** A type imported into a scope from another interface: `use owner.{original as local}`. */
interface UsedType {
  readonly local: string;
  readonly original: string;
}

interface UseGroup {
  readonly from: InterfaceId;
  readonly stability: Stability;
  readonly names: UsedType[];
}

class WitPrinter {
  private readonly lines: string[] = [];
  private depth = 0;
  /** Whether the current block already holds an item (so the next one needs a blank line). */
  private blockHasItems = false;

  constructor(private readonly resolve: Resolve) {}

  finish(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }

  printPackage(id: PackageId, isMain: boolean): void {
    const pkg = this.resolve.packages[id];
    if (!pkg) throw new RangeError(`no package #${id}`);
    const { namespace, name, version } = pkg.name;
    const header = `package ${escapeName(namespace)}:${escapeName(name)}${version === null ? '' : `@${version}`}`;
    if (!isMain) this.blank();
    this.docs(pkg.docs);
    if (isMain) {
      this.line(`${header};`);
    } else {
      this.line(`${header} {`);
      this.depth++;
    }

    // A blank line after the `package ...;` header and between items; none
    // right after a nested package's opening brace.
    let needsBlank = isMain;
    const separate = (): void => {
      if (needsBlank) this.blank();
      needsBlank = true;
    };
    for (const [ifaceName, ifaceId] of pkg.interfaces) {
      const iface = this.interfaceAt(ifaceId);
      separate();
      this.docs(iface.docs);
      this.stability(iface.stability);
      this.block(`interface ${escapeName(ifaceName)} {`, () => this.interfaceBody(ifaceId, id));
    }
    for (const [worldName, worldId] of pkg.worlds) {
      const world = this.resolve.worlds[worldId];
      if (!world) throw new RangeError(`no world #${worldId}`);
      separate();
      this.docs(world.docs);
      this.stability(world.stability);
      this.block(`world ${escapeName(worldName)} {`, () => this.worldBody(worldId, id));
    }

    if (!isMain) {
      this.depth--;
      this.line('}');
    }
  }

  // ---- interfaces -------------------------------------------------------

  private interfaceBody(id: InterfaceId, pkg: PackageId): void {
    const iface = this.interfaceAt(id);
    const { resourceFuncs, freestanding } = splitFunctions(iface.functions.values());
    this.types(iface.types, { kind: 'interface', id }, resourceFuncs, pkg);
    for (const func of freestanding) {
      this.item();
      this.docs(func.docs);
      this.stability(func.stability);
      this.line(`${escapeName(func.name)}: ${this.signature(func)};`);
    }
  }

  /**
   * Prints the named types of an interface or world: first `use` statements
   * for the types another interface owns (consecutive names from the same
   * interface and gate share one statement), then the local declarations.
   */
  private types(
    types: ReadonlyMap<string, TypeId>,
    owner: TypeOwner,
    resourceFuncs: ReadonlyMap<TypeId, Func[]>,
    pkg: PackageId,
  ): void {
    const uses: UseGroup[] = [];
    const local: TypeId[] = [];
    for (const [name, id] of types) {
      const def = this.typeAt(id);
      const source = def.kind.kind === 'type' ? def.kind.type : null;
      if (typeof source === 'number') {
        const target = this.typeAt(source);
        if (target.owner.kind === 'interface' && !sameOwner(target.owner, owner)) {
          if (target.name === null) throw new Error(`type \`${name}\` uses an anonymous type`);
          const last = uses[uses.length - 1];
          const used = { local: name, original: target.name };
          if (last && last.from === target.owner.id && sameStability(last.stability, def.stability)) {
            last.names.push(used);
          } else {
            uses.push({ from: target.owner.id, stability: def.stability, names: [used] });
          }
          continue;
        }
      }
      local.push(id);
    }

    // The `use` statements form one item: consecutive lines, set apart from
    // the declarations that follow.
    if (uses.length > 0) this.item();
    for (const group of uses) {
      this.stability(group.stability);
      const names = group.names
        .map(({ local: l, original }) =>
          l === original ? escapeName(l) : `${escapeName(original)} as ${escapeName(l)}`,
        )
        .join(', ');
      this.line(`use ${this.interfacePath(group.from, pkg)}.{${names}};`);
    }

    for (const id of local) {
      const def = this.typeAt(id);
      this.item();
      this.docs(def.docs);
      this.stability(def.stability);
      this.declareType(id, def, resourceFuncs.get(id) ?? []);
    }
  }

  private declareType(id: TypeId, def: TypeDef, funcs: readonly Func[]): void {
    if (def.name === null) throw new Error(`cannot declare anonymous type #${id}`);
    const name = escapeName(def.name);
    const kind = def.kind;
    switch (kind.kind) {
      case 'record':
        this.block(`record ${name} {`, () => {
          for (const field of kind.fields) {
            this.docs(field.docs);
            this.line(`${escapeName(field.name)}: ${this.typeName(field.type)},`);
          }
        });
        return;
      case 'variant':
        this.block(`variant ${name} {`, () => {
          for (const c of kind.cases) {
            this.docs(c.docs);
            const payload = c.type === null ? '' : `(${this.typeName(c.type)})`;
            this.line(`${escapeName(c.name)}${payload},`);
          }
        });
        return;
      case 'enum':
        this.block(`enum ${name} {`, () => {
          for (const c of kind.cases) {
            this.docs(c.docs);
            this.line(`${escapeName(c.name)},`);
          }
        });
        return;
      case 'flags':
        this.block(`flags ${name} {`, () => {
          for (const flag of kind.flags) {
            this.docs(flag.docs);
            this.line(`${escapeName(flag.name)},`);
          }
        });
        return;
      case 'resource':
        this.resource(name, funcs);
        return;
      case 'handle':
        // `type a = own<r>` and `type a = r` are different types, so an owned
        // handle keeps its explicit `own<...>` form here.
        this.line(`type ${name} = ${kind.handle}<${this.resourceName(kind.resource)}>;`);
        return;
      default:
        this.line(`type ${name} = ${this.anonymousType(id, def)};`);
    }
  }

  private resource(name: string, funcs: readonly Func[]): void {
    if (funcs.length === 0) {
      this.line(`resource ${name};`);
      return;
    }
    this.block(`resource ${name} {`, () => {
      for (const func of funcs) {
        this.docs(func.docs);
        this.stability(func.stability);
        const member = escapeName(func.name.slice(func.name.indexOf('.') + 1));
        switch (func.kind.kind) {
          case 'constructor':
            this.line(`${this.signature(func)};`);
            break;
          case 'static':
            this.line(`${member}: static ${this.signature(func)};`);
            break;
          default:
            this.line(`${member}: ${this.signature(func)};`);
        }
      }
    });
  }

  /** `func(a: t) -> r`, `async func()`, or `constructor(a: t)`; a method's `self` is implicit. */
  private signature(func: Func): string {
    const params = func.kind.kind === 'method' ? func.params.slice(1) : func.params;
    const list = params.map((p) => `${escapeName(p.name)}: ${this.typeName(p.type)}`).join(', ');
    const result = func.result === null ? '' : ` -> ${this.typeName(func.result)}`;
    if (func.kind.kind === 'constructor') {
      // A constructor's implicit result is its own resource; only a
      // fallible one (`-> result<r, e>`) spells its result out.
      const implicit = func.result !== null && this.isOwnHandleOf(func.result, func.kind.resource);
      return `constructor(${list})${implicit ? '' : result}`;
    }
    return `${func.async ? 'async ' : ''}func(${list})${result}`;
  }

  private isOwnHandleOf(type: Type, resource: TypeId): boolean {
    if (typeof type === 'string') return false;
    const def = this.typeAt(type);
    return def.name === null && def.kind.kind === 'handle' && def.kind.handle === 'own' && def.kind.resource === resource;
  }

  // ---- worlds -----------------------------------------------------------

  /**
   * A world prints its types first (`use` statements, then declarations),
   * then its imports and its exports, each section set apart by a blank line.
   */
  private worldBody(id: WorldId, pkg: PackageId): void {
    const world = this.resolve.worlds[id];
    if (!world) throw new RangeError(`no world #${id}`);
    const types = new Map<string, TypeId>();
    const resourceFuncs = new Map<TypeId, Func[]>();
    const imports: WorldEntry[] = [];
    for (const entry of world.imports) {
      const { item } = entry;
      if (item.kind === 'type') {
        if (entry.key.kind !== 'name') throw new Error('a world type must be keyed by name');
        types.set(entry.key.name, item.id);
      } else if (item.kind === 'function' && item.func.kind.kind !== 'freestanding') {
        pushTo(resourceFuncs, item.func.kind.resource, item.func);
      } else {
        imports.push(entry);
      }
    }
    this.types(types, { kind: 'world', id }, resourceFuncs, pkg);
    if (imports.length > 0) this.item();
    for (const entry of imports) this.worldEntry(entry, 'import', pkg);
    if (world.exports.length > 0) this.item();
    for (const entry of world.exports) this.worldEntry(entry, 'export', pkg);
  }

  private worldEntry(entry: WorldEntry, direction: 'import' | 'export', pkg: PackageId): void {
    const { key, item } = entry;
    if (item.kind === 'type') throw new Error('world types are printed with the other types');
    if (key.kind === 'interface') {
      this.stability(item.kind === 'interface' ? item.stability : item.func.stability);
      this.line(`${direction} ${this.interfacePath(key.id, pkg)};`);
      return;
    }
    const name = escapeName(key.name);
    if (item.kind === 'function') {
      this.docs(item.func.docs);
      this.stability(item.func.stability);
      this.line(`${direction} ${name}: ${this.signature(item.func)};`);
      return;
    }
    const iface = this.interfaceAt(item.id);
    if (iface.name !== null) {
      // A named interface under a plain name: `import name: some-interface;`.
      this.stability(item.stability);
      this.line(`${direction} ${name}: ${this.interfacePath(item.id, pkg)};`);
      return;
    }
    this.docs(iface.docs);
    this.stability(item.stability);
    this.block(`${direction} ${name}: interface {`, () => this.interfaceBody(item.id, pkg));
  }

  // ---- type expressions -------------------------------------------------

  /** How a type is written at a use site: its name, or its structure when anonymous. */
  private typeName(type: Type): string {
    if (typeof type === 'string') return type;
    const def = this.typeAt(type);
    if (def.name !== null) return escapeName(def.name);
    return this.anonymousType(type, def);
  }

  private anonymousType(id: TypeId, def: TypeDef): string {
    const kind = def.kind;
    switch (kind.kind) {
      case 'handle':
        return kind.handle === 'own'
          ? this.resourceName(kind.resource)
          : `borrow<${this.resourceName(kind.resource)}>`;
      case 'tuple':
        return `tuple<${kind.types.map((t) => this.typeName(t)).join(', ')}>`;
      case 'option':
        return `option<${this.typeName(kind.type)}>`;
      case 'result':
        if (kind.err === null) return kind.ok === null ? 'result' : `result<${this.typeName(kind.ok)}>`;
        return `result<${kind.ok === null ? '_' : this.typeName(kind.ok)}, ${this.typeName(kind.err)}>`;
      case 'list':
        return `list<${this.typeName(kind.element)}>`;
      case 'fixed-length-list':
        return `list<${this.typeName(kind.element)}, ${kind.length}>`;
      case 'map':
        return `map<${this.typeName(kind.key)}, ${this.typeName(kind.value)}>`;
      case 'future':
        return kind.type === null ? 'future' : `future<${this.typeName(kind.type)}>`;
      case 'stream':
        return kind.type === null ? 'stream' : `stream<${this.typeName(kind.type)}>`;
      case 'type':
        return this.typeName(kind.type);
      default:
        // Records, variants, enums, flags and resources only exist with a name.
        throw new Error(`type #${id} (${kind.kind}) has no name`);
    }
  }

  private resourceName(id: TypeId): string {
    const def = this.typeAt(id);
    if (def.name === null) throw new Error(`resource #${id} has no name`);
    return escapeName(def.name);
  }

  /** `iface` inside its own package, `ns:pkg/iface@version` from elsewhere. */
  private interfacePath(id: InterfaceId, fromPackage: PackageId): string {
    const iface = this.interfaceAt(id);
    if (iface.name === null) throw new Error(`interface #${id} has no name`);
    const name = escapeName(iface.name);
    if (iface.package === fromPackage || iface.package === null) return name;
    const pkg = this.resolve.packages[iface.package];
    if (!pkg) throw new RangeError(`no package #${iface.package}`);
    const { namespace, name: pkgName, version } = pkg.name;
    return `${escapeName(namespace)}:${escapeName(pkgName)}/${name}${version === null ? '' : `@${version}`}`;
  }

  // ---- output helpers ---------------------------------------------------

  private line(text: string): void {
    this.lines.push(`${'  '.repeat(this.depth)}${text}`);
  }

  private blank(): void {
    this.lines.push('');
  }

  /** Starts an item of a block: a blank line before every item but the first. */
  private item(): void {
    if (this.blockHasItems) this.blank();
    this.blockHasItems = true;
  }

  /** `opener`, the indented body, `}`; the body counts its own items. */
  private block(opener: string, body: () => void): void {
    this.line(opener);
    const outer = this.blockHasItems;
    this.blockHasItems = false;
    this.depth++;
    body();
    this.depth--;
    this.blockHasItems = outer;
    this.line('}');
  }

  /**
   * Doc comments as `/// line`. A reader drops the indentation that all doc
   * lines share; the one space written after `///` is that shared indentation.
   * When every line already starts with whitespace (a tab, say), no space is
   * added, so the reader removes nothing it should keep.
   */
  private docs(docs: string | null): void {
    if (docs === null) return;
    const lines = docs.split('\n');
    const indented = lines.every((text) => text === '' || /^\s/.test(text));
    const lead = indented ? '///' : '/// ';
    for (const text of lines) this.line(text === '' ? '///' : `${lead}${text}`);
  }

  private stability(stability: Stability): void {
    switch (stability.kind) {
      case 'unknown':
        return;
      case 'stable':
        this.line(`@since(version = ${stability.since})`);
        break;
      case 'unstable':
        this.line(`@unstable(feature = ${stability.feature})`);
        break;
    }
    if (stability.deprecated !== null) this.line(`@deprecated(version = ${stability.deprecated})`);
  }

  private interfaceAt(id: InterfaceId): Interface {
    const iface = this.resolve.interfaces[id];
    if (!iface) throw new RangeError(`no interface #${id}`);
    return iface;
  }

  private typeAt(id: TypeId): TypeDef {
    const def = this.resolve.types[id];
    if (!def) throw new RangeError(`no type #${id}`);
    return def;
  }
}

/** Separates resource methods/constructors/statics (printed inside their resource) from plain functions. */
function splitFunctions(funcs: Iterable<Func>): {
  resourceFuncs: Map<TypeId, Func[]>;
  freestanding: Func[];
} {
  const resourceFuncs = new Map<TypeId, Func[]>();
  const freestanding: Func[] = [];
  for (const func of funcs) {
    if (func.kind.kind === 'freestanding') freestanding.push(func);
    else pushTo(resourceFuncs, func.kind.resource, func);
  }
  return { resourceFuncs, freestanding };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function sameOwner(a: TypeOwner, b: TypeOwner): boolean {
  if (a.kind === 'none' || b.kind === 'none') return a.kind === b.kind;
  return a.kind === b.kind && a.id === b.id;
}

function sameStability(a: Stability, b: Stability): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return a.kind === b.kind;
  if (a.kind === 'stable' && b.kind === 'stable') {
    return a.since === b.since && a.deprecated === b.deprecated;
  }
  if (a.kind === 'unstable' && b.kind === 'unstable') {
    return a.feature === b.feature && a.deprecated === b.deprecated;
  }
  return false;
}
