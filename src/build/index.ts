/** `witgen build`: core module + WIT world → component. */
export { buildComponent, checkAgainstWorld, type BuildOptions, type BuildResult, type StringEncoding as BuildStringEncoding } from './build.js';
export { BuildError, type BuildErrorCode, type BuildProblem, type BuildProblemKind } from './errors.js';
export { expectedInterface, type ExpectedExport, type ExpectedImport, type ExpectedInterface } from './expected.js';
export { checkModule, PREVIEW1_MODULE, type CheckResult } from './check.js';
export { detectScheme, mangling, type Mangling, type NameScheme } from './mangling.js';
export type { AdapterKind } from './adapter.js';
