/**
 * Flattening of WIT values and function types into core wasm value types
 * (CanonicalABI.md: `flatten_type`, `join`, `flatten_functype`).
 */
import type { Func, Resolve, Type } from '../wit/model.js';
import type { CoreType } from './core-types.js';
import { layoutOf, type Layout } from './layout.js';

/** Above this many flat parameters, parameters are passed in memory behind one pointer. */
export const MAX_FLAT_PARAMS = 16;
/** Above this many flat results, results are passed in memory (return pointer). */
export const MAX_FLAT_RESULTS = 1;
/** Parameter limit of an async-lowered import (spec `MAX_FLAT_ASYNC_PARAMS`). */
export const MAX_FLAT_ASYNC_PARAMS = 4;

const flatMemo = new WeakMap<Layout, readonly CoreType[]>();

/** The core values one value of `layout` flattens into. */
export function flattenLayout(layout: Layout): readonly CoreType[] {
  const cached = flatMemo.get(layout);
  if (cached !== undefined) return cached;
  const flat = computeFlat(layout);
  flatMemo.set(layout, flat);
  return flat;
}

export function flattenType(resolve: Resolve, type: Type): readonly CoreType[] {
  return flattenLayout(layoutOf(resolve, type));
}

function computeFlat(layout: Layout): readonly CoreType[] {
  switch (layout.kind) {
    case 'scalar':
      switch (layout.scalar) {
        case 'u64':
        case 's64':
          return ['i64'];
        case 'f32':
          return ['f32'];
        case 'f64':
          return ['f64'];
        default:
          return ['i32'];
      }
    case 'string':
    case 'list':
      return ['i32', 'i32'];
    case 'handle':
      return ['i32'];
    case 'flags':
      return Array.from({ length: layout.words }, () => 'i32' as const);
    case 'fixed-list': {
      const element = flattenLayout(layout.element);
      const flat: CoreType[] = [];
      for (let i = 0; i < layout.length; i++) flat.push(...element);
      return flat;
    }
    case 'record':
      return layout.fields.flatMap((f) => flattenLayout(f.layout));
    case 'variant': {
      // Cases share their flat slots; a slot holds the join of every case's type there.
      const payload: CoreType[] = [];
      for (const c of layout.cases) {
        if (c.layout === null) continue;
        flattenLayout(c.layout).forEach((type, i) => {
          const current = payload[i];
          payload[i] = current === undefined ? type : joinCoreTypes(current, type);
        });
      }
      return ['i32', ...payload];
    }
  }
}

/** The narrowest core type that can carry values of both `a` and `b` (spec `join`). */
export function joinCoreTypes(a: CoreType, b: CoreType): CoreType {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

/**
 * `lower`: the core signature of an imported function as the core module
 * calls it (a result that does not fit is written through a return pointer
 * passed as the last parameter). `lift`: the core signature of an exported
 * function the core module implements (it returns a pointer to its results).
 */
export type AbiContext = 'lift' | 'lower';

export interface FunctionAbiOptions {
  /**
   * How `async` functions are lifted/lowered. `sync` (default) uses the
   * synchronous ABI, which the canonical ABI allows for any function and is
   * what wit-component's dummy modules use. `async-callback` and
   * `async-stackful` follow the spec's async lifting/lowering.
   */
  readonly async?: 'sync' | 'async-callback' | 'async-stackful';
}

export interface FunctionAbi {
  readonly params: readonly CoreType[];
  readonly results: readonly CoreType[];
  /** Flat parameters of the WIT signature, before any spilling. */
  readonly flatParams: readonly CoreType[];
  /** Flat results of the WIT signature, before any spilling. */
  readonly flatResults: readonly CoreType[];
  /** Parameters are stored in memory and passed as one i32 pointer. */
  readonly paramsIndirect: boolean;
  /** Results are stored in memory: as a trailing return-pointer param (lower) or a returned pointer (lift). */
  readonly resultsIndirect: boolean;
  /** The function uses the async ABI. */
  readonly async: boolean;
}

/** The core function type of `func` in `context` (spec `flatten_functype`). */
export function flattenFunction(
  resolve: Resolve,
  func: Func,
  context: AbiContext,
  options: FunctionAbiOptions = {},
): FunctionAbi {
  const flatParams = func.params.flatMap((p) => flattenType(resolve, p.type));
  const flatResults = func.result === null ? [] : [...flattenType(resolve, func.result)];
  const mode = func.async ? (options.async ?? 'sync') : 'sync';
  if (mode === 'sync') {
    const paramsIndirect = flatParams.length > MAX_FLAT_PARAMS;
    const resultsIndirect = flatResults.length > MAX_FLAT_RESULTS;
    let params: CoreType[] = paramsIndirect ? ['i32'] : flatParams;
    let results: CoreType[] = flatResults;
    if (resultsIndirect) {
      if (context === 'lift') {
        results = ['i32'];
      } else {
        params = [...params, 'i32'];
        results = [];
      }
    }
    return { params, results, flatParams, flatResults, paramsIndirect, resultsIndirect, async: false };
  }
  if (context === 'lower') {
    // The caller passes results' address; the import returns a subtask status.
    const paramsIndirect = flatParams.length > MAX_FLAT_ASYNC_PARAMS;
    const resultsIndirect = flatResults.length > 0;
    const params: CoreType[] = paramsIndirect ? ['i32'] : [...flatParams];
    if (resultsIndirect) params.push('i32');
    return { params, results: ['i32'], flatParams, flatResults, paramsIndirect, resultsIndirect, async: true };
  }
  // Async lift: results are delivered through `task.return`, never returned.
  const paramsIndirect = flatParams.length > MAX_FLAT_PARAMS;
  const params: CoreType[] = paramsIndirect ? ['i32'] : flatParams;
  const results: CoreType[] = mode === 'async-callback' ? ['i32'] : [];
  return { params, results, flatParams, flatResults, paramsIndirect, resultsIndirect: false, async: true };
}
