/**
 * Type substitution for instantiating a nested component: the types of an
 * instance made by `instantiate` are the component's export types with each
 * of its type imports replaced by the type given for it (the component
 * model's typing of instantiation, as wasmparser's validator does it).
 *
 * wit-component's shim components need this: an exported interface that
 * defines a record of handles, or a function over such a record, is
 * re-declared inside the shim over the shim's own imported resources
 * (`sub resource`); only the substitution makes those handles name the
 * resources the outer component passes in (an imported resource, or one
 * the component defines), so that type identity holds across interfaces.
 */
import type { ComponentTypes, DefinedType, NamedValType, TypeId, TypeInfo, ValType } from './component-types.js';

/**
 * Returns `substitute(id)`: the type `id` with every type in `mapping`
 * (nested import id -> outer type id) replaced, recursively through value
 * and function types. Types that do not change keep their id; changed
 * ones get a new id in `types`, once each.
 */
export function typeSubstitution(types: ComponentTypes, mapping: ReadonlyMap<TypeId, TypeId>): (id: TypeId) => TypeId {
  const done = new Map<TypeId, TypeId>();

  const valType = (type: ValType): ValType => (type.kind === 'primitive' ? type : { kind: 'id', id: substitute(type.id) });
  const optional = (type: ValType | null): ValType | null => (type === null ? null : valType(type));
  const sameVal = (a: ValType | null, b: ValType | null): boolean => a === b || (a?.kind === 'id' && b?.kind === 'id' && a.id === b.id);

  const defined = (def: DefinedType): DefinedType => {
    switch (def.kind) {
      case 'primitive':
      case 'flags':
      case 'enum':
        return def;
      case 'record':
        return { kind: 'record', fields: def.fields.map((f) => ({ name: f.name, type: valType(f.type) })) };
      case 'variant':
        return { kind: 'variant', cases: def.cases.map((c) => ({ name: c.name, type: optional(c.type), refines: c.refines })) };
      case 'list':
        return { kind: 'list', element: valType(def.element) };
      case 'fixed-length-list':
        return { kind: 'fixed-length-list', element: valType(def.element), length: def.length };
      case 'map':
        return { kind: 'map', key: valType(def.key), value: valType(def.value) };
      case 'tuple':
        return { kind: 'tuple', types: def.types.map(valType) };
      case 'option':
        return { kind: 'option', type: valType(def.type) };
      case 'result':
        return { kind: 'result', ok: optional(def.ok), err: optional(def.err) };
      case 'own':
      case 'borrow':
        return { kind: def.kind, resource: substitute(def.resource) };
      case 'future':
      case 'stream':
        return { kind: def.kind, type: optional(def.type) };
    }
  };

  /** The value types a type refers to, in order, for comparing before and after. */
  const refs = (info: TypeInfo): (ValType | null)[] => {
    if (info.kind === 'func') return [...info.params.map((p: NamedValType) => p.type), info.result];
    if (info.kind !== 'defined') return [];
    const def = info.def;
    switch (def.kind) {
      case 'record':
        return def.fields.map((f) => f.type);
      case 'variant':
        return def.cases.map((c) => c.type);
      case 'list':
      case 'fixed-length-list':
        return [def.element];
      case 'map':
        return [def.key, def.value];
      case 'tuple':
        return def.types;
      case 'option':
        return [def.type];
      case 'result':
        return [def.ok, def.err];
      case 'own':
      case 'borrow':
        return [{ kind: 'id', id: def.resource }];
      case 'future':
      case 'stream':
        return [def.type];
      default:
        return [];
    }
  };

  function substitute(id: TypeId): TypeId {
    const target = mapping.get(id);
    if (target !== undefined) return target;
    const known = done.get(id);
    if (known !== undefined) return known;
    const info = types.get(id);
    let next: TypeInfo;
    if (info.kind === 'defined') next = { kind: 'defined', def: defined(info.def) };
    else if (info.kind === 'func') next = { kind: 'func', async: info.async, params: info.params.map((p) => ({ name: p.name, type: valType(p.type) })), result: optional(info.result) };
    else if (info.kind === 'alias') {
      // An alias (from an `eq` bound) of a type that changes stands for the changed type.
      const inner = substitute(info.of);
      const result = inner === info.of ? id : inner;
      done.set(id, result);
      return result;
    } else {
      // Resources not given (defined elsewhere), instance and component types: kept as they are.
      done.set(id, id);
      return id;
    }
    const before = refs(info);
    const after = refs(next);
    const result = before.every((b, i) => sameVal(b, after[i] ?? null)) ? id : types.add(next);
    done.set(id, result);
    return result;
  }

  return substitute;
}
