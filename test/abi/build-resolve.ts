/**
 * Builds small Resolve values by hand for ABI unit tests, and random ones
 * for property tests (`typeSpecArb`, `addSpec`).
 */
import fc from 'fast-check';
import type { Func, PrimitiveName, Resolve, Type, TypeDefKind, TypeId } from '../../src/wit/model.js';

export function emptyResolve(): Resolve {
  return { worlds: [], interfaces: [], types: [], packages: [] };
}

/** Appends an anonymous type definition and returns its id. */
export function addType(resolve: Resolve, kind: TypeDefKind, name: string | null = null): TypeId {
  resolve.types.push({ name, kind, owner: { kind: 'none' }, docs: null, stability: { kind: 'unknown' } });
  return resolve.types.length - 1;
}

export function func(params: Type[], result: Type | null, async = false): Func {
  return {
    name: 'f',
    kind: { kind: 'freestanding' },
    async,
    params: params.map((type, i) => ({ name: `p${i}`, type })),
    result,
    docs: null,
    stability: { kind: 'unknown' },
  };
}

/** A random WIT type, as a tree that `addSpec` turns into Resolve entries. */
export type TypeSpec =
  | { readonly t: 'prim'; readonly name: PrimitiveName }
  | { readonly t: 'record' | 'tuple'; readonly items: readonly TypeSpec[] }
  | { readonly t: 'variant'; readonly cases: readonly (TypeSpec | null)[] }
  | { readonly t: 'option' | 'list'; readonly item: TypeSpec }
  | { readonly t: 'result'; readonly ok: TypeSpec | null; readonly err: TypeSpec | null }
  | { readonly t: 'fixed'; readonly item: TypeSpec; readonly length: number }
  | { readonly t: 'map'; readonly key: TypeSpec; readonly value: TypeSpec }
  | { readonly t: 'flags'; readonly count: number }
  | { readonly t: 'enum'; readonly count: number }
  | { readonly t: 'own' };

const PRIMITIVES: PrimitiveName[] = [
  'bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string', 'error-context',
];

export const typeSpecArb: fc.Arbitrary<TypeSpec> = fc.letrec<{ type: TypeSpec }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...PRIMITIVES).map((name): TypeSpec => ({ t: 'prim', name })),
    fc.integer({ min: 0, max: 80 }).map((count): TypeSpec => ({ t: 'flags', count })),
    fc.integer({ min: 1, max: 300 }).map((count): TypeSpec => ({ t: 'enum', count })),
    fc.constant<TypeSpec>({ t: 'own' }),
    fc.array(tie('type'), { maxLength: 5 }).map((items): TypeSpec => ({ t: 'record', items })),
    fc.array(tie('type'), { minLength: 1, maxLength: 4 }).map((items): TypeSpec => ({ t: 'tuple', items })),
    fc
      .array(fc.option(tie('type'), { nil: null }), { minLength: 1, maxLength: 5 })
      .map((cases): TypeSpec => ({ t: 'variant', cases })),
    tie('type').map((item): TypeSpec => ({ t: 'option', item })),
    tie('type').map((item): TypeSpec => ({ t: 'list', item })),
    fc
      .record({ ok: fc.option(tie('type'), { nil: null }), err: fc.option(tie('type'), { nil: null }) })
      .map(({ ok, err }): TypeSpec => ({ t: 'result', ok, err })),
    fc
      .record({ item: tie('type'), length: fc.integer({ min: 1, max: 5 }) })
      .map(({ item, length }): TypeSpec => ({ t: 'fixed', item, length })),
    fc.record({ key: tie('type'), value: tie('type') }).map(({ key, value }): TypeSpec => ({ t: 'map', key, value })),
  ),
})).type;

/** Adds the definitions `spec` needs to `resolve` and returns the resulting Type. */
export function addSpec(resolve: Resolve, spec: TypeSpec): Type {
  const names = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, docs: null }));
  switch (spec.t) {
    case 'prim':
      return spec.name;
    case 'record':
      return addType(resolve, {
        kind: 'record',
        fields: spec.items.map((s, i) => ({ name: `f${i}`, type: addSpec(resolve, s), docs: null })),
      });
    case 'tuple':
      return addType(resolve, { kind: 'tuple', types: spec.items.map((s) => addSpec(resolve, s)) });
    case 'variant':
      return addType(resolve, {
        kind: 'variant',
        cases: spec.cases.map((s, i) => ({
          name: `c${i}`,
          type: s === null ? null : addSpec(resolve, s),
          docs: null,
        })),
      });
    case 'option':
      return addType(resolve, { kind: 'option', type: addSpec(resolve, spec.item) });
    case 'list':
      return addType(resolve, { kind: 'list', element: addSpec(resolve, spec.item) });
    case 'result':
      return addType(resolve, {
        kind: 'result',
        ok: spec.ok === null ? null : addSpec(resolve, spec.ok),
        err: spec.err === null ? null : addSpec(resolve, spec.err),
      });
    case 'fixed':
      return addType(resolve, {
        kind: 'fixed-length-list',
        element: addSpec(resolve, spec.item),
        length: spec.length,
      });
    case 'map':
      return addType(resolve, { kind: 'map', key: addSpec(resolve, spec.key), value: addSpec(resolve, spec.value) });
    case 'flags':
      return addType(resolve, { kind: 'flags', flags: names('g', spec.count) });
    case 'enum':
      return addType(resolve, { kind: 'enum', cases: names('e', spec.count) });
    case 'own': {
      const resource = addType(resolve, { kind: 'resource' }, 'res');
      return addType(resolve, { kind: 'handle', handle: 'own', resource });
    }
  }
}
