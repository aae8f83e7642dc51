/**
 * Walks over the WIT AST that the resolver needs in more than one place:
 * the paths naming interfaces and worlds (in wit-parser's visiting order)
 * and the names a type declaration depends on.
 */
import type * as Ast from './ast.js';
import type { Span } from './source.js';

export type DeclItem = Ast.InterfaceDecl | Ast.WorldDecl | Ast.TopLevelUse;

/** The top-level declarations of one file (or one nested package block). */
export interface DeclList {
  readonly file: number;
  readonly items: readonly DeclItem[];
}

/** One `use`/`import`/`include` path as visited by `forEachPath`. */
export interface PathVisit {
  /** The interface (for `use`) or world (for `include`) that depends on the path. */
  readonly owner: Ast.Id | null;
  readonly attrs: readonly Ast.Attribute[];
  readonly path: Ast.UsePath;
  readonly names: readonly Ast.UseName[] | null;
  readonly target: 'interface' | 'world';
}

/**
 * Visits every path that names an interface or world, in wit-parser's
 * order: per item, world `use`/`include` in place, then the world's
 * imports, then its exports.
 */
export function* forEachPath(list: DeclList): Generator<PathVisit> {
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

export function isTypeItem(item: Ast.InterfaceItem | Ast.WorldItem): item is Ast.UseDecl | Ast.TypeDecl {
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
export function externSpan(extern: Ast.ExternItem): Span {
  return extern.kind === 'path' ? extern.path.span : extern.name.span;
}

/** The structural identity of an anonymous type, for interning. */

export function collectDeclDeps(decl: Ast.TypeDecl, out: Ast.Id[]): void {
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
