/**
 * The parts of @bytecodealliance/preview2-shim's Node.js build that witgen
 * uses, typed here: the package's `types` condition comes before `node` in
 * its exports map, so TypeScript sees the browser declarations (where, e.g.,
 * `createFilesystem` takes an adapter and stream constructors are private)
 * while Node loads dist/nodejs. Only what this folder calls is declared.
 *
 * The shim is loaded on first use, not when witgen/runtime is imported:
 * loading it starts its I/O worker thread (60-150 ms measured), which hosts
 * of components without WASI imports and of legacy core modules never need.
 * `require` of an ES module is synchronous on Node >= 20.19 and shares
 * Node's module cache with `import`, so the classes are the same ones that
 * jco-transpiled code imports.
 */
import { createRequire } from 'node:module';
import { WasiError } from './errors.js';

/** An opaque WASI resource object made by the shim (a stream, a pollable, a descriptor...). */
export type ShimResource = object;

export interface ShimInputStream {
  read(len: bigint): Uint8Array;
  blockingRead(len: bigint): Uint8Array;
  skip(len: bigint): bigint;
  blockingSkip(len: bigint): bigint;
  subscribe(): ShimResource;
}

export interface ShimOutputStream {
  checkWrite(): bigint;
  write(buf: Uint8Array): void;
  blockingWriteAndFlush(buf: Uint8Array): void;
  flush(): void;
  blockingFlush(): void;
  writeZeroes(len: bigint): void;
  blockingWriteZeroesAndFlush(len: bigint): void;
  splice(src: unknown, len: bigint): bigint;
  blockingSplice(src: unknown, len: bigint): bigint;
  subscribe(): ShimResource;
}

/** A class the shim exports for a WASI resource; witgen subclasses the stream classes. */
export interface ShimClass<T> {
  new (): T;
  readonly prototype: T;
}

type InterfaceImports = Record<string, unknown>;

export interface NodeShim {
  readonly cli: {
    readonly stdin: { getStdin(): ShimResource };
    readonly terminalInput: { readonly TerminalInput: ShimClass<ShimResource> };
    readonly terminalOutput: { readonly TerminalOutput: ShimClass<ShimResource> };
  };
  readonly clocks: {
    readonly wallClock: InterfaceImports;
    readonly monotonicClock: InterfaceImports & { subscribeDuration(duration: bigint): ShimResource };
  };
  readonly filesystem: {
    createFilesystem(config: { preopens: Record<string, string> }): { types: InterfaceImports; preopens: InterfaceImports };
  };
  readonly io: {
    readonly error: InterfaceImports;
    readonly poll: InterfaceImports;
    readonly streams: {
      readonly InputStream: ShimClass<ShimInputStream>;
      readonly OutputStream: ShimClass<ShimOutputStream>;
    };
  };
  readonly http: {
    /** wasi:http/types: the resource classes (fields, requests, responses, bodies...) and `httpErrorCode`. */
    readonly types: InterfaceImports;
    readonly outgoingHandler: InterfaceImports & { handle(request: unknown, options: unknown): unknown };
  };
  readonly random: {
    readonly random: InterfaceImports;
    readonly insecure: InterfaceImports;
    readonly insecureSeed: InterfaceImports;
  };
}

const SHIM = '@bytecodealliance/preview2-shim';

let loaded: NodeShim | undefined;

/**
 * Loads the shim with `import()`, which works on every Node version witgen
 * supports; async hosts call it before instantiating so that `nodeShim`
 * never needs the synchronous path.
 */
export async function preloadShim(): Promise<void> {
  loaded ??= (await import(SHIM)) as unknown as NodeShim;
}

/** preview2-shim's Node.js build, loaded (and its worker started) on the first call unless preloaded. */
export function nodeShim(): NodeShim {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)(SHIM) as NodeShim;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
      throw new WasiError(
        'WASI_SHIM_UNAVAILABLE',
        `serving WASI synchronously needs Node.js >= 20.19 (require of the ES module ${SHIM}), found ${process.version}; call \`await preloadWasi()\` first`,
      );
    }
  }
  return loaded;
}
