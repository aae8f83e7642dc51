export type * as Ast from './ast.js';
export * from './model.js';
export * from './errors.js';
export * from './source.js';
export { loadWit, loadWitAsync, loadWitText, selectWorld, type LoadedWit, type WitOptions } from './load.js';
export { decodeWitPackage, type DecodedWit } from './decode.js';
export { toResolveJson } from './json.js';
export { printPackages, escapeName } from './printer.js';
