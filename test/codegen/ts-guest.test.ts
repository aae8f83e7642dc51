/**
 * `generateTsGuest`: declarations for a ComponentizeJS guest. Guests written
 * in TypeScript against them type-check with the real compiler; guests that
 * miss an export, take or return the wrong type, or import what the world
 * does not have fail with diagnostics naming the culprit; worlds
 * ComponentizeJS cannot build are refused with TSGUEST_UNSUPPORTED.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTsGuest, TsGuestError } from '../../src/codegen/ts-guest/index.js';
import { loadWit, loadWitText, selectWorld } from '../../src/wit/load.js';
import { repoRoot } from '../cli/run-cli.js';
import { formatDiagnostics, transpileGuest, typecheck, type Diagnostic } from '../fixtures/ts-guest/typecheck.js';

const fixtures = fileURLToPath(new URL('../fixtures/ts-guest', import.meta.url));
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

function declarations(path: string, world: string): string {
  const loaded = loadWit(path);
  const { files } = generateTsGuest(loaded.resolve, selectWorld(loaded, world));
  expect(files.map((f) => f.path)).toEqual([`${world}.d.ts`]);
  return files[0]?.content ?? '';
}

const pluginDts = declarations(join(repoRoot, 'wit/plugin.wit'), 'plugin');
const pluginGuest = fixture('plugin-guest.ts.txt');
const inventoryDts = declarations(join(fixtures, 'inventory.wit'), 'inventory');
const inventoryGuest = fixture('inventory-guest.ts.txt');

/** The plugin guest with its `pointAdd` function replaced by `replacement`. */
function withPointAdd(replacement: string): string {
  const guest = pluginGuest.replace(/export function pointAdd[\s\S]*?\n}\n/, `${replacement}\n`);
  expect(guest).not.toBe(pluginGuest);
  return guest;
}

const checkPlugin = (guest: string): Diagnostic[] => typecheck({ 'plugin.d.ts': pluginDts, 'plugin-guest.ts': guest });

describe('generateTsGuest', () => {
  it('plugin.wit: the committed expected declarations (deterministic: a second load and run gives the same bytes)', () => {
    expect(pluginDts).toBe(fixture('plugin.d.ts.txt'));
    expect(declarations(join(repoRoot, 'wit/plugin.wit'), 'plugin')).toBe(pluginDts);
  });

  it('plugin.wit: world-level imports are default exports of modules named by the WIT function; docs become JSDoc', () => {
    expect(pluginDts).toContain("declare module 'host-log-value' {");
    expect(pluginDts).toContain('export default function hostLogValue(value: number): void;');
    expect(pluginDts).toContain("declare module 'witgen:example/plugin@0.1.0' {");
    expect(pluginDts).toContain('justAdd: (a: bigint, b: bigint) => bigint | Promise<bigint>;');
    expect(pluginDts).toContain('/** Returns `a + b`, wrapping on overflow. */');
    expect(pluginDts).not.toMatch(/\bany\b/);
  });

  it('the plugin and inventory guests type-check under strict settings', () => {
    expect(formatDiagnostics(checkPlugin(pluginGuest))).toBe('');
    const diagnostics = typecheck({ 'inventory.d.ts': inventoryDts, 'inventory-guest.ts': inventoryGuest });
    expect(formatDiagnostics(diagnostics)).toBe('');
  });

  it('transpiled guests keep only the runtime imports ComponentizeJS resolves', () => {
    const js = transpileGuest(inventoryGuest);
    expect(js).toContain("from 'witgen:tsguest/store@0.1.0'");
    expect(js).toContain("from 'log-line'");
    expect(js).not.toContain('witgen:tsguest/inventory@0.1.0');
    expect(js).not.toContain('InventoryGuest');
  });

  it('a guest missing an export fails to compile, naming the export', () => {
    const diagnostics = checkPlugin(withPointAdd('export const origin: Point = { x: 0, y: 0 };'));
    expect(diagnostics.map((d) => d.code)).toEqual([2344]);
    expect(formatDiagnostics(diagnostics)).toMatch(/Property 'pointAdd' is missing/);
  });

  it('a wrong parameter type fails to compile, naming the export (module check and annotated export)', () => {
    const unannotated = checkPlugin(withPointAdd('export function pointAdd(a: Point, b: string): Point {\n  return { x: a.x + b.length, y: a.y };\n}'));
    expect(unannotated.map((d) => d.code)).toEqual([2344]);
    expect(formatDiagnostics(unannotated)).toMatch(/Types of property 'pointAdd' are incompatible[\s\S]*'string'/);
    const annotated = checkPlugin(pluginGuest.replace('(a, b) => BigInt.asUintN(64, a + b)', '(a: number, b) => BigInt.asUintN(64, BigInt(a) + b)'));
    expect(annotated.map((d) => d.code)).toContain(2322);
    expect(formatDiagnostics(annotated)).toMatch(/Type 'bigint' is not assignable to type 'number'/);
  });

  it('a wrong result type fails to compile where the export is annotated', () => {
    const guest = pluginGuest.replace('(a, b) => BigInt.asUintN(64, a + b)', '(a, b) => Number(a + b)');
    const diagnostics = checkPlugin(guest);
    expect(diagnostics.map((d) => d.code)).toContain(2322);
    expect(formatDiagnostics(diagnostics)).toMatch(/'number' is not assignable to type 'bigint \| Promise<bigint>'/);
  });

  it('a wrong result type of an unannotated export fails the module check, naming the export', () => {
    const diagnostics = checkPlugin(withPointAdd('export function pointAdd(a: Point, b: Point): { x: string } {\n  return { x: String(a.x + b.x) };\n}'));
    expect(diagnostics.map((d) => d.code)).toEqual([2344]);
    expect(formatDiagnostics(diagnostics)).toMatch(/'pointAdd\(\.\.\.\)' are incompatible[\s\S]*Property 'y' is missing/);
  });

  it('importing a function the world does not have fails to compile, naming it', () => {
    const guest = `import hostReset from 'host-reset';\nimport { nothing } from 'witgen:tsguest/store@0.1.0';\n${inventoryGuest}\nhostReset();\nnothing();\n`;
    const diagnostics = typecheck({ 'inventory.d.ts': inventoryDts, 'inventory-guest.ts': guest });
    const text = formatDiagnostics(diagnostics);
    expect(diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining([2307, 2305]));
    expect(text).toMatch(/Cannot find module 'host-reset'/);
    expect(text).toMatch(/has no exported member 'nothing'/);
  });

  it('an exported resource class whose constructor takes the wrong type fails to compile, naming the class', () => {
    const guest = inventoryGuest.replace(
      'constructor(start: number) {\n    this.#value = start;',
      'constructor(start: string) {\n    this.#value = start.length;',
    );
    expect(guest).not.toBe(inventoryGuest);
    const diagnostics = typecheck({ 'inventory.d.ts': inventoryDts, 'inventory-guest.ts': guest });
    expect(diagnostics.map((d) => d.code)).toContain(2322);
    expect(formatDiagnostics(diagnostics)).toMatch(/typeof Counter' is not assignable to type 'CounterClass'[\s\S]*'number' is not assignable to type 'string'/);
  });

  it('exported interfaces: camelCase key, or the full name when an earlier export already has that key', () => {
    const loaded = loadWitText(
      [
        'package ex:keys@0.1.0;',
        'interface my-api { f: func() -> u32; }',
        'interface api { g: func() -> u32; }',
        'world keys {',
        '  export my-api;',
        '  export api;',
        '  export ex:other/api@0.2.0;',
        '  export inline-one: interface { h: func(); }',
        '}',
        'package ex:other@0.2.0 { interface api { k: func() -> u32; } }',
        '',
      ].join('\n'),
    );
    const text = generateTsGuest(loaded.resolve, selectWorld(loaded, 'keys')).files[0]?.content ?? '';
    expect(text).toContain('    myApi: {');
    expect(text).toContain('    api: {');
    expect(text).toContain("    'ex:other/api@0.2.0': {");
    expect(text).toContain('    inlineOne: {');
    expect(formatDiagnostics(typecheck({ 'keys.d.ts': text }))).toBe('');
  });

  describe('worlds ComponentizeJS 0.22 cannot build are refused with TSGUEST_UNSUPPORTED, naming the function', () => {
    const cases: [string, string][] = [
      ['async export', 'export run: async func(x: u32) -> u32;'],
      ['async import', 'import run: async func(x: u32) -> u32;'],
      ['stream', 'export run: func(x: stream<u8>);'],
      ['future', 'export run: func() -> future<u32>;'],
      ['map', 'export run: func(m: map<string, u32>);'],
      ['fixed-length list', 'export run: func(m: list<u32, 4>);'],
      ['nested stream', 'export run: func(m: option<list<stream<u8>>>);'],
    ];
    for (const [what, line] of cases) {
      it(what, () => {
        const loaded = loadWitText(`package ex:bad@0.1.0;\nworld bad {\n  ${line}\n  export fine: func();\n}\n`);
        let error: unknown;
        try {
          generateTsGuest(loaded.resolve, selectWorld(loaded, 'bad'));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(TsGuestError);
        expect((error as TsGuestError).code).toBe('TSGUEST_UNSUPPORTED');
        expect((error as TsGuestError).message).toContain('`run`');
        expect((error as TsGuestError).message).not.toContain('`fine`');
      });
    }
  });

  it('property: random plain record worlds give declarations that compile, identical on a second run', () => {
    const ident = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/).filter((s) => !['record', 'type', 'func', 'use', 'world', 'import', 'export', 'interface', 'list', 'option', 'result', 'string', 'tuple', 'flags', 'enum', 'variant', 'resource', 'own', 'borrow', 'static', 'constructor', 'bool', 'char', 'include', 'with', 'as', 'from', 'package', 'future', 'stream', 'async', 'map'].includes(s) && !/^[us](8|16|32|64)$/.test(s) && !/^f(32|64)$/.test(s));
    const prim = fc.constantFrom('u8', 'u32', 's64', 'f64', 'string', 'bool', 'char', 'list<u8>', 'list<string>', 'option<u32>', 'option<option<u32>>', 'result<u32, string>', 'tuple<u8, string>');
    fc.assert(
      fc.property(fc.uniqueArray(ident, { minLength: 1, maxLength: 4 }), fc.array(prim, { minLength: 4, maxLength: 4 }), (names, typesOf) => {
        const fields = names.map((n, i) => `${n}: ${typesOf[i % typesOf.length]}`).join(', ');
        const text = `package rnd:guest@0.1.0;\ninterface host { record rec { ${fields} } get: func(r: rec) -> rec; }\nworld w {\n  import host;\n  use host.{rec};\n  export echo: func(r: rec) -> rec;\n  export both: func(a: ${typesOf[0]}, b: ${typesOf[1]}) -> ${typesOf[2]};\n}\n`;
        const loaded = loadWitText(text);
        const first = generateTsGuest(loaded.resolve, selectWorld(loaded, 'w')).files[0]?.content ?? '';
        const again = loadWitText(text);
        expect(generateTsGuest(again.resolve, selectWorld(again, 'w')).files[0]?.content).toBe(first);
        const guest = [
          "import type { WGuest, WGuestModule } from 'rnd:guest/w@0.1.0';",
          "import { get } from 'rnd:guest/host@0.1.0';",
          "export const echo: WGuest['echo'] = (r) => get(r);",
          "export const both: WGuest['both'] = () => { throw new Error('not called'); };",
          "export type Checked = WGuestModule<typeof import('./guest.js')>;",
          '',
        ].join('\n');
        expect(formatDiagnostics(typecheck({ 'w.d.ts': first, 'guest.ts': guest }))).toBe('');
      }),
      { numRuns: 8, seed: 20261126 },
    );
  }, 120_000);
});
