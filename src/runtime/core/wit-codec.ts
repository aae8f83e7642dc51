/**
 * Codecs from WIT types: the wasm32 C layout of a WIT type is the one
 * src/abi/cabi.ts's `cTypeOfWit` gives (wit-bindgen's C generator's), so a
 * WIT record describes a legacy guest's C struct.
 */
import { cTypeOfWit } from '../../abi/cabi.js';
import type { Resolve, Type, TypeId } from '../../wit/model.js';
import type { Codec, CValue } from './codecs.js';
import { codecOfC, structCodec, type StructCodec, type StructFields } from './struct.js';

export type StructCodecErrorCode =
  /** No type of that name in the Resolve. */
  | 'STRUCT_UNKNOWN_TYPE'
  /** Several types share the name; pass the type id instead. */
  | 'STRUCT_AMBIGUOUS_TYPE'
  /** The WIT type is not a record (after following aliases). */
  | 'STRUCT_NOT_A_RECORD';

export class StructCodecError extends Error {
  override readonly name = 'StructCodecError';
  readonly code: StructCodecErrorCode;

  constructor(code: StructCodecErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** A codec for any WIT type, with the wasm32 C layout of `cTypeOfWit`. */
export function witCodec(resolve: Resolve, type: Type): Codec<CValue, unknown> {
  return codecOfC(cTypeOfWit(resolve, type));
}

/**
 * A struct codec for a WIT record, given by type id or by name (a name must
 * be unique in the Resolve). Aliases (`type a = b;`, `use`) are followed.
 */
export function recordCodec<T extends object = StructFields>(resolve: Resolve, record: TypeId | string): StructCodec<T> {
  const id = typeof record === 'number' ? record : typeIdByName(resolve, record);
  const target = followAliases(resolve, id);
  const def = resolve.types[target];
  if (def === undefined) throw new StructCodecError('STRUCT_UNKNOWN_TYPE', `type id ${id} is not in the Resolve`);
  if (def.kind.kind !== 'record') {
    throw new StructCodecError(
      'STRUCT_NOT_A_RECORD',
      `\`${def.name ?? `type ${target}`}\` is not a record (it is a WIT ${def.kind.kind})`,
    );
  }
  const type = cTypeOfWit(resolve, target);
  if (type.kind !== 'struct') {
    throw new StructCodecError('STRUCT_NOT_A_RECORD', `\`${def.name ?? `type ${target}`}\` has no C struct layout`);
  }
  return structCodec(type) as unknown as StructCodec<T>;
}

function followAliases(resolve: Resolve, id: TypeId): TypeId {
  let current = id;
  for (let hops = 0; hops <= resolve.types.length; hops++) {
    const def = resolve.types[current];
    if (def === undefined || def.kind.kind !== 'type' || typeof def.kind.type === 'string') return current;
    current = def.kind.type;
  }
  return current;
}

function typeIdByName(resolve: Resolve, name: string): TypeId {
  const matches: TypeId[] = [];
  resolve.types.forEach((def, id) => {
    if (def.name === name && def.kind.kind !== 'type') matches.push(id);
  });
  if (matches.length === 0) {
    // Accept a name that only exists as an alias of a record.
    resolve.types.forEach((def, id) => {
      if (def.name === name) matches.push(id);
    });
  }
  const [first] = matches;
  if (first === undefined) throw new StructCodecError('STRUCT_UNKNOWN_TYPE', `no type named \`${name}\` in the Resolve`);
  if (matches.length > 1) {
    throw new StructCodecError(
      'STRUCT_AMBIGUOUS_TYPE',
      `${matches.length} types are named \`${name}\` (ids ${matches.join(', ')}); pass the type id instead`,
    );
  }
  return first;
}
