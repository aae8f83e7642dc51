/**
 * Type and function resolution inside one package: turns type declarations
 * and use-site types into `TypeDefKind`s, interning anonymous types
 * (`list<u8>`, `borrow<r>`...) once per package in first-use order, and
 * builds functions (resource method names, implicit `self`, constructor
 * results). Names are looked up in `scope`, the namespace of the interface
 * or world being resolved, which `PackageBuilder` sets.
 */
import type * as Ast from './ast.js';
import { WitError, type WitErrorCode } from './errors.js';
import type { Func, FunctionKind, Param, Stability, Type, TypeDefKind } from './model.js';
import type { SourceMap, Span } from './source.js';
import { stabilityOf } from './resolve-stability.js';
import { emptyFixedList, firstCaseConflict, memberConflict, paramConflict } from './encodable.js';
import type { UTypeDef } from './resolve-unresolved.js';

/** An entry of an interface's (or world's) namespace. */
export type Named =
  | { readonly kind: 'type'; readonly id: number; readonly span: Span }
  | { readonly kind: 'function'; readonly span: Span };

export class PackageTypes {
  readonly types: UTypeDef[] = [];
  /** One span per type: its name, or where an anonymous type is written. */
  readonly typeSpans: Span[] = [];
  /** `unknown` (foreign) types used in handles: they must turn out to be resources. */
  readonly requiredResources: { id: number; span: Span }[] = [];
  /** Interned anonymous types of this package, by structure. */
  private readonly anonTypes = new Map<string, number>();
  /** The namespace of the interface or world being resolved. */
  scope = new Map<string, Named>();
  /**
   * What WIT resolution accepts but a component cannot hold (encodable.ts),
   * located, by message; reported only when a world using it is selected.
   */
  readonly encodingProblems = new Map<string, WitError>();

  constructor(private readonly sources: SourceMap) {}

  define(name: Ast.Id, entry: Named): void {
    if (this.scope.has(name.name)) {
      this.fail('WIT_DUPLICATE', `name \`${name.name}\` is defined more than once`, name.span);
    }
    this.scope.set(name.name, entry);
  }

  resolveTypeDecl(decl: Ast.TypeDecl, stability: Stability): TypeDefKind {
    switch (decl.kind) {
      case 'alias':
        return this.resolveTypeRefKind(decl.type, stability);
      case 'record':
        this.noteMemberConflict('field', decl.name.name, decl.fields);
        return {
          kind: 'record',
          fields: decl.fields.map((f) => ({ name: f.name.name, type: this.resolveType(f.type, stability), docs: f.docs })),
        };
      case 'variant':
        if (decl.cases.length === 0) this.fail('WIT_INVALID', 'empty variant', decl.span);
        this.noteMemberConflict('case', decl.name.name, decl.cases);
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
        this.noteMemberConflict('case', decl.name.name, decl.cases);
        return { kind: 'enum', cases: decl.cases.map((c) => ({ name: c.name.name, docs: c.docs })) };
      case 'flags':
        this.noteMemberConflict('flag', decl.name.name, decl.flags);
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

  /**
   * Member names (fields, cases, flags) are kebab-case, so a component needs
   * them unique regardless of letter case; wit-parser resolves duplicates all
   * the same, so the first one is only noted.
   */
  private noteMemberConflict(what: 'field' | 'case' | 'flag', owner: string, members: readonly { readonly name: Ast.Id }[]): void {
    const seen = new Map<string, string>();
    for (const { name } of members) {
      const previous = seen.get(name.name.toLowerCase());
      if (previous !== undefined) {
        this.noteProblem('WIT_DUPLICATE', memberConflict(what, owner, name.name, previous), name.span);
        return;
      }
      seen.set(name.name.toLowerCase(), name.name);
    }
  }

  private noteProblem(code: WitErrorCode, detail: string, span: Span): void {
    if (!this.encodingProblems.has(detail)) this.encodingProblems.set(detail, WitError.at(code, detail, this.sources, span));
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
        if (ref.length === 0) this.noteProblem('WIT_INVALID', emptyFixedList(), ref.span);
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

  resolveResourceFunc(func: Ast.ResourceFunc, resource: Ast.Id): Func {
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

  resolveFunction(
    docs: Ast.Docs,
    attrs: readonly Ast.Attribute[],
    name: string,
    sig: Ast.FuncSig,
    kind: FunctionKind,
  ): Func {
    const stability = stabilityOf(attrs, this.failer('WIT_INVALID'));
    const params: Param[] = [];
    // wit-parser rejects a parameter name written twice; `foo` and `FOO` only
    // conflict in a component (encodable.ts).
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
      if (seen.has(param.name.name)) {
        this.fail('WIT_DUPLICATE', `param \`${param.name.name}\` is defined more than once`, param.name.span);
      }
      const conflict = firstCaseConflict([...params.map((p) => p.name), param.name.name]);
      if (conflict) this.noteProblem('WIT_DUPLICATE', paramConflict(name, ...conflict), param.name.span);
      seen.add(param.name.name);
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

  pushType(def: UTypeDef, span: Span): number {
    this.types.push(def);
    this.typeSpans.push(span);
    return this.types.length - 1;
  }

  private fail(code: WitErrorCode, detail: string, span: Span): never {
    throw WitError.at(code, detail, this.sources, span);
  }

  failer(code: WitErrorCode): (detail: string, span: Span) => never {
    return (detail, span) => this.fail(code, detail, span);
  }
}

const MAP_KEYS: ReadonlySet<string> = new Set([
  'bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'char', 'string',
]);

function anonKey(kind: TypeDefKind): string {
  return JSON.stringify(kind);
}
