/**
 * WASI for witgen hosts, deny-by-default: `wasiImportsFor` serves WASI 0.2
 * imports of components (on preview2-shim, loaded on first use), and
 * `Preview1` / `CoreLinker.defineWasi` serve `wasi_snapshot_preview1`
 * to core modules. Both take the same `WasiOptions`.
 */
export { WasiDeniedError, WasiError, WasiExit, type DeniableCapability, type WasiErrorCode } from './errors.js';
export { type WasiOptions, type WasiOutput } from './options.js';
export { isServedWasiImport, preloadWasi, wasiImportsFor } from './preview2.js';
export { Preview1, type Preview1Caller, type Preview1Function } from './preview1.js';
