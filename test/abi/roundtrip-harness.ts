/**
 * Runs the functions of one WIT interface across a real wasm boundary, two
 * ways, for round-trip tests of lift/lower:
 *
 * The guest is a core module generated from witgen's own core signatures:
 * each export forwards its core arguments to the import of the same name and
 * returns what it returns (through a return area for indirect results), with
 * a bump `cabi_realloc` that keeps contents. wit-component (componentNew)
 * checks the module against the world, then:
 *  - witgen: the core module runs directly; imports are witgen trampolines,
 *    exports are called through witgen export adapters;
 *  - jco: the component is transpiled and run with the same host functions.
 * So a call through either host returns what the host import answered.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { componentEmbed, componentNew, parse as watToWasm, transpile } from '@bytecodealliance/jco';
import { flattenFunction } from '../../src/abi/flatten.js';
import { layoutOf } from '../../src/abi/layout.js';
import {
  compileExportCall,
  compileImportTrampoline,
  type CoreFunction,
  type LiftLowerOptions,
} from '../../src/abi/lift-lower/compile.js';
import { camelCase } from '../../src/abi/lift-lower/js-names.js';
import type { StringEncoding } from '../../src/abi/lift-lower/runtime.js';
import { ResultError } from '../../src/abi/lift-lower/trap.js';
import { interfaceName } from '../../src/abi/signature.js';
import { loadWitText, selectWorld } from '../../src/wit/load.js';
import type { Func, Resolve } from '../../src/wit/model.js';

export type Exports = Record<string, (...args: unknown[]) => unknown>;

export interface Harness {
  readonly resolve: Resolve;
  readonly funcs: Func[];
  /** witgen hosts, one per string encoding. */
  readonly witgen: Map<StringEncoding, Exports>;
  readonly jco: Exports;
}

/** The host import: `answer(func, args)`. */
export type HostAnswer = (func: Func, args: unknown[]) => unknown;

type WasmExports = Record<string, unknown> & { memory: { buffer: ArrayBuffer } };
const WA = (globalThis as unknown as {
  WebAssembly: {
    instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: WasmExports } }>;
    compile(bytes: Uint8Array): Promise<unknown>;
  };
}).WebAssembly;

/** Functions returning `result<...>`: jco presents them as return-or-throw, so witgen is run that way too. */
export function returnsResult(resolve: Resolve, func: Func): boolean {
  if (func.result === null) return false;
  const layout = layoutOf(resolve, func.result);
  return layout.kind === 'variant' && layout.source === 'result';
}

/** A host answer for `f(x: T) -> T`: the argument (return-or-throw for `result`s). */
export function identityAnswer(resolve: Resolve): HostAnswer {
  return (func, args) => {
    if (!returnsResult(resolve, func)) return args[0];
    const x = args[0] as { tag: string; val: unknown };
    if (x.tag === 'ok') return x.val;
    throw new ResultError(x.val);
  };
}

/** `{ ok: value }`, or `{ err: payload }` when the call throws an error with a payload. */
export function outcome(run: () => unknown): { ok: unknown } | { err: unknown } {
  try {
    return { ok: run() };
  } catch (error) {
    if (error !== null && typeof error === 'object' && 'payload' in error) return { err: error.payload };
    throw error;
  }
}

function guestWat(resolve: Resolve, ifaceName: string, funcs: Func[]): string {
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
    // The return area lives below the heap (which starts at 4096).
    const body = lift.resultsIndirect ? `(call $i${i} ${args} (i32.const 16)) (i32.const 16)` : `(call $i${i} ${args})`;
    lines.push(
      `  (func (export ${JSON.stringify(`${ifaceName}#${f.name}`)}) (param ${lift.params.join(' ')}) (result ${lift.results.join(' ')}) ${body})`,
    );
  });
  lines.push(')');
  return lines.join('\n');
}

async function witgenHost(
  resolve: Resolve,
  ifaceName: string,
  funcs: Func[],
  core: Uint8Array,
  encoding: StringEncoding,
  answer: HostAnswer,
): Promise<Exports> {
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
    resultErrors: returnsResult(resolve, f) ? 'throw' : 'value',
  });
  const imports: Record<string, CoreFunction> = {};
  for (const f of funcs) {
    imports[f.name] = compileImportTrampoline(resolve, f, options(f)).value(instance, (...args) => answer(f, args));
  }
  exports = (await WA.instantiate(core, { [ifaceName]: imports })).instance.exports;
  const out: Exports = {};
  for (const f of funcs) {
    const fn = exports[`${ifaceName}#${f.name}`] as CoreFunction;
    out[f.name] = compileExportCall(resolve, f, options(f)).value(instance, fn);
  }
  return out;
}

async function jcoHost(
  ifaceName: string,
  exportKey: string,
  funcs: Func[],
  component: Uint8Array,
  scratch: string,
  answer: HostAnswer,
): Promise<Exports> {
  const { files } = await transpile(component, { name: 'roundtrip', instantiation: { tag: 'async' } } as never);
  const dir = mkdtempSync(path.join(scratch, 'jco-'));
  for (const [name, bytes] of Object.entries(files as Record<string, Uint8Array>)) {
    writeFileSync(path.join(dir, name.replace(/\//g, '_')), bytes);
  }
  const mod = (await import(pathToFileURL(path.join(dir, 'roundtrip.js')).href)) as {
    instantiate(getCore: (name: string) => Promise<unknown>, imports: object): Promise<Record<string, Exports>>;
  };
  const hostFns = Object.fromEntries(funcs.map((f) => [camelCase(f.name), (...args: unknown[]) => answer(f, args)]));
  // jco keys imports by the interface name with and without its version.
  const root = await mod.instantiate((name) => WA.compile(readFileSync(path.join(dir, name))), {
    [ifaceName]: hostFns,
    [ifaceName.replace(/@[^@]*$/, '')]: hostFns,
  });
  const exported = root[exportKey] ?? root[ifaceName];
  if (exported === undefined) throw new Error(`jco exports: ${Object.keys(root).join(', ')}`);
  return Object.fromEntries(funcs.map((f) => [f.name, exported[camelCase(f.name)] as (...a: unknown[]) => unknown]));
}

/**
 * Builds both hosts for `world` of `witText`, whose first imported interface
 * is also exported. `answer` implements the host import.
 */
export async function roundtripHarness(
  witText: string,
  world: string,
  scratch: string,
  answer: (resolve: Resolve) => HostAnswer,
): Promise<Harness> {
  const loaded = loadWitText(witText);
  const resolve = loaded.resolve;
  const entry = resolve.worlds[selectWorld(loaded, world)]?.imports.find((e) => e.item.kind === 'interface');
  if (entry === undefined || entry.item.kind !== 'interface') throw new Error(`${world} imports no interface`);
  const iface = resolve.interfaces[entry.item.id];
  const ifaceName = interfaceName(resolve, entry.item.id);
  const funcs = [...(iface?.functions.values() ?? [])];
  const host = answer(resolve);
  const core = await watToWasm(guestWat(resolve, ifaceName, funcs));
  const witgen = new Map<StringEncoding, Exports>();
  for (const encoding of ['utf8', 'utf16', 'latin1+utf16'] as const) {
    witgen.set(encoding, await witgenHost(resolve, ifaceName, funcs, core, encoding, host));
  }
  const component = await componentNew(await componentEmbed({ binary: core, witSource: witText, world }));
  const jco = await jcoHost(ifaceName, camelCase(iface?.name ?? ''), funcs, component, scratch, host);
  return { resolve, funcs, witgen, jco };
}
