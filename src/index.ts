/**
 * witgen's public API. Each layer (see shared/design.md) is exported from
 * here so build scripts can use it without spawning the CLI.
 */
export * from './wit/index.js';
export * from './abi/index.js';
export * from './build/index.js';
export * from './codegen/c-guest/index.js';
export * from './codegen/legacy/index.js';
export * from './codegen/ts-host/index.js';
export * from './codegen/ts-guest/index.js';
export * from './config/index.js';
export * from './runtime/index.js';
export * from './upgrade/index.js';
