export type * as Ast from './ast.js';
export * from './model.js';
export * from './errors.js';
export * from './source.js';
