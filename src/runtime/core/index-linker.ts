/** Public API of the core-module linker (wired into src/index.ts by the lead). */
export { CoreLinker, LinkedModule, compileCoreModule } from './linker.js';
export type { Caller, CoreInstance, CoreModule, HostFunction, InstanceKind, InstantiateOptions as CoreInstantiateOptions } from './linker.js';
export type { HostFuncType } from './host-wrapper.js';
export { CoreCallError, LinkError, LONG_HINT } from './link-errors.js';
export type { CoreCallErrorCode, LinkErrorCode, LinkProblem } from './link-errors.js';
