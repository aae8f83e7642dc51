/**
 * Rules a component type enforces but WIT resolution does not: wit-parser
 * (and so witgen's resolver) accepts a record with two fields named alike, a
 * `list<T, 0>` or parameters `a` and `A`, and wasm-tools only rejects them
 * when a world that uses them is made into a component. witgen checks them
 * at the same point: when a world is selected for use (`selectWorld`).
 *
 * The resolver records each problem it sees with its source location
 * (`EncodingProblems`); the check here finds problems on the resolved model
 * of one world and reports the located error with the same text, so the
 * message points at the source even though the model carries no spans.
 */
import { WitError } from './errors.js';
import type { Func, Resolve, Type, TypeDefKind, WorldId } from './model.js';
import { typeDefChildren } from './type-children.js';

/** Located problems found during resolution, by their message. */
export type EncodingProblems = ReadonlyMap<string, WitError>;

export function memberConflict(what: 'field' | 'case' | 'flag', owner: string | null, name: string, previous: string): string {
  const kind = what === 'field' ? 'record' : what === 'flag' ? 'flags' : 'type';
  const where = owner === null ? '' : ` in ${kind} \`${owner}\``;
  return `${what} \`${name}\`${where} conflicts with previous ${what} \`${previous}\` (names are case-insensitive); wasm-tools rejects this when the type is part of a component`;
}

export function paramConflict(func: string, name: string, previous: string): string {
  return `param \`${name}\` of \`${func}\` conflicts with previous param \`${previous}\` (names are case-insensitive); wasm-tools rejects this when the function is part of a component`;
}

export function emptyFixedList(): string {
  return 'a fixed-length list must have at least one element; wasm-tools rejects `list<T, 0>` when the type is part of a component';
}

/** The first pair of names in `names` equal regardless of letter case: `[name, previous]`. */
export function firstCaseConflict(names: readonly string[]): [string, string] | null {
  const seen = new Map<string, string>();
  for (const name of names) {
    const previous = seen.get(name.toLowerCase());
    if (previous !== undefined) return [name, previous];
    seen.set(name.toLowerCase(), name);
  }
  return null;
}

/** The message for a type's own problem, if it has one. */
export function typeProblem(name: string | null, kind: TypeDefKind): string | null {
  let conflict: [string, string] | null;
  switch (kind.kind) {
    case 'record':
      conflict = firstCaseConflict(kind.fields.map((f) => f.name));
      return conflict && memberConflict('field', name, ...conflict);
    case 'variant':
    case 'enum':
      conflict = firstCaseConflict(kind.cases.map((c) => c.name));
      return conflict && memberConflict('case', name, ...conflict);
    case 'flags':
      conflict = firstCaseConflict(kind.flags.map((f) => f.name));
      return conflict && memberConflict('flag', name, ...conflict);
    case 'fixed-length-list':
      return kind.length === 0 ? emptyFixedList() : null;
    default:
      return null;
  }
}

export function funcProblem(func: Func): string | null {
  const conflict = firstCaseConflict(func.params.map((p) => p.name));
  return conflict && paramConflict(func.name, ...conflict);
}

/**
 * Throws the first problem among the types and functions world `id` would
 * put into a component: its own types and functions, every interface it
 * imports or exports (all of their types and functions), and every type
 * those reach.
 */
export function checkWorldEncodable(resolve: Resolve, id: WorldId, problems: EncodingProblems): void {
  const world = resolve.worlds[id];
  if (!world) return;
  const seenTypes = new Set<number>();
  const report = (message: string | null): void => {
    if (message === null) return;
    throw problems.get(message) ?? new WitError(message.startsWith('a fixed-length') ? 'WIT_INVALID' : 'WIT_DUPLICATE', message);
  };
  const visitType = (t: Type | null): void => {
    if (typeof t !== 'number' || seenTypes.has(t)) return;
    seenTypes.add(t);
    const def = resolve.types[t];
    if (!def) return;
    report(typeProblem(def.name, def.kind));
    for (const inner of typeDefChildren(def.kind)) visitType(inner);
  };
  const visitFunc = (func: Func): void => {
    report(funcProblem(func));
    for (const p of func.params) visitType(p.type);
    visitType(func.result);
  };
  for (const entry of [...world.imports, ...world.exports]) {
    const item = entry.item;
    if (item.kind === 'type') visitType(item.id);
    else if (item.kind === 'function') visitFunc(item.func);
    else {
      const iface = resolve.interfaces[item.id];
      if (!iface) continue;
      for (const t of iface.types.values()) visitType(t);
      for (const func of iface.functions.values()) visitFunc(func);
    }
  }
}

