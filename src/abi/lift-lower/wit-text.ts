/**
 * WIT source text of types and function signatures, for error messages
 * ("expected s32", "expected list<point>", "`host-log-value: func(v: s32)`").
 * Named types print as their name, anonymous ones by structure, as a user
 * would write them in a .wit file.
 */
import type { Func, Resolve, Type } from '../../wit/model.js';

/** How `type` is written at a use site: `s32`, `point`, `list<u8>`, `borrow<blob>`. */
export function witTypeText(resolve: Resolve, type: Type): string {
  if (typeof type === 'string') return type;
  const def = resolve.types[type];
  if (def === undefined) return `type#${type}`;
  if (def.name !== null) return def.name;
  const text = (t: Type | null): string => (t === null ? '_' : witTypeText(resolve, t));
  const kind = def.kind;
  switch (kind.kind) {
    case 'handle':
      return kind.handle === 'own' ? text(kind.resource) : `borrow<${text(kind.resource)}>`;
    case 'tuple':
      return `tuple<${kind.types.map(text).join(', ')}>`;
    case 'option':
      return `option<${text(kind.type)}>`;
    case 'result':
      if (kind.err === null) return kind.ok === null ? 'result' : `result<${text(kind.ok)}>`;
      return `result<${text(kind.ok)}, ${text(kind.err)}>`;
    case 'list':
      return `list<${text(kind.element)}>`;
    case 'fixed-length-list':
      return `list<${text(kind.element)}, ${kind.length}>`;
    case 'map':
      return `map<${text(kind.key)}, ${text(kind.value)}>`;
    case 'future':
      return kind.type === null ? 'future' : `future<${text(kind.type)}>`;
    case 'stream':
      return kind.type === null ? 'stream' : `stream<${text(kind.type)}>`;
    case 'type':
      return text(kind.type);
    default:
      return kind.kind;
  }
}

/**
 * A function as it is declared in WIT: `host-log-value: func(v: s32)`,
 * `get: func() -> u32` for a method (`self` is implicit),
 * `constructor(init: u32)`, `make: static func() -> blob`.
 */
export function renderWitSignature(resolve: Resolve, func: Func): string {
  const params = func.kind.kind === 'method' ? func.params.slice(1) : func.params;
  const list = params.map((p) => `${p.name}: ${witTypeText(resolve, p.type)}`).join(', ');
  const result = func.result === null ? '' : ` -> ${witTypeText(resolve, func.result)}`;
  const member = func.name.slice(func.name.indexOf('.') + 1);
  const async = func.async ? 'async ' : '';
  switch (func.kind.kind) {
    case 'constructor': {
      // The implicit result (an own handle of the resource) is not written in WIT.
      const implicit = func.result !== null && isOwnOf(resolve, func.result, func.kind.resource);
      return `constructor(${list})${implicit ? '' : result}`;
    }
    case 'static':
      return `${member}: static ${async}func(${list})${result}`;
    case 'method':
      return `${member}: ${async}func(${list})${result}`;
    case 'freestanding':
      return `${func.name}: ${async}func(${list})${result}`;
  }
}

function isOwnOf(resolve: Resolve, type: Type, resource: number): boolean {
  if (typeof type === 'string') return false;
  const kind = resolve.types[type]?.kind;
  return kind?.kind === 'handle' && kind.handle === 'own' && kind.resource === resource;
}
