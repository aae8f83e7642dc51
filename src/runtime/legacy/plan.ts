/**
 * The C ABI plan of one WIT function in a legacy core module: which core
 * symbol it has, its core signature, and how each parameter and the result
 * cross the boundary. Everything comes from src/abi: `cTypeOfWit` +
 * `cFunctionAbi` (cabi.ts, wasm32 BasicCABI) decide direct / by pointer /
 * sret, and `layoutOf` (layout.ts) is the memory layout of the values (the
 * C layout of `cTypeOfWit` is the canonical one by construction), so the
 * compiled call code of lift-lower/emit.ts moves them.
 *
 * The C function of `f: func(a: A, b: B) -> R` is `R f(A a, B b)` with the
 * C types wit-bindgen's C generator uses: a string or list is a
 * `{ ptr, len }` struct, so (as any struct that is not a single scalar) it is
 * passed as a pointer to a caller-owned copy and returned through a hidden
 * first parameter.
 */
import { cFunctionAbi, cTypeOfWit, type CPassing } from '../../abi/cabi.js';
import type { CoreType } from '../../abi/core-types.js';
import { flattenLayout } from '../../abi/flatten.js';
import { layoutOf, type Layout } from '../../abi/layout.js';
import type { Func, Resolve, Type } from '../../wit/model.js';
import { LegacyError } from './errors.js';

export interface ValuePlan {
  readonly type: Type;
  readonly layout: Layout;
  readonly passing: CPassing;
}

export interface LegacyFunctionPlan {
  readonly func: Func;
  /** `f` for a world function, `ns:pkg/iface@v#f` for an interface's: the name errors use. */
  readonly qualifiedName: string;
  /** The core symbol: export name, or import name under `module`. */
  readonly symbol: string;
  readonly params: readonly ValuePlan[];
  readonly result: ValuePlan | null;
  /** The result is written through a pointer passed as the first core parameter. */
  readonly sret: boolean;
  readonly core: { readonly params: readonly CoreType[]; readonly results: readonly CoreType[] };
  /** `result<T, E>` results are returned or thrown (jco's convention), as on the component path. */
  readonly throwsResult: boolean;
}

/** `own<r>`, `stream<u8>`, `list<string>`: a short WIT spelling of a type for messages. */
export function witTypeName(resolve: Resolve, type: Type): string {
  if (typeof type === 'string') return type;
  const def = resolve.types[type];
  if (def === undefined) return `type ${type}`;
  if (def.name !== null) return def.name;
  const kind = def.kind;
  const inner = (t: Type | null): string => (t === null ? '_' : witTypeName(resolve, t));
  switch (kind.kind) {
    case 'handle':
      return `${kind.handle}<${witTypeName(resolve, kind.resource)}>`;
    case 'list':
      return `list<${inner(kind.element)}>`;
    case 'fixed-length-list':
      return `list<${inner(kind.element)}, ${kind.length}>`;
    case 'option':
      return `option<${inner(kind.type)}>`;
    case 'result':
      return `result<${inner(kind.ok)}, ${inner(kind.err)}>`;
    case 'tuple':
      return `tuple<${kind.types.map(inner).join(', ')}>`;
    case 'map':
      return `map<${inner(kind.key)}, ${inner(kind.value)}>`;
    case 'future':
    case 'stream':
      return `${kind.kind}<${inner(kind.type)}>`;
    case 'type':
      return inner(kind.type);
    default:
      return kind.kind;
  }
}

/** The first handle (resource, stream, future, error-context) inside `layout`, or null. */
function findHandle(layout: Layout): Layout | null {
  switch (layout.kind) {
    case 'handle':
      return layout;
    case 'list':
    case 'fixed-list':
      return findHandle(layout.element);
    case 'record':
      for (const f of layout.fields) {
        const found = findHandle(f.layout);
        if (found !== null) return found;
      }
      return null;
    case 'variant':
      for (const c of layout.cases) {
        const found = c.layout === null ? null : findHandle(c.layout);
        if (found !== null) return found;
      }
      return null;
    default:
      return null;
  }
}

function valuePlan(resolve: Resolve, name: string, type: Type, what: string, passing: CPassing): ValuePlan {
  const layout = layoutOf(resolve, type);
  const handle = findHandle(layout);
  if (handle !== null && handle.kind === 'handle') {
    const target = handle.target === null ? '' : ` of \`${witTypeName(resolve, handle.target)}\``;
    throw new LegacyError(
      'LEGACY_UNSUPPORTED',
      `\`${name}\`: ${what} has type \`${witTypeName(resolve, type)}\`, which holds a ${handle.handle} handle${target}; ` +
        'the C ABI of a legacy module has no resources, streams or futures (expected plain values: scalars, strings, lists, records, variants)',
    );
  }
  if (passing.kind === 'direct') {
    // A value passed as one C scalar must flatten to that same core value, so the flat lift/lower code applies.
    const flat = flattenLayout(layout);
    if (flat.length !== passing.core.length || flat.some((t, i) => t !== passing.core[i])) {
      throw new LegacyError(
        'LEGACY_UNSUPPORTED',
        `\`${name}\`: ${what} of type \`${witTypeName(resolve, type)}\` is passed as (${passing.core.join(' ')}) in C ` +
          `but flattens to (${flat.join(' ')}); no legacy mapping is defined for it`,
      );
    }
  }
  return { type, layout, passing };
}

/** The plan of `func` as symbol `symbol`; `qualifiedName` names it in errors. */
export function planFunction(resolve: Resolve, func: Func, qualifiedName: string, symbol: string): LegacyFunctionPlan {
  if (func.async) {
    throw new LegacyError('LEGACY_UNSUPPORTED', `\`${qualifiedName}\` is async: a legacy C function is synchronous`);
  }
  if (func.kind.kind !== 'freestanding') {
    throw new LegacyError(
      'LEGACY_UNSUPPORTED',
      `\`${qualifiedName}\` is a resource function: the C ABI of a legacy module has no resources`,
    );
  }
  const cParams = func.params.map((p) => cTypeOfWit(resolve, p.type));
  const cResult = func.result === null ? null : cTypeOfWit(resolve, func.result);
  const abi = cFunctionAbi(cParams, cResult);
  const params = func.params.map((p, i) =>
    valuePlan(resolve, qualifiedName, p.type, `parameter \`${p.name}\``, abi.paramPassing[i] as CPassing),
  );
  const result = func.result === null ? null : valuePlan(resolve, qualifiedName, func.result, 'the result', abi.resultPassing);
  const throwsResult = result !== null && result.layout.kind === 'variant' && result.layout.source === 'result';
  return {
    func,
    qualifiedName,
    symbol,
    params,
    result,
    sret: abi.sret,
    core: { params: abi.params, results: abi.results },
    throwsResult,
  };
}

/** Whether moving a value of `layout` through memory allocates (strings and lists do). */
export function allocates(layout: Layout): boolean {
  switch (layout.kind) {
    case 'string':
    case 'list':
      return true;
    case 'fixed-list':
      return allocates(layout.element);
    case 'record':
      return layout.fields.some((f) => allocates(f.layout));
    case 'variant':
      return layout.cases.some((c) => c.layout !== null && allocates(c.layout));
    default:
      return false;
  }
}

/** Whether calling export `plan` needs the guest allocator (argument copies, result area, strings, lists). */
export function exportNeedsAllocator(plan: LegacyFunctionPlan): boolean {
  return plan.sret || plan.params.some((p) => p.passing.kind === 'indirect' || allocates(p.layout));
}

/** Whether implementing import `plan` needs the guest allocator (strings/lists handed to the guest). */
export function importNeedsAllocator(plan: LegacyFunctionPlan): boolean {
  return plan.result !== null && allocates(plan.result.layout);
}
