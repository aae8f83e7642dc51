/**
 * A linker for core WebAssembly modules, in the spirit of Wasmtime's
 * `Linker`: host functions, memories, globals, tables and other instances are
 * defined by (module, name); `link` checks every import of a module against
 * those definitions BEFORE anything runs and reports all missing and
 * mistyped imports in one `LinkError`.
 *
 * Function types are read from the module binary (src/binary/reader.ts);
 * memories, globals and tables are checked by kind only (the reader does not
 * decode their limits), the engine checks the rest at instantiation.
 */
import { formatCoreFuncType } from '../../abi/core-types.js';
import { BinaryError, functionType, readCoreModule, type CoreModuleInfo, type ExternKind, type FuncType } from '../../binary/reader.js';
import { defaultValueFunction, trappingFunction, wrapHostFunction, type HostFuncType } from './host-wrapper.js';
import { LONG_HINT, LinkError, unresolvedImportsError, type LinkProblem } from './link-errors.js';
import type { WasiOptions } from '../wasi/options.js';
import { PREVIEW1_MODULE, Preview1 } from '../wasi/preview1.js';
import { wasmApi, type WasmExports, type WasmGlobal, type WasmImports, type WasmInstance, type WasmMemory, type WasmModule, type WasmTable } from './wasm-api.js';

/** A compiled core module together with what the linker reads from its binary. */
export interface CoreModule {
  readonly module: WasmModule;
  readonly info: CoreModuleInfo;
}

/**
 * Reads the imports and exports of `bytes` and compiles it. A malformed binary, or code the engine
 * refuses to validate, is a BinaryError (BINARY_MALFORMED with the engine's reason and offset).
 */
export async function compileCoreModule(bytes: Uint8Array | ArrayBuffer): Promise<CoreModule> {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const info = readCoreModule(view);
  let module: WasmModule;
  try {
    module = await wasmApi.compile(view);
  } catch (error) {
    if (!(error instanceof wasmApi.CompileError)) throw error;
    const reason = error.message.replace(/^WebAssembly\.compile\(\): /, '');
    const offset = /@\+(\d+)$/.exec(reason);
    throw new BinaryError(
      'BINARY_MALFORMED',
      `the core module is not valid WebAssembly: ${reason.replace(/ @\+\d+$/, '')}`,
      offset === null ? 0 : Number(offset[1]),
    );
  }
  return { module, info };
}

/** What a host function receives as its first argument. */
export interface Caller<T> {
  /** The instance's exported `memory` (or, failing that, the memory it imports). */
  readonly memory: WasmMemory;
  /** The instance's exports, e.g. `malloc`. */
  readonly exports: WasmExports;
  /** The per-instance host state given to `instantiate`. */
  readonly data: T;
}

/**
 * A host function: the caller context, then the core arguments (i32/f32/f64
 * as `number`, i64 as `bigint`). Returns what `type.results` says (see
 * host-wrapper.ts for the exact rules).
 */
export type HostFunction<T> = (caller: Caller<T>, ...args: never[]) => unknown;

/** How an instance is meant to be driven, after WASI's conventions. */
export type InstanceKind = 'command' | 'reactor' | 'library';

export interface CoreInstance<T> {
  readonly module: CoreModule;
  readonly exports: WasmExports;
  readonly data: T;
  /** `command` exports `_start` (call `run()` once), `reactor` exports `_initialize` (already called). */
  readonly kind: InstanceKind;
  /** Runs a command's `_start`; allowed once per instance. */
  run(): void;
}

export interface InstantiateOptions<T> {
  readonly data: T;
}

type AnyFunction = (...args: never[]) => unknown;

/** A definition, waiting for an instance's caller context to become an import value. */
type Definition<T> =
  | { readonly kind: 'func'; readonly type: FuncType | HostFuncType; readonly make: (caller: Caller<T>) => AnyFunction }
  | { readonly kind: 'memory'; readonly value: WasmMemory }
  | { readonly kind: 'global'; readonly value: WasmGlobal }
  | { readonly kind: 'table'; readonly value: WasmTable };

const keyOf = (module: string, name: string): string => `${module}\u0000${name}`;

/** The text of an import's expected type: `(func (param i32))`, or `(memory)` for kinds the reader does not type. */
function describeImportType(info: CoreModuleInfo, kind: ExternKind, typeIndex: number | null): string {
  if (kind === 'func' && typeIndex !== null) {
    const type = info.types[typeIndex];
    if (type !== undefined) return formatCoreFuncType(type);
  }
  return `(${kind})`;
}

function describeDefinition<T>(def: Definition<T>): string {
  return def.kind === 'func' ? formatCoreFuncType(def.type) : `(${def.kind})`;
}

function sameTypes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** True when the two function types differ only by i32 where the other has i64: C `long` on wasm32. */
function onlyIntegerWidthDiffers(expected: FuncType, found: FuncType | HostFuncType): boolean {
  const widthSwap = (a: readonly string[], b: readonly string[]): boolean =>
    a.length === b.length &&
    a.every((t, i) => t === b[i] || (t === 'i32' && b[i] === 'i64') || (t === 'i64' && b[i] === 'i32'));
  return widthSwap(expected.params, found.params) && widthSwap(expected.results, found.results);
}

/** Records the instance once it exists; host functions read memory and exports through it. */
class InstanceCaller<T> implements Caller<T> {
  instance: WasmInstance | undefined;

  constructor(
    readonly data: T,
    private readonly importedMemory: WasmMemory | undefined,
  ) {}

  get memory(): WasmMemory {
    const exported = this.instance?.exports['memory'];
    if (exported instanceof wasmApi.Memory) return exported;
    if (this.importedMemory !== undefined) return this.importedMemory;
    throw new LinkError(
      this.instance === undefined ? 'LINK_NOT_INSTANTIATED' : 'LINK_NO_MEMORY',
      this.instance === undefined
        ? "the caller's memory is not available yet: the module's start function is still running"
        : 'the instance neither exports a memory named `memory` nor imports one',
    );
  }

  get exports(): WasmExports {
    if (this.instance === undefined) {
      throw new LinkError('LINK_NOT_INSTANTIATED', "the caller's exports are not available yet: the module's start function is still running");
    }
    return this.instance.exports;
  }
}

/** A module whose imports have all been resolved; instantiating it again is cheap. */
export class LinkedModule<T> {
  constructor(
    readonly module: CoreModule,
    /** One resolved definition per import, in import order. */
    private readonly resolved: readonly Definition<T>[],
  ) {}

  instantiate(options?: InstantiateOptions<T>): CoreInstance<T> {
    // T is `undefined` when the host keeps no state, so the options may be omitted.
    const data = options?.data as T;
    const { info } = this.module;
    const importedMemory = this.resolved.find((d) => d.kind === 'memory')?.value as WasmMemory | undefined;
    const caller = new InstanceCaller<T>(data, importedMemory);
    const imports: WasmImports = {};
    info.imports.forEach((imp, i) => {
      const def = this.resolved[i] as Definition<T>;
      const value = def.kind === 'func' ? def.make(caller) : def.value;
      (imports[imp.module] ??= {})[imp.name] = value;
    });
    const hasStart = info.exports.some((e) => e.name === '_start' && e.kind === 'func');
    const hasInitialize = info.exports.some((e) => e.name === '_initialize' && e.kind === 'func');
    if (hasStart && hasInitialize) {
      throw new LinkError('LINK_COMMAND_AND_REACTOR', 'the module exports both `_start` and `_initialize`: it cannot be both a command and a reactor');
    }
    let instance: WasmInstance;
    try {
      instance = new wasmApi.Instance(this.module.module, imports);
    } catch (error) {
      if (error instanceof wasmApi.LinkError) {
        throw new LinkError('LINK_INSTANTIATION_FAILED', `cannot instantiate module: ${error.message}`);
      }
      throw error;
    }
    caller.instance = instance;
    const exports = instance.exports;
    if (hasInitialize) (exports['_initialize'] as () => void)();
    let ran = false;
    return {
      module: this.module,
      exports,
      data,
      kind: hasStart ? 'command' : hasInitialize ? 'reactor' : 'library',
      run: () => {
        if (!hasStart) throw new LinkError('LINK_NOT_RUNNABLE', 'the module is not a command: it does not export `_start`');
        if (ran) throw new LinkError('LINK_NOT_RUNNABLE', 'a command runs once: `_start` was already called on this instance');
        ran = true;
        (exports['_start'] as () => void)();
      },
    };
  }
}

export class CoreLinker<T = undefined> {
  readonly #definitions = new Map<string, Definition<T>>();
  #shadowing = false;

  /** Whether a later definition of the same (module, name) replaces the earlier one instead of failing. */
  allowShadowing(allow: boolean): this {
    this.#shadowing = allow;
    return this;
  }

  defineFunc(module: string, name: string, type: HostFuncType, fn: HostFunction<T>): this {
    const importName = `${module}::${name}`;
    const frozen: HostFuncType = { params: [...type.params], results: [...type.results] };
    return this.#define(module, name, {
      kind: 'func',
      type: frozen,
      make: (caller) => wrapHostFunction(importName, frozen, fn as AnyFunction, caller),
    });
  }

  defineMemory(module: string, name: string, memory: WasmMemory): this {
    return this.#define(module, name, { kind: 'memory', value: memory });
  }

  defineGlobal(module: string, name: string, global: WasmGlobal): this {
    return this.#define(module, name, { kind: 'global', value: global });
  }

  defineTable(module: string, name: string, table: WasmTable): this {
    return this.#define(module, name, { kind: 'table', value: table });
  }

  /** Defines every export of `instance` under module `name` (linking one module to another). */
  defineInstance(name: string, instance: CoreInstance<unknown>): this {
    for (const exp of instance.module.info.exports) {
      const value = instance.exports[exp.name];
      if (exp.kind === 'func' && typeof value === 'function') {
        const fn = value as AnyFunction;
        this.#define(name, exp.name, { kind: 'func', type: functionType(instance.module.info, exp.index), make: () => fn });
      } else if (exp.kind === 'memory' && value instanceof wasmApi.Memory) {
        this.#define(name, exp.name, { kind: 'memory', value });
      } else if (exp.kind === 'global' && value instanceof wasmApi.Global) {
        this.#define(name, exp.name, { kind: 'global', value });
      } else if (exp.kind === 'table' && value instanceof wasmApi.Table) {
        this.#define(name, exp.name, { kind: 'table', value });
      }
    }
    return this;
  }

  /**
   * Defines the `wasi_snapshot_preview1` functions wasi-libc modules import,
   * deny-by-default: no arguments, environment, files, stdin, clocks or
   * randomness, and stdout/stderr discarded, unless `options` grants them
   * (src/runtime/wasi/preview1.ts). Each instance gets its own descriptor table.
   */
  defineWasi(options: WasiOptions = {}): this {
    for (const [name, func] of new Preview1(options).functions()) {
      this.defineFunc(PREVIEW1_MODULE, name, { params: func.params, results: func.results }, func.fn as HostFunction<T>);
    }
    return this;
  }

  /** Every function import of `module` not defined yet traps with a named `CoreCallError` when called. */
  defineUnknownImportsAsTraps(module: CoreModule): this {
    return this.#defineUnknownFunctions(module, (importName) => trappingFunction(importName));
  }

  /** Every function import of `module` not defined yet returns zeros (and does nothing else). */
  defineUnknownImportsAsDefaultValues(module: CoreModule): this {
    return this.#defineUnknownFunctions(module, (_, type) => defaultValueFunction(type.results));
  }

  /** Resolves every import of `module`, or throws one LinkError listing all that cannot be resolved. */
  link(module: CoreModule): LinkedModule<T> {
    const problems: LinkProblem[] = [];
    const resolved: Definition<T>[] = [];
    for (const imp of module.info.imports) {
      const def = this.#definitions.get(keyOf(imp.module, imp.name));
      const expected = describeImportType(module.info, imp.kind, imp.typeIndex);
      if (def === undefined) {
        problems.push({ kind: 'missing', module: imp.module, name: imp.name, expected });
        continue;
      }
      const found = describeDefinition(def);
      if (def.kind !== imp.kind) {
        problems.push({ kind: 'incompatible', module: imp.module, name: imp.name, expected, found });
        continue;
      }
      if (def.kind === 'func') {
        const want = imp.typeIndex === null ? undefined : module.info.types[imp.typeIndex];
        if (want !== undefined && !(sameTypes(want.params, def.type.params) && sameTypes(want.results, def.type.results))) {
          const hint = onlyIntegerWidthDiffers(want, def.type) ? LONG_HINT : undefined;
          problems.push({
            kind: 'incompatible',
            module: imp.module,
            name: imp.name,
            expected,
            found,
            ...(hint === undefined ? {} : { hint }),
          });
          continue;
        }
      }
      resolved.push(def);
    }
    if (problems.length > 0) throw unresolvedImportsError(problems);
    return new LinkedModule(module, resolved);
  }

  /** Links and instantiates: compiles `bytes` first if needed; a reactor's `_initialize` has run on return. */
  async instantiate(moduleOrBytes: CoreModule | Uint8Array | ArrayBuffer, options?: InstantiateOptions<T>): Promise<CoreInstance<T>> {
    const module =
      moduleOrBytes instanceof Uint8Array || moduleOrBytes instanceof ArrayBuffer
        ? await compileCoreModule(moduleOrBytes)
        : moduleOrBytes;
    return this.link(module).instantiate(options);
  }

  #define(module: string, name: string, def: Definition<T>): this {
    const key = keyOf(module, name);
    if (!this.#shadowing && this.#definitions.has(key)) {
      throw new LinkError(
        'LINK_DUPLICATE_DEFINITION',
        `\`${module}::${name}\` is already defined; call allowShadowing(true) to replace definitions`,
      );
    }
    this.#definitions.set(key, def);
    return this;
  }

  #defineUnknownFunctions(module: CoreModule, make: (importName: string, type: FuncType) => AnyFunction): this {
    for (const imp of module.info.imports) {
      if (imp.kind !== 'func' || imp.typeIndex === null) continue;
      if (this.#definitions.has(keyOf(imp.module, imp.name))) continue;
      const type = module.info.types[imp.typeIndex];
      if (type === undefined) continue;
      const fn = make(`${imp.module}::${imp.name}`, type);
      this.#definitions.set(keyOf(imp.module, imp.name), { kind: 'func', type, make: () => fn });
    }
    return this;
  }
}
