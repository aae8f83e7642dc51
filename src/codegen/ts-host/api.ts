/**
 * The host API of a world, exactly as `hostShape` (src/abi/host-shape.ts)
 * lays it out, since the runtime builds and reads the objects by the same
 * shape: resource types, the `Imports` the host implements and the
 * `Exports` it gets back.
 */
import type { HostShape, ShapeGroup, ShapeResource } from '../../abi/host-shape.js';
import type { TypeId } from '../../wit/model.js';
import { deprecatedDoc, functionDoc, paramList, writeMethod, type Side } from './functions.js';
import { propertyKey } from './names.js';
import type { TypeRenderer } from './types.js';
import type { TsWriter } from './writer.js';

/** Resources by type id, with the side that implements them (exported when the world exports their interface). */
export function resourcesOf(shape: HostShape): Map<TypeId, { resource: ShapeResource; side: Side }> {
  const found = new Map<TypeId, { resource: ShapeResource; side: Side }>();
  for (const group of [shape.root.imports, ...shape.imports]) {
    for (const resource of group.resources) found.set(resource.typeId, { resource, side: 'import' });
  }
  // An interface both imported and exported has one set of types: the exported form (with dispose) wins.
  for (const group of [shape.root.exports, ...shape.exports]) {
    for (const resource of group.resources) found.set(resource.typeId, { resource, side: 'export' });
  }
  return found;
}

/**
 * The instance type `R` (methods; exported resources also `[Symbol.dispose]`)
 * and the class type `RClass` (constructor and statics). The host provides a
 * class of type `RClass` for an imported resource; the runtime provides one
 * for an exported resource.
 */
export function writeResource(
  types: TypeRenderer,
  id: TypeId,
  entry: { resource: ShapeResource; side: Side } | undefined,
  out: TsWriter,
): void {
  const def = types.def(id);
  const name = types.names.get(id) ?? types.expr(id);
  const side = entry?.side ?? 'import';
  out.doc(def.docs, deprecatedDoc(def.stability));
  out.block(`export interface ${name} {`, () => {
    for (const method of entry?.resource.methods ?? []) writeMethod(types, method.jsName, method.func, side, out);
    if (side === 'export') {
      out.doc('Drops the guest resource now (at most once); using the object afterwards is an error.');
      out.line('[Symbol.dispose](): void;');
    }
  }, '}');
  out.blank();
  out.doc(
    side === 'import'
      ? `The class the host provides for resource \`${def.name ?? name}\`: its constructor and static functions.`
      : `The class of the guest's resource \`${def.name ?? name}\`: its constructor and static functions.`,
  );
  out.block(`export interface ${name}Class {`, () => {
    const ctor = entry?.resource.ctor ?? null;
    if (ctor !== null) {
      functionDoc(types, ctor.func, side, out);
      out.line(`new ${paramList(types, ctor.func)}: ${name};`);
    } else if (side === 'import') {
      // No WIT constructor: the host creates instances itself; any class whose instances fit will do.
      out.line(`new (...args: never[]): ${name};`);
    }
    for (const fn of entry?.resource.statics ?? []) writeMethod(types, fn.jsName, fn.func, side, out);
  }, '}');
}

/** `export interface Imports { ... }` or `Exports`. */
export function writeApi(
  types: TypeRenderer,
  side: Side,
  root: ShapeGroup,
  groups: readonly ShapeGroup[],
  out: TsWriter,
  served: (witName: string) => boolean = () => false,
): void {
  const title = side === 'import' ? 'Imports' : 'Exports';
  out.doc(
    side === 'import'
      ? 'What the host implements: world-level functions at the top, imported interfaces under their WIT names.'
      : "What the guest provides: world-level functions at the top, exported interfaces under their keys.",
  );
  out.block(`export interface ${title} {`, () => {
    writeMembers(types, side, root, out);
    for (const group of groups) {
      const iface = group.interfaceId === null ? undefined : types.resolve.interfaces[group.interfaceId];
      const empty = group.functions.length === 0 && group.resources.length === 0;
      const optional = side === 'import' && served(group.witName);
      out.doc(
        iface?.docs,
        `\`${group.witName}\``,
        optional ? "Optional: witgen's runtime serves this interface itself (deny-by-default, grants in `options.wasi`); provide it to replace that." : null,
      );
      const key = `${propertyKey(group.key)}${optional ? '?' : ''}`;
      if (empty) {
        // An interface of types only: nothing in it, but the key is there (the runtime checks every import key).
        out.line(`${key}: Record<string, never>;`);
        continue;
      }
      out.block(`${key}: {`, () => writeMembers(types, side, group, out), '};');
    }
  }, '}');
}

function writeMembers(types: TypeRenderer, side: Side, group: ShapeGroup, out: TsWriter): void {
  for (const fn of group.functions) writeMethod(types, fn.jsName, fn.func, side, out);
  for (const resource of group.resources) {
    const name = types.names.get(resource.typeId) ?? resource.jsName;
    out.line(`${propertyKey(resource.jsName)}: ${name}Class;`);
  }
}
