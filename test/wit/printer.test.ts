import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WitError } from '../../src/wit/errors.js';
import { loadWitAsync, loadWitText, type LoadedWit } from '../../src/wit/load.js';
import { escapeName, printPackages } from '../../src/wit/printer.js';
import { canonicalPackages } from './canonical.js';
import { WasmTools } from './wasm-tools.js';
import type {
  Func,
  FunctionKind,
  Interface,
  InterfaceId,
  Package,
  PackageId,
  Resolve,
  Stability,
  Type,
  TypeDefKind,
  TypeId,
  TypeOwner,
  World,
  WorldEntry,
} from '../../src/wit/model.js';

const unknown: Stability = { kind: 'unknown' };

/** Builds a `Resolve` by hand, the way the resolver would, for printer unit tests. */
class ResolveBuilder {
  readonly resolve: Resolve = { worlds: [], interfaces: [], types: [], packages: [] };

  pkg(namespace: string, name: string, version: string | null = null, docs: string | null = null): PackageId {
    const pkg: Package = { name: { namespace, name, version }, docs, interfaces: new Map(), worlds: new Map() };
    this.resolve.packages.push(pkg);
    return this.resolve.packages.length - 1;
  }

  iface(pkg: PackageId | null, name: string | null, opts: { docs?: string; stability?: Stability } = {}): InterfaceId {
    const iface: Interface = {
      name,
      types: new Map(),
      functions: new Map(),
      docs: opts.docs ?? null,
      stability: opts.stability ?? unknown,
      package: pkg,
    };
    this.resolve.interfaces.push(iface);
    const id = this.resolve.interfaces.length - 1;
    if (pkg !== null && name !== null) this.resolve.packages[pkg]!.interfaces.set(name, id);
    return id;
  }

  type(
    owner: TypeOwner,
    name: string | null,
    kind: TypeDefKind,
    opts: { docs?: string; stability?: Stability } = {},
  ): TypeId {
    this.resolve.types.push({ name, kind, owner, docs: opts.docs ?? null, stability: opts.stability ?? unknown });
    const id = this.resolve.types.length - 1;
    if (name !== null && owner.kind === 'interface') this.resolve.interfaces[owner.id]!.types.set(name, id);
    return id;
  }

  func(
    name: string,
    params: [string, Type][],
    result: Type | null,
    opts: { kind?: FunctionKind; docs?: string; stability?: Stability; async?: boolean } = {},
  ): Func {
    return {
      name,
      kind: opts.kind ?? { kind: 'freestanding' },
      async: opts.async ?? false,
      params: params.map(([n, type]) => ({ name: n, type })),
      result,
      docs: opts.docs ?? null,
      stability: opts.stability ?? unknown,
    };
  }

  addFunc(iface: InterfaceId, func: Func): void {
    this.resolve.interfaces[iface]!.functions.set(func.name, func);
  }

  world(
    pkg: PackageId,
    name: string,
    imports: WorldEntry[],
    exports: WorldEntry[],
    opts: { docs?: string; stability?: Stability } = {},
  ): number {
    const world: World = {
      name,
      imports,
      exports,
      package: pkg,
      docs: opts.docs ?? null,
      stability: opts.stability ?? unknown,
    };
    this.resolve.worlds.push(world);
    const id = this.resolve.worlds.length - 1;
    this.resolve.packages[pkg]!.worlds.set(name, id);
    return id;
  }
}

describe('printPackages', () => {
  it('prints interfaces with every kind of type declaration, docs and uses', () => {
    const b = new ResolveBuilder();
    const pkg = b.pkg('demo', 'shapes', '1.2.0', 'Shapes and\nthings.');
    const types = b.iface(pkg, 'types', { docs: 'Shared types.' });
    const owner: TypeOwner = { kind: 'interface', id: types };
    const point = b.type(
      owner,
      'point',
      {
        kind: 'record',
        fields: [
          { name: 'x', type: 's32', docs: 'Horizontal.' },
          { name: 'y', type: 's32', docs: null },
        ],
      },
      { docs: 'A point.' },
    );
    b.type(owner, 'color', {
      kind: 'enum',
      cases: [
        { name: 'red', docs: null },
        { name: 'type', docs: 'Keyword case.' },
      ],
    });
    b.type(owner, 'perms', { kind: 'flags', flags: [{ name: 'read', docs: null }, { name: 'write', docs: null }] });
    const listU8 = b.type({ kind: 'none' }, null, { kind: 'list', element: 'u8' });
    b.type(owner, 'shape', {
      kind: 'variant',
      cases: [
        { name: 'dot', type: point, docs: null },
        { name: 'blob', type: listU8, docs: null },
        { name: 'none', type: null, docs: null },
      ],
    });
    const canvas = b.type(owner, 'canvas', { kind: 'resource' }, { docs: 'A drawing surface.' });
    const borrowCanvas = b.type({ kind: 'none' }, null, { kind: 'handle', handle: 'borrow', resource: canvas });
    const ownCanvas = b.type({ kind: 'none' }, null, { kind: 'handle', handle: 'own', resource: canvas });
    b.type(owner, 'owned', { kind: 'handle', handle: 'own', resource: canvas });
    b.type(owner, 'empty', { kind: 'resource' });
    b.addFunc(types, b.func('[constructor]canvas', [['width', 'u32']], ownCanvas, { kind: { kind: 'constructor', resource: canvas } }));
    b.addFunc(
      types,
      b.func('[method]canvas.draw', [['self', borrowCanvas], ['at', point]], null, {
        kind: { kind: 'method', resource: canvas },
        docs: 'Draws.',
      }),
    );
    b.addFunc(
      types,
      b.func('[static]canvas.merge', [['a', ownCanvas], ['b', borrowCanvas]], ownCanvas, {
        kind: { kind: 'static', resource: canvas },
      }),
    );

    const api = b.iface(pkg, 'api');
    const apiOwner: TypeOwner = { kind: 'interface', id: api };
    const pointAlias = b.type(apiOwner, 'point', { kind: 'type', type: point });
    b.type(apiOwner, 'pt', { kind: 'type', type: point });
    const optPoint = b.type({ kind: 'none' }, null, { kind: 'option', type: pointAlias });
    const tuple = b.type({ kind: 'none' }, null, { kind: 'tuple', types: ['u8', 'string'] });
    const res = b.type({ kind: 'none' }, null, { kind: 'result', ok: tuple, err: 'string' });
    b.type(apiOwner, 'maybe', { kind: 'type', type: optPoint }, { docs: 'Maybe a point.' });
    b.type(apiOwner, 'bytes', { kind: 'list', element: 'u8' });
    const unitResult = b.type({ kind: 'none' }, null, { kind: 'result', ok: null, err: null });
    const errOnly = b.type({ kind: 'none' }, null, { kind: 'result', ok: null, err: 'u32' });
    const fixed = b.type({ kind: 'none' }, null, { kind: 'fixed-length-list', element: 'f32', length: 4 });
    b.addFunc(api, b.func('parse', [['text', 'string']], res, { docs: 'Parses.\n\nTwo paragraphs.' }));
    b.addFunc(api, b.func('type', [['func', unitResult], ['e', errOnly], ['v', fixed]], null));
    b.addFunc(api, b.func('wait', [], null, { async: true }));

    expect(printPackages(b.resolve, [pkg])).toBe(`/// Shapes and
/// things.
package demo:shapes@1.2.0;

/// Shared types.
interface types {
  /// A point.
  record point {
    /// Horizontal.
    x: s32,
    y: s32,
  }

  enum color {
    red,
    /// Keyword case.
    %type,
  }

  flags perms {
    read,
    write,
  }

  variant shape {
    dot(point),
    blob(list<u8>),
    none,
  }

  /// A drawing surface.
  resource canvas {
    constructor(width: u32);
    /// Draws.
    draw: func(at: point);
    merge: static func(a: canvas, b: borrow<canvas>) -> canvas;
  }

  type owned = own<canvas>;

  resource empty;
}

interface api {
  use types.{point, point as pt};

  /// Maybe a point.
  type maybe = option<point>;

  type bytes = list<u8>;

  /// Parses.
  ///
  /// Two paragraphs.
  parse: func(text: string) -> result<tuple<u8, string>, string>;

  %type: func(%func: result, e: result<_, u32>, v: list<f32, 4>);

  wait: async func();
}
`);
  });

  it('prints worlds: interface, function and type imports, inline interfaces, gates', () => {
    const b = new ResolveBuilder();
    const dep = b.pkg('wasi', 'io', '0.2.0');
    const streams = b.iface(dep, 'streams');
    const err = b.type({ kind: 'interface', id: streams }, 'error', { kind: 'resource' });

    const pkg = b.pkg('my', 'app');
    const host = b.iface(pkg, 'host', { stability: { kind: 'stable', since: '0.1.0', deprecated: '0.3.0' } });
    b.addFunc(host, b.func('log', [['msg', 'string']], null));

    const worldId = b.resolve.worlds.length;
    const worldOwner: TypeOwner = { kind: 'world', id: worldId };
    const errAlias = b.type(worldOwner, 'error', { kind: 'type', type: err });
    const size = b.type(worldOwner, 'size', { kind: 'type', type: 'u64' }, { docs: 'A size.' });
    const inline = b.iface(null, null, { docs: 'Inline.' });
    b.type({ kind: 'interface', id: inline }, 'error', { kind: 'type', type: err });
    b.addFunc(inline, b.func('run', [], null));
    const gate: Stability = { kind: 'unstable', feature: 'active', deprecated: null };

    b.world(
      pkg,
      'plugin',
      [
        { key: { kind: 'interface', id: streams }, item: { kind: 'interface', id: streams, stability: unknown } },
        { key: { kind: 'name', name: 'error' }, item: { kind: 'type', id: errAlias } },
        { key: { kind: 'name', name: 'size' }, item: { kind: 'type', id: size } },
        { key: { kind: 'interface', id: host }, item: { kind: 'interface', id: host, stability: unknown } },
        {
          key: { kind: 'name', name: 'get-size' },
          item: { kind: 'function', func: b.func('get-size', [], size, { docs: 'Size.', stability: gate }) },
        },
      ],
      [
        { key: { kind: 'name', name: 'tasks' }, item: { kind: 'interface', id: inline, stability: unknown } },
        { key: { kind: 'name', name: 'logger' }, item: { kind: 'interface', id: host, stability: unknown } },
        { key: { kind: 'name', name: 'start' }, item: { kind: 'function', func: b.func('start', [['n', 's32']], null) } },
      ],
      { docs: 'The plugin world.' },
    );

    expect(printPackages(b.resolve, [pkg])).toBe(`package my:app;

@since(version = 0.1.0)
@deprecated(version = 0.3.0)
interface host {
  log: func(msg: string);
}

/// The plugin world.
world plugin {
  use wasi:io/streams@0.2.0.{error};

  /// A size.
  type size = u64;

  import wasi:io/streams@0.2.0;
  import host;
  /// Size.
  @unstable(feature = active)
  import get-size: func() -> size;

  /// Inline.
  export tasks: interface {
    use wasi:io/streams@0.2.0.{error};

    run: func();
  }
  export logger: host;
  export start: func(n: s32);
}
`);
  });

  it('nests every package after the first', () => {
    const b = new ResolveBuilder();
    const dep = b.pkg('foo', 'dep', '1.0.0');
    const i1 = b.iface(dep, 'i1');
    const a = b.type({ kind: 'interface', id: i1 }, 'a', { kind: 'type', type: 'u32' });
    b.world(dep, 'w1', [{ key: { kind: 'interface', id: i1 }, item: { kind: 'interface', id: i1, stability: unknown } }], []);
    const root = b.pkg('foo', 'root');
    const i0 = b.iface(root, 'i0');
    b.type({ kind: 'interface', id: i0 }, 'a', { kind: 'type', type: a });
    const empty = b.pkg('bar', 'empty');

    expect(printPackages(b.resolve, [root, dep, empty])).toBe(`package foo:root;

interface i0 {
  use foo:dep/i1@1.0.0.{a};
}

package foo:dep@1.0.0 {
  interface i1 {
    type a = u32;
  }

  world w1 {
    import i1;
  }
}

package bar:empty {
}
`);
  });

  it('writes doc comments that read back the same, whitespace included', () => {
    const docs = ['/// plain', '///\tstarts with a tab', '///\rstarts with a carriage return', '/// a\n  ///   indented b', '/// a\n  ///\n  /// b'];
    for (const doc of docs) {
      const loaded = loadWitText(`package a:b;\ninterface i {\n  ${doc}\n  f: func();\n}\n`);
      const again = loadWitText(printPackages(loaded.resolve, loaded.main));
      const before = loaded.resolve.interfaces[0]!.functions.get('f')!.docs;
      expect(again.resolve.interfaces[0]!.functions.get('f')!.docs, JSON.stringify(doc)).toBe(before);
    }
  });

  it('spells out only a fallible constructor\'s result', () => {
    const text = `package a:b;

interface i {
  resource r {
    constructor(x: u32) -> result<r, string>;
  }

  resource s {
    constructor();
  }
}
`;
    const loaded = loadWitText(text);
    expect(printPackages(loaded.resolve, loaded.main)).toBe(text);
  });

  it('normalizes newer WIT (async, map, fixed lists, future/stream, error-context, gates, named imports)', () => {
    const source = `package a:b@1.0.0;
interface types {
  type m = map<string, u32>;
  type v = list<f32, 4>;
  type f = future<string>;
  type g = future;
  type s = stream<u8>;
  type t = stream;
  type e = error-context;
  @since(version = 1.0.0) @deprecated(version = 1.1.0)
  go: async func(x: borrow<res>) -> result<_, e>;
  resource res { run: async func() -> option<m>; make: static func() -> res; }
}
world w { export %interface: func(%type: u8); import x: types; }
`;
    const normalized = `package a:b@1.0.0;

interface types {
  type m = map<string, u32>;

  type v = list<f32, 4>;

  type f = future<string>;

  type g = future;

  type s = stream<u8>;

  type t = stream;

  type e = error-context;

  resource res {
    run: async func() -> option<m>;
    make: static func() -> res;
  }

  @since(version = 1.0.0)
  @deprecated(version = 1.1.0)
  go: async func(x: borrow<res>) -> result<_, e>;
}

world w {
  import x: types;

  export %interface: func(%type: u8);
}
`;
    const loaded = loadWitText(source);
    expect(printPackages(loaded.resolve, loaded.main)).toBe(normalized);
    const again = loadWitText(normalized);
    expect(canonicalPackages(again.resolve)).toEqual(canonicalPackages(loaded.resolve));
  });

  it('escapes keywords and nothing else', () => {
    expect(escapeName('interface')).toBe('%interface');
    expect(escapeName('error-context')).toBe('%error-context');
    expect(escapeName('point')).toBe('point');
    expect(escapeName('my-type')).toBe('my-type');
  });

  it('prints nothing for no packages', () => {
    expect(printPackages(new ResolveBuilder().resolve, [])).toBe('');
  });

  it('is deterministic', () => {
    const b = new ResolveBuilder();
    const pkg = b.pkg('a', 'b');
    const i = b.iface(pkg, 'i');
    b.addFunc(i, b.func('f', [['x', 'u8']], 'u8'));
    expect(printPackages(b.resolve, [pkg])).toBe(printPackages(b.resolve, [pkg]));
  });
});

// ---- round trip and differential checks on the wit-parser corpus -----------

const conformance = resolve(__dirname, '../../../shared/conformance/wit-parser');

/** Valid corpus cases (a `X.wit` file or `X/` folder with an `X.wit.json` next to it) that witgen loads. */
function corpusCases(): { name: string; path: string; file: boolean }[] {
  return readdirSync(conformance, { withFileTypes: true })
    .filter((e) => (e.isDirectory() && e.name !== 'parse-fail') || (e.isFile() && e.name.endsWith('.wit')))
    .map((e) => ({ name: e.name, path: join(conformance, e.name), file: e.isFile() }))
    .filter(({ name }) => existsSync(join(conformance, `${name.replace(/\.wit$/, '')}.wit.json`)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The main package first (printed as the file's package), then every other package nested. */
function allPackagesMainFirst(loaded: LoadedWit): PackageId[] {
  const rest = loaded.resolve.packages.map((_, id) => id).filter((id) => !loaded.main.includes(id));
  return [...loaded.main, ...rest];
}

const options = { features: ['active'] } as const;
/**
 * Every corpus case with its resolved model (loaded the way `witgen wit` does,
 * so wasm-encoded deps count too), minus any whose own loading fails: the
 * conformance suite reports those.
 */
const loadable: { name: string; path: string; file: boolean; loaded: LoadedWit }[] = [];
for (const c of corpusCases()) {
  try {
    loadable.push({ ...c, loaded: await loadWitAsync(c.path, options) });
  } catch (error) {
    if (!(error instanceof WitError)) throw error;
  }
}

describe('printPackages on the wit-parser corpus', () => {
  it('covers most of the corpus', () => {
    // Cases the loader rejects are the conformance suite's to report; this
    // only guards against the round trip silently covering little.
    expect(loadable.length).toBeGreaterThanOrEqual(Math.floor(corpusCases().length * 0.9));
    expect(loadable.length).toBeGreaterThan(40);
  });

  for (const { name, loaded } of loadable) {
    it(`round trip: ${name}`, () => {
      const text = printPackages(loaded.resolve, allPackagesMainFirst(loaded));
      let again: LoadedWit;
      try {
        again = loadWitText(text, { ...options, path: `${name}.printed.wit` });
      } catch (error) {
        throw new Error(`printed WIT does not load:\n${error instanceof WitError ? error.render() : String(error)}\n\n${text}`);
      }
      expect(canonicalPackages(again.resolve)).toEqual(canonicalPackages(loaded.resolve));
      // Printing is a fixed point: the reprint is byte-identical.
      expect(printPackages(again.resolve, allPackagesMainFirst(again))).toBe(text);
    });
  }
});

/** `ns:pkg/world@version`, the world reference wasm-tools takes. */
function worldRef(loaded: LoadedWit, world: World): string {
  const pkg = loaded.resolve.packages[world.package ?? -1];
  if (!pkg) throw new Error(`world ${world.name} has no package`);
  const { namespace, name, version } = pkg.name;
  return `${namespace}:${name}/${world.name}${version ? `@${version}` : ''}`;
}

describe('printed WIT through wasm-tools (jco)', () => {
  const wasmTools = new WasmTools();
  afterAll(() => wasmTools.close());
  /** Per world; wasm-tools spends minutes on a few stress cases, which are then not compared. */
  const TIMEOUT_MS = 5_000;
  let compared = 0;

  for (const { name, path, file, loaded } of loadable) {
    it(`wasm-tools sees the same worlds in the printed text: ${name}`, async () => {
      const printed = printPackages(loaded.resolve, allPackagesMainFirst(loaded));
      // A folder case (with deps/) is read by wasm-tools from disk.
      const original = file ? readFileSync(path, 'utf8') : { path };
      for (const world of loaded.resolve.worlds) {
        const ref = worldRef(loaded, world);
        const expected = await wasmTools.view(original, ref, TIMEOUT_MS);
        // Only where wasm-tools can build a dummy component for the original.
        if (!('wit' in expected)) continue;
        const actual = await wasmTools.view(printed, ref, TIMEOUT_MS * 2);
        expect(actual, `${ref}\n--- printed ---\n${printed}`).toEqual(expected);
        compared++;
      }
    }, 120_000);
  }

  it('compared a substantial number of worlds', () => {
    console.log(`wasm-tools compared ${compared} worlds`);
    expect(compared).toBeGreaterThan(40);
  });
});
