/**
 * The WIT parser: turns one file's tokens into the AST of ast.ts.
 *
 * A hand-written recursive-descent parser over the flat token list from
 * lexer.ts. It checks syntax only (and identifier spelling); names, kinds,
 * duplicates and feature gates are the resolver's business, so for example
 * `type t = float32;` parses fine and fails later as an unknown type.
 * Every failure is a WitError pointing at the offending token (or at the end
 * of the file), with the shape "expected X, found Y".
 */
import type * as Ast from './ast.js';
import { WitError } from './errors.js';
import type { SourceMap, Span } from './source.js';
import { Tok, describeKind, isKeyword, tokenize, type TokenKind, type TokenStream } from './lexer.js';
import { kebabNameProblem, suggestKebabName } from './names.js';

/**
 * How deeply anonymous types (`list<list<...>>`, `option<tuple<...>>`...) may
 * nest: like wit-parser, a type (even a primitive one) inside this many
 * anonymous types is rejected, so `list<` may nest 99 times around `u8`. The
 * limit also keeps the recursive descent far away from the JavaScript stack
 * limit.
 */
export const MAX_TYPE_NESTING = 100;

/** Parses file `fileIndex` of `sources` into an AST. Throws WitError (code WIT_LEX or WIT_SYNTAX) located at the offending token. */
export function parseFile(sources: SourceMap, fileIndex: number): Ast.File {
  const source = sources.file(fileIndex);
  return new Parser(sources, fileIndex, tokenize(source.text)).parseFile();
}

const PRIMITIVES: ReadonlyMap<TokenKind, Ast.PrimitiveType> = new Map<TokenKind, Ast.PrimitiveType>([
  [Tok.Bool, 'bool'],
  [Tok.U8, 'u8'],
  [Tok.U16, 'u16'],
  [Tok.U32, 'u32'],
  [Tok.U64, 'u64'],
  [Tok.S8, 's8'],
  [Tok.S16, 's16'],
  [Tok.S32, 's32'],
  [Tok.S64, 's64'],
  [Tok.F32, 'f32'],
  [Tok.F64, 'f64'],
  [Tok.Char, 'char'],
  [Tok.String, 'string'],
  [Tok.ErrorContext, 'error-context'],
]);

/** Semver 2.0: numeric parts without leading zeros, dot-separated pre-release and build identifiers. */
const SEMVER =
  /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const U64_MAX = 18446744073709551615n;
const U32_MAX = 4294967295;

class Parser {
  private pos = 0;
  private typeDepth = 0;
  private readonly text: string;
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly last: number;

  constructor(
    private readonly sources: SourceMap,
    private readonly file: number,
    private readonly tokens: TokenStream,
  ) {
    this.text = tokens.text;
    this.kinds = tokens.kinds;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.last = tokens.count - 1;
  }

  // ---------------------------------------------------------------- files

  parseFile(): Ast.File {
    let pkg: Ast.PackageDecl | null = null;
    const first = this.pos;
    const firstDocs = this.docsBefore(first);
    if (this.peek() === Tok.Package) {
      // `package a:b;` declares this file's package; `package a:b { ... }`
      // is a nested package, an ordinary item parsed below. (Attributes
      // before a `package` are rejected by parseTopLevelItem.)
      this.pos++;
      const name = this.parsePackageName();
      if (this.eat(Tok.Semicolon)) {
        pkg = { docs: firstDocs, attributes: [], name, span: this.spanFrom(first) };
      } else {
        this.pos = first;
      }
    }
    const items: Ast.TopLevelItem[] = [];
    while (this.peek() !== Tok.Eof) {
      items.push(this.parseTopLevelItem(false, pkg === null && items.length === 0));
    }
    return { file: this.file, package: pkg, items };
  }

  /**
   * One item at the top of a file (`insideNested` false) or inside a
   * `package a:b { ... }` block. `mayDeclarePackage` is true for the first
   * item of a file without a package declaration, where `package a:b`
   * may still be followed by either `;` or `{`.
   */
  private parseTopLevelItem(insideNested: boolean, mayDeclarePackage: boolean): Ast.TopLevelItem {
    const start = this.pos;
    const docs = this.docsBefore(start);
    const attributes = this.parseAttributes();
    switch (this.peek()) {
      case Tok.Interface:
        return this.parseInterface(docs, attributes, start);
      case Tok.World:
        return this.parseWorld(docs, attributes, start);
      case Tok.Use:
        return this.parseTopLevelUse(docs, attributes, start);
      case Tok.Package: {
        const first = attributes[0];
        if (first) this.fail('WIT_SYNTAX', 'attributes are not allowed on packages', first.span);
        if (insideNested) {
          this.pos++;
          const name = this.parsePackageName();
          this.fail(
            'WIT_SYNTAX',
            'nested packages must be placed at the top level of a file, not inside another package',
            name.span,
          );
        }
        return this.parseNestedPackage(docs, start, mayDeclarePackage);
      }
      default:
        return this.failExpected(
          insideNested
            ? '`interface`, `world`, `use` or `}`'
            : '`interface`, `world`, `use` or `package`',
        );
    }
  }

  private parseNestedPackage(docs: Ast.Docs, start: number, mayDeclarePackage: boolean): Ast.NestedPackage {
    this.expect(Tok.Package);
    const name = this.parsePackageName();
    if (this.peek() !== Tok.LeftBrace) {
      if (mayDeclarePackage) this.failExpected('`;` or `{`');
      this.failExpected(
        '`{`',
        'only the first `package` of a file may end with `;`; later packages need a `{ ... }` body',
      );
    }
    this.pos++;
    const items: Ast.NestedPackage['items'][number][] = [];
    while (!this.eat(Tok.RightBrace)) {
      const item = this.parseTopLevelItem(true, false);
      // parseTopLevelItem rejects packages inside packages.
      if (item.kind !== 'package') items.push(item);
    }
    return { kind: 'package', docs, attributes: [], name, items, span: this.spanFrom(start) };
  }

  private parsePackageName(): Ast.PackageName {
    const namespace = this.parseId();
    this.expect(Tok.Colon, '`:` between package namespace and name');
    const name = this.parseId();
    const version = this.eat(Tok.At) ? this.parseVersion() : null;
    const end = version ? version.span.end : name.span.end;
    return { namespace, name, version, span: { file: this.file, start: namespace.span.start, end } };
  }

  private parseTopLevelUse(docs: Ast.Docs, attributes: Ast.Attribute[], start: number): Ast.TopLevelUse {
    this.expect(Tok.Use);
    const path = this.parseUsePath();
    const as = this.eat(Tok.As) ? this.parseId() : null;
    this.expect(Tok.Semicolon, as ? '`;`' : '`as` or `;`');
    return { kind: 'use', docs, attributes, path, as, span: this.spanFrom(start) };
  }

  /** `foo` or `ns:pkg/foo@1.2.3`. */
  private parseUsePath(): Ast.UsePath {
    const first = this.parseId();
    if (!this.eat(Tok.Colon)) return { kind: 'local', name: first, span: first.span };
    const pkgName = this.parseId();
    this.expect(Tok.Slash, '`/` and an interface or world name after the package name');
    const name = this.parseId();
    const version = this.eat(Tok.At) ? this.parseVersion() : null;
    const pkg: Ast.PackageName = {
      namespace: first,
      name: pkgName,
      version,
      span: { file: this.file, start: first.span.start, end: pkgName.span.end },
    };
    return { kind: 'package', package: pkg, name, span: this.spanFrom(first.span.start, true) };
  }

  // ----------------------------------------------------------- interfaces

  private parseInterface(docs: Ast.Docs, attributes: Ast.Attribute[], start: number): Ast.InterfaceDecl {
    this.expect(Tok.Interface);
    const name = this.parseId();
    const items = this.parseInterfaceBody();
    return { kind: 'interface', docs, attributes, name, items, span: this.spanFrom(start) };
  }

  /** `{ item* }` of an interface, also used by `import x: interface { ... }`. */
  private parseInterfaceBody(): Ast.InterfaceItem[] {
    this.expect(Tok.LeftBrace);
    return this.parseItemsUntilBrace((docs, attributes, start) => this.parseInterfaceItem(docs, attributes, start));
  }

  /**
   * Items up to the closing `}` (the `{` is already consumed), each handed the
   * docs and attributes written before it and the token index it starts at.
   */
  private parseItemsUntilBrace<T>(parseItem: (docs: Ast.Docs, attributes: Ast.Attribute[], start: number) => T): T[] {
    const items: T[] = [];
    for (;;) {
      const start = this.pos;
      if (this.eat(Tok.RightBrace)) return items;
      const docs = this.docsBefore(start);
      const attributes = this.parseAttributes();
      items.push(parseItem(docs, attributes, start));
    }
  }

  private parseInterfaceItem(docs: Ast.Docs, attributes: Ast.Attribute[], start: number): Ast.InterfaceItem {
    switch (this.peek()) {
      case Tok.Type:
      case Tok.Record:
      case Tok.Variant:
      case Tok.Enum:
      case Tok.Flags:
      case Tok.Resource:
        return this.parseTypeDecl(docs, attributes, start);
      case Tok.Use:
        return this.parseUse(docs, attributes, start);
      case Tok.Id:
      case Tok.ExplicitId: {
        const name = this.parseId();
        this.expect(Tok.Colon, '`:` and a function type after the function name');
        const func = this.parseFuncSig();
        this.expect(Tok.Semicolon);
        return { kind: 'func', docs, attributes, name, func, span: this.spanFrom(start) };
      }
      default:
        return this.failExpected(
          attributes.length > 0
            ? 'a type definition, `use` or a function after the attributes'
            : 'a type definition (`type`, `record`, `variant`, `enum`, `flags`, `resource`), `use`, a function or `}`',
          this.peek() === Tok.Func || this.peek() === Tok.Async ? 'functions are written `name: func(...)`' : undefined,
        );
    }
  }

  /** `use path.{a, b as c};` inside an interface or world. */
  private parseUse(docs: Ast.Docs, attributes: Ast.Attribute[], start: number): Ast.UseDecl {
    this.expect(Tok.Use);
    const path = this.parseUsePath();
    this.expect(Tok.Period, '`.{` and the names to import');
    this.expect(Tok.LeftBrace, '`{` and the names to import');
    const names: Ast.UseName[] = [];
    while (!this.eat(Tok.RightBrace)) {
      const name = this.parseId();
      const as = this.eat(Tok.As) ? this.parseId() : null;
      names.push({ name, as });
      if (!this.eat(Tok.Comma)) {
        this.expect(Tok.RightBrace, as ? '`,` or `}`' : '`as`, `,` or `}`');
        break;
      }
    }
    this.expect(Tok.Semicolon);
    return { kind: 'use', docs, attributes, path, names, span: this.spanFrom(start) };
  }

  // ------------------------------------------------------------ functions

  /** `async? func(params) (-> type)?` */
  private parseFuncSig(): Ast.FuncSig {
    const start = this.pos;
    const isAsync = this.eat(Tok.Async);
    this.expect(Tok.Func, isAsync ? 'keyword `func`' : 'keyword `func` or `async func`');
    const params = this.parseParams();
    const result = this.eat(Tok.Arrow) ? this.parseResultType() : null;
    return { async: isAsync, params, result, span: this.spanFrom(start) };
  }

  private parseParams(): Ast.Param[] {
    this.expect(Tok.LeftParen);
    return this.parseListTrailer(Tok.RightParen, () => {
      const name = this.parseId();
      this.expect(Tok.Colon, '`:` and a type after the parameter name');
      return { name, type: this.parseType() };
    });
  }

  /** The type after `->`, with a hint for the removed named-results syntax. */
  private parseResultType(): Ast.TypeRef {
    if (this.peek() === Tok.LeftParen) {
      this.failExpected('a type', 'a function returns at most one type; `-> (a: T, b: U)` is no longer WIT');
    }
    return this.parseType();
  }

  // ---------------------------------------------------------------- types

  private parseTypeDecl(docs: Ast.Docs, attributes: Ast.Attribute[], start: number): Ast.TypeDecl {
    const keyword = this.peek();
    this.pos++;
    const name = this.parseId();
    switch (keyword) {
      case Tok.Type: {
        this.expect(Tok.Equals, '`=` and a type');
        const type = this.parseType();
        this.expect(Tok.Semicolon);
        return { kind: 'alias', docs, attributes, name, type, span: this.spanFrom(start) };
      }
      case Tok.Record: {
        this.expect(Tok.LeftBrace);
        const fields = this.parseListTrailer(Tok.RightBrace, (fieldDocs, fieldStart) => {
          const fieldName = this.parseId();
          this.expect(Tok.Colon, '`:` and a type after the field name');
          const type = this.parseType();
          return { docs: fieldDocs, attributes: [], name: fieldName, type, span: this.spanFrom(fieldStart) };
        });
        return { kind: 'record', docs, attributes, name, fields, span: this.spanFrom(start) };
      }
      case Tok.Variant: {
        this.expect(Tok.LeftBrace);
        const cases = this.parseListTrailer(Tok.RightBrace, (caseDocs, caseStart) => {
          const caseName = this.parseId();
          let type: Ast.TypeRef | null = null;
          if (this.eat(Tok.LeftParen)) {
            type = this.parseType();
            this.expect(Tok.RightParen);
          }
          return { docs: caseDocs, attributes: [], name: caseName, type, span: this.spanFrom(caseStart) };
        });
        return { kind: 'variant', docs, attributes, name, cases, span: this.spanFrom(start) };
      }
      case Tok.Enum:
      case Tok.Flags: {
        this.expect(Tok.LeftBrace);
        const members = this.parseListTrailer(Tok.RightBrace, (memberDocs, memberStart) => {
          const memberName = this.parseId();
          return { docs: memberDocs, attributes: [], name: memberName, span: this.spanFrom(memberStart) };
        });
        return keyword === Tok.Enum
          ? { kind: 'enum', docs, attributes, name, cases: members, span: this.spanFrom(start) }
          : { kind: 'flags', docs, attributes, name, flags: members, span: this.spanFrom(start) };
      }
      default: {
        // Tok.Resource: `resource r;` or `resource r { funcs }`.
        let funcs: Ast.ResourceFunc[] = [];
        if (this.peek() !== Tok.LeftBrace) {
          this.expect(Tok.Semicolon, '`;` or `{`');
        } else {
          this.pos++;
          funcs = this.parseItemsUntilBrace((d, a, s) => this.parseResourceFunc(d, a, s));
        }
        return { kind: 'resource', docs, attributes, name, funcs, span: this.spanFrom(start) };
      }
    }
  }

  private parseResourceFunc(docs: Ast.Docs, attributes: Ast.Attribute[], start: number): Ast.ResourceFunc {
    const kind = this.peek();
    if (kind === Tok.Constructor) {
      const keyword = this.pos++;
      const name: Ast.Id = { name: 'constructor', span: this.tokenSpan(keyword) };
      const params = this.parseParams();
      const result = this.eat(Tok.Arrow) ? this.parseResultType() : null;
      const func: Ast.FuncSig = { async: false, params, result, span: this.spanFrom(keyword) };
      this.expect(Tok.Semicolon);
      return { kind: 'constructor', docs, attributes, name, func, span: this.spanFrom(start) };
    }
    if (kind === Tok.Id || kind === Tok.ExplicitId) {
      const name = this.parseId();
      this.expect(Tok.Colon, '`:` and a function type after the method name');
      const isStatic = this.eat(Tok.Static);
      const func = this.parseFuncSig();
      this.expect(Tok.Semicolon);
      return { kind: isStatic ? 'static' : 'method', docs, attributes, name, func, span: this.spanFrom(start) };
    }
    return this.failExpected('`constructor`, a method name or `}`');
  }

  /** A type at a use site. */
  private parseType(): Ast.TypeRef {
    const first = this.pos;
    const kind = this.peek();
    if (this.typeDepth >= MAX_TYPE_NESTING) {
      this.fail(
        'WIT_SYNTAX',
        `type nesting too deep: a type may sit inside at most ${MAX_TYPE_NESTING - 1} anonymous types`,
        this.tokenSpan(first),
      );
    }
    const primitive = PRIMITIVES.get(kind);
    if (primitive !== undefined) {
      this.pos++;
      return { kind: 'primitive', name: primitive, span: this.tokenSpan(first) };
    }
    if (kind === Tok.Id || kind === Tok.ExplicitId) {
      const name = this.parseId();
      return { kind: 'named', name, span: name.span };
    }
    switch (kind) {
      case Tok.Own:
      case Tok.Borrow: {
        this.pos++;
        this.expect(Tok.LessThan);
        const resource = this.parseId();
        this.expect(Tok.GreaterThan);
        return { kind: kind === Tok.Own ? 'own' : 'borrow', resource, span: this.spanFrom(first) };
      }
      case Tok.List:
      case Tok.Map:
      case Tok.Tuple:
      case Tok.Option:
      case Tok.Result:
      case Tok.Future:
      case Tok.Stream: {
        this.typeDepth++;
        this.pos++;
        const type = this.parseCompoundType(kind, first);
        this.typeDepth--;
        return type;
      }
      default:
        return this.failExpected('a type');
    }
  }

  /** The `<...>` part of list/map/tuple/option/result/future/stream; the keyword is consumed. */
  private parseCompoundType(kind: TokenKind, first: number): Ast.TypeRef {
    switch (kind) {
      case Tok.List: {
        this.expect(Tok.LessThan);
        const element = this.parseType();
        if (this.eat(Tok.Comma)) {
          const length = this.parseFixedLength();
          this.expect(Tok.GreaterThan);
          return { kind: 'fixed-length-list', element, length, span: this.spanFrom(first) };
        }
        this.expect(Tok.GreaterThan, '`>` or `,` and a fixed length');
        return { kind: 'list', element, span: this.spanFrom(first) };
      }
      case Tok.Map: {
        this.expect(Tok.LessThan);
        const key = this.parseType();
        this.expect(Tok.Comma, '`,` and the value type');
        const value = this.parseType();
        this.expect(Tok.GreaterThan);
        return { kind: 'map', key, value, span: this.spanFrom(first) };
      }
      case Tok.Tuple: {
        this.expect(Tok.LessThan);
        const types = this.parseListTrailer(Tok.GreaterThan, () => this.parseType());
        return { kind: 'tuple', types, span: this.spanFrom(first) };
      }
      case Tok.Option: {
        this.expect(Tok.LessThan);
        const type = this.parseType();
        this.expect(Tok.GreaterThan);
        return { kind: 'option', type, span: this.spanFrom(first) };
      }
      case Tok.Result: {
        let ok: Ast.TypeRef | null = null;
        let err: Ast.TypeRef | null = null;
        if (this.eat(Tok.LessThan)) {
          if (this.eat(Tok.Underscore)) {
            this.expect(Tok.Comma, '`,` and an error type after `_`');
            err = this.parseType();
          } else {
            ok = this.parseType();
            if (this.eat(Tok.Comma)) err = this.parseType();
          }
          this.expect(Tok.GreaterThan);
        }
        return { kind: 'result', ok, err, span: this.spanFrom(first) };
      }
      default: {
        // Tok.Future or Tok.Stream, each with an optional payload type.
        let type: Ast.TypeRef | null = null;
        if (this.eat(Tok.LessThan)) {
          type = this.parseType();
          this.expect(Tok.GreaterThan);
        }
        return { kind: kind === Tok.Future ? 'future' : 'stream', type, span: this.spanFrom(first) };
      }
    }
  }

  /** The `N` of `list<T, N>`: an integer that fits in a u32 (0 resolves, but no component can hold it: encodable.ts). */
  private parseFixedLength(): number {
    if (this.peek() !== Tok.Integer) this.failExpected('a fixed length (a positive integer)');
    const at = this.pos++;
    const digits = this.text.slice(this.starts[at], this.ends[at]);
    const value = Number(digits);
    if (value > U32_MAX) {
      this.fail('WIT_SYNTAX', `fixed length \`${digits}\` does not fit in 32 bits`, this.tokenSpan(at));
    }
    return value;
  }

  // --------------------------------------------------------------- worlds

  private parseWorld(docs: Ast.Docs, attributes: Ast.Attribute[], start: number): Ast.WorldDecl {
    this.expect(Tok.World);
    const name = this.parseId();
    this.expect(Tok.LeftBrace);
    const items = this.parseItemsUntilBrace((d, a, s) => this.parseWorldItem(d, a, s));
    return { kind: 'world', docs, attributes, name, items, span: this.spanFrom(start) };
  }

  private parseWorldItem(docs: Ast.Docs, attributes: Ast.Attribute[], start: number): Ast.WorldItem {
    switch (this.peek()) {
      case Tok.Import:
      case Tok.Export: {
        const kind = this.peek() === Tok.Import ? 'import' : 'export';
        this.pos++;
        const item = this.parseExternItem();
        return { kind, docs, attributes, item, span: this.spanFrom(start) };
      }
      case Tok.Use:
        return this.parseUse(docs, attributes, start);
      case Tok.Type:
      case Tok.Record:
      case Tok.Variant:
      case Tok.Enum:
      case Tok.Flags:
      case Tok.Resource:
        return this.parseTypeDecl(docs, attributes, start);
      case Tok.Include:
        return this.parseInclude(docs, attributes, start);
      default: {
        const kind = this.peek();
        const functionHere = (kind === Tok.Id || kind === Tok.ExplicitId) && this.kindAt(this.pos + 1) === Tok.Colon;
        return this.failExpected(
          attributes.length > 0
            ? '`import`, `export`, `include`, `use` or a type definition after the attributes'
            : '`import`, `export`, `include`, `use`, a type definition or `}`',
          functionHere ? 'a world holds functions as `import name: func(...);` or `export name: func(...);`' : undefined,
        );
      }
    }
  }

  /** What follows `import` / `export`. */
  private parseExternItem(): Ast.ExternItem {
    const head = this.peek();
    if ((head === Tok.Id || head === Tok.ExplicitId) && this.kindAt(this.pos + 1) === Tok.Colon) {
      const third = this.kindAt(this.pos + 2);
      if (third === Tok.Func || third === Tok.Async) {
        const name = this.parseId();
        this.pos++;
        const func = this.parseFuncSig();
        this.expect(Tok.Semicolon);
        return { kind: 'func', name, func };
      }
      if (third === Tok.Interface) {
        const start = this.pos;
        const name = this.parseId();
        this.pos += 2; // `:` and `interface`
        const items = this.parseInterfaceBody();
        return { kind: 'interface', name, items, span: this.spanFrom(start) };
      }
      // `name: iface;` or `name: ns:pkg/iface;` (an interface under a plain
      // name), as opposed to `ns:pkg/iface;` whose `:` separates the package.
      if ((third === Tok.Id || third === Tok.ExplicitId) && this.kindAt(this.pos + 3) !== Tok.Slash) {
        const name = this.parseId();
        this.pos++;
        const path = this.parseUsePath();
        this.expect(Tok.Semicolon);
        return { kind: 'named-path', name, path };
      }
    }
    const path = this.parseUsePath();
    this.expect(Tok.Semicolon);
    return { kind: 'path', path };
  }

  private parseInclude(docs: Ast.Docs, attributes: Ast.Attribute[], start: number): Ast.IncludeDecl {
    this.expect(Tok.Include);
    const path = this.parseUsePath();
    let renames: { from: Ast.Id; to: Ast.Id }[] = [];
    if (this.eat(Tok.With)) {
      this.expect(Tok.LeftBrace);
      renames = this.parseListTrailer(Tok.RightBrace, () => {
        const from = this.parseId();
        this.expect(Tok.As, 'keyword `as` and the new name');
        const to = this.parseId();
        return { from, to };
      });
      // The item ends at the `}`, as wit-parser reads it: WIT.md's example
      // writes `};`, but wasm-tools rejects that `;` as a stray world item.
    } else {
      this.expect(Tok.Semicolon, '`;` or `with`');
    }
    return { kind: 'include', docs, attributes, path, with: renames, span: this.spanFrom(start) };
  }

  // ----------------------------------------------------------- attributes

  /** `@since(version = 1.2.3)`, `@unstable(feature = x)`, `@deprecated(version = 1.2.3)`, repeated. */
  private parseAttributes(): Ast.Attribute[] {
    const attributes: Ast.Attribute[] = [];
    while (this.peek() === Tok.At) {
      const start = this.pos++;
      const name = this.parseId();
      switch (name.name) {
        case 'since':
        case 'deprecated': {
          this.expect(Tok.LeftParen);
          this.expectWord('version');
          this.expect(Tok.Equals);
          const version = this.parseVersion();
          this.expect(Tok.RightParen);
          attributes.push({ kind: name.name, version: version.text, span: this.spanFrom(start) });
          break;
        }
        case 'unstable': {
          this.expect(Tok.LeftParen);
          this.expectWord('feature');
          this.expect(Tok.Equals);
          const feature = this.parseId();
          this.expect(Tok.RightParen);
          attributes.push({ kind: 'unstable', feature, span: this.spanFrom(start) });
          break;
        }
        default:
          this.fail(
            'WIT_SYNTAX',
            `unknown attribute \`@${name.name}\`; expected \`@since\`, \`@unstable\` or \`@deprecated\``,
            this.spanFrom(start),
          );
      }
    }
    return attributes;
  }

  /** A specific word used as an attribute argument name (`version`, `feature`). */
  private expectWord(word: string): void {
    const kind = this.peek();
    if (kind !== Tok.Id && kind !== Tok.ExplicitId) this.failExpected(`\`${word}\``);
    const found = this.parseId();
    if (found.name !== word) this.fail('WIT_SYNTAX', `expected \`${word}\`, found \`${found.name}\``, found.span);
  }

  /**
   * A semver version after `@` or `version =`, read from tokens the way
   * wit-parser reads it: `MAJOR.MINOR.PATCH` as three integers, then an
   * optional `-` and an optional `+`, each followed by a run of identifier,
   * integer and `-` tokens, where a `.` joins the run only when one of
   * those follows it (so `use a:b/c@1.2.3.{x}` keeps its `.`). The text from
   * the first to the last token taken is then checked against semver, so
   * whitespace or comments inside it make it invalid, while a `-` or `+`
   * with nothing after it is taken and adds nothing (`1.0.0-` is `1.0.0`).
   */
  private parseVersion(): Ast.Version {
    if (this.peek() !== Tok.Integer) this.failExpected('a semver version such as `1.2.3`');
    const start = this.starts[this.pos] ?? 0;
    this.expect(Tok.Integer, 'a semver version such as `1.2.3`');
    this.expect(Tok.Period);
    this.expect(Tok.Integer, 'an integer');
    this.expect(Tok.Period);
    let end = this.ends[this.expect(Tok.Integer, 'an integer')] ?? start;
    end = this.eatVersionPart(Tok.Minus, end);
    end = this.eatVersionPart(Tok.Plus, end);
    const span: Span = { file: this.file, start, end };
    const version = this.text.slice(start, end);
    const match = SEMVER.exec(version);
    if (!match) {
      this.fail(
        'WIT_SYNTAX',
        `invalid semver version \`${version}\`: expected \`MAJOR.MINOR.PATCH\` with optional \`-pre.release\` and \`+build\` parts, numbers without leading zeros`,
        span,
      );
    }
    for (const part of match.slice(1, 4)) {
      if (part !== undefined && BigInt(part) > U64_MAX) {
        this.fail('WIT_SYNTAX', `version number \`${part}\` in \`${version}\` does not fit in 64 bits`, span);
      }
    }
    return { text: version, span };
  }

  /** After `prefix` (`-` or `+`), the run of version tokens; returns where the version now ends. */
  private eatVersionPart(prefix: TokenKind, end: number): number {
    if (!this.eat(prefix)) return end;
    const isPart = (kind: TokenKind | undefined): boolean =>
      kind === Tok.Id || kind === Tok.Integer || kind === Tok.Minus;
    for (;;) {
      const kind = this.peek();
      if (isPart(kind)) {
        end = this.ends[this.pos] ?? end;
        this.pos++;
      } else if (kind === Tok.Period && this.pos < this.last && isPart(this.kindAt(this.pos + 1))) {
        end = this.ends[this.pos + 1] ?? end;
        this.pos += 2;
      } else {
        return end;
      }
    }
  }

  // ---------------------------------------------------------- identifiers

  private parseId(): Ast.Id {
    const kind = this.peek();
    if (kind !== Tok.Id && kind !== Tok.ExplicitId) {
      if (isKeyword(kind)) {
        const word = this.tokenText(this.pos);
        this.failExpected('an identifier', `write \`%${word}\` to use a keyword as a name`);
      }
      this.failExpected('an identifier');
    }
    const at = this.pos++;
    const raw = this.tokenText(at);
    const name = kind === Tok.ExplicitId ? raw.slice(1) : raw;
    const problem = kebabNameProblem(name);
    if (problem !== null) {
      const suggestion = suggestKebabName(name);
      const hint = suggestion === null ? '' : ` (did you mean \`${suggestion}\`?)`;
      this.fail('WIT_LEX', `invalid identifier \`${raw}\`: ${problem}${hint}`, this.tokenSpan(at));
    }
    return { name, span: this.tokenSpan(at) };
  }

  // ---------------------------------------------------------------- lists

  /**
   * Items separated by `,` up to `end`, trailing comma allowed. `item` gets
   * the doc comments before the item and its first token index.
   */
  private parseListTrailer<T>(end: TokenKind, item: (docs: Ast.Docs, start: number) => T): T[] {
    const items: T[] = [];
    for (;;) {
      const start = this.pos;
      if (this.eat(end)) break;
      items.push(item(this.docsBefore(start), start));
      if (!this.eat(Tok.Comma)) {
        this.expect(end, `\`,\` or ${describeKind(end)}`);
        break;
      }
    }
    return items;
  }

  // ---------------------------------------------------------------- docs

  /** Doc text of the comments between token `index - 1` and token `index`. */
  private docsBefore(index: number): Ast.Docs {
    const { commentsBefore, commentStarts, commentEnds } = this.tokens;
    const from = index > 0 ? (commentsBefore[index - 1] ?? 0) : 0;
    const to = commentsBefore[index] ?? from;
    if (from === to) return null;
    const comments: string[] = [];
    for (let c = from; c < to; c++) comments.push(this.text.slice(commentStarts[c], commentEnds[c]));
    return docsText(comments);
  }

  // --------------------------------------------------------------- tokens

  /** Kind of the current token; reaching a lexing problem reports it. */
  private peek(): TokenKind {
    return this.kindAt(this.pos);
  }

  private kindAt(index: number): TokenKind {
    const at = Math.min(index, this.last);
    const kind = (this.kinds[at] ?? Tok.Eof) as TokenKind;
    if (kind === Tok.Error) {
      const problem = this.tokens.problem;
      this.fail('WIT_LEX', problem?.detail ?? 'invalid token', this.tokenSpan(at));
    }
    return kind;
  }

  private eat(kind: TokenKind): boolean {
    if (this.peek() !== kind) return false;
    this.pos++;
    return true;
  }

  private expect(kind: TokenKind, expected: string = describeKind(kind)): number {
    if (this.peek() !== kind) this.failExpected(expected);
    return this.pos++;
  }

  private tokenText(index: number): string {
    return this.text.slice(this.starts[index], this.ends[index]);
  }

  private tokenSpan(index: number): Span {
    const at = Math.min(index, this.last);
    return { file: this.file, start: this.starts[at] ?? 0, end: this.ends[at] ?? 0 };
  }

  /**
   * Span from token `start` (or from offset `start` when `isOffset`) to the
   * end of the last consumed token.
   */
  private spanFrom(start: number, isOffset = false): Span {
    const from = isOffset ? start : (this.starts[start] ?? 0);
    const end = this.pos > 0 ? (this.ends[this.pos - 1] ?? from) : from;
    return { file: this.file, start: from, end: Math.max(from, end) };
  }

  /** How the current token is named in "found ..." messages. */
  private describeToken(index: number): string {
    const kind = (this.kinds[index] ?? Tok.Eof) as TokenKind;
    switch (kind) {
      case Tok.Id:
        return `identifier \`${this.tokenText(index)}\``;
      case Tok.ExplicitId:
        return `identifier \`${this.tokenText(index)}\``;
      case Tok.Integer:
        return `integer \`${this.tokenText(index)}\``;
      default:
        return describeKind(kind);
    }
  }

  private failExpected(expected: string, hint?: string): never {
    const found = this.describeToken(this.pos);
    const detail = `expected ${expected}, found ${found}${hint ? ` (${hint})` : ''}`;
    return this.fail('WIT_SYNTAX', detail, this.tokenSpan(this.pos));
  }

  private fail(code: 'WIT_LEX' | 'WIT_SYNTAX', detail: string, span: Span): never {
    throw WitError.at(code, detail, this.sources, span);
  }
}

/**
 * The documentation text of the comments before an item, computed the way
 * wit-parser does so that `docs` match its Resolve JSON:
 * - `/** x *\/` contributes `x`; any other comment loses its leading `/`s
 *   (so plain `//` comments count as docs too, and `/* x *\/` gives `* x *\/`);
 * - trailing whitespace is dropped from each comment;
 * - the smallest indentation among non-empty comments is removed from all;
 * - comments are joined with newlines, trailing newlines removed.
 * Returns null when there are no comments at all.
 */
export function docsText(comments: readonly string[]): string | null {
  if (comments.length === 0) return null;
  const bodies = comments.map((comment) => {
    let body: string;
    if (comment.startsWith('/**')) {
      body = comment.length >= 5 && comment.endsWith('*/') ? comment.slice(3, -2) : '';
    } else {
      let i = 0;
      while (i < comment.length && comment.charCodeAt(i) === 0x2f) i++;
      body = comment.slice(i);
    }
    return trimEndWhitespace(body);
  });
  let indent = Infinity;
  for (const body of bodies) {
    if (body.length === 0) continue;
    let n = 0;
    while (n < body.length && isAsciiWhitespace(body.charCodeAt(n))) n++;
    indent = Math.min(indent, n);
  }
  const prefix = indent !== Infinity && indent > 0 ? ' '.repeat(indent) : '';
  let out = '';
  for (let body of bodies) {
    if (prefix && body.startsWith(prefix)) body = body.slice(prefix.length);
    if (body.length === 0) {
      out += '\n';
      continue;
    }
    for (const line of body.split('\n')) {
      out += (line.endsWith('\r') ? line.slice(0, -1) : line) + '\n';
    }
  }
  let end = out.length;
  while (end > 0 && out.charCodeAt(end - 1) === 0x0a) end--;
  return out.slice(0, end);
}

function isAsciiWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/** Unicode White_Space (what Rust's `trim_end` removes). */
function isUnicodeWhitespace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function trimEndWhitespace(text: string): string {
  let end = text.length;
  while (end > 0 && isUnicodeWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}
