/**
 * The `package-docs` custom section of a wasm-encoded WIT package: a
 * version byte (0 or 1) and JSON holding the docs and stability of the
 * package, its interfaces, worlds, types (with their fields and cases) and
 * functions, which the component binary itself has no place for.
 */
import type { Func, PackageId, Package, Resolve, Stability, WorldEntry, WorldKey } from './model.js';
import { packageNameString } from './model.js';
import type { MutInterface, MutTypeDef } from './resolve-state.js';

const UNKNOWN: Stability = { kind: 'unknown' };

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entriesOf(value: JsonValue | undefined): [string, JsonValue][] {
  return isObject(value) ? Object.entries(value) : [];
}

function docsOf(value: JsonValue | undefined): string | null {
  if (!isObject(value)) return null;
  const docs = value['docs'];
  return typeof docs === 'string' ? docs : null;
}

function stabilityOf(value: JsonValue | undefined): Stability {
  if (!isObject(value)) return UNKNOWN;
  const s = value['stability'];
  if (!isObject(s)) return UNKNOWN;
  const deprecated = (o: JsonObject): string | null => (typeof o['deprecated'] === 'string' ? o['deprecated'] : null);
  const stable = s['stable'];
  if (isObject(stable) && typeof stable['since'] === 'string') {
    return { kind: 'stable', since: stable['since'], deprecated: deprecated(stable) };
  }
  const unstable = s['unstable'];
  if (isObject(unstable) && typeof unstable['feature'] === 'string') {
    return { kind: 'unstable', feature: unstable['feature'], deprecated: deprecated(unstable) };
  }
  return UNKNOWN;
}

/**
 * Applies the `package-docs` custom section (a version byte, 0 or 1, then
 * JSON) to the decoded package: docs and stability of the package, its
 * interfaces, worlds, types, functions, fields and cases.
 */
export function injectPackageDocs(resolve: Resolve, main: PackageId, data: Uint8Array, fail: (message: string) => never): void {
  const version = data[0];
  if (version !== 0 && version !== 1) fail(`unsupported package-docs version ${String(version)}`);
  let meta: JsonValue;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(1))) as JsonValue;
  } catch {
    fail('the package-docs section is not valid JSON');
  }
  if (!isObject(meta)) fail('the package-docs section is not a JSON object');
  let target = main;
  if (typeof meta['package'] === 'string') {
    const named = resolve.packages.findIndex((p) => packageNameString(p.name) === meta['package']);
    if (named >= 0) target = named;
  }
  const pkg = resolve.packages[target] as Package;
  const interfaces = resolve.interfaces as MutInterface[];
  const types = resolve.types as MutTypeDef[];

  const injectFunc = (func: Func, value: JsonValue): Func =>
    typeof value === 'string' || value === null
      ? { ...func, docs: value }
      : { ...func, docs: docsOf(value), stability: stabilityOf(value) };

  const injectType = (id: number, value: JsonValue): void => {
    const ty = types[id] as MutTypeDef;
    const items = new Map(entriesOf(isObject(value) ? value['items'] : undefined));
    if (items.size > 0) {
      const withDocs = <T extends { name: string; docs: string | null }>(list: readonly T[]): T[] =>
        list.map((item) => {
          const docs = items.get(item.name);
          return typeof docs === 'string' ? { ...item, docs } : item;
        });
      const kind = ty.kind;
      if (kind.kind === 'record') ty.kind = { kind: 'record', fields: withDocs(kind.fields) };
      else if (kind.kind === 'flags') ty.kind = { kind: 'flags', flags: withDocs(kind.flags) };
      else if (kind.kind === 'variant') ty.kind = { kind: 'variant', cases: withDocs(kind.cases) };
      else if (kind.kind === 'enum') ty.kind = { kind: 'enum', cases: withDocs(kind.cases) };
      else fail(`package-docs has item docs for type \`${ty.name ?? ''}\`, which has no items`);
    }
    const docs = docsOf(value);
    if (docs !== null) ty.docs = docs;
    ty.stability = stabilityOf(value);
  };

  const injectInterface = (id: number, value: JsonValue): void => {
    const iface = interfaces[id] as MutInterface;
    for (const [name, typeDocs] of entriesOf(isObject(value) ? value['types'] : undefined)) {
      const typeId = iface.types.get(name);
      if (typeId === undefined) fail(`package-docs names a missing type \`${name}\``);
      injectType(typeId, typeDocs);
    }
    for (const [name, funcDocs] of entriesOf(isObject(value) ? value['funcs'] : undefined)) {
      const func = iface.functions.get(name);
      if (func === undefined) fail(`package-docs names a missing function \`${name}\``);
      iface.functions.set(name, injectFunc(func, funcDocs));
    }
    const docs = docsOf(value);
    if (docs !== null) iface.docs = docs;
    iface.stability = stabilityOf(value);
  };

  const injectWorld = (id: number, value: JsonValue): void => {
    const world = resolve.worlds[id] as { imports: WorldEntry[]; exports: WorldEntry[]; docs: string | null; stability: Stability };
    const get = isObject(value) ? (k: string): JsonValue | undefined => value[k] : (): undefined => undefined;
    const find = (entries: WorldEntry[], name: string): number => entries.findIndex((e) => e.key.kind === 'name' && e.key.name === name);
    const namedInterface = (name: string, data: JsonValue, onlyExport: boolean): void => {
      let list = onlyExport ? world.exports : world.imports;
      let index = find(list, name);
      if (index < 0 && !onlyExport) {
        list = world.exports;
        index = find(list, name);
      }
      const entry = list[index];
      if (!entry || entry.item.kind !== 'interface') fail(`package-docs names a missing interface \`${name}\``);
      list[index] = { key: entry.key, item: { ...entry.item, stability: stabilityOf(data) } };
      injectInterface(entry.item.id, data);
    };
    for (const [name, data] of entriesOf(get('interfaces'))) namedInterface(name, data, false);
    for (const [name, data] of entriesOf(get('interface_exports'))) namedInterface(name, data, true);
    for (const [name, data] of entriesOf(get('types'))) {
      const entry = world.imports[find(world.imports, name)];
      if (!entry || entry.item.kind !== 'type') fail(`package-docs names a missing world type \`${name}\``);
      injectType(entry.item.id, data);
    }
    const keyName = (key: WorldKey): string => {
      if (key.kind === 'name') return key.name;
      const iface = resolve.interfaces[key.id];
      const owner = iface?.package === null || iface === undefined ? undefined : resolve.packages[iface.package];
      if (!owner || iface?.name === null || iface === undefined) return '';
      const v = owner.name.version === null ? '' : `@${owner.name.version}`;
      return `${owner.name.namespace}:${owner.name.name}/${iface.name}${v}`;
    };
    const stabilities = (entries: WorldEntry[], data: JsonValue | undefined): void => {
      for (const [name, s] of entriesOf(data)) {
        const index = entries.findIndex((e) => e.item.kind === 'interface' && keyName(e.key) === name);
        const entry = entries[index];
        if (!entry || entry.item.kind !== 'interface') fail(`package-docs names a missing interface \`${name}\``);
        entries[index] = { key: entry.key, item: { ...entry.item, stability: stabilityOf({ stability: s }) } };
      }
    };
    stabilities(world.imports, get('interface_import_stability'));
    stabilities(world.exports, get('interface_export_stability'));
    const funcs = (data: JsonValue | undefined, onlyExport: boolean): void => {
      for (const [name, funcDocs] of entriesOf(data)) {
        let entries = onlyExport ? world.exports : world.imports;
        let index = find(entries, name);
        if (index < 0 && !onlyExport) {
          entries = world.exports;
          index = find(entries, name);
        }
        const entry = entries[index];
        if (!entry || entry.item.kind !== 'function') fail(`package-docs names a missing world function \`${name}\``);
        entries[index] = { key: entry.key, item: { kind: 'function', func: injectFunc(entry.item.func, funcDocs) } };
      }
    };
    funcs(get('funcs'), false);
    funcs(get('func_exports'), true);
    const docs = docsOf(value);
    if (docs !== null) world.docs = docs;
    world.stability = stabilityOf(value);
  };

  for (const [name, data] of entriesOf(meta['worlds'])) {
    const id = pkg.worlds.get(name);
    if (id !== undefined) injectWorld(id, data);
  }
  for (const [name, data] of entriesOf(meta['interfaces'])) {
    const id = pkg.interfaces.get(name);
    if (id !== undefined) injectInterface(id, data);
  }
  if (typeof meta['docs'] === 'string') pkg.docs = meta['docs'];
}
