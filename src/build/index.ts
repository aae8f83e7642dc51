/** `witgen build`: core module or JavaScript module + WIT world → component. */
export { buildComponent, checkAgainstWorld, type BuildOptions, type BuildResult, type StringEncoding as BuildStringEncoding } from './build.js';
export { BuildError, type BuildErrorCode, type BuildProblem, type BuildProblemKind } from './errors.js';
export { expectedInterface, type ExpectedExport, type ExpectedImport, type ExpectedInterface } from './expected.js';
export { checkModule, PREVIEW1_MODULE, type CheckResult } from './check.js';
export { detectScheme, mangling, type Mangling, type NameScheme } from './mangling.js';
export type { AdapterKind } from './adapter.js';
export { buildJsGuest, type JsBuildOptions, type JsBuildResult } from './js.js';
export { DEFAULT_JS_FEATURES, JS_FEATURES, JS_FEATURE_USES, isJsFeature, type JsFeature } from './js-features.js';
export { detectBuildInput, type BuildInputKind } from './input-kind.js';
