/**
 * Focused resolver behaviours the wit-parser corpus does not pin down:
 * world selection, feature switches, I/O errors, async and resource
 * function shapes, and resolving the WASI 0.2 tree shipped with jco.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WitError } from '../../src/wit/errors.js';
import { toResolveJson } from '../../src/wit/json.js';
import { loadWit, loadWitText, selectWorld } from '../../src/wit/load.js';
import type { Resolve } from '../../src/wit/model.js';

function witError(run: () => unknown): WitError {
  try {
    run();
  } catch (error) {
    if (error instanceof WitError) return error;
    throw error;
  }
  throw new Error('expected a WitError');
}

function functionNames(resolve: Resolve, iface: string): string[] {
  const found = resolve.interfaces.find((i) => i.name === iface);
  return found ? [...found.functions.keys()] : [];
}

describe('selectWorld', () => {
  const two = `package ex:two@1.0.0;\nworld a {}\nworld b {}\n`;

  it('picks the only world of the main package', () => {
    const loaded = loadWitText('package ex:one;\nworld only {}\n');
    expect(loaded.resolve.worlds[selectWorld(loaded)]?.name).toBe('only');
  });

  it('refuses to guess among several worlds', () => {
    const error = witError(() => selectWorld(loadWitText(two)));
    expect(error.code).toBe('WIT_UNKNOWN_NAME');
    expect(error.message).toContain('a, b');
  });

  it('finds worlds by plain and qualified names, with or without version', () => {
    const loaded = loadWitText(two);
    const name = (n: string): string | undefined => loaded.resolve.worlds[selectWorld(loaded, n)]?.name;
    expect(name('b')).toBe('b');
    expect(name('ex:two/a')).toBe('a');
    expect(name('ex:two/a@1.0.0')).toBe('a');
  });

  it('reports unknown worlds and packages', () => {
    const loaded = loadWitText(two);
    expect(witError(() => selectWorld(loaded, 'c')).code).toBe('WIT_UNKNOWN_NAME');
    expect(witError(() => selectWorld(loaded, 'ex:other/a')).code).toBe('WIT_UNKNOWN_NAME');
    expect(witError(() => selectWorld(loaded, 'ex:two/a@2.0.0')).code).toBe('WIT_UNKNOWN_NAME');
    expect(witError(() => selectWorld(loaded, 'not a/name:')).code).toBe('WIT_SYNTAX');
  });

  it('reports a main package without worlds', () => {
    expect(witError(() => selectWorld(loadWitText('package ex:none;\ninterface i {}\n'))).message).toContain(
      'contains no worlds',
    );
  });
});

describe('feature gates', () => {
  const text = `package ex:gates@1.0.0;
interface i {
  @unstable(feature = fancy)
  f: func();
  @since(version = 1.0.0)
  g: func();
}
`;

  it('drops unstable items unless their feature is enabled', () => {
    expect(functionNames(loadWitText(text).resolve, 'i')).toEqual(['g']);
    expect(functionNames(loadWitText(text, { features: ['fancy'] }).resolve, 'i')).toEqual(['f', 'g']);
    expect(functionNames(loadWitText(text, { features: ['other'] }).resolve, 'i')).toEqual(['g']);
    expect(functionNames(loadWitText(text, { allFeatures: true }).resolve, 'i')).toEqual(['f', 'g']);
  });

  it('rejects @since naming a version newer than the package', () => {
    const error = witError(() =>
      loadWitText('package ex:p@1.0.0;\n@since(version = 1.1.0)\ninterface i {}\n', { path: 'p.wit' }),
    );
    expect(error.code).toBe('WIT_INVALID');
    expect(error.location).toEqual({ path: 'p.wit', line: 3, column: 11 });
  });

  it('rejects a reference to a gated-out type with its location', () => {
    const error = witError(() =>
      loadWitText('package ex:p;\ninterface i {\n  @unstable(feature = x)\n  type t = u32;\n  f: func(a: t);\n}\n'),
    );
    expect(error.detail).toContain('excluded due to its feature not being activated');
    expect(error.location?.line).toBe(5);
  });
});

describe('function shapes', () => {
  it('names resource functions and adds the implicit self parameter', () => {
    const loaded = loadWitText(`package ex:r;
interface i {
  resource r {
    constructor(x: u32);
    get: func() -> u32;
    make: static func() -> r;
  }
}
`);
    const json = toResolveJson(loaded.resolve) as {
      interfaces: { functions: Record<string, { kind: unknown; params: { name: string; type: unknown }[]; result?: unknown }> }[];
      types: { kind: unknown }[];
    };
    const funcs = json.interfaces[0]?.functions ?? {};
    expect(Object.keys(funcs)).toEqual(['[constructor]r', '[method]r.get', '[static]r.make']);
    expect(funcs['[constructor]r']?.kind).toEqual({ constructor: 0 });
    const self = funcs['[method]r.get']?.params[0];
    expect(self?.name).toBe('self');
    expect(json.types[self?.type as number]?.kind).toEqual({ handle: { borrow: 0 } });
    // A bare resource name in a result means an owned handle.
    expect(json.types[funcs['[static]r.make']?.result as number]?.kind).toEqual({ handle: { own: 0 } });
  });

  it('marks async functions in the JSON kind', () => {
    const loaded = loadWitText('package ex:a;\ninterface i {\n  f: async func();\n  resource r { m: async func(); }\n}\n');
    const json = toResolveJson(loaded.resolve) as { interfaces: { functions: Record<string, { kind: unknown }> }[] };
    const funcs = json.interfaces[0]?.functions ?? {};
    expect(funcs['f']?.kind).toBe('async-freestanding');
    expect(funcs['[method]r.m']?.kind).toEqual({ 'async-method': 0 });
  });
});

describe('kebab-case names are unique regardless of letter case', () => {
  // wit-parser resolves these; wasm-tools rejects them once a world using
  // them becomes a component, and witgen does so when the world is selected.
  const cases: [string, string, number][] = [
    ['record r { a: u32, b: u32, a: u32 }', 'field `a` in record `r` conflicts with previous field `a`', 28],
    ['enum e { a, b, B }', 'case `B` in type `e` conflicts with previous case `b`', 16],
    ['flags f { a, b, A }', 'flag `A` in flags `f` conflicts with previous flag `a`', 17],
    ['variant v { x, y(u32), X }', 'case `X` in type `v` conflicts with previous case `x`', 24],
    ['f: func(foo: u32, FOO: u64);', 'param `FOO` of `f` conflicts with previous param `foo`', 19],
  ];
  it('world imports/exports: points at the later name', () => {
    const error = witError(() =>
      loadWitText('package ex:w;\nworld w {\n  export get-user: func();\n  export GET-USER: func();\n}\n'),
    );
    expect(error.code).toBe('WIT_DUPLICATE');
    expect(error.detail).toContain('`GET-USER`');
    expect(error.location).toMatchObject({ line: 4, column: 10 });
  });

  for (const [item, message, column] of cases) {
    it(item, () => {
      const text = `package ex:d;\ninterface i {\n${item}\n}\n`;
      // Resolves on its own, and in a world that does not use the interface.
      expect(() => selectWorld(loadWitText(`${text}interface j {}\nworld w { import j; }\n`))).not.toThrow();
      const error = witError(() => selectWorld(loadWitText(`${text}world w { export i; }\n`)));
      expect(error.code).toBe('WIT_DUPLICATE');
      expect(error.detail).toContain(message);
      expect(error.location).toMatchObject({ line: 3, column });
    });
  }

  it('a parameter name written twice exactly is an error already when resolving, as in wit-parser', () => {
    const error = witError(() => loadWitText('package ex:d;\ninterface i {\nf: func(a: u32, a: u32);\n}\n'));
    expect(error.detail).toBe('param `a` is defined more than once');
  });
});

describe('loading from disk', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'witgen-resolver-'));
    dirs.push(dir);
    return dir;
  }

  it('reports a missing path as WIT_IO', () => {
    const error = witError(() => loadWit(join(tmpdir(), 'witgen-definitely-missing', 'x.wit')));
    expect(error.code).toBe('WIT_IO');
  });

  it('reports a directory without .wit files', () => {
    expect(witError(() => loadWit(tempDir())).code).toBe('WIT_PACKAGE');
  });

  it('resolves a package against deps/ directories and single files, ignoring other files', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'main.wit'), 'package ex:main;\nworld w {\n  import ex:dep/api;\n  import ex:single/api;\n}\n');
    mkdirSync(join(dir, 'deps', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'deps', 'dep', 'api.wit'), 'package ex:dep;\ninterface api { f: func(); }\n');
    writeFileSync(join(dir, 'deps', 'single.wit'), 'package ex:single;\ninterface api { g: func(); }\n');
    writeFileSync(join(dir, 'deps', 'README.md'), 'not wit');
    const loaded = loadWit(dir);
    expect(loaded.resolve.packages.map((p) => p.name.name)).toEqual(['dep', 'single', 'main']);
    expect(loaded.main).toEqual([2]);
    expect(loaded.resolve.worlds[selectWorld(loaded)]?.imports).toHaveLength(2);
  });

  const wasiRoot = fileURLToPath(
    new URL('../../node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12', import.meta.url),
  );
  it.skipIf(!existsSync(wasiRoot))('resolves the WASI 0.2 tree (speed is measured by npm run bench, not here)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'deps'));
    for (const pkg of readdirSync(wasiRoot)) {
      copyFileSync(join(wasiRoot, pkg, 'package.wit'), join(dir, 'deps', `${pkg}.wit`));
    }
    writeFileSync(
      join(dir, 'app.wit'),
      'package ex:app;\nworld app {\n  include wasi:cli/imports@0.2.12;\n  include wasi:http/proxy@0.2.12;\n}\n',
    );
    const first = loadWit(dir);
    const world = first.resolve.worlds[selectWorld(first)];
    const importNames = (world?.imports ?? []).map((e) =>
      e.key.kind === 'interface' ? first.resolve.interfaces[e.key.id]?.name : e.key.name,
    );
    expect(importNames).toContain('outgoing-handler');
    expect(importNames).toContain('preopens');
    expect(world?.exports.length).toBe(1);

  });
});
