/**
 * Phase one of resolution: turns the ASTs of one package (all files of a
 * directory, or one nested `package x:y { ... }` block) into an
 * `UnresolvedPackage`. Names are bound here; references to other packages
 * stay placeholders until `appendPackage` binds them.
 *
 * The order in which this pushes interfaces, worlds and types into the
 * arenas follows wit-parser exactly (interfaces/worlds in dependency order,
 * `use`d types first, then named types in dependency order with anonymous
 * types interned per package just before the type that first needs them),
 * because that order is visible in the Resolve JSON.
 */
import type * as Ast from './ast.js';
import { WitError, type WitErrorCode } from './errors.js';
import type { Func, FunctionKind, PackageName, Param, Stability, Type, TypeDefKind, TypeOwner } from './model.js';
import { packageNameString } from './model.js';
import type { SourceMap, Span } from './source.js';
import { stabilityOf } from './resolve-stability.js';
import { toposort } from './resolve-toposort.js';
import type {
  ForeignDep,
  UInterface,
  UnresolvedPackage,
  UTypeDef,
  UWorld,
  UWorldEntry,
  UWorldItem,
  UWorldKey,
} from './resolve-unresolved.js';
import { worldKeyId } from './resolve-unresolved.js';

type DeclItem = Ast.InterfaceDecl | Ast.WorldDecl | Ast.TopLevelUse;

interface DeclList {
  readonly file: number;
  readonly items: readonly DeclItem[];
}

/** What a top-level name in a package or file refers to. */
type AstItem = { readonly kind: 'interface' | 'world'; readonly id: number };

/** An entry of an interface's (or world's) namespace. */
type Named =
  | { readonly kind: 'type'; readonly id: number; readonly span: Span }
  | { readonly kind: 'function'; readonly span: Span };

/** One `use`/`import`/`include` path as visited by `forEachPath`. */
interface PathVisit {
  /** The interface (for `use`) or world (for `include`) that depends on the path. */
  readonly owner: Ast.Id | null;
  readonly attrs: readonly Ast.Attribute[];
  readonly path: Ast.UsePath;
  readonly names: readonly Ast.UseName[] | null;
  readonly target: 'interface' | 'world';
}

export interface PackageHeader {
  readonly name: Ast.PackageName;
  readonly docs: Ast.Docs;
  readonly span: Span;
}

export function packageNameOf(name: Ast.PackageName): PackageName {
  return {
    namespace: name.namespace.name,
    name: name.name.name,
    version: name.version === null ? null : name.version.text,
  };
}

export class PackageBuilder {
  private header: { readonly name: PackageName; readonly span: Span } | null = null;
  private docs: string | null = null;
  private readonly declLists: DeclList[] = [];

  private readonly types: UTypeDef[] = [];
  private readonly typeSpans: Span[] = [];
  private readonly interfaces: UInterface[] = [];
  private readonly interfaceSpans: { span: Span; funcs: Span[] }[] = [];
  /** Each interface's namespace once resolved (parallel to `interfaces`). */
  private readonly interfaceNames: Map<string, Named>[] = [];
  private readonly worlds: UWorld[] = [];
  private readonly worldSpans: Span[] = [];

  /** Interned anonymous types (`list<u8>`...) of this package, by structure. */
  private readonly anonTypes = new Map<string, number>();
  private readonly foreignDeps = new Map<string, ForeignDep>();
  private readonly foreignInterfaces = new Set<number>();
  private readonly requiredResources: { id: number; span: Span }[] = [];

  /** Per file: the top-level names in scope (items of the package plus top-level `use`). */
  private readonly fileItems: Map<string, AstItem>[] = [];
  private readonly packageItems = new Map<string, AstItem>();
  private currentFile = 0;
  /** The namespace of the interface or world being resolved. */
  private scope = new Map<string, Named>();

  constructor(private readonly sources: SourceMap) {}

  /** Adds one file's (or nested block's) declarations to the package. */
  push(file: number, header: PackageHeader | null, items: readonly DeclItem[]): void {
    if (header) {
      const name = packageNameOf(header.name);
      if (this.header && packageNameString(this.header.name) !== packageNameString(name)) {
        this.fail(
          'WIT_PACKAGE',
          `package identifier \`${packageNameString(name)}\` does not match previous package name of \`${packageNameString(this.header.name)}\``,
          header.name.span,
        );
      }
      this.header = { name, span: header.name.span };
      if (header.docs !== null) {
        if (this.docs !== null) {
          this.fail('WIT_INVALID', "found doc comments on multiple 'package' items", header.span);
        }
        this.docs = header.docs;
      }
    }
    this.declLists.push({ file, items });
  }

  resolve(): UnresolvedPackage {
    const header = this.header;
    if (!header) {
      const file = this.declLists[0]?.file;
      const detail = 'no `package` header was found in any WIT file for this package';
      if (file === undefined) throw new WitError('WIT_PACKAGE', detail);
      this.fail('WIT_PACKAGE', detail, { file, start: 0, end: 0 });
    }
    this.populateForeignDeps();
    const { interfaceOrder, worldOrder, interfaceAsts, worldAsts } = this.populateAstItems();
    this.populateForeignTypes();

    for (const id of interfaceOrder) {
      const { decl, list } = interfaceAsts.get(id) as { decl: Ast.InterfaceDecl; list: number };
      this.currentFile = list;
      this.resolveInterface(id, decl.items, decl.docs, decl.attributes);
    }
    for (const id of worldOrder) {
      const { decl, list } = worldAsts.get(id) as { decl: Ast.WorldDecl; list: number };
      this.currentFile = list;
      this.resolveWorld(id, decl);
    }

    return {
      name: header.name,
      nameSpan: header.span,
      docs: this.docs,
      types: this.types,
      typeSpans: this.typeSpans,
      interfaces: this.interfaces,
      interfaceSpans: this.interfaceSpans,
      worlds: this.worlds,
      worldSpans: this.worldSpans,
      foreignDeps: this.foreignDeps,
      requiredResources: this.requiredResources,
    };
  }

  // ---------------------------------------------------------------- structure

  /**
   * Visits every path that names an interface or world, in wit-parser's
   * order: per item, world `use`/`include` in place, then the world's
   * imports, then its exports.
   */
  private *forEachPath(list: DeclList): Generator<PathVisit> {
    for (const item of list.items) {
      if (item.kind === 'use') {
        yield { owner: null, attrs: item.attributes, path: item.path, names: null, target: 'interface' };
      } else if (item.kind === 'interface') {
        for (const member of item.items) {
          if (member.kind === 'use') {
            yield { owner: item.name, attrs: member.attributes, path: member.path, names: member.names, target: 'interface' };
          }
        }
      } else {
        const imports: Ast.ImportExport[] = [];
        const exports: Ast.ImportExport[] = [];
        for (const member of item.items) {
          if (member.kind === 'use') {
            yield { owner: null, attrs: member.attributes, path: member.path, names: member.names, target: 'interface' };
          } else if (member.kind === 'include') {
            yield { owner: item.name, attrs: member.attributes, path: member.path, names: null, target: 'world' };
          } else if (member.kind === 'import') {
            imports.push(member);
          } else if (member.kind === 'export') {
            exports.push(member);
          }
        }
        for (const ie of [...imports, ...exports]) {
          const extern = ie.item;
          if (extern.kind === 'interface') {
            for (const member of extern.items) {
              if (member.kind === 'use') {
                yield { owner: null, attrs: member.attributes, path: member.path, names: member.names, target: 'interface' };
              }
            }
          } else if (extern.kind === 'path' || extern.kind === 'named-path') {
            yield { owner: null, attrs: ie.attributes, path: extern.path, names: null, target: 'interface' };
          }
        }
      }
    }
  }

  /** Creates placeholders for every interface/world named from another package. */
  private populateForeignDeps(): void {
    for (const list of this.declLists) {
      for (const visit of this.forEachPath(list)) {
        const path = visit.path;
        if (path.kind !== 'package') continue;
        const stability = stabilityOf(visit.attrs, this.failer('WIT_INVALID'));
        const name = packageNameOf(path.package);
        const key = packageNameString(name);
        let dep = this.foreignDeps.get(key);
        if (!dep) {
          dep = { name, span: path.package.span, items: new Map() };
          this.foreignDeps.set(key, dep);
        }
        let item = dep.items.get(path.name.name);
        if (!item) {
          const id =
            visit.target === 'world'
              ? this.allocWorld(path.name.span, '')
              : this.allocInterface(path.name.span, null);
          item = { kind: visit.target, id, stabilities: [] };
          dep.items.set(path.name.name, item);
          if (visit.target === 'interface') this.foreignInterfaces.add(id);
        }
        item.stabilities.push(stability);
      }
    }
  }

  private populateAstItems(): {
    interfaceOrder: number[];
    worldOrder: number[];
    interfaceAsts: Map<number, { decl: Ast.InterfaceDecl; list: number }>;
    worldAsts: Map<number, { decl: Ast.WorldDecl; list: number }>;
  } {
    // Every interface and world name must be unique across the package.
    const declared = new Map<string, Ast.InterfaceDecl | Ast.WorldDecl>();
    const deps = new Map<string, Ast.Id[]>();
    for (const list of this.declLists) {
      for (const item of list.items) {
        if (item.kind === 'use') continue;
        if (declared.has(item.name.name)) {
          this.fail('WIT_DUPLICATE', `duplicate item named \`${item.name.name}\``, item.name.span);
        }
        declared.set(item.name.name, item);
        deps.set(item.name.name, []);
      }
    }

    // Record `use`/`include` edges between items of this package.
    for (const list of this.declLists) {
      const fileNames = new Map<string, Ast.Id | null>();
      for (const item of list.items) {
        const name = item.kind === 'use' ? (item.as ?? item.path.name) : item.name;
        const source = item.kind === 'use' ? (item.path.kind === 'local' ? item.path.name : null) : item.name;
        if (fileNames.has(name.name)) {
          this.fail('WIT_DUPLICATE', `duplicate name \`${name.name}\` in this file`, name.span);
        }
        fileNames.set(name.name, source);
      }
      for (const visit of this.forEachPath(list)) {
        if (!visit.owner || visit.path.kind !== 'local') continue;
        const used = visit.path.name;
        const edges = deps.get(visit.owner.name) as Ast.Id[];
        if (fileNames.has(used.name)) {
          const source = fileNames.get(used.name);
          if (source) edges.push(source);
        } else if (declared.has(used.name)) {
          edges.push(used);
        } else {
          this.fail(
            'WIT_UNKNOWN_NAME',
            `interface or world \`${used.name}\` not found in package`,
            used.span,
          );
        }
      }
    }

    const sorted = toposort(deps);
    if ('failure' in sorted) {
      const { dep } = sorted.failure;
      if (sorted.failure.kind === 'cycle') {
        this.fail('WIT_CYCLE', `interface or world \`${dep.name}\` depends on itself`, dep.span);
      }
      this.fail('WIT_UNKNOWN_NAME', `interface or world \`${dep.name}\` does not exist`, dep.span);
    }

    const ids = new Map<string, AstItem>();
    const interfaceOrder: number[] = [];
    const worldOrder: number[] = [];
    for (const name of sorted.order) {
      const decl = declared.get(name) as Ast.InterfaceDecl | Ast.WorldDecl;
      if (decl.kind === 'interface') {
        const id = this.allocInterface(decl.name.span, name);
        ids.set(name, { kind: 'interface', id });
        interfaceOrder.push(id);
      } else {
        const id = this.allocWorld(decl.name.span, name);
        ids.set(name, { kind: 'world', id });
        worldOrder.push(id);
      }
    }

    const interfaceAsts = new Map<number, { decl: Ast.InterfaceDecl; list: number }>();
    const worldAsts = new Map<number, { decl: Ast.WorldDecl; list: number }>();
    this.declLists.forEach((list, index) => {
      const items = new Map<string, AstItem>();
      for (const item of list.items) {
        if (item.kind === 'use') {
          if (item.attributes.length > 0) {
            this.fail('WIT_INVALID', 'attributes not allowed on top-level use', item.span);
          }
          const name = item.as ?? item.path.name;
          let target: AstItem;
          if (item.path.kind === 'local') {
            const found = ids.get(item.path.name.name);
            if (!found) {
              this.fail(
                'WIT_UNKNOWN_NAME',
                `interface or world \`${item.path.name.name}\` does not exist`,
                item.path.name.span,
              );
            }
            target = found;
          } else {
            target = this.foreignItem(item.path);
          }
          items.set(name.name, target);
        } else {
          const target = ids.get(item.name.name) as AstItem;
          items.set(item.name.name, target);
          this.packageItems.set(item.name.name, target);
          if (item.kind === 'interface') interfaceAsts.set(target.id, { decl: item, list: index });
          else worldAsts.set(target.id, { decl: item, list: index });
        }
      }
      this.fileItems.push(items);
    });
    return { interfaceOrder, worldOrder, interfaceAsts, worldAsts };
  }

  /** Creates `unknown` placeholder types for names `use`d from other packages. */
  private populateForeignTypes(): void {
    this.declLists.forEach((list, index) => {
      this.currentFile = index;
      for (const visit of this.forEachPath(list)) {
        if (!visit.names) continue;
        const stability = stabilityOf(visit.attrs, this.failer('WIT_INVALID'));
        const target = this.resolvePath(visit.path);
        const iface = this.expectInterface(target);
        if (!this.foreignInterfaces.has(iface)) continue;
        const names = this.interfaceNames[iface] as Map<string, Named>;
        for (const used of visit.names) {
          if (names.has(used.name.name)) continue;
          const id = this.pushType(
            { name: used.name.name, kind: { kind: 'unknown' }, owner: { kind: 'interface', id: iface }, docs: null, stability },
            used.name.span,
          );
          names.set(used.name.name, { kind: 'type', id, span: used.name.span });
          (this.interfaces[iface] as UInterface).types.set(used.name.name, id);
        }
      }
    });
  }

  private foreignItem(path: Extract<Ast.UsePath, { kind: 'package' }>): AstItem {
    const dep = this.foreignDeps.get(packageNameString(packageNameOf(path.package)));
    const item = dep?.items.get(path.name.name);
    if (!item) throw new Error(`foreign dependency ${path.name.name} was not registered`);
    return { kind: item.kind, id: item.id };
  }

  private resolvePath(path: Ast.UsePath): { item: AstItem; name: string; span: Span } {
    if (path.kind === 'package') {
      return { item: this.foreignItem(path), name: path.name.name, span: path.name.span };
    }
    const name = path.name;
    const item =
      (this.fileItems[this.currentFile] as Map<string, AstItem>).get(name.name) ??
      this.packageItems.get(name.name);
    if (!item) {
      this.fail('WIT_UNKNOWN_NAME', `interface or world \`${name.name}\` does not exist`, name.span);
    }
    return { item, name: name.name, span: name.span };
  }

  private expectInterface(found: { item: AstItem; name: string; span: Span }): number {
    if (found.item.kind !== 'interface') {
      this.fail('WIT_WRONG_KIND', `name \`${found.name}\` is defined as a world, not an interface`, found.span);
    }
    return found.item.id;
  }

  private expectWorld(found: { item: AstItem; name: string; span: Span }): number {
    if (found.item.kind !== 'world') {
      this.fail('WIT_WRONG_KIND', `name \`${found.name}\` is defined as an interface, not a world`, found.span);
    }
    return found.item.id;
  }

  // ---------------------------------------------------------------- items

  private resolveInterface(
    id: number,
    items: readonly Ast.InterfaceItem[],
    docs: Ast.Docs,
    attrs: readonly Ast.Attribute[],
  ): void {
    const iface = this.interfaces[id] as UInterface;
    iface.docs = docs;
    iface.stability = stabilityOf(attrs, this.failer('WIT_INVALID'));
    const owner: TypeOwner = { kind: 'interface', id };
    this.resolveTypes(owner, items.filter(isTypeItem));
    for (const [name, entry] of this.scope) {
      if (entry.kind === 'type') iface.types.set(name, entry.id);
    }

    const funcs: Func[] = [];
    const spans = (this.interfaceSpans[id] as { funcs: Span[] }).funcs;
    for (const item of items) {
      if (item.kind === 'func') {
        this.define(item.name, { kind: 'function', span: item.name.span });
        funcs.push(
          this.resolveFunction(item.docs, item.attributes, item.name.name, item.func, { kind: 'freestanding' }),
        );
        spans.push(item.name.span);
      } else if (item.kind === 'resource') {
        for (const func of item.funcs) {
          funcs.push(this.resolveResourceFunc(func, item.name));
          spans.push(func.name.span);
        }
      }
    }
    for (const func of funcs) iface.functions.set(func.name, func);
    this.interfaceNames[id] = this.scope;
    this.scope = new Map();
  }

  private resolveWorld(id: number, decl: Ast.WorldDecl): void {
    const world = this.worlds[id] as UWorld;
    world.docs = decl.docs;
    world.stability = stabilityOf(decl.attributes, this.failer('WIT_INVALID'));
    const owner: TypeOwner = { kind: 'world', id };
    this.resolveTypes(owner, decl.items.filter(isTypeItem));

    for (const item of decl.items) {
      if (item.kind !== 'include') continue;
      const stability = stabilityOf(item.attributes, this.failer('WIT_INVALID'));
      const found = this.resolvePath(item.path);
      world.includes.push({
        stability,
        world: this.expectWorld(found),
        names: item.with.map((w) => ({ name: w.from.name, as: w.to.name })),
        span: found.span,
      });
    }

    const imports = new Map<string, UWorldEntry>();
    const exports = new Map<string, UWorldEntry>();
    for (const [name, entry] of this.scope) {
      if (entry.kind !== 'type') continue;
      const key: UWorldKey = { kind: 'name', name };
      imports.set(worldKeyId(key), { key, item: { kind: 'type', id: entry.id }, span: entry.span });
    }

    const imported = new Set<number>();
    const exported = new Set<number>();
    for (const item of decl.items) {
      if (item.kind === 'resource') {
        for (const func of item.funcs) {
          const resolved = this.resolveResourceFunc(func, item.name);
          const key: UWorldKey = { kind: 'name', name: resolved.name };
          imports.set(worldKeyId(key), { key, item: { kind: 'function', func: resolved }, span: func.name.span });
        }
        continue;
      }
      if (item.kind !== 'import' && item.kind !== 'export') continue;
      const desc = item.kind;
      const extern = item.item;
      const span = externSpan(extern);
      const resolved = this.resolveWorldItem(item);
      let key: UWorldKey;
      if (extern.kind === 'path') key = { kind: 'interface', id: (resolved as { id: number }).id };
      else if (resolved.kind === 'function') key = { kind: 'name', name: resolved.func.name };
      else key = { kind: 'name', name: extern.name.name };

      // The same interface may appear once per direction under its own
      // name; under plain names (`import a: iface`) it may repeat.
      if (resolved.kind === 'interface' && extern.kind !== 'named-path') {
        const seen = desc === 'import' ? imported : exported;
        if (seen.has(resolved.id)) {
          this.fail('WIT_DUPLICATE', `interface cannot be ${desc}ed more than once`, span);
        }
        seen.add(resolved.id);
      }
      const target = desc === 'import' ? imports : exports;
      const prev = target.get(worldKeyId(key));
      if (prev) {
        const what = prev.item.kind === 'interface' ? 'interface' : prev.item.kind === 'function' ? 'func' : 'type';
        const name = key.kind === 'name' ? key.name : '';
        this.fail('WIT_DUPLICATE', `${desc} \`${name}\` conflicts with prior ${what} of same name`, span);
      }
      target.set(worldKeyId(key), { key, item: resolved, span });
    }
    world.imports = [...imports.values()];
    world.exports = [...exports.values()];
    this.scope = new Map();
  }

  private resolveWorldItem(item: Ast.ImportExport): UWorldItem {
    const extern = item.item;
    switch (extern.kind) {
      case 'interface': {
        const outer = this.scope;
        this.scope = new Map();
        const id = this.allocInterface(extern.name.span, null);
        this.resolveInterface(id, extern.items, item.docs, item.attributes);
        this.scope = outer;
        return { kind: 'interface', id, stability: (this.interfaces[id] as UInterface).stability };
      }
      case 'path':
      case 'named-path': {
        const stability = stabilityOf(item.attributes, this.failer('WIT_INVALID'));
        const id = this.expectInterface(this.resolvePath(extern.path));
        return { kind: 'interface', id, stability };
      }
      case 'func':
        return {
          kind: 'function',
          func: this.resolveFunction(item.docs, item.attributes, extern.name.name, extern.func, {
            kind: 'freestanding',
          }),
        };
    }
  }

  // ---------------------------------------------------------------- types

  /** Binds `use`d names, then defines named types in dependency order. */
  private resolveTypes(owner: TypeOwner, items: readonly (Ast.UseDecl | Ast.TypeDecl)[]): void {
    for (const item of items) if (item.kind === 'use') this.resolveUse(owner, item);

    const deps = new Map<string, Ast.Id[]>();
    const defs = new Map<string, Ast.TypeDecl | null>();
    for (const item of items) {
      if (item.kind === 'use') {
        for (const name of item.names) {
          const local = name.as ?? name.name;
          deps.set(local.name, []);
          defs.set(local.name, null);
        }
        continue;
      }
      if (defs.has(item.name.name)) {
        this.fail('WIT_DUPLICATE', `name \`${item.name.name}\` is defined more than once`, item.name.span);
      }
      defs.set(item.name.name, item);
      const found: Ast.Id[] = [];
      collectDeclDeps(item, found);
      deps.set(item.name.name, found);
    }
    const sorted = toposort(deps);
    if ('failure' in sorted) {
      const { dep } = sorted.failure;
      if (sorted.failure.kind === 'cycle') {
        this.fail('WIT_CYCLE', `type \`${dep.name}\` depends on itself`, dep.span);
      }
      const renamed = dep.name === 'float32' ? 'f32' : dep.name === 'float64' ? 'f64' : null;
      this.fail(
        'WIT_UNKNOWN_NAME',
        renamed
          ? `type \`${dep.name}\` does not exist; it has been renamed to \`${renamed}\``
          : `type \`${dep.name}\` does not exist`,
        dep.span,
      );
    }
    for (const name of sorted.order) {
      const def = defs.get(name);
      if (!def) continue;
      const stability = stabilityOf(def.attributes, this.failer('WIT_INVALID'));
      const kind = this.resolveTypeDecl(def, stability);
      const memberSpans =
        def.kind === 'record' ? def.fields.map((f) => f.span) : def.kind === 'variant' ? def.cases.map((c) => c.span) : undefined;
      const id = this.pushType({ name, kind, owner, docs: def.docs, stability, memberSpans }, def.name.span);
      this.define(def.name, { kind: 'type', id, span: def.name.span });
    }
  }

  private resolveUse(owner: TypeOwner, use: Ast.UseDecl): void {
    const from = this.expectInterface(this.resolvePath(use.path));
    const stability = stabilityOf(use.attributes, this.failer('WIT_INVALID'));
    for (const name of use.names) {
      const entry = (this.interfaceNames[from] as Map<string, Named>).get(name.name.name);
      if (!entry) {
        this.fail('WIT_UNKNOWN_NAME', `name \`${name.name.name}\` does not exist`, name.name.span);
      }
      if (entry.kind !== 'type') {
        this.fail('WIT_WRONG_KIND', `cannot import ${entry.kind} \`${name.name.name}\``, name.name.span);
      }
      const local = name.as ?? name.name;
      const id = this.pushType(
        { name: local.name, kind: { kind: 'type', type: entry.id }, owner, docs: null, stability },
        name.name.span,
      );
      this.define(local, { kind: 'type', id, span: local.span });
    }
  }

  private define(name: Ast.Id, entry: Named): void {
    if (this.scope.has(name.name)) {
      this.fail('WIT_DUPLICATE', `name \`${name.name}\` is defined more than once`, name.span);
    }
    this.scope.set(name.name, entry);
  }

  private resolveTypeDecl(decl: Ast.TypeDecl, stability: Stability): TypeDefKind {
    switch (decl.kind) {
      case 'alias':
        return this.resolveTypeRefKind(decl.type, stability);
      case 'record':
        this.checkMemberNames(decl.fields, (name) => `duplicate field \`${name}\``);
        return {
          kind: 'record',
          fields: decl.fields.map((f) => ({ name: f.name.name, type: this.resolveType(f.type, stability), docs: f.docs })),
        };
      case 'variant':
        if (decl.cases.length === 0) this.fail('WIT_INVALID', 'empty variant', decl.span);
        this.checkMemberNames(decl.cases, (name, prev) => `case \`${name}\` conflicts with previous case \`${prev}\``);
        return {
          kind: 'variant',
          cases: decl.cases.map((c) => ({
            name: c.name.name,
            type: c.type === null ? null : this.resolveType(c.type, stability),
            docs: c.docs,
          })),
        };
      case 'enum':
        if (decl.cases.length === 0) this.fail('WIT_INVALID', 'empty enum', decl.span);
        this.checkMemberNames(decl.cases, (name, prev) => `case \`${name}\` conflicts with previous case \`${prev}\``);
        return { kind: 'enum', cases: decl.cases.map((c) => ({ name: c.name.name, docs: c.docs })) };
      case 'flags':
        this.checkMemberNames(decl.flags, (name, prev) => `flag \`${name}\` conflicts with previous flag \`${prev}\``);
        return { kind: 'flags', flags: decl.flags.map((f) => ({ name: f.name.name, docs: f.docs })) };
      case 'resource': {
        const names = new Set<string>();
        let constructors = 0;
        for (const func of decl.funcs) {
          if (func.kind === 'constructor') {
            constructors++;
            if (constructors > 1) this.fail('WIT_DUPLICATE', 'duplicate constructors', func.name.span);
          } else {
            if (names.has(func.name.name)) {
              this.fail('WIT_DUPLICATE', `duplicate function name \`${func.name.name}\``, func.name.span);
            }
            names.add(func.name.name);
          }
        }
        return { kind: 'resource' };
      }
    }
  }

  /** Member names (fields, cases, flags) are kebab-case, so unique regardless of letter case. */
  private checkMemberNames(members: readonly { readonly name: Ast.Id }[], message: (name: string, prev: string) => string): void {
    const seen = new Map<string, string>();
    for (const { name } of members) {
      const key = name.name.toLowerCase();
      const prev = seen.get(key);
      if (prev !== undefined) this.fail('WIT_DUPLICATE', message(name.name, prev), name.span);
      seen.set(key, name.name);
    }
  }

  private resolveTypeRefKind(ref: Ast.TypeRef, stability: Stability): TypeDefKind {
    switch (ref.kind) {
      case 'primitive':
        return { kind: 'type', type: ref.name };
      case 'named':
        return { kind: 'type', type: this.resolveTypeName(ref.name) };
      case 'list':
        return { kind: 'list', element: this.resolveType(ref.element, stability) };
      case 'fixed-length-list':
        return {
          kind: 'fixed-length-list',
          element: this.resolveType(ref.element, stability),
          length: ref.length,
        };
      case 'map': {
        const key = this.resolveType(ref.key, stability);
        const value = this.resolveType(ref.value, stability);
        if (typeof key !== 'string' || !MAP_KEYS.has(key)) {
          this.fail(
            'WIT_INVALID',
            'invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string',
            ref.span,
          );
        }
        return { kind: 'map', key, value };
      }
      case 'tuple':
        return { kind: 'tuple', types: ref.types.map((t) => this.resolveType(t, stability)) };
      case 'option':
        return { kind: 'option', type: this.resolveType(ref.type, stability) };
      case 'result':
        return {
          kind: 'result',
          ok: ref.ok === null ? null : this.resolveType(ref.ok, stability),
          err: ref.err === null ? null : this.resolveType(ref.err, stability),
        };
      case 'own':
      case 'borrow':
        return { kind: 'handle', handle: ref.kind, resource: this.validateResource(ref.resource) };
      case 'future':
        return { kind: 'future', type: ref.type === null ? null : this.resolveType(ref.type, stability) };
      case 'stream':
        return { kind: 'stream', type: ref.type === null ? null : this.resolveType(ref.type, stability) };
    }
  }

  private resolveTypeName(name: Ast.Id): number {
    const entry = this.scope.get(name.name);
    if (!entry) this.fail('WIT_UNKNOWN_NAME', `name \`${name.name}\` does not exist`, name.span);
    if (entry.kind !== 'type') {
      this.fail('WIT_WRONG_KIND', `cannot use ${entry.kind} \`${name.name}\` as a type`, name.span);
    }
    return entry.id;
  }

  private validateResource(name: Ast.Id): number {
    const id = this.resolveTypeName(name);
    for (let cur = id; ; ) {
      const kind = (this.types[cur] as UTypeDef).kind;
      if (kind.kind === 'resource') return id;
      if (kind.kind === 'unknown') {
        this.requiredResources.push({ id: cur, span: name.span });
        return id;
      }
      if (kind.kind === 'type' && typeof kind.type === 'number') {
        cur = kind.type;
        continue;
      }
      this.fail('WIT_WRONG_KIND', `type \`${name.name}\` used in a handle must be a resource`, name.span);
    }
  }

  /** A type written at a use site: a primitive, a named type, or an interned anonymous type. */
  private resolveType(ref: Ast.TypeRef, stability: Stability): Type {
    const kind = this.resolveTypeRefKind(ref, stability);
    return this.anonType(kind, this.inheritStability(kind, stability), ref.span);
  }

  /**
   * Anonymous types inherit the gate of the declaration they appear in, or
   * else of the first gated type they contain (so `option<t>` follows `t`).
   */
  private inheritStability(kind: TypeDefKind, stability: Stability): Stability {
    if (stability.kind !== 'unknown') return stability;
    const of = (t: Type | null): Stability | null => {
      if (typeof t !== 'number') return null;
      const s = (this.types[t] as UTypeDef).stability;
      return s.kind === 'unknown' ? null : s;
    };
    let found: Stability | null = null;
    switch (kind.kind) {
      case 'type':
        found = of(kind.type);
        break;
      case 'handle':
        found = of(kind.resource);
        break;
      case 'tuple':
        for (const t of kind.types) if ((found = of(t))) break;
        break;
      case 'list':
      case 'fixed-length-list':
        found = of(kind.element);
        break;
      case 'option':
      case 'future':
      case 'stream':
        found = of(kind.type);
        break;
      case 'map':
        found = of(kind.key) ?? of(kind.value);
        break;
      case 'result':
        found = of(kind.ok) ?? of(kind.err);
        break;
      default:
        break;
    }
    return found ?? stability;
  }

  private anonType(kind: TypeDefKind, stability: Stability, span: Span): Type {
    if (kind.kind === 'type') return kind.type;
    // `own<r>` written inline is just `r`; the append phase turns references
    // to resources into interned `own` handles.
    if (kind.kind === 'handle' && kind.handle === 'own') return kind.resource;
    const key = anonKey(kind);
    const existing = this.anonTypes.get(key);
    if (existing !== undefined) return existing;
    const id = this.pushType({ name: null, kind, owner: { kind: 'none' }, docs: null, stability }, span);
    this.anonTypes.set(key, id);
    return id;
  }

  // ---------------------------------------------------------------- functions

  private resolveResourceFunc(func: Ast.ResourceFunc, resource: Ast.Id): Func {
    const entry = this.scope.get(resource.name);
    if (!entry || entry.kind !== 'type') throw new Error(`resource ${resource.name} is not in scope`);
    const id = entry.id;
    let name: string;
    let kind: FunctionKind;
    if (func.kind === 'constructor') {
      name = `[constructor]${resource.name}`;
      kind = { kind: 'constructor', resource: id };
    } else if (func.kind === 'method') {
      name = `[method]${resource.name}.${func.name.name}`;
      kind = { kind: 'method', resource: id };
    } else {
      name = `[static]${resource.name}.${func.name.name}`;
      kind = { kind: 'static', resource: id };
    }
    return this.resolveFunction(func.docs, func.attributes, name, func.func, kind);
  }

  private resolveFunction(
    docs: Ast.Docs,
    attrs: readonly Ast.Attribute[],
    name: string,
    sig: Ast.FuncSig,
    kind: FunctionKind,
  ): Func {
    const stability = stabilityOf(attrs, this.failer('WIT_INVALID'));
    const params: Param[] = [];
    // Parameter names are kebab-case: `foo` and `FOO` are the same name.
    const seen = new Set<string>();
    if (kind.kind === 'method') {
      const borrow: TypeDefKind = { kind: 'handle', handle: 'borrow', resource: kind.resource };
      params.push({
        name: 'self',
        type: this.anonType(borrow, this.inheritStability(borrow, { kind: 'unknown' }), sig.span),
      });
      seen.add('self');
    }
    for (const param of sig.params) {
      const type = this.resolveType(param.type, { kind: 'unknown' });
      if (seen.has(param.name.name.toLowerCase())) {
        this.fail('WIT_DUPLICATE', `param \`${param.name.name}\` is defined more than once`, param.name.span);
      }
      seen.add(param.name.name.toLowerCase());
      params.push({ name: param.name.name, type });
    }
    let result: Type | null = null;
    if (kind.kind === 'constructor') {
      result = sig.result === null ? kind.resource : this.resolveConstructorResult(kind.resource, sig.result);
    } else if (sig.result !== null) {
      result = this.resolveType(sig.result, { kind: 'unknown' });
    }
    return { name, kind, async: sig.async, params, result, docs, stability };
  }

  /** A constructor may declare `-> result<r, e>` where `r` is its own resource. */
  private resolveConstructorResult(resource: number, ref: Ast.TypeRef): Type {
    const result = this.resolveType(ref, { kind: 'unknown' });
    const def = typeof result === 'number' ? (this.types[result] as UTypeDef) : null;
    if (!def || def.kind.kind !== 'result') {
      this.fail('WIT_INVALID', 'if a constructor return type is declared it must be a `result`', ref.span);
    }
    if (def.kind.ok !== resource) {
      const okSpan = ref.kind === 'result' && ref.ok !== null ? ref.ok.span : ref.span;
      this.fail('WIT_INVALID', 'the `ok` type must be the resource being constructed', okSpan);
    }
    return result;
  }

  // ---------------------------------------------------------------- arenas

  private pushType(def: UTypeDef, span: Span): number {
    this.types.push(def);
    this.typeSpans.push(span);
    return this.types.length - 1;
  }

  private allocInterface(span: Span, name: string | null): number {
    this.interfaces.push({
      name,
      types: new Map(),
      functions: new Map(),
      docs: null,
      stability: { kind: 'unknown' },
    });
    this.interfaceSpans.push({ span, funcs: [] });
    this.interfaceNames.push(new Map());
    return this.interfaces.length - 1;
  }

  private allocWorld(span: Span, name: string): number {
    this.worlds.push({ name, imports: [], exports: [], includes: [], docs: null, stability: { kind: 'unknown' } });
    this.worldSpans.push(span);
    return this.worlds.length - 1;
  }

  private fail(code: WitErrorCode, detail: string, span: Span): never {
    throw WitError.at(code, detail, this.sources, span);
  }

  private failer(code: WitErrorCode): (detail: string, span: Span) => never {
    return (detail, span) => this.fail(code, detail, span);
  }
}

const MAP_KEYS: ReadonlySet<string> = new Set([
  'bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'char', 'string',
]);

function isTypeItem(item: Ast.InterfaceItem | Ast.WorldItem): item is Ast.UseDecl | Ast.TypeDecl {
  return (
    item.kind === 'use' ||
    item.kind === 'alias' ||
    item.kind === 'record' ||
    item.kind === 'variant' ||
    item.kind === 'enum' ||
    item.kind === 'flags' ||
    item.kind === 'resource'
  );
}

/** Where diagnostics about an import/export point: its name, or its path. */
function externSpan(extern: Ast.ExternItem): Span {
  return extern.kind === 'path' ? extern.path.span : extern.name.span;
}

/** The structural identity of an anonymous type, for interning. */
function anonKey(kind: TypeDefKind): string {
  return JSON.stringify(kind);
}

function collectDeclDeps(decl: Ast.TypeDecl, out: Ast.Id[]): void {
  switch (decl.kind) {
    case 'alias':
      collectRefDeps(decl.type, out);
      break;
    case 'record':
      for (const f of decl.fields) collectRefDeps(f.type, out);
      break;
    case 'variant':
      for (const c of decl.cases) if (c.type !== null) collectRefDeps(c.type, out);
      break;
    default:
      break;
  }
}

function collectRefDeps(ref: Ast.TypeRef, out: Ast.Id[]): void {
  switch (ref.kind) {
    case 'primitive':
      return;
    case 'named':
      out.push(ref.name);
      return;
    case 'own':
    case 'borrow':
      out.push(ref.resource);
      return;
    case 'list':
    case 'fixed-length-list':
      collectRefDeps(ref.element, out);
      return;
    case 'option':
      collectRefDeps(ref.type, out);
      return;
    case 'map':
      collectRefDeps(ref.key, out);
      collectRefDeps(ref.value, out);
      return;
    case 'tuple':
      for (const t of ref.types) collectRefDeps(t, out);
      return;
    case 'result':
      if (ref.ok !== null) collectRefDeps(ref.ok, out);
      if (ref.err !== null) collectRefDeps(ref.err, out);
      return;
    case 'future':
    case 'stream':
      if (ref.type !== null) collectRefDeps(ref.type, out);
      return;
  }
}
