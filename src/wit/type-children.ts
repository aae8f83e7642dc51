/**
 * The types a type definition refers to directly (fields, cases, elements,
 * payloads, the resource of a handle, the target of an alias), for walks over
 * the types a world reaches.
 */
import type { Type, TypeDefKind } from './model.js';

export function typeDefChildren(kind: TypeDefKind): Type[] {
  switch (kind.kind) {
    case 'record':
      return kind.fields.map((f) => f.type);
    case 'variant':
      return kind.cases.flatMap((c) => (c.type === null ? [] : [c.type]));
    case 'tuple':
      return [...kind.types];
    case 'option':
    case 'type':
      return [kind.type];
    case 'result':
      return [kind.ok, kind.err].filter((t): t is Type => t !== null);
    case 'list':
    case 'fixed-length-list':
      return [kind.element];
    case 'map':
      return [kind.key, kind.value];
    case 'handle':
      return [kind.resource];
    case 'future':
    case 'stream':
      return kind.type === null ? [] : [kind.type];
    case 'resource':
    case 'flags':
    case 'enum':
      return [];
  }
}
