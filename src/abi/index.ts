/**
 * The ABI plan: one answer, for every consumer, to how WIT values cross the
 * component boundary.
 *
 * - layout.ts: canonical size/alignment/offsets of every type (a `Layout` tree, memoised per TypeId)
 * - flatten.ts: flat core types of values and functions (spilling, return pointers, async ABI)
 * - signature.ts / resources.ts: core signatures and resource intrinsics of a world (`witgen abi`)
 * - cabi.ts: the wasm32 C ABI (BasicCABI) for legacy `extern "C"` modules
 * - lift-lower/: JavaScript lift/lower code compiled once per function signature
 */
export * from './core-types.js';
export * from './errors.js';
export * from './layout.js';
export * from './flatten.js';
export * from './signature.js';
export * from './cabi.js';
export * from './lift-lower/trap.js';
export {
  indexHandles,
  type AbiInstance,
  type HandleHooks,
  type StringEncoding,
} from './lift-lower/runtime.js';
export * from './lift-lower/compile.js';
export { renderWitSignature, witTypeText } from './lift-lower/wit-text.js';
export {
  AbiValueError,
  findValueProblem,
  type PathStep,
  type ValuePosition,
  type ValueProblem,
} from './lift-lower/value-check.js';
export { camelCase } from './lift-lower/js-names.js';
export * from './resources.js';
export * from './host-shape.js';
export * from './legacy-names.js';
