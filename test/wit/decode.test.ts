/**
 * Decoding WIT packages encoded as components (src/wit/decode.ts,
 * src/binary/component-types.ts).
 *
 * Round trips: wit-component (through jco's `componentEmbed({ dummy: true })`)
 * encodes a world, with every interface and type it reaches, into the
 * `component-type` custom section of a core module; that section is itself
 * a wasm-encoded WIT package. Decoding it must give back the world as the
 * resolver models the same WIT: the same items, interfaces, types (named
 * and anonymous, with their owners) and functions. Docs and stability are
 * not in that encoding, and the order of world items is the encoder's.
 */
import { componentEmbed } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeComponent } from '../../src/binary/component-types.js';
import { ByteReader } from '../../src/binary/reader.js';
import { decodeWitPackage } from '../../src/wit/decode.js';
import { WitError } from '../../src/wit/errors.js';
import { toResolveJson } from '../../src/wit/json.js';
import { loadWit, loadWitAsync, loadWitText } from '../../src/wit/load.js';
import type { Func, Resolve, Type, TypeDefKind, TypeOwner, WorldItem, WorldKey } from '../../src/wit/model.js';
import { packageNameString } from '../../src/wit/model.js';

const root = fileURLToPath(new URL('../../../shared/conformance/wit-parser', import.meta.url));
const kindsOfDeps = join(root, 'kinds-of-deps');
const eWasm = readFileSync(join(kindsOfDeps, 'deps/e.wasm'));

/** The payload of the core module's `component-type*` custom section. */
function componentTypeSection(core: Uint8Array): Uint8Array {
  const r = new ByteReader(core, 8);
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 0 && r.name().startsWith('component-type')) return core.subarray(r.pos, end);
    r.pos = end;
  }
  throw new Error('no component-type section');
}

async function encodeWorld(witSource: string, world: string, allFeatures = false): Promise<Uint8Array> {
  const features = allFeatures ? { tag: 'all' as const } : { tag: 'list' as const, val: ['active'] };
  const core = await componentEmbed({ dummy: true, witSource, world, features });
  return componentTypeSection(core);
}

// ------------------------------------------------------------ structural view

function interfaceName(resolve: Resolve, id: number): string | null {
  const iface = resolve.interfaces[id];
  if (!iface || iface.name === null || iface.package === null) return null;
  const pkg = resolve.packages[iface.package];
  if (!pkg) return null;
  const version = pkg.name.version === null ? '' : `@${pkg.name.version}`;
  return `${pkg.name.namespace}:${pkg.name.name}/${iface.name}${version}`;
}

function ownerName(resolve: Resolve, owner: TypeOwner): string {
  if (owner.kind === 'none') return '-';
  if (owner.kind === 'world') return `world ${resolve.worlds[owner.id]?.name ?? '?'}`;
  return interfaceName(resolve, owner.id) ?? 'inline interface';
}

/** A type at a use site: primitives by name, named types by owner and name, anonymous ones spelled out. */
function typeRef(resolve: Resolve, type: Type): unknown {
  if (typeof type !== 'number') return type;
  const def = resolve.types[type];
  if (!def) return `missing type ${type}`;
  if (def.name !== null) return `${ownerName(resolve, def.owner)}#${def.name}`;
  return kindShape(resolve, def.kind);
}

function kindShape(resolve: Resolve, kind: TypeDefKind): unknown {
  const ref = (t: Type | null): unknown => (t === null ? null : typeRef(resolve, t));
  switch (kind.kind) {
    case 'record':
      return { record: kind.fields.map((f) => [f.name, ref(f.type)]) };
    case 'variant':
      return { variant: kind.cases.map((c) => [c.name, ref(c.type)]) };
    case 'handle':
      return { [kind.handle]: ref(kind.resource) };
    case 'flags':
      return { flags: kind.flags.map((f) => f.name) };
    case 'enum':
      return { enum: kind.cases.map((c) => c.name) };
    case 'tuple':
      return { tuple: kind.types.map(ref) };
    case 'option':
      return { option: ref(kind.type) };
    case 'result':
      return { result: [ref(kind.ok), ref(kind.err)] };
    case 'list':
      return { list: ref(kind.element) };
    case 'fixed-length-list':
      return { list: ref(kind.element), length: kind.length };
    case 'map':
      return { map: [ref(kind.key), ref(kind.value)] };
    case 'future':
    case 'stream':
      return { [kind.kind]: ref(kind.type) };
    case 'type':
      return { type: ref(kind.type) };
    case 'resource':
      return 'resource';
  }
}

function funcShape(resolve: Resolve, func: Func): unknown {
  return {
    name: func.name,
    kind: func.kind.kind === 'freestanding' ? 'freestanding' : [func.kind.kind, typeRef(resolve, func.kind.resource)],
    async: func.async,
    params: func.params.map((p) => [p.name, typeRef(resolve, p.type)]),
    result: func.result === null ? null : typeRef(resolve, func.result),
  };
}

function itemShape(resolve: Resolve, item: WorldItem): unknown {
  if (item.kind === 'function') return funcShape(resolve, item.func);
  if (item.kind === 'type') {
    const def = resolve.types[item.id];
    return { type: def?.name, owner: def && ownerName(resolve, def.owner), kind: def && kindShape(resolve, def.kind) };
  }
  const iface = resolve.interfaces[item.id];
  if (!iface) return 'missing interface';
  return {
    interface: interfaceName(resolve, item.id),
    types: [...iface.types].map(([name, id]) => {
      const def = resolve.types[id];
      return [name, def && ownerName(resolve, def.owner), def && kindShape(resolve, def.kind)];
    }),
    // The encoder groups a resource's functions after it, so function order is not kept.
    functions: [...iface.functions.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => funcShape(resolve, f)),
  };
}

function keyName(resolve: Resolve, key: WorldKey): string {
  return key.kind === 'name' ? key.name : (interfaceName(resolve, key.id) ?? '?');
}

/** A world as a comparable value: its imports and exports by key (sorted, as the encoder reorders them). */
function worldShape(resolve: Resolve, world: number): unknown {
  const w = resolve.worlds[world];
  if (!w) return 'missing world';
  const entries = (list: typeof w.imports): unknown =>
    list
      .map((e) => [keyName(resolve, e.key), itemShape(resolve, e.item)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const pkg = w.package === null ? null : resolve.packages[w.package];
  return { name: w.name, package: pkg && packageNameString(pkg.name), imports: entries(w.imports), exports: entries(w.exports) };
}

/** Every id in a Resolve points into its arenas, and every interface and world has a package. */
function checkIds(resolve: Resolve): void {
  const inTypes = (t: Type | null): void => {
    if (typeof t === 'number') expect(resolve.types[t]).toBeDefined();
  };
  for (const def of resolve.types) {
    if (def.owner.kind === 'interface') expect(resolve.interfaces[def.owner.id]).toBeDefined();
    if (def.owner.kind === 'world') expect(resolve.worlds[def.owner.id]).toBeDefined();
    const k = def.kind;
    if (k.kind === 'type' || k.kind === 'option' || k.kind === 'future' || k.kind === 'stream') inTypes(k.type);
    if (k.kind === 'list') inTypes(k.element);
    if (k.kind === 'handle') inTypes(k.resource);
  }
  for (const iface of resolve.interfaces) {
    expect(iface.package).not.toBeNull();
    for (const id of iface.types.values()) inTypes(id);
  }
  for (const w of resolve.worlds) expect(w.package).not.toBeNull();
}

// ------------------------------------------------------------ tests

describe('decodeWitPackage', () => {
  it('decodes the binary package of kinds-of-deps', () => {
    const { resolve, main } = decodeWitPackage(eWasm, 'e.wasm');
    expect(resolve.packages.map((p) => packageNameString(p.name))).toEqual(['e:e']);
    expect(main).toBe(0);
    expect([...(resolve.packages[0]?.interfaces ?? [])]).toEqual([['e', 0]]);
    expect(resolve.interfaces[0]).toMatchObject({ name: 'e', package: 0 });
  });

  it('rejects a core module, an actual component and truncated bytes with a WitError naming the file', () => {
    const core = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(() => decodeWitPackage(core, 'core.wasm')).toThrow(/core\.wasm: invalid component binary: not a component/);
    // A component with an import is a component, not a WIT package.
    const importing = new Uint8Array([
      ...eWasm.subarray(0, 8),
      ...[0x07, 0x03, 0x01, 0x42, 0x00], // type section: one empty instance type
      ...[0x0a, 0x06, 0x01, 0x00, 0x01, 0x66, 0x05, 0x00], // import section: instance "f" of that type
    ]);
    expect(() => decodeWitPackage(importing, 'c.wasm')).toThrow(/actual component/);
    let caught: unknown;
    try {
      decodeWitPackage(eWasm.subarray(0, eWasm.length - 3), 'cut.wasm');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WitError);
    expect((caught as WitError).code).toBe('WIT_PACKAGE');
    expect((caught as WitError).message).toMatch(/cut\.wasm: .*byte offset \d+/);
  });

  it('types nested deeper than the stack allows give a WitError', () => {
    const depth = 100_000;
    const body: number[] = [0x01];
    for (let i = 0; i < depth; i++) body.push(0x42, 0x01, 0x01);
    body.push(0x42, 0x00);
    const leb = (n: number): number[] => {
      const out: number[] = [];
      do {
        let b = n & 0x7f;
        n >>>= 7;
        if (n !== 0) b |= 0x80;
        out.push(b);
      } while (n !== 0);
      return out;
    };
    const bytes = new Uint8Array([...eWasm.subarray(0, 8), 0x07, ...leb(body.length), ...body]);
    expect(() => decodeWitPackage(bytes, 'deep.wasm')).toThrow(WitError);
  });

  it('random byte flips of a package binary give a Resolve or a WitError, never another exception', async () => {
    const bigger = await encodeWorld(KITCHEN_SINK, 'my:pkg/w');
    for (const base of [eWasm, bigger]) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
          (flips) => {
            const bytes = Uint8Array.from(base);
            for (const [at, value] of flips) bytes[at] = value;
            try {
              checkIds(decodeWitPackage(bytes, 'fuzz.wasm').resolve);
            } catch (error) {
              if (!(error instanceof WitError)) throw error;
              expect(error.message.startsWith('fuzz.wasm: ')).toBe(true);
            }
          },
        ),
        { numRuns: 300, seed: 42 },
      );
    }
  });

  it('reads every kind of component type declaration in the section', async () => {
    const bytes = await encodeWorld(KITCHEN_SINK, 'my:pkg/w');
    const decoded = decodeComponent(bytes);
    expect(decoded.exports.map((e) => e.name)).toEqual(['w']);
    expect(decoded.custom.map((s) => s.name)).toContain('wit-component-encoding');
    const kinds = new Set(decoded.types.infos.map((info) => (info.kind === 'defined' ? info.def.kind : info.kind)));
    for (const kind of ['component', 'instance', 'resource', 'func', 'alias', 'record', 'variant', 'list', 'tuple', 'flags', 'enum', 'option', 'result', 'own', 'borrow']) {
      expect(kinds, kind).toContain(kind);
    }
  });
});

/** A package with every type kind, resources, `use`, versions, inline interfaces and a foreign package. */
const KITCHEN_SINK = `package my:pkg@1.2.0;

interface types {
  record point { x: u32, y: list<u8> }
  resource res {
    constructor(a: u32);
    get: func() -> option<point>;
    make: static func() -> res;
    take: func(other: res, b: borrow<res>);
  }
  variant v { a, b(list<u8>), c(tuple<point, s64>) }
  flags f { one, two }
  enum e { x, y }
  type alias = tuple<u8, string>;
  type again = alias;
  all: func(a: bool, b: s8, c: u16, d: s32, e: u64, f: f32, g: f64, h: char, i: string) -> result;
  nested: func(x: option<option<list<result<u8, v>>>>) -> result<_, e>;
}

interface user {
  use types.{point, res, e as my-e};
  use wasi:io/streams@0.2.0.{input-stream};
  f: func(p: point, r: borrow<res>, s: input-stream) -> result<list<point>, my-e>;
}

world w {
  import user;
  export types;
  import g: func(x: u32);
  use types.{e};
  export h: func() -> e;
  import inline: interface { use types.{v}; x: func(a: v) -> list<v>; }
  export out: interface { y: func() -> string; }
  resource top { constructor(); get: func() -> u32; }
  import make: func() -> top;
}

world small {
  include w;
  export user;
}

package wasi:io@0.2.0 {
  interface error { resource error; }
  interface streams {
    use error.{error};
    resource input-stream { read: func(n: u64) -> result<list<u8>, error>; }
  }
}
`;

/** Newer type kinds and async functions (some behind wasm-tools feature gates, so encoded with all features). */
const NEWER_KINDS = `package my:newer@0.1.0;

interface kinds {
  resource r { run: async func(x: future<u8>) -> stream<string>; }
  type m = map<string, list<u32, 4>>;
  f: async func(a: m, b: error-context) -> future;
  g: func(s: stream) -> option<r>;
}

world w {
  import kinds;
  export kinds;
  export h: async func() -> list<u8, 2>;
}
`;

/**
 * Corpus cases that are one file with one package (no nested packages, no
 * deps). Those without a world get one importing each of their interfaces,
 * so their types go through the encoding too.
 */
function singlePackageCases(): [string, string][] {
  const out: [string, string][] = [];
  for (const name of readdirSync(root).filter((n) => n.endsWith('.wit')).sort()) {
    const text = readFileSync(join(root, name), 'utf8');
    let loaded;
    try {
      loaded = loadWitText(text, { features: ['active'], path: name });
    } catch {
      continue;
    }
    if (loaded.main.length !== 1 || loaded.resolve.packages.length !== 1) continue;
    const pkg = loaded.resolve.packages[0];
    if (!pkg || !/^\s*package\s[^{]*;/m.test(text)) continue;
    if (pkg.worlds.size > 0) out.push([name, text]);
    else if (pkg.interfaces.size > 0) {
      const imports = [...pkg.interfaces.keys()].map((i) => `  import ${i};`).join('\n');
      out.push([`${name} (all interfaces imported)`, `${text}\nworld round-trip-all {\n${imports}\n}\n`]);
    }
  }
  return out;
}

describe('round trip: wit-component encodes a world, witgen decodes it to the resolver model', () => {
  const cases = singlePackageCases();

  it('newer type kinds and async functions', async () => {
    const loaded = loadWitText(NEWER_KINDS, { allFeatures: true });
    const worldId = loaded.resolve.packages[0]?.worlds.get('w') as number;
    const decoded = decodeWitPackage(await encodeWorld(NEWER_KINDS, 'my:newer/w@0.1.0', true), 'newer.wasm');
    checkIds(decoded.resolve);
    const decodedWorld = decoded.resolve.packages[decoded.main]?.worlds.get('w') as number;
    expect(worldShape(decoded.resolve, decodedWorld)).toEqual(worldShape(loaded.resolve, worldId));
  });

  it('covers enough of the corpus', () => {
    const names = cases.map(([name]) => name.split(' ')[0]);
    for (const expected of ['resources1.wit', 'types.wit', 'use.wit', 'world-top-level-resources.wit', 'functions.wit']) {
      expect(names).toContain(expected);
    }
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const [name, witSource] of [['kitchen sink', KITCHEN_SINK] as [string, string], ...cases]) {
    it(name, async () => {
      const loaded = loadWitText(witSource, { features: ['active'], path: name });
      const mainId = loaded.main[0] as number;
      const pkg = loaded.resolve.packages[mainId];
      expect(pkg).toBeDefined();
      let compared = 0;
      for (const [worldName, worldId] of pkg?.worlds ?? []) {
        const pkgName = pkg?.name ?? { namespace: '', name: '', version: null };
        const full = `${pkgName.namespace}:${pkgName.name}/${worldName}${pkgName.version === null ? '' : `@${pkgName.version}`}`;
        const bytes = await encodeWorld(witSource, full);
        const decoded = decodeWitPackage(bytes, `${name}.wasm`);
        checkIds(decoded.resolve);
        const decodedWorld = decoded.resolve.packages[decoded.main]?.worlds.get(worldName);
        expect(decodedWorld, worldName).toBeDefined();
        expect(worldShape(decoded.resolve, decodedWorld as number)).toEqual(worldShape(loaded.resolve, worldId));
        compared++;
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});

describe('loading deps/ with wasm-encoded packages', () => {
  it('loadWit decodes .wasm deps but asks for loadWitAsync when a .wat dep exists', () => {
    let caught: unknown;
    try {
      loadWit(kindsOfDeps);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WitError);
    expect((caught as WitError).code).toBe('WIT_IO');
    expect((caught as WitError).message).toMatch(/d\.wat.*loadWitAsync/);

    const dir = mkdtempSync(join(tmpdir(), 'witgen-decode-'));
    mkdirSync(join(dir, 'deps'));
    copyFileSync(join(kindsOfDeps, 'deps/e.wasm'), join(dir, 'deps/e.wasm'));
    writeFileSync(join(dir, 'a.wit'), 'package a:a;\nworld a { import e:e/e; }\n');
    const loaded = loadWit(dir);
    expect(loaded.resolve.packages.map((p) => packageNameString(p.name))).toEqual(['e:e', 'a:a']);
    expect(loaded.main).toEqual([1]);
  });

  it('a decoded package of deps/ serves `use` in the WIT text, and a whole encoded world loads on its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'witgen-decode-'));
    mkdirSync(join(dir, 'deps'));
    const bytes = await encodeWorld(KITCHEN_SINK, 'my:pkg/w');
    writeFileSync(join(dir, 'deps/pkg.wasm'), bytes);
    writeFileSync(
      join(dir, 'main.wit'),
      'package app:main;\nworld app {\n  use my:pkg/types@1.2.0.{point};\n  import my:pkg/user@1.2.0;\n  export get: func() -> point;\n}\n',
    );
    const loaded = await loadWitAsync(dir);
    const names = loaded.resolve.packages.map((p) => packageNameString(p.name));
    expect(names).toEqual(['wasi:io@0.2.0', 'my:pkg@1.2.0', 'app:main']);
    checkIds(loaded.resolve);

    writeFileSync(join(dir, 'only.wasm'), bytes);
    const alone = loadWit(join(dir, 'only.wasm'));
    expect(alone.main).toEqual([1]);
    expect([...(alone.resolve.packages[1]?.worlds.keys() ?? [])]).toEqual(['w']);
  });

  it('two decoded packages sharing a foreign dependency are merged into one copy of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'witgen-decode-'));
    mkdirSync(join(dir, 'deps'));
    writeFileSync(join(dir, 'deps/a.wasm'), await encodeWorld(KITCHEN_SINK, 'my:pkg/w'));
    const other = `package other:pkg;\nworld o { import wasi:io/streams@0.2.0; }\n${KITCHEN_SINK.slice(KITCHEN_SINK.indexOf('package wasi:io'))}`;
    writeFileSync(join(dir, 'deps/b.wasm'), await encodeWorld(other, 'other:pkg/o'));
    writeFileSync(join(dir, 'main.wit'), 'package app:main;\nworld app { import other:pkg/nothing; }\n');
    // `other:pkg/nothing` does not exist: the error lists the known (decoded) packages once each.
    let caught: unknown;
    try {
      loadWit(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WitError);
    writeFileSync(join(dir, 'main.wit'), 'package app:main;\nworld app { import wasi:io/streams@0.2.0; include other:pkg/o; }\n');
    const loaded = loadWit(dir);
    const names = loaded.resolve.packages.map((p) => packageNameString(p.name));
    expect(names).toEqual(['wasi:io@0.2.0', 'my:pkg@1.2.0', 'other:pkg', 'app:main']);
    const streams = loaded.resolve.packages[0]?.interfaces.get('streams') as number;
    expect([...(loaded.resolve.interfaces[streams]?.types.keys() ?? [])]).toEqual(['error', 'input-stream']);
    checkIds(loaded.resolve);
  });

  it('a whole package in WebAssembly text (interfaces, `use`, resources, a world) resolves like the same package in WIT', async () => {
    const record = '(type (record (field "f" u32))) (export "r" (type (eq 0))) (export "res" (type (sub resource)))';
    const ifaceB = `(type (instance
        (alias outer 1 1 (type)) (export "r" (type (eq 0)))
        (alias outer 1 2 (type)) (export "res" (type (eq 2)))
        (type (own 3)) (type (func (param "x" 1) (result 4))) (export "g" (func (type 5)))))`;
    const wat = `(component
  (type $a (component (type (instance ${record})) (export "x:y/a@1.0.0" (instance (type 0)))))
  (export "a" (type $a))
  (type $b (component
    (type (instance ${record}))
    (import "x:y/a@1.0.0" (instance (type 0)))
    (alias export 0 "r" (type))
    (alias export 0 "res" (type))
    ${ifaceB}
    (export "x:y/b@1.0.0" (instance (type 3)))))
  (export "b" (type $b))
  (type $w (component
    (type (component
      (type (instance ${record}))
      (import "x:y/a@1.0.0" (instance (type 0)))
      (alias export 0 "r" (type))
      (alias export 0 "res" (type))
      ${ifaceB}
      (import "x:y/b@1.0.0" (instance (type 3)))
      (type (instance ${record}))
      (export "x:y/a@1.0.0" (instance (type 4)))))
    (export "x:y/w@1.0.0" (component (type 0)))))
  (export "w" (type $w))
  (@custom "package-docs" "\\01{\\"docs\\":\\"the package\\",\\"interfaces\\":{\\"a\\":{\\"docs\\":\\"iface a\\",\\"types\\":{\\"r\\":{\\"docs\\":\\"a record\\",\\"items\\":{\\"f\\":\\"field f\\"}}}}},\\"worlds\\":{\\"w\\":{\\"docs\\":\\"world w\\",\\"stability\\":{\\"unstable\\":{\\"feature\\":\\"active\\"}}}}}")
)`;
    const wit = `/// the package
package x:y@1.0.0;
/// iface a
interface a {
  /// a record
  record r {
    /// field f
    f: u32,
  }
  resource res;
}
interface b { use a.{r, res}; g: func(x: r) -> res; }
/// world w
@unstable(feature = active)
world w { import b; export a; }
`;
    const main = 'package app:main;\nworld app { import x:y/b@1.0.0; export x:y/a@1.0.0; }\n';
    const textDir = mkdtempSync(join(tmpdir(), 'witgen-decode-'));
    mkdirSync(join(textDir, 'deps'));
    writeFileSync(join(textDir, 'deps/x.wit'), wit);
    writeFileSync(join(textDir, 'main.wit'), main);
    const watDir = mkdtempSync(join(tmpdir(), 'witgen-decode-'));
    mkdirSync(join(watDir, 'deps'));
    writeFileSync(join(watDir, 'deps/x.wat'), wat);
    writeFileSync(join(watDir, 'main.wit'), main);
    const expected = toResolveJson(loadWit(textDir, { features: ['active'] }).resolve);
    const fromWat = await loadWitAsync(watDir, { features: ['active'] });
    expect(fromWat.resolve.packages[0]?.docs).toBe('the package');
    expect(fromWat.resolve.worlds[0]?.stability).toEqual({ kind: 'unstable', feature: 'active', deprecated: null });
    expect(toResolveJson(fromWat.resolve)).toEqual(expected);
  });

  it('a decoded interface that has items the existing copy lacks is a merge error (wit-parser requires a subset)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'witgen-decode-'));
    mkdirSync(join(dir, 'deps'));
    const io = (extra: string): string =>
      `package wasi:io@0.2.0 {\n  interface streams {\n    resource input-stream;\n${extra}  }\n}\n`;
    writeFileSync(join(dir, 'deps/a.wasm'), await encodeWorld(`package p:a;\nworld a { import wasi:io/streams@0.2.0; }\n${io('')}`, 'p:a/a'));
    writeFileSync(
      join(dir, 'deps/b.wasm'),
      await encodeWorld(`package p:b;\nworld b { import wasi:io/streams@0.2.0; }\n${io('    resource output-stream;\n')}`, 'p:b/b'),
    );
    writeFileSync(join(dir, 'main.wit'), 'package app:main;\nworld app { include p:a/a; }\n');
    expect(() => loadWit(dir)).toThrow(/b\.wasm: cannot merge the decoded package: interface `streams`: expected type `output-stream` to be present/);
  });

  it('loadWitAsync assembles a .wat file given directly, and reports bad WebAssembly text as a WitError naming the file', async () => {
    const single = await loadWitAsync(join(kindsOfDeps, 'deps/d.wat'));
    expect(single.resolve.packages.map((p) => packageNameString(p.name))).toEqual(['d:d']);
    expect(single.main).toEqual([0]);

    const dir = mkdtempSync(join(tmpdir(), 'witgen-decode-'));
    mkdirSync(join(dir, 'deps'));
    writeFileSync(join(dir, 'deps/bad.wat'), '(component (not-a-section))');
    writeFileSync(join(dir, 'main.wit'), 'package app:main;\nworld app {}\n');
    let caught: unknown;
    try {
      await loadWitAsync(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WitError);
    expect((caught as WitError).message).toMatch(/bad\.wat: invalid WebAssembly text/);
  });

  it('the older single-export encoding (`ns:pkg/wit`) decodes like the same package in WIT', async () => {
    const wat = `(component
  (type (component
    (type (instance (export "input-stream" (type (sub resource)))))
    (import "wasi:io/streams@0.2.0" (instance (type 0)))
    (alias export 0 "input-stream" (type))
    (type (instance
      (alias outer 1 1 (type)) (export "input-stream" (type (eq 0)))
      (type (own 1)) (type (func (result 2))) (export "f" (func (type 3)))))
    (export "a:b/i" (instance (type 2)))
    (type (component (type (func)) (export "run" (func (type 0)))))
    (export "a:b/w" (component (type 3)))))
  (export "a:b/wit" (type 0)))`;
    const main = 'package app:m;\nworld app { import a:b/i; include a:b/w; }\n';
    const textDir = mkdtempSync(join(tmpdir(), 'witgen-decode-'));
    mkdirSync(join(textDir, 'deps'));
    writeFileSync(join(textDir, 'deps/a.wit'), 'package a:b;\ninterface i { use wasi:io/streams@0.2.0.{input-stream}; f: func() -> input-stream; }\nworld w { export run: func(); }\n');
    writeFileSync(join(textDir, 'deps/io.wit'), 'package wasi:io@0.2.0;\ninterface streams { resource input-stream; }\n');
    writeFileSync(join(textDir, 'main.wit'), main);
    const watDir = mkdtempSync(join(tmpdir(), 'witgen-decode-'));
    mkdirSync(join(watDir, 'deps'));
    writeFileSync(join(watDir, 'deps/a.wat'), wat);
    writeFileSync(join(watDir, 'main.wit'), main);
    const expected = toResolveJson(loadWit(textDir).resolve);
    expect(toResolveJson((await loadWitAsync(watDir)).resolve)).toEqual(expected);
  });
});

