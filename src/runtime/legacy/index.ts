/**
 * WIT-typed legacy bindings: core modules with `extern "C"` imports/exports
 * driven through the wasm32 C ABI with the host shape of a WIT world.
 */
export {
  compileLegacy,
  instantiateLegacy,
  legacyCore,
  LegacyModule,
  type LegacyInstantiateOptions,
  type LegacySource,
  type LegacyWorld,
} from './instantiate.js';
export type { AllocatorOptions } from './allocator.js';
export { LegacyError, type LegacyErrorCode } from './errors.js';
