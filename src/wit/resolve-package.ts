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
import type { Func, PackageName, TypeOwner } from './model.js';
import { packageNameString } from './model.js';
import type { SourceMap, Span } from './source.js';
import { stabilityOf } from './resolve-stability.js';
import { toposort } from './resolve-toposort.js';
import { collectDeclDeps, externSpan, forEachPath, isTypeItem, type DeclItem, type DeclList } from './resolve-ast-walk.js';
import { PackageTypes, type Named } from './resolve-types.js';
import type {
  ForeignDep,
  UInterface,
  UnresolvedPackage,
  UWorld,
  UWorldEntry,
  UWorldItem,
  UWorldKey,
} from './resolve-unresolved.js';
import { worldKeyId } from './resolve-unresolved.js';

/** What a top-level name in a package or file refers to. */
type AstItem = { readonly kind: 'interface' | 'world'; readonly id: number };

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

  /** Types, anonymous-type interning and function resolution. */
  private readonly t: PackageTypes;
  private readonly interfaces: UInterface[] = [];
  private readonly interfaceSpans: { span: Span; funcs: Span[] }[] = [];
  /** Each interface's namespace once resolved (parallel to `interfaces`). */
  private readonly interfaceNames: Map<string, Named>[] = [];
  private readonly worlds: UWorld[] = [];
  private readonly worldSpans: Span[] = [];

  private readonly foreignDeps = new Map<string, ForeignDep>();
  private readonly foreignInterfaces = new Set<number>();

  /** Per file: the top-level names in scope (items of the package plus top-level `use`). */
  private readonly fileItems: Map<string, AstItem>[] = [];
  private readonly packageItems = new Map<string, AstItem>();
  private currentFile = 0;
  constructor(private readonly sources: SourceMap) {
    this.t = new PackageTypes(sources);
  }

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
      types: this.t.types,
      typeSpans: this.t.typeSpans,
      encodingProblems: this.t.encodingProblems,
      interfaces: this.interfaces,
      interfaceSpans: this.interfaceSpans,
      worlds: this.worlds,
      worldSpans: this.worldSpans,
      foreignDeps: this.foreignDeps,
      requiredResources: this.t.requiredResources,
    };
  }

  private populateForeignDeps(): void {
    for (const list of this.declLists) {
      for (const visit of forEachPath(list)) {
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
      for (const visit of forEachPath(list)) {
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
      for (const visit of forEachPath(list)) {
        if (!visit.names) continue;
        const stability = stabilityOf(visit.attrs, this.failer('WIT_INVALID'));
        const target = this.resolvePath(visit.path);
        const iface = this.expectInterface(target);
        if (!this.foreignInterfaces.has(iface)) continue;
        const names = this.interfaceNames[iface] as Map<string, Named>;
        for (const used of visit.names) {
          if (names.has(used.name.name)) continue;
          const id = this.t.pushType(
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
    for (const [name, entry] of this.t.scope) {
      if (entry.kind === 'type') iface.types.set(name, entry.id);
    }

    const funcs: Func[] = [];
    const spans = (this.interfaceSpans[id] as { funcs: Span[] }).funcs;
    for (const item of items) {
      if (item.kind === 'func') {
        this.t.define(item.name, { kind: 'function', span: item.name.span });
        funcs.push(
          this.t.resolveFunction(item.docs, item.attributes, item.name.name, item.func, { kind: 'freestanding' }),
        );
        spans.push(item.name.span);
      } else if (item.kind === 'resource') {
        for (const func of item.funcs) {
          funcs.push(this.t.resolveResourceFunc(func, item.name));
          spans.push(func.name.span);
        }
      }
    }
    for (const func of funcs) iface.functions.set(func.name, func);
    this.interfaceNames[id] = this.t.scope;
    this.t.scope = new Map();
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
    for (const [name, entry] of this.t.scope) {
      if (entry.kind !== 'type') continue;
      const key: UWorldKey = { kind: 'name', name };
      imports.set(worldKeyId(key), { key, item: { kind: 'type', id: entry.id }, span: entry.span });
    }

    const imported = new Set<number>();
    const exported = new Set<number>();
    for (const item of decl.items) {
      if (item.kind === 'resource') {
        for (const func of item.funcs) {
          const resolved = this.t.resolveResourceFunc(func, item.name);
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
    this.t.scope = new Map();
  }

  private resolveWorldItem(item: Ast.ImportExport): UWorldItem {
    const extern = item.item;
    switch (extern.kind) {
      case 'interface': {
        const outer = this.t.scope;
        this.t.scope = new Map();
        const id = this.allocInterface(extern.name.span, null);
        this.resolveInterface(id, extern.items, item.docs, item.attributes);
        this.t.scope = outer;
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
          func: this.t.resolveFunction(item.docs, item.attributes, extern.name.name, extern.func, {
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
      const kind = this.t.resolveTypeDecl(def, stability);
      const memberSpans =
        def.kind === 'record' ? def.fields.map((f) => f.span) : def.kind === 'variant' ? def.cases.map((c) => c.span) : undefined;
      const id = this.t.pushType({ name, kind, owner, docs: def.docs, stability, memberSpans }, def.name.span);
      this.t.define(def.name, { kind: 'type', id, span: def.name.span });
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
      const id = this.t.pushType(
        { name: local.name, kind: { kind: 'type', type: entry.id }, owner, docs: null, stability },
        name.name.span,
      );
      this.t.define(local, { kind: 'type', id, span: local.span });
    }
  }

  // ---------------------------------------------------------------- arenas

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
