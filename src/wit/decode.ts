/**
 * WIT packages encoded as WebAssembly components (what `wasm-tools component
 * wit --wasm` and wit-component write, e.g. `deps/x.wasm`), decoded back into
 * a `Resolve` following wit-parser's decoder:
 *
 * - A WIT package component only exports types, each a component type with
 *   a single export: an instance type named `ns:pkg/iface[@v]` (an
 *   interface, whose component-type imports are the interfaces it uses) or
 *   a component type named `ns:pkg/world[@v]` (a world, already elaborated).
 *   (The older encoding has one export, `ns:pkg/wit`, holding them all.)
 * - Interfaces of other packages are known only through what is imported
 *   from them; they become placeholder packages holding just those items, placed
 *   before the decoded package in dependency order.
 * - A type exported with an `eq` bound that names an already-decoded type
 *   is a `use` (a `type` alias of it); anything else defines a new type.
 * - Docs and stability come from the `package-docs` custom section.
 *
 * decode-merge.ts then adds such a Resolve to the one being built.
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
import { injectPackageDocs } from './decode-docs.js';
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
import { entryKey, type MutInterface, type MutTypeDef, type MutWorld } from './resolve-state.js';

export interface DecodedWit {
  readonly resolve: Resolve;
  /** The package the binary encodes (the others are placeholders for its foreign dependencies). */
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

type ComponentTypeInfo = Extract<TypeInfo, { kind: 'component' }>;

/**
 * Decodes the world an actual (runnable) component describes with its own
 * imports and exports, as wit-parser does for a component that is not a WIT
 * package: `world` is a component type holding the component's imports and
 * exports (entities in `types`); it becomes the world `name`
 * (`ns:pkg/world`), and every interface it names becomes a placeholder
 * package. Throws WitError (WIT_PACKAGE) when the types have no WIT form.
 */
export function decodeComponentWorld(
  types: ComponentTypes,
  world: { readonly imports: Map<string, Entity>; readonly exports: Map<string, Entity> },
  name = 'root:component/root',
): DecodedWit & { readonly world: number } {
  const component: DecodedComponent = { types, imports: [], exports: [], custom: [], otherSections: [] };
  try {
    return new PackageDecoder(component).decodeWorld(name, { kind: 'component', imports: world.imports, exports: world.exports });
  } catch (error) {
    if (error instanceof DecodeFailure) throw new WitError('WIT_PACKAGE', `the component's types have no WIT form: ${error.message}`);
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
  /** Placeholder packages of foreign interfaces, by package name, in first-seen order. */
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
    // Every export is a component type: its name says which encoding this is.
    const exports = component.exports.map((exp): [string, ComponentTypeInfo] => {
      const def = exp.entity?.kind === 'type' ? this.wasm.definition(exp.entity.referenced) : null;
      if (def?.kind !== 'component') fail(`export \`${exp.name}\` is not a component type`);
      return [exp.name, def];
    });
    const [firstName, firstType] = exports[0] as [string, ComponentTypeInfo];
    const fields: PackageFields = { interfaces: new Map(), worlds: new Map() };
    let pkgName: PackageName;
    if (!firstName.includes('/')) pkgName = this.decodeV2(exports, fields);
    else if (parseInterfaceName(firstName)?.name === 'wit' && exports.length === 1) pkgName = this.decodeV1(firstName, firstType, fields);
    else fail(`export \`${firstName}\` is neither a plain name nor a single \`ns:pkg/wit\``);
    const main = this.finish({ name: pkgName, ...fields });
    const resolve: Resolve = {
      types: this.types,
      interfaces: this.interfaces,
      worlds: this.worlds.map((w) => ({ ...w, imports: [...w.imports.values()], exports: [...w.exports.values()] })),
      packages: this.packages,
    };
    const docs = component.custom.filter((s) => s.name === 'package-docs');
    if (docs.length > 1) fail('more than one `package-docs` section');
    const section = docs[0];
    if (section) injectPackageDocs(resolve, main, section.data, fail);
    return { resolve, main };
  }

  /** A component's own imports and exports as world `name` of a package of its own. */
  decodeWorld(name: string, def: ComponentTypeInfo): DecodedWit & { readonly world: number } {
    const parsed = parseInterfaceName(name);
    if (parsed === null) fail(`world name \`${name}\` is not fully qualified`);
    const fields: PackageFields = { interfaces: new Map(), worlds: new Map() };
    const world = this.registerWorld(name, def, fields);
    const main = this.finish({ name: parsed.pkg, ...fields });
    const resolve: Resolve = {
      types: this.types,
      interfaces: this.interfaces,
      worlds: this.worlds.map((w) => ({ ...w, imports: [...w.imports.values()], exports: [...w.exports.values()] })),
      packages: this.packages,
    };
    return { resolve, main, world };
  }

  /**
   * The current encoding: one export per interface or world, named by a
   * plain label, whose component type exports `ns:pkg/name` (an instance
   * for an interface, with the interfaces it uses as imports; a component
   * for a world).
   */
  private decodeV2(exports: [string, ComponentTypeInfo][], fields: PackageFields): PackageName {
    let pkgName: PackageName | null = null;
    for (const [exportName, def] of exports) {
      if (def.exports.size !== 1) fail(`export \`${exportName}\` should have a single export, found ${def.exports.size}`);
      const [name, inner] = [...def.exports][0] as [string, Entity];
      const itemName = parseInterfaceName(name);
      if (itemName === null) fail(`\`${name}\` is not a fully qualified \`ns:pkg/name\``);
      if (inner.kind === 'component') {
        this.registerWorld(name, this.componentType(inner.type), fields);
      } else if (inner.kind === 'instance') {
        this.registerImports(def);
        this.registerInterface(name, this.instanceType(inner.type), fields);
      } else {
        fail(`\`${name}\` is neither a world (component) nor an interface (instance)`);
      }
      if (pkgName === null) pkgName = itemName.pkg;
      else if (!samePackageName(pkgName, itemName.pkg)) fail(`\`${name}\` belongs to another package than \`${packageNameString(pkgName)}\``);
    }
    return pkgName as PackageName;
  }

  /**
   * The first encoding (older wit-component): a single export `ns:pkg/wit`
   * whose component type imports the foreign interfaces and exports every
   * interface (instances) and world (components) of the package.
   */
  private decodeV1(name: string, def: ComponentTypeInfo, fields: PackageFields): PackageName {
    const pkg = (parseInterfaceName(name) as InterfaceName).pkg;
    this.registerImports(def);
    for (const [itemName, entity] of def.exports) {
      if (entity.kind === 'instance') this.registerInterface(itemName, this.instanceType(entity.type), fields);
      else if (entity.kind === 'component') this.registerWorld(itemName, this.componentType(entity.type), fields);
      else fail(`\`${itemName}\` is neither a world (component) nor an interface (instance)`);
    }
    return pkg;
  }

  /** The interfaces a component type imports: each is an instance of a used interface. */
  private registerImports(def: ComponentTypeInfo): void {
    for (const [importName, imported] of def.imports) {
      if (imported.kind !== 'instance') fail(`import \`${importName}\` is not an instance`);
      this.registerImport(importName, this.instanceType(imported.type));
    }
  }

  private componentType(id: number): ComponentTypeInfo {
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
      // The latest sighting wins (as in wit-parser); only a first sighting is walked further.
      const seen = this.typeMap.has(wasm.id);
      this.typeMap.set(wasm.id, witTypeId);
      if (seen) continue;
      const inner = this.wasm.definition(wasm.id);
      if (inner.kind === 'defined') this.registerDefined(witTypeId, inner.def);
    }
  }

  /** Places the foreign placeholder packages (dependencies first), then the decoded package. */
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
