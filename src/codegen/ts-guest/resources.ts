/**
 * Resources on the guest side.
 * - Imported: ComponentizeJS hands the guest a class (constructor, methods,
 *   statics, and `[Symbol.dispose]` to drop the handle early), declared here
 *   as a class in the import's module.
 * - Exported: the guest writes the class. Its instances must have the
 *   methods (`R`), the class itself the constructor and statics (`RClass`);
 *   ComponentizeJS calls an instance's `[Symbol.dispose]` when the last
 *   handle is dropped, if it has one.
 */
import type { ShapeResource } from '../../abi/host-shape.js';
import { deprecatedDoc, paramList } from '../ts-host/functions.js';
import { propertyKey } from '../ts-host/names.js';
import type { TypeRenderer } from '../ts-host/types.js';
import type { TsWriter } from '../ts-host/writer.js';
import { arrowType, guestFunctionDoc, methodSignature, takesOwnResource } from './functions.js';

/** `export class R { ... }`, exported also as ComponentizeJS's class name when the type's name differs. */
export function writeImportedResource(types: TypeRenderer, resource: ShapeResource, out: TsWriter): void {
  const def = types.def(resource.typeId);
  const name = types.names.get(resource.typeId) ?? resource.jsName;
  out.doc(def.docs, deprecatedDoc(def.stability));
  out.block(`export class ${name} {`, () => {
    if (resource.ctor === null) {
      out.doc(`Resource \`${resource.witName}\` has no constructor: instances come from the functions that return them.`);
      out.line('private constructor();');
    } else {
      guestFunctionDoc(types, resource.ctor.func, 'import', out);
      out.line(`constructor${paramList(types, resource.ctor.func)};`);
    }
    for (const method of resource.methods) {
      guestFunctionDoc(types, method.func, 'import', out);
      out.line(`${propertyKey(method.jsName)}${methodSignature(types, method.func, 'import')};`);
    }
    for (const fn of resource.statics) {
      guestFunctionDoc(types, fn.func, 'import', out);
      out.line(`static ${propertyKey(fn.jsName)}${methodSignature(types, fn.func, 'import')};`);
    }
    out.doc('Drops the handle now (at most once); using the object afterwards is an error.');
    out.line('[Symbol.dispose](): void;');
  }, '}');
  if (name !== resource.jsName) out.line(`export { ${name} as ${resource.jsName} };`);
}

/** `export interface R` (what instances provide) and `export interface RClass` (constructor and statics). */
export function writeExportedResource(types: TypeRenderer, resource: ShapeResource, own: ReadonlySet<number>, out: TsWriter): void {
  const def = types.def(resource.typeId);
  const name = types.names.get(resource.typeId) ?? resource.jsName;
  out.doc(def.docs, deprecatedDoc(def.stability), `Implemented by the guest: see \`${name}Class\`.`);
  out.block(`export interface ${name} {`, () => {
    for (const method of resource.methods) member(types, method.jsName, method.func, own, out);
    out.doc('Called once when the last handle to the resource is dropped (optional).');
    out.line('[Symbol.dispose]?(): void;');
  }, '}');
  out.blank();
  out.doc(
    `The class the guest exports for resource \`${resource.witName}\` (under the key \`${resource.jsName}\`): ` +
      'its constructor and static functions. Instances it returns must be instances of this class.',
  );
  out.block(`export interface ${name}Class {`, () => {
    if (resource.ctor === null) {
      out.doc(`Resource \`${resource.witName}\` has no constructor: any constructor will do; the guest creates instances itself.`);
      out.line(`new (...args: never[]): ${name};`);
    } else {
      guestFunctionDoc(types, resource.ctor.func, 'export', out);
      out.line(`new ${paramList(types, resource.ctor.func)}: ${name};`);
    }
    for (const fn of resource.statics) member(types, fn.jsName, fn.func, own, out);
  }, '}');
}

/** One function the guest implements: a method when it takes the guest's own resources, else a function-typed property. */
export function member(
  types: TypeRenderer,
  jsName: string,
  func: Parameters<typeof arrowType>[1],
  own: ReadonlySet<number>,
  out: TsWriter,
): void {
  guestFunctionDoc(types, func, 'export', out);
  const key = propertyKey(jsName);
  if (takesOwnResource(types.resolve, types, func, own)) out.line(`${key}${methodSignature(types, func, 'export')};`);
  else out.line(`${key}: ${arrowType(types, func, 'export')};`);
}
