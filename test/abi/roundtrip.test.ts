/**
 * Values of every kind cross a real wasm boundary through witgen's generated
 * lift/lower code, and through jco's transpiled host as the reference.
 *
 * The guest is a core module generated here from witgen's own core
 * signatures: each export forwards its core arguments to the import of the
 * same name and returns what it returns (a return area for indirect
 * results), with a bump `cabi_realloc`. wit-component (componentNew) checks
 * the module against the world, then:
 *  - witgen: the core module runs directly; imports are witgen trampolines,
 *    exports are called through witgen export adapters;
 *  - jco: the component is transpiled and run with the same host functions.
 * The host import answers with its argument, so a call is the identity.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { componentEmbed, componentNew, parse as watToWasm, transpile } from '@bytecodealliance/jco';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenFunction } from '../../src/abi/flatten.js';
import { layoutOf } from '../../src/abi/layout.js';
import {
  compileExportCall,
  compileImportTrampoline,
  type CoreFunction,
  type LiftLowerOptions,
} from '../../src/abi/lift-lower/compile.js';
import { ResultError } from '../../src/abi/lift-lower/trap.js';
import { camelCase } from '../../src/abi/lift-lower/js-names.js';
import type { StringEncoding } from '../../src/abi/lift-lower/runtime.js';
import { interfaceName } from '../../src/abi/signature.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import type { Func, Resolve } from '../../src/wit/model.js';
import { valueOf } from './values.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const witPath = path.join(here, 'roundtrip/roundtrip.wit');
const witText = readFileSync(witPath, 'utf8');
const loaded = loadWit(witPath);
const resolve: Resolve = loaded.resolve;
const worldId = selectWorld(loaded, 'roundtrip');
const world = resolve.worlds[worldId];
const entry = world?.imports.find((e) => e.item.kind === 'interface');
if (entry === undefined || entry.item.kind !== 'interface') throw new Error('roundtrip world imports an interface');
const ifaceId = entry.item.id;
const ifaceName = interfaceName(resolve, ifaceId);
const funcs: Func[] = [...(resolve.interfaces[ifaceId]?.functions.values() ?? [])];

/** Functions whose `result` is mapped to exceptions (the only way jco presents them). */
const THROWING = new Set(['check']);

/** What the host import returns for the given arguments: the argument, or all of them for `many`. */
function hostAnswer(func: Func, args: unknown[]): unknown {
  if (THROWING.has(func.name)) {
    const x = args[0] as { tag: string; val: unknown };
    if (x.tag === 'ok') return x.val;
    throw new ResultError(x.val);
  }
  if (func.params.length === 1) {
    const result = func.result === null ? undefined : resolve.types[func.result as number];
    // `-> tuple<T>` (one element) functions wrap their argument.
    return result?.kind.kind === 'tuple' && result.kind.types.length === 1 ? [args[0]] : args[0];
  }
  // `many`: the u32 sum (wrapping) of the numbers, and the string.
  return [args.slice(0, -1).reduce((a: number, b) => (a + Number(b)) >>> 0, 0), args[args.length - 1]];
}

/** The forwarding guest, in WAT, for witgen's core signatures of the world. */
function guestWat(): string {
  const lines = ['(module'];
  funcs.forEach((f, i) => {
    const lower = flattenFunction(resolve, f, 'lower');
    lines.push(
      `  (import ${JSON.stringify(ifaceName)} ${JSON.stringify(f.name)} (func $i${i} (param ${lower.params.join(' ')}) (result ${lower.results.join(' ')})))`,
    );
  });
  lines.push('  (memory (export "memory") 1)', '  (global $heap (mut i32) (i32.const 4096))');
  lines.push(`  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32) (local $end i32) (local $have i32)
    (local.set $p (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
    (local.set $end (i32.add (local.get $p) (local.get 3)))
    (local.set $have (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then (drop (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (local.get $have)) (i32.const 16)) (i32.const 1))))))
    (global.set $heap (local.get $end))
    ;; keep the old contents when growing or shrinking a block
    (if (local.get 0)
      (then (memory.copy (local.get $p) (local.get 0)
        (select (local.get 1) (local.get 3) (i32.lt_u (local.get 1) (local.get 3))))))
    (local.get $p))`);
  funcs.forEach((f, i) => {
    const lift = flattenFunction(resolve, f, 'lift');
    const args = lift.params.map((_, j) => `(local.get ${j})`).join(' ');
    const body = lift.resultsIndirect ? `(call $i${i} ${args} (i32.const 16)) (i32.const 16)` : `(call $i${i} ${args})`;
    lines.push(
      `  (func (export ${JSON.stringify(`${ifaceName}#${f.name}`)}) (param ${lift.params.join(' ')}) (result ${lift.results.join(' ')}) ${body})`,
    );
  });
  lines.push(')');
  return lines.join('\n');
}

type Exports = Record<string, (...args: unknown[]) => unknown>;

interface Hosts {
  readonly witgen: Map<StringEncoding, Exports>;
  readonly jco: Exports;
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-roundtrip-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type WasmExports = Record<string, unknown> & { memory: { buffer: ArrayBuffer } };
const WA = (globalThis as unknown as {
  WebAssembly: {
    instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: WasmExports } }>;
    compile(bytes: Uint8Array): Promise<unknown>;
  };
}).WebAssembly;

async function witgenHost(core: Uint8Array, encoding: StringEncoding): Promise<Exports> {
  let exports: WasmExports | undefined;
  const instance = {
    get memory() {
      if (exports === undefined) throw new Error('not instantiated');
      return exports.memory;
    },
    realloc: (a: number, b: number, c: number, d: number) => (exports?.['cabi_realloc'] as CoreFunction)(a, b, c, d) as number,
  };
  const options = (f: Func): LiftLowerOptions => ({
    encoding,
    resultErrors: THROWING.has(f.name) ? 'throw' : 'value',
  });
  const imports: Record<string, CoreFunction> = {};
  for (const f of funcs) {
    imports[f.name] = compileImportTrampoline(resolve, f, options(f)).value(instance, (...args) => hostAnswer(f, args));
  }
  exports = (await WA.instantiate(core, { [ifaceName]: imports })).instance.exports;
  const out: Exports = {};
  for (const f of funcs) {
    const core = exports[`${ifaceName}#${f.name}`] as CoreFunction;
    out[f.name] = compileExportCall(resolve, f, options(f)).value(instance, core);
  }
  return out;
}

async function jcoHost(component: Uint8Array): Promise<Exports> {
  const { files } = await transpile(component, { name: 'roundtrip', instantiation: { tag: 'async' } } as never);
  const dir = mkdtempSync(path.join(scratch, 'jco-'));
  for (const [name, bytes] of Object.entries(files as Record<string, Uint8Array>)) {
    writeFileSync(path.join(dir, name.replace(/\//g, '_')), bytes);
  }
  const mod = (await import(pathToFileURL(path.join(dir, 'roundtrip.js')).href)) as {
    instantiate(getCore: (name: string) => Promise<unknown>, imports: object): Promise<Record<string, Exports>>;
  };
  const hostFns = Object.fromEntries(funcs.map((f) => [camelCase(f.name), (...args: unknown[]) => hostAnswer(f, args)]));
  // jco keys imports by the interface name with and without its version.
  const root = await mod.instantiate((name) => WA.compile(readFileSync(path.join(dir, name))), {
    [ifaceName]: hostFns,
    [ifaceName.replace(/@[^@]*$/, '')]: hostFns,
  });
  const exported = root['echo'] ?? root[ifaceName];
  if (exported === undefined) throw new Error(`jco exports: ${Object.keys(root).join(', ')}`);
  return Object.fromEntries(funcs.map((f) => [f.name, exported[camelCase(f.name)] as (...a: unknown[]) => unknown]));
}

let hosts: Hosts;

beforeAll(async () => {
  const core = await watToWasm(guestWat());
  const witgen = new Map<StringEncoding, Exports>();
  for (const encoding of ['utf8', 'utf16', 'latin1+utf16'] as const) witgen.set(encoding, await witgenHost(core, encoding));
  const embedded = await componentEmbed({ binary: core, witSource: witText, world: 'roundtrip' });
  hosts = { witgen, jco: await jcoHost(await componentNew(embedded)) };
});

/** `{ ok: value }`, or `{ err: payload }` when the call throws an error with a payload. */
function outcome(run: () => unknown): { ok: unknown } | { err: unknown } {
  try {
    return { ok: run() };
  } catch (error) {
    if (error !== null && typeof error === 'object' && 'payload' in error) return { err: error.payload };
    throw error;
  }
}

function argsArb(f: Func): fc.Arbitrary<unknown[]> {
  return fc.tuple(...f.params.map((p) => valueOf(layoutOf(resolve, p.type))));
}

describe('values cross a real wasm boundary intact', () => {
  for (const f of funcs) {
    it(`${f.name}: witgen (3 string encodings) and jco agree and return the argument`, () => {
      fc.assert(
        fc.property(argsArb(f), (args) => {
          const expected = outcome(() => hostAnswer(f, args));
          for (const [encoding, exports] of hosts.witgen) {
            expect({ encoding, value: outcome(() => exports[f.name]?.(...args)) }).toEqual({ encoding, value: expected });
          }
          expect(outcome(() => hosts.jco[f.name]?.(...args))).toEqual(expected);
        }),
        { numRuns: 40 },
      );
    });
  }
});
