/**
 * WIT packages encoded as WebAssembly components (what `wasm-tools component
 * wit --wasm` and wit-component write, e.g. `deps/x.wasm`), decoded back into
 * a `Resolve` following wit-parser's decoder:
 *
 * - A WIT package component only exports types, each a component type with
 *   a single export: an instance type named `ns:pkg/iface[@v]` (an
 *   interface, whose component-type imports are the interfaces it uses) or
 *   a component type named `ns:pkg/world[@v]` (a world, already elaborated).
 * - Interfaces of other packages are known only through what is imported
 *   from them; they become stub packages holding just those items, placed
 *   before the decoded package in dependency order.
 * - A type exported with an `eq` bound that names an already-decoded type
 *   is a `use` (a `type` alias of it); anything else defines a new type.
 * - Docs and stability come from the `package-docs` custom section.
 *
 * `mergeDecoded` then adds such a Resolve to the one being built, unifying
 * packages (and their interfaces and types) that are already there by name.
 */
import {
  ComponentTypes,
  decodeComponent,
  type DecodedComponent,
  type DefinedType,
  type Entity,
  type TypeInfo,
  type ValType,
} from '../binary/component-types.js';
import { BinaryError } from '../binary/reader.js';
import { WitError } from './errors.js';
import type {
  Case,
  Field,
  Func,
  FunctionKind,
  Named,
  Package,
  PackageId,
  PackageName,
  Resolve,
  Stability,
  Type,
  TypeDefKind,
  TypeOwner,
  WorldEntry,
  WorldItem,
  WorldKey,
} from './model.js';
import { packageNameString } from './model.js';
import { entryKey, type MutInterface, type MutTypeDef, type MutWorld, type ResolveState } from './resolve-state.js';

export interface DecodedWit {
  readonly resolve: Resolve;
  /** The package the binary encodes (the others are stubs of its foreign dependencies). */
  readonly main: PackageId;
}

/** Thrown inside the decoder; turned into a WitError naming the file by `decodeWitPackage`. */
class DecodeFailure extends Error {}

/**
 * Decodes a WIT package encoded as a component binary. `path` names the
 * file in errors. Throws WitError (WIT_PACKAGE) for a malformed binary or
 * one that is not a WIT package.
 */
export function decodeWitPackage(bytes: Uint8Array, path: string): DecodedWit {
  let component: DecodedComponent;
  try {
    component = decodeComponent(bytes);
  } catch (error) {
    if (error instanceof BinaryError) throw new WitError('WIT_PACKAGE', `${path}: invalid component binary: ${error.message}`);
    if (error instanceof RangeError) throw new WitError('WIT_PACKAGE', `${path}: component types are nested too deeply`);
    throw error;
  }
  try {
    return new PackageDecoder(component).decode();
  } catch (error) {
    if (error instanceof DecodeFailure) {
      throw new WitError('WIT_PACKAGE', `${path}: not a valid wasm-encoded WIT package: ${error.message}`);
    }
    if (error instanceof BinaryError) throw new WitError('WIT_PACKAGE', `${path}: invalid component binary: ${error.message}`);
    // Types nested deeper than the JavaScript stack allows.
    if (error instanceof RangeError) throw new WitError('WIT_PACKAGE', `${path}: component types are nested too deeply`);
    throw error;
  }
}

function fail(message: string): never {
  throw new DecodeFailure(message);
}

const UNKNOWN: Stability = { kind: 'unknown' };

/** `ns:pkg/name@version` split into its parts; null when `name` is a plain label. */
interface InterfaceName {
  readonly pkg: PackageName;
  readonly name: string;
}

function parseInterfaceName(text: string): InterfaceName | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const pkgPart = text.slice(0, slash);
  let rest = text.slice(slash + 1);
  let version: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    version = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = pkgPart.indexOf(':');
  const namespace = pkgPart.slice(0, colon);
  const name = pkgPart.slice(colon + 1);
  if (colon <= 0 || !name || name.includes(':') || !rest || rest.includes('/') || version === '') {
    fail(`\`${text}\` is not a valid interface name (expected \`ns:pkg/name[@version]\`)`);
  }
  return { pkg: { namespace, name, version }, name: rest };
}

function samePackageName(a: PackageName, b: PackageName): boolean {
  return a.namespace === b.namespace && a.name === b.name && a.version === b.version;
}

interface PackageFields {
  readonly interfaces: Map<string, number>;
  readonly worlds: Map<string, number>;
}

interface DraftPackage extends PackageFields {
  readonly name: PackageName;
}

function ownerKey(owner: TypeOwner): string {
  return owner.kind === 'none' ? 'none' : `${owner.kind}:${owner.id}`;
}

/** wit-parser's `WitPackageDecoder`: builds the Resolve of one WIT package component. */
class PackageDecoder {
  private readonly wasm: ComponentTypes;
  private readonly types: MutTypeDef[] = [];
  private readonly interfaces: MutInterface[] = [];
  private readonly worlds: MutWorld[] = [];
  /** Stub packages of foreign interfaces, by package name, in first-seen order. */
  private readonly foreign = new Map<string, DraftPackage>();
  private readonly interfacePackage = new Map<number, string>();
  /** Interfaces defined by this package, by their full `ns:pkg/name@v`. */
  private readonly named = new Map<string, number>();
  /** Resources by owner and name, for the `[method]r.f` style function names. */
  private readonly resources = new Map<string, Map<string, number>>();
  /** Component type ids already translated to WIT type ids. */
  private readonly typeMap = new Map<number, number>();

  private readonly packages: Package[] = [];

  constructor(private readonly component: DecodedComponent) {
    this.wasm = component.types;
  }

  decode(): DecodedWit {
    const { component } = this;
    if (component.imports.length > 0 || component.otherSections.length > 0) {
      fail('found an actual component instead of an encoded WIT package');
    }
    if (component.exports.length === 0) fail('the component exports nothing');
    const first = component.exports[0] as { name: string };
    if (parseInterfaceName(first.name)?.name === 'wit') {
      fail('the v1 WIT package encoding (a single `ns:pkg/wit` export) is not supported');
    }
    let pkgName: PackageName | null = null;
    const fields: PackageFields = { interfaces: new Map(), worlds: new Map() };
    for (const exp of component.exports) {
      const entity = exp.entity;
      const def = entity?.kind === 'type' ? this.wasm.definition(entity.referenced) : null;
      if (def?.kind !== 'component') fail(`export \`${exp.name}\` is not a component type`);
      if (def.exports.size !== 1) fail(`export \`${exp.name}\` should have a single export, found ${def.exports.size}`);
      const [name, inner] = [...def.exports][0] as [string, Entity];
      const itemName = parseInterfaceName(name);
      if (itemName === null) fail(`\`${name}\` is not a fully qualified \`ns:pkg/name\``);
      if (inner.kind === 'component') {
        this.registerWorld(name, this.componentType(inner.type), fields);
      } else if (inner.kind === 'instance') {
        for (const [importName, imported] of def.imports) {
          if (imported.kind !== 'instance') fail(`import \`${importName}\` is not an instance`);
          this.registerImport(importName, this.instanceType(imported.type));
        }
        this.registerInterface(name, this.instanceType(inner.type), fields);
      } else {
        fail(`\`${name}\` is neither a world (component) nor an interface (instance)`);
      }
      if (pkgName === null) pkgName = itemName.pkg;
      else if (!samePackageName(pkgName, itemName.pkg)) fail(`\`${name}\` belongs to another package than \`${packageNameString(pkgName)}\``);
    }
    const main = this.finish({ name: pkgName as PackageName, ...fields });
    const resolve: Resolve = {
      types: this.types,
      interfaces: this.interfaces,
      worlds: this.worlds.map((w) => ({ ...w, imports: [...w.imports.values()], exports: [...w.exports.values()] })),
      packages: this.packages,
    };
    const docs = component.custom.filter((s) => s.name === 'package-docs');
    if (docs.length > 1) fail('more than one `package-docs` section');
    const section = docs[0];
    if (section) injectPackageDocs(resolve, main, section.data);
    return { resolve, main };
  }

  private componentType(id: number): Extract<TypeInfo, { kind: 'component' }> {
    const def = this.wasm.definition(id);
    if (def.kind !== 'component') fail('expected a component type');
    return def;
  }

  private instanceType(id: number): Extract<TypeInfo, { kind: 'instance' }> {
    const def = this.wasm.definition(id);
    if (def.kind !== 'instance') fail('expected an instance type');
    return def;
  }

  /** An interface used from elsewhere: a local one already decoded, or a foreign one (filled in lazily). */
  private registerImport(name: string, inst: Extract<TypeInfo, { kind: 'instance' }>): number {
    const localId = this.named.get(name);
    const isLocal = localId !== undefined;
    const iface = localId ?? this.foreignInterface(name);
    const owner: TypeOwner = { kind: 'interface', id: iface };
    const target = this.interfaces[iface] as MutInterface;
    for (const [itemName, entity] of inst.exports) {
      if (entity.kind === 'type') {
        const existing = target.types.get(itemName);
        if (existing !== undefined) {
          // Known already: connect the component's anonymous types to the WIT ones.
          const def = this.wasm.definition(entity.referenced);
          if (def.kind === 'defined') this.registerDefined(existing, def.def);
          if (!this.typeMap.has(entity.created)) this.typeMap.set(entity.created, existing);
        } else {
          if (isLocal) fail(`type \`${itemName}\` is not defined in interface \`${name}\``);
          const id = this.registerTypeExport(itemName, owner, entity.referenced, entity.created);
          target.types.set(itemName, id);
        }
      } else if (entity.kind === 'func') {
        if (target.functions.has(itemName)) continue;
        if (isLocal) fail(`function \`${itemName}\` is not defined in interface \`${name}\``);
        target.functions.set(itemName, this.convertFunction(itemName, entity.type, owner));
      } else {
        fail(`instance export \`${itemName}\` of \`${name}\` is not a type or function`);
      }
    }
    return iface;
  }

  private foreignInterface(fullName: string): number {
    const parsed = parseInterfaceName(fullName);
    if (parsed === null) fail(`\`${fullName}\` is not a valid interface name`);
    const key = packageNameString(parsed.pkg);
    let pkg = this.foreign.get(key);
    if (!pkg) {
      pkg = { name: parsed.pkg, interfaces: new Map(), worlds: new Map() };
      this.foreign.set(key, pkg);
    }
    let id = pkg.interfaces.get(parsed.name);
    if (id === undefined) {
      id = this.interfaces.length;
      this.interfaces.push({ name: parsed.name, types: new Map(), functions: new Map(), docs: null, stability: UNKNOWN, package: null });
      pkg.interfaces.set(parsed.name, id);
    }
    this.interfacePackage.set(id, key);
    return id;
  }

  /** An interface defined here: named (`ns:pkg/i`) or inline in a world (a plain label). */
  private registerInterface(
    name: string,
    inst: Extract<TypeInfo, { kind: 'instance' }>,
    fields: PackageFields,
  ): { key: WorldKey; id: number } {
    if (this.named.has(name)) {
      const id = this.registerImport(name, inst);
      return { key: { kind: 'interface', id }, id };
    }
    const parsed = parseInterfaceName(name);
    const id = this.interfaces.length;
    const owner: TypeOwner = { kind: 'interface', id };
    const types = new Map<string, number>();
    const functions = new Map<string, Func>();
    for (const [itemName, entity] of inst.exports) {
      if (entity.kind === 'type') {
        types.set(itemName, this.registerTypeExport(itemName, owner, entity.referenced, entity.created));
      } else if (entity.kind === 'func') {
        functions.set(itemName, this.convertFunction(itemName, entity.type, owner));
      } else {
        fail(`instance export \`${itemName}\` of \`${name}\` is not a type or function`);
      }
    }
    if (this.interfaces.length !== id) fail(`interface \`${name}\` refers to itself`);
    this.interfaces.push({ name: parsed?.name ?? null, types, functions, docs: null, stability: UNKNOWN, package: null });
    if (parsed === null) return { key: { kind: 'name', name }, id };
    if (fields.interfaces.has(parsed.name)) fail(`interface \`${parsed.name}\` is defined twice`);
    fields.interfaces.set(parsed.name, id);
    this.named.set(name, id);
    return { key: { kind: 'interface', id }, id };
  }

  /** The type a component follows through its aliases, if it was decoded already. */
  private findAlias(id: number): number | undefined {
    for (let cur: number | null = id; cur !== null; cur = this.wasm.peelAlias(cur)) {
      const found = this.typeMap.get(cur);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private registerTypeExport(name: string, owner: TypeOwner, referenced: number, created: number): number {
    const prev = this.findAlias(referenced);
    let kind: TypeDefKind;
    if (prev !== undefined) kind = { kind: 'type', type: prev };
    else {
      const def = this.wasm.definition(referenced);
      if (def.kind === 'resource') kind = { kind: 'resource' };
      else if (def.kind === 'defined') kind = this.convertDefined(def.def);
      else fail(`type \`${name}\` is not a value type or resource`);
    }
    const id = this.types.length;
    this.types.push({ name, kind, owner, docs: null, stability: UNKNOWN });
    if (kind.kind === 'resource') {
      const key = ownerKey(owner);
      let byName = this.resources.get(key);
      if (!byName) {
        byName = new Map();
        this.resources.set(key, byName);
      }
      byName.set(name, id);
    }
    this.typeMap.set(created, id);
    return id;
  }

  private registerWorld(name: string, world: Extract<TypeInfo, { kind: 'component' }>, fields: PackageFields): number {
    const parsed = parseInterfaceName(name);
    if (parsed === null) fail(`world name \`${name}\` is not fully qualified`);
    const id = this.worlds.length;
    const owner: TypeOwner = { kind: 'world', id };
    const imports = new Map<string, WorldEntry>();
    const exports = new Map<string, WorldEntry>();
    const add = (map: Map<string, WorldEntry>, key: WorldKey, item: WorldItem): void => {
      const k = entryKey(key);
      if (!map.has(k)) map.set(k, { key, item });
    };
    // `ns:pkg/i` names an interface defined elsewhere (in this package or
    // another); a plain label is an interface written inline in the world.
    const instanceItem = (itemName: string, type: number): { key: WorldKey; item: WorldItem } => {
      const inst = this.instanceType(type);
      let key: WorldKey;
      let iface: number;
      if (itemName.includes('/')) {
        iface = this.registerImport(itemName, inst);
        key = { kind: 'interface', id: iface };
      } else {
        ({ key, id: iface } = this.registerInterface(itemName, inst, fields));
      }
      return { key, item: { kind: 'interface', id: iface, stability: UNKNOWN } };
    };
    for (const [itemName, entity] of world.imports) {
      if (entity.kind === 'instance') {
        const { key, item } = instanceItem(itemName, entity.type);
        add(imports, key, item);
      } else if (entity.kind === 'type') {
        const type = this.registerTypeExport(itemName, owner, entity.referenced, entity.created);
        add(imports, { kind: 'name', name: itemName }, { kind: 'type', id: type });
      } else if (entity.kind === 'func') {
        add(imports, { kind: 'name', name: itemName }, { kind: 'function', func: this.convertFunction(itemName, entity.type, owner) });
      } else {
        fail(`world import \`${itemName}\` is not an instance, function or type`);
      }
    }
    for (const [itemName, entity] of world.exports) {
      if (entity.kind === 'instance') {
        const { key, item } = instanceItem(itemName, entity.type);
        add(exports, key, item);
      } else if (entity.kind === 'func') {
        add(exports, { kind: 'name', name: itemName }, { kind: 'function', func: this.convertFunction(itemName, entity.type, owner) });
      } else {
        fail(`world export \`${itemName}\` is not an instance or function`);
      }
    }
    if (this.worlds.length !== id) fail(`world \`${name}\` contains another world`);
    this.worlds.push({ name: parsed.name, imports, exports, package: null, docs: null, stability: UNKNOWN });
    if (fields.worlds.has(parsed.name)) fail(`world \`${parsed.name}\` is defined twice`);
    fields.worlds.set(parsed.name, id);
    return id;
  }

  private convertFunction(name: string, typeId: number, owner: TypeOwner): Func {
    const def = this.wasm.definition(typeId);
    if (def.kind !== 'func') fail(`\`${name}\` is not a function type`);
    const params = def.params.map((p) => ({ name: p.name, type: this.convertValType(p.type) }));
    const result = def.result === null ? null : this.convertValType(def.result);
    let kind: FunctionKind = { kind: 'freestanding' };
    let async = def.async;
    const match = /^\[([a-z ]+)\](.*)$/.exec(name);
    if (match) {
      const [, annotation = '', rest = ''] = match;
      const words = annotation.split(' ');
      if (words[0] === 'async') {
        async = true;
        words.shift();
      }
      const form = words.join(' ');
      const resourceName = form === 'constructor' ? rest : rest.slice(0, rest.indexOf('.'));
      if (form !== '') {
        const resource = this.resources.get(ownerKey(owner))?.get(resourceName);
        if (resource === undefined) fail(`function \`${name}\` names an unknown resource \`${resourceName}\``);
        if (form === 'constructor') kind = { kind: 'constructor', resource };
        else if (form === 'method') kind = { kind: 'method', resource };
        else if (form === 'static') kind = { kind: 'static', resource };
        else fail(`function \`${name}\` has an unknown annotation \`[${annotation}]\``);
      }
    }
    return { name, kind, async, params, result, docs: null, stability: UNKNOWN };
  }

  private convertValType(type: ValType): Type {
    if (type.kind === 'primitive') return type.name;
    const known = this.typeMap.get(type.id);
    if (known !== undefined) return known;
    const def = this.wasm.definition(type.id);
    if (def.kind !== 'defined') fail('a value type refers to a non-value type');
    const kind = this.convertDefined(def.def);
    if (['record', 'variant', 'enum', 'flags', 'resource'].includes(kind.kind)) {
      fail(`a ${kind.kind} type is used without a name`);
    }
    const id = this.types.length;
    this.types.push({ name: null, kind, owner: { kind: 'none' }, docs: null, stability: UNKNOWN });
    this.typeMap.set(type.id, id);
    return id;
  }

  private optional(type: ValType | null): Type | null {
    return type === null ? null : this.convertValType(type);
  }

  private convertDefined(def: DefinedType): TypeDefKind {
    switch (def.kind) {
      case 'primitive':
        return { kind: 'type', type: def.name };
      case 'record':
        return { kind: 'record', fields: def.fields.map((f): Field => ({ name: f.name, type: this.convertValType(f.type), docs: null })) };
      case 'variant':
        return {
          kind: 'variant',
          cases: def.cases.map((c): Case => {
            if (c.refines !== null) fail(`variant case \`${c.name}\` uses \`refines\`, which WIT has no form for`);
            return { name: c.name, type: this.optional(c.type), docs: null };
          }),
        };
      case 'list':
        return { kind: 'list', element: this.convertValType(def.element) };
      case 'fixed-length-list':
        return { kind: 'fixed-length-list', element: this.convertValType(def.element), length: def.length };
      case 'map':
        return { kind: 'map', key: this.convertValType(def.key), value: this.convertValType(def.value) };
      case 'tuple':
        return { kind: 'tuple', types: def.types.map((t) => this.convertValType(t)) };
      case 'flags':
        return { kind: 'flags', flags: def.names.map((name): Named => ({ name, docs: null })) };
      case 'enum':
        return { kind: 'enum', cases: def.names.map((name): Named => ({ name, docs: null })) };
      case 'option':
        return { kind: 'option', type: this.convertValType(def.type) };
      case 'result':
        return { kind: 'result', ok: this.optional(def.ok), err: this.optional(def.err) };
      case 'own':
      case 'borrow': {
        const resource = this.typeMap.get(def.resource) ?? this.findAlias(def.resource);
        if (resource === undefined) fail('a handle refers to a resource that has no name');
        return { kind: 'handle', handle: def.kind, resource };
      }
      case 'future':
      case 'stream':
        return { kind: def.kind, type: this.optional(def.type) };
    }
  }

  /**
   * Walks a component type alongside the WIT type it is known to equal,
   * mapping the component's anonymous types to the WIT ones so they are not
   * decoded twice.
   */
  private registerDefined(witId: number, def: DefinedType): void {
    const wit = (this.types[witId] as MutTypeDef).kind;
    if (wit.kind === 'type' && typeof wit.type === 'number') return;
    const pairs: [ValType | null, Type | null][] = [];
    const mismatch = (): never => fail(`the structure of type \`${this.types[witId]?.name ?? 'anonymous'}\` differs between uses`);
    switch (def.kind) {
      case 'list':
        if (wit.kind !== 'list') mismatch();
        else pairs.push([def.element, wit.element]);
        break;
      case 'fixed-length-list':
        if (wit.kind !== 'fixed-length-list') mismatch();
        else pairs.push([def.element, wit.element]);
        break;
      case 'map':
        if (wit.kind !== 'map') mismatch();
        else pairs.push([def.key, wit.key], [def.value, wit.value]);
        break;
      case 'tuple':
        if (wit.kind !== 'tuple' || wit.types.length !== def.types.length) mismatch();
        else def.types.forEach((t, i) => pairs.push([t, wit.types[i] as Type]));
        break;
      case 'option':
        if (wit.kind !== 'option') mismatch();
        else pairs.push([def.type, wit.type]);
        break;
      case 'result':
        if (wit.kind !== 'result') mismatch();
        else pairs.push([def.ok, wit.ok], [def.err, wit.err]);
        break;
      case 'record':
        if (wit.kind !== 'record' || wit.fields.length !== def.fields.length) mismatch();
        else def.fields.forEach((f, i) => pairs.push([f.type, (wit.fields[i] as Field).type]));
        break;
      case 'variant':
        if (wit.kind !== 'variant' || wit.cases.length !== def.cases.length) mismatch();
        else def.cases.forEach((c, i) => pairs.push([c.type, (wit.cases[i] as Case).type]));
        break;
      case 'future':
      case 'stream':
        if (wit.kind !== def.kind) mismatch();
        else pairs.push([def.type, wit.type]);
        break;
      default:
        return;
    }
    for (const [wasm, witType] of pairs) {
      if (wasm === null || witType === null) {
        if (wasm !== witType) mismatch();
        continue;
      }
      if (wasm.kind === 'primitive') continue;
      if (typeof witType !== 'number') mismatch();
      const witTypeId = witType as number;
      if (this.typeMap.has(wasm.id)) continue;
      this.typeMap.set(wasm.id, witTypeId);
      const inner = this.wasm.definition(wasm.id);
      if (inner.kind === 'defined') this.registerDefined(witTypeId, inner.def);
    }
  }

  /** Places the foreign stub packages (dependencies first), then the decoded package. */
  private finish(main: DraftPackage): PackageId {
    const foreign = [...this.foreign.values()];
    const indexOf = new Map([...this.foreign.keys()].map((key, i) => [key, i]));
    const order: number[] = [];
    const placed = new Set<number>();
    const visit = (index: number): void => {
      if (placed.has(index)) return;
      placed.add(index);
      for (const iface of (foreign[index] as DraftPackage).interfaces.values()) {
        for (const dep of this.interfaceDeps(iface)) {
          const depKey = this.interfacePackage.get(dep);
          const depIndex = depKey === undefined ? undefined : indexOf.get(depKey);
          if (depIndex !== undefined && depIndex !== index) visit(depIndex);
        }
      }
      order.push(index);
    };
    for (let i = 0; i < foreign.length; i++) visit(i);
    for (const index of order) this.insertPackage(foreign[index] as DraftPackage);
    return this.insertPackage(main);
  }

  /** Interfaces whose types the interface `use`s. */
  private interfaceDeps(iface: number): number[] {
    const deps: number[] = [];
    for (const typeId of (this.interfaces[iface] as MutInterface).types.values()) {
      const kind = (this.types[typeId] as MutTypeDef).kind;
      if (kind.kind !== 'type' || typeof kind.type !== 'number') continue;
      const owner = (this.types[kind.type] as MutTypeDef).owner;
      if (owner.kind === 'interface' && owner.id !== iface) deps.push(owner.id);
    }
    return deps;
  }

  private insertPackage(draft: DraftPackage): PackageId {
    let id = this.packages.findIndex((p) => samePackageName(p.name, draft.name));
    if (id < 0) {
      id = this.packages.length;
      this.packages.push({ name: draft.name, docs: null, interfaces: new Map(), worlds: new Map() });
    }
    const pkg = this.packages[id] as Package;
    for (const [name, iface] of draft.interfaces) {
      pkg.interfaces.set(name, iface);
      (this.interfaces[iface] as MutInterface).package = id;
    }
    for (const [name, worldId] of draft.worlds) {
      pkg.worlds.set(name, worldId);
      const world = this.worlds[worldId] as MutWorld;
      world.package = id;
      for (const { key, item } of [...world.imports.values(), ...world.exports.values()]) {
        if (key.kind === 'name' && item.kind === 'interface') (this.interfaces[item.id] as MutInterface).package = id;
      }
    }
    return id;
  }
}

// ---------------------------------------------------------------- package-docs

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entriesOf(value: JsonValue | undefined): [string, JsonValue][] {
  return isObject(value) ? Object.entries(value) : [];
}

function docsOf(value: JsonValue | undefined): string | null {
  if (!isObject(value)) return null;
  const docs = value['docs'];
  return typeof docs === 'string' ? docs : null;
}

function stabilityOf(value: JsonValue | undefined): Stability {
  if (!isObject(value)) return UNKNOWN;
  const s = value['stability'];
  if (!isObject(s)) return UNKNOWN;
  const deprecated = (o: JsonObject): string | null => (typeof o['deprecated'] === 'string' ? o['deprecated'] : null);
  const stable = s['stable'];
  if (isObject(stable) && typeof stable['since'] === 'string') {
    return { kind: 'stable', since: stable['since'], deprecated: deprecated(stable) };
  }
  const unstable = s['unstable'];
  if (isObject(unstable) && typeof unstable['feature'] === 'string') {
    return { kind: 'unstable', feature: unstable['feature'], deprecated: deprecated(unstable) };
  }
  return UNKNOWN;
}

/**
 * Applies the `package-docs` custom section (a version byte, 0 or 1, then
 * JSON) to the decoded package: docs and stability of the package, its
 * interfaces, worlds, types, functions, fields and cases.
 */
function injectPackageDocs(resolve: Resolve, main: PackageId, data: Uint8Array): void {
  const version = data[0];
  if (version !== 0 && version !== 1) fail(`unsupported package-docs version ${String(version)}`);
  let meta: JsonValue;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(1))) as JsonValue;
  } catch {
    fail('the package-docs section is not valid JSON');
  }
  if (!isObject(meta)) fail('the package-docs section is not a JSON object');
  let target = main;
  if (typeof meta['package'] === 'string') {
    const named = resolve.packages.findIndex((p) => packageNameString(p.name) === meta['package']);
    if (named >= 0) target = named;
  }
  const pkg = resolve.packages[target] as Package;
  const interfaces = resolve.interfaces as MutInterface[];
  const types = resolve.types as MutTypeDef[];

  const injectFunc = (func: Func, value: JsonValue): Func =>
    typeof value === 'string' || value === null
      ? { ...func, docs: value }
      : { ...func, docs: docsOf(value), stability: stabilityOf(value) };

  const injectType = (id: number, value: JsonValue): void => {
    const ty = types[id] as MutTypeDef;
    const items = new Map(entriesOf(isObject(value) ? value['items'] : undefined));
    if (items.size > 0) {
      const withDocs = <T extends { name: string; docs: string | null }>(list: readonly T[]): T[] =>
        list.map((item) => {
          const docs = items.get(item.name);
          return typeof docs === 'string' ? { ...item, docs } : item;
        });
      const kind = ty.kind;
      if (kind.kind === 'record') ty.kind = { kind: 'record', fields: withDocs(kind.fields) };
      else if (kind.kind === 'flags') ty.kind = { kind: 'flags', flags: withDocs(kind.flags) };
      else if (kind.kind === 'variant') ty.kind = { kind: 'variant', cases: withDocs(kind.cases) };
      else if (kind.kind === 'enum') ty.kind = { kind: 'enum', cases: withDocs(kind.cases) };
      else fail(`package-docs has item docs for type \`${ty.name ?? ''}\`, which has no items`);
    }
    const docs = docsOf(value);
    if (docs !== null) ty.docs = docs;
    ty.stability = stabilityOf(value);
  };

  const injectInterface = (id: number, value: JsonValue): void => {
    const iface = interfaces[id] as MutInterface;
    for (const [name, typeDocs] of entriesOf(isObject(value) ? value['types'] : undefined)) {
      const typeId = iface.types.get(name);
      if (typeId === undefined) fail(`package-docs names a missing type \`${name}\``);
      injectType(typeId, typeDocs);
    }
    for (const [name, funcDocs] of entriesOf(isObject(value) ? value['funcs'] : undefined)) {
      const func = iface.functions.get(name);
      if (func === undefined) fail(`package-docs names a missing function \`${name}\``);
      iface.functions.set(name, injectFunc(func, funcDocs));
    }
    const docs = docsOf(value);
    if (docs !== null) iface.docs = docs;
    iface.stability = stabilityOf(value);
  };

  const injectWorld = (id: number, value: JsonValue): void => {
    const world = resolve.worlds[id] as { imports: WorldEntry[]; exports: WorldEntry[]; docs: string | null; stability: Stability };
    const get = isObject(value) ? (k: string): JsonValue | undefined => value[k] : (): undefined => undefined;
    const find = (entries: WorldEntry[], name: string): number => entries.findIndex((e) => e.key.kind === 'name' && e.key.name === name);
    const namedInterface = (name: string, data: JsonValue, onlyExport: boolean): void => {
      let list = onlyExport ? world.exports : world.imports;
      let index = find(list, name);
      if (index < 0 && !onlyExport) {
        list = world.exports;
        index = find(list, name);
      }
      const entry = list[index];
      if (!entry || entry.item.kind !== 'interface') fail(`package-docs names a missing interface \`${name}\``);
      list[index] = { key: entry.key, item: { ...entry.item, stability: stabilityOf(data) } };
      injectInterface(entry.item.id, data);
    };
    for (const [name, data] of entriesOf(get('interfaces'))) namedInterface(name, data, false);
    for (const [name, data] of entriesOf(get('interface_exports'))) namedInterface(name, data, true);
    for (const [name, data] of entriesOf(get('types'))) {
      const entry = world.imports[find(world.imports, name)];
      if (!entry || entry.item.kind !== 'type') fail(`package-docs names a missing world type \`${name}\``);
      injectType(entry.item.id, data);
    }
    const keyName = (key: WorldKey): string => {
      if (key.kind === 'name') return key.name;
      const iface = resolve.interfaces[key.id];
      const owner = iface?.package === null || iface === undefined ? undefined : resolve.packages[iface.package];
      if (!owner || iface?.name === null || iface === undefined) return '';
      const v = owner.name.version === null ? '' : `@${owner.name.version}`;
      return `${owner.name.namespace}:${owner.name.name}/${iface.name}${v}`;
    };
    const stabilities = (entries: WorldEntry[], data: JsonValue | undefined): void => {
      for (const [name, s] of entriesOf(data)) {
        const index = entries.findIndex((e) => e.item.kind === 'interface' && keyName(e.key) === name);
        const entry = entries[index];
        if (!entry || entry.item.kind !== 'interface') fail(`package-docs names a missing interface \`${name}\``);
        entries[index] = { key: entry.key, item: { ...entry.item, stability: stabilityOf({ stability: s }) } };
      }
    };
    stabilities(world.imports, get('interface_import_stability'));
    stabilities(world.exports, get('interface_export_stability'));
    const funcs = (data: JsonValue | undefined, onlyExport: boolean): void => {
      for (const [name, funcDocs] of entriesOf(data)) {
        let entries = onlyExport ? world.exports : world.imports;
        let index = find(entries, name);
        if (index < 0 && !onlyExport) {
          entries = world.exports;
          index = find(entries, name);
        }
        const entry = entries[index];
        if (!entry || entry.item.kind !== 'function') fail(`package-docs names a missing world function \`${name}\``);
        entries[index] = { key: entry.key, item: { kind: 'function', func: injectFunc(entry.item.func, funcDocs) } };
      }
    };
    funcs(get('funcs'), false);
    funcs(get('func_exports'), true);
    const docs = docsOf(value);
    if (docs !== null) world.docs = docs;
    world.stability = stabilityOf(value);
  };

  for (const [name, data] of entriesOf(meta['worlds'])) {
    const id = pkg.worlds.get(name);
    if (id !== undefined) injectWorld(id, data);
  }
  for (const [name, data] of entriesOf(meta['interfaces'])) {
    const id = pkg.interfaces.get(name);
    if (id !== undefined) injectInterface(id, data);
  }
  if (typeof meta['docs'] === 'string') pkg.docs = meta['docs'];
}

// ---------------------------------------------------------------- merging

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
