/**
 * The ABI plan: how WIT values are laid out in linear memory and flattened
 * into core wasm values, and the core signatures of a world's functions.
 */
export * from './core-types.js';
export * from './errors.js';
export * from './layout.js';
export * from './flatten.js';
export * from './signature.js';
export * from './cabi.js';
export * from './lift-lower/trap.js';
export * from './lift-lower/runtime.js';
export * from './lift-lower/compile.js';
export { camelCase } from './lift-lower/js-names.js';
export * from './resources.js';
