/**
 * TypeScript names in a generated module: property keys, parameter names,
 * and one unique exported name per declared WIT type.
 *
 * Every WIT type of a world lands in one module, so two interfaces may both
 * define `error`. A type keeps its plain PascalCase name (`Error`) unless
 * another declared type or a name the module itself uses wants the same one;
 * then every contender is qualified by its interface (`StreamsError`), then
 * by package (`WasiIoStreamsError`). Decided up front over all types, so
 * the name of a type does not depend on the order types are visited.
 */
import { pascalCase } from '../../abi/host-shape.js';
import { camelCase } from '../../abi/lift-lower/js-names.js';
import type { Resolve, TypeId } from '../../wit/model.js';
import { packageNameString } from '../../wit/model.js';

/** Words that cannot name a parameter (reserved in strict mode, or special in TS like `this`). */
const RESERVED = new Set(
  (
    'await break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if implements import in instanceof interface let new null package private protected public return ' +
    'static super switch this throw true try typeof var void while with yield arguments eval'
  ).split(' '),
);

/**
 * Type names the module declares or refers to itself; a WIT type never takes
 * one of them (it would shadow the global or clash with the module's API).
 */
export const MODULE_TYPE_NAMES: ReadonlySet<string> = new Set([
  'Imports',
  'Exports',
  'ComponentSource',
  'InstantiateOptions',
  'Array',
  'Map',
  'Promise',
  'Record',
  'Symbol',
  'Uint8Array',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'BigUint64Array',
  'BigInt64Array',
  'Float32Array',
  'Float64Array',
]);

/** A parameter name: camelCase, with `_` appended to reserved words. */
export function paramName(witName: string): string {
  const name = camelCase(witName);
  return RESERVED.has(name) ? `${name}_` : name;
}

/** A property key: bare when it is an identifier, quoted otherwise (`'ns:pkg/iface@1.0.0'`). */
export function propertyKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : quote(key);
}

/** A single-quoted TypeScript string literal. */
export function quote(text: string): string {
  const body = JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/'/g, "\\'");
  return `'${body}'`;
}

/** What a declared type needs names for: resources also get a `<Name>Class` constructor type. */
export interface NameRequest {
  readonly id: TypeId;
  readonly resource: boolean;
}

/**
 * The unique TypeScript name of every requested type (a resource's class type is `<name>Class`),
 * avoiding MODULE_TYPE_NAMES and `reserved` (names another generator declares beside the types).
 */
export function allocateTypeNames(
  resolve: Resolve,
  requests: readonly NameRequest[],
  reserved: Iterable<string> = [],
): Map<TypeId, string> {
  const levels = requests.map((r) => candidates(resolve, r.id));
  const namesAt = (index: number, level: number): string[] => {
    const base = levels[index]?.[level] ?? '';
    return requests[index]?.resource ? [base, `${base}Class`] : [base];
  };
  const chosen = new Map<TypeId, string>();
  const taken = new Set<string>([...MODULE_TYPE_NAMES, ...reserved]);
  // Level by level: a name is contested when any still-unnamed type wants it at this level.
  let pending = requests.map((_, i) => i);
  for (let level = 0; level < 3 && pending.length > 0; level++) {
    const wanted = new Map<string, number>();
    for (const i of pending) for (const n of namesAt(i, level)) wanted.set(n, (wanted.get(n) ?? 0) + 1);
    const next: number[] = [];
    for (const i of pending) {
      const names = namesAt(i, level);
      if (names.every((n) => wanted.get(n) === 1 && !taken.has(n))) {
        names.forEach((n) => taken.add(n));
        chosen.set(requests[i]?.id ?? -1, names[0] as string);
      } else {
        next.push(i);
      }
    }
    pending = next;
  }
  // Still clashing after package qualification (e.g. two versions of a package): number them.
  for (const i of pending) {
    const base = levels[i]?.[2] ?? 'Type';
    const resource = requests[i]?.resource === true;
    const free = (name: string): boolean => !taken.has(name) && !(resource && taken.has(`${name}Class`));
    let n = 2;
    while (!free(`${base}${n}`)) n++;
    const name = `${base}${n}`;
    taken.add(name);
    if (resource) taken.add(`${name}Class`);
    chosen.set(requests[i]?.id ?? -1, name);
  }
  return chosen;
}

/** The names a type may take, plainest first: `Name`, `IfaceName`, `NsPkgIfaceName`. */
function candidates(resolve: Resolve, id: TypeId): [string, string, string] {
  const def = resolve.types[id];
  const plain = pascalCase(def?.name ?? `type-${id}`);
  const owner = def?.owner;
  let ownerName = '';
  let packageName = '';
  if (owner?.kind === 'interface') {
    const iface = resolve.interfaces[owner.id];
    ownerName = pascalCase(iface?.name ?? '');
    const pkg = iface?.package === null || iface?.package === undefined ? undefined : resolve.packages[iface.package];
    if (pkg !== undefined) packageName = pascalCase(packageNameString(pkg.name).replace(/[^A-Za-z0-9]+/g, '-'));
  } else if (owner?.kind === 'world') {
    const world = resolve.worlds[owner.id];
    ownerName = pascalCase(world?.name ?? '');
    const pkg = world?.package === null || world?.package === undefined ? undefined : resolve.packages[world.package];
    if (pkg !== undefined) packageName = pascalCase(packageNameString(pkg.name).replace(/[^A-Za-z0-9]+/g, '-'));
  }
  const qualified = `${ownerName}${plain}`;
  return [plain, qualified, `${packageName}${qualified}`];
}
