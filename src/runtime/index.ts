/**
 * witgen's runtime, the part generated host bindings import at run time
 * (`witgen/runtime`): the core-module linker and guest memory access for
 * legacy modules, and the component runtime.
 */
export * from './core/index-linker.js';
export * from './core/index-memory.js';
export * from './wasi/index.js';
export {
  instantiate,
  compileComponent,
  CompiledComponent,
  runtimeInfo,
  RUNTIME_INFO,
  ComponentTrap,
  InstancePoisoned,
  ReentranceError,
  ResourceError,
  UnsupportedComponent,
  ComponentInputError,
  WorldMismatchError,
  type ComponentSource,
  type InstantiateOptions,
  type RuntimeInfo,
  type WorldDifference,
} from './component/index.js';
export {
  checkImports,
  importProblems,
  ImportsError,
  type ImportProblem,
  type CheckImportsOptions,
} from './component/check-imports.js';
// The jco fallback itself is loaded lazily by the component runtime (it pulls in jco); its error class is light.
export { FallbackError, type FallbackErrorCode } from './fallback/errors.js';
// WIT-typed legacy bindings: a core module driven through the wasm32 C ABI with the same host shape.
export * from './legacy/index.js';
