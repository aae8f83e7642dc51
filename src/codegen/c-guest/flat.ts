/**
 * Converting between C values and the flat core wasm values of the canonical
 * ABI (CanonicalABI.md `lower_flat` / `lift_flat`), as C statements and
 * expressions. Which core values a type flattens into comes from src/abi;
 * memory (lists, spilled parameters, return areas) is not handled here
 * because the C types are laid out exactly like canonical ABI memory (see
 * the `_Static_assert`s in the generated source), so it is copied whole.
 */
import { flattenType } from '../../abi/flatten.js';
import { layoutOf } from '../../abi/layout.js';
import type { CoreType } from '../../abi/core-types.js';
import type { Type } from '../../wit/model.js';
import type { CodeWriter } from '../writer.js';
import type { CGuestContext } from './context.js';
import { cIdent } from './names.js';
import { isWordArrayFlags, mapEntryName } from './types.js';

/** How many i32 words the flags type `id` occupies, per the ABI plan. */
function flagWords(ctx: CGuestContext, id: number): number {
  const layout = layoutOf(ctx.resolve, id);
  return layout.kind === 'flags' ? layout.words : 1;
}

/** The C type of a core wasm value. */
export function coreCType(type: CoreType): string {
  switch (type) {
    case 'i32':
      return 'int32_t';
    case 'i64':
      return 'int64_t';
    case 'f32':
      return 'float';
    case 'f64':
      return 'double';
  }
}

/** Statements go to `out`; locals get unique names that WIT names cannot produce. */
export class FunctionBody {
  private counter = 0;

  constructor(
    readonly ctx: CGuestContext,
    readonly out: CodeWriter,
  ) {}

  tmp(prefix: string): string {
    return `__${prefix}${this.counter++}`;
  }
}

interface VariantCase {
  readonly index: number;
  readonly type: Type | null;
  /** Where the payload lives, given the variant value expression. */
  readonly payload: (value: string) => string;
}

/** The cases of a variant-like type and how its discriminant is read and written. */
function variantShape(body: FunctionBody, type: Type): { cases: VariantCase[]; tag: (v: string) => string; setTag: (v: string, i: string) => string } | null {
  const resolved = body.ctx.resolveType(type);
  if (resolved.kind !== 'def') return null;
  const kind = resolved.def;
  switch (kind.kind) {
    case 'variant':
      return {
        cases: kind.cases.map((c, index) => ({ index, type: c.type, payload: (v) => `(${v}).val.${cIdent(c.name)}` })),
        tag: (v) => `(int32_t) (${v}).tag`,
        setTag: (v, i) => `(${v}).tag = ${i};`,
      };
    case 'option':
      return {
        cases: [
          { index: 0, type: null, payload: (v) => `(${v}).val` },
          { index: 1, type: kind.type, payload: (v) => `(${v}).val` },
        ],
        tag: (v) => `(int32_t) (${v}).is_some`,
        setTag: (v, i) => `(${v}).is_some = ${i} != 0;`,
      };
    case 'result':
      return {
        cases: [
          { index: 0, type: kind.ok, payload: (v) => `(${v}).val.ok` },
          { index: 1, type: kind.err, payload: (v) => `(${v}).val.err` },
        ],
        tag: (v) => `(int32_t) (${v}).is_err`,
        setTag: (v, i) => `(${v}).is_err = ${i} != 0;`,
      };
    default:
      return null;
  }
}

/** The core values (C expressions) that the C value `value` of `type` lowers to. */
export function lowerFlat(body: FunctionBody, type: Type, value: string): string[] {
  const { ctx } = body;
  const resolved = ctx.resolveType(type);
  if (resolved.kind === 'primitive') {
    switch (resolved.name) {
      case 'string':
        return [`(int32_t) (uintptr_t) (${value}).ptr`, `(int32_t) (${value}).len`];
      case 'u64':
      case 's64':
        return [`(int64_t) (${value})`];
      case 'f32':
      case 'f64':
        return [value];
      default:
        return [`(int32_t) (${value})`];
    }
  }
  const kind = resolved.def;
  switch (kind.kind) {
    case 'list':
    case 'map':
      return [`(int32_t) (uintptr_t) (${value}).ptr`, `(int32_t) (${value}).len`];
    case 'record':
      return kind.fields.flatMap((f) => lowerFlat(body, f.type, `(${value}).${cIdent(f.name)}`));
    case 'tuple':
      return kind.types.flatMap((t, i) => lowerFlat(body, t, `(${value}).f${i}`));
    case 'fixed-length-list':
      // N elements one after the other (CanonicalABI.md flattens `list<T, N>` like an N-tuple of T).
      return Array.from({ length: kind.length }, (_, i) => lowerFlat(body, kind.element, `(${value}).val[${i}]`)).flat();
    case 'flags': {
      const words = flagWords(ctx, resolved.id);
      if (isWordArrayFlags(words)) return Array.from({ length: words }, (_, i) => `(int32_t) (${value}).bits[${i}]`);
      // Flags of 33 to 64 members are two i32 words, held in one uint64_t in C.
      if (words === 2) {
        return [`(int32_t) ((${value}) & 0xffffffff)`, `(int32_t) ((${value}) >> 32)`];
      }
      return [`(int32_t) (${value})`];
    }
    case 'enum':
    case 'future':
    case 'stream':
      return [`(int32_t) (${value})`];
    case 'handle':
    case 'resource': {
      const resourceId = kind.kind === 'handle' ? ctx.dealias(kind.resource) : resolved.id;
      const borrow = kind.kind === 'handle' && kind.handle === 'borrow';
      if (borrow && ctx.resources.get(resourceId)?.exported === true) return [`(int32_t) (uintptr_t) (${value})`];
      return [`(${value}).__handle`];
    }
    default:
      return lowerVariant(body, type, value);
  }
}

function lowerVariant(body: FunctionBody, type: Type, value: string): string[] {
  const { ctx, out } = body;
  const shape = variantShape(body, type);
  if (shape === null) throw new Error(`cannot lower a value of type ${String(type)}`);
  const flat = flattenType(ctx.resolve, type);
  const temps = flat.map((core) => {
    const name = body.tmp('lowered');
    out.line(`${coreCType(core)} ${name} = 0;`);
    return name;
  });
  out.line(`switch (${shape.tag(value)}) {`);
  for (const c of shape.cases) {
    out.line(`case ${c.index}: {`);
    out.line(`${temps[0]} = ${c.index};`);
    if (c.type !== null) {
      const caseFlat = flattenType(ctx.resolve, c.type);
      const values = lowerFlat(body, c.type, c.payload(value));
      values.forEach((v, j) => {
        const from = caseFlat[j];
        const to = flat[j + 1];
        if (from === undefined || to === undefined) throw new Error('variant payload does not fit its flat slots');
        out.line(`${temps[j + 1]} = ${widen(ctx, v, from, to)};`);
      });
    }
    out.line('break;');
    out.line('}');
  }
  out.line('}');
  return temps;
}

/** A case's core value stored into the variant's (joined) slot type. */
function widen(ctx: CGuestContext, value: string, from: CoreType, to: CoreType): string {
  if (from === to) return value;
  if (from === 'f32' && to === 'i32') return bitcast(ctx, 'f32_to_i32', value);
  if (from === 'i32' && to === 'i64') return `(int64_t) (uint32_t) (${value})`;
  if (from === 'f32' && to === 'i64') return `(int64_t) (uint32_t) ${bitcast(ctx, 'f32_to_i32', value)}`;
  if (from === 'f64' && to === 'i64') return bitcast(ctx, 'f64_to_i64', value);
  throw new Error(`cannot join core type ${from} into ${to}`);
}

/** A variant's slot value read back as the case's own core type. */
function narrow(ctx: CGuestContext, value: string, from: CoreType, to: CoreType): string {
  if (from === to) return value;
  if (from === 'i32' && to === 'f32') return bitcast(ctx, 'i32_to_f32', value);
  if (from === 'i64' && to === 'i32') return `(int32_t) (${value})`;
  if (from === 'i64' && to === 'f32') return bitcast(ctx, 'i32_to_f32', `(int32_t) (${value})`);
  if (from === 'i64' && to === 'f64') return bitcast(ctx, 'i64_to_f64', value);
  throw new Error(`cannot read core type ${to} out of a ${from} slot`);
}

function bitcast(ctx: CGuestContext, kind: 'i32_to_f32' | 'f32_to_i32' | 'i64_to_f64' | 'f64_to_i64', value: string): string {
  ctx.bitcasts.add(kind);
  return `__witgen_${kind}(${value})`;
}

/** Bit-cast helpers used by variant lifting/lowering, as C definitions. */
export function bitcastHelpers(kinds: ReadonlySet<string>): string[] {
  const defs: Record<string, [string, string]> = {
    i32_to_f32: ['int32_t', 'float'],
    f32_to_i32: ['float', 'int32_t'],
    i64_to_f64: ['int64_t', 'double'],
    f64_to_i64: ['double', 'int64_t'],
  };
  const lines: string[] = [];
  for (const kind of ['i32_to_f32', 'f32_to_i32', 'i64_to_f64', 'f64_to_i64']) {
    const types = defs[kind];
    if (!kinds.has(kind) || types === undefined) continue;
    const [from, to] = types;
    lines.push(
      '',
      `static inline ${to} __witgen_${kind}(${from} value) {`,
      `union { ${from} from; ${to} to; } bits;`,
      'bits.from = value;',
      'return bits.to;',
      '}',
    );
  }
  return lines;
}

/**
 * The C value of `type` lifted from the core values `values` (consumed from
 * `cursor.at` on). Returns an expression; composite values are built in
 * locals by statements written to `body.out`.
 */
export function liftFlat(body: FunctionBody, type: Type, values: readonly string[], cursor: { at: number }): string {
  const { ctx, out } = body;
  const next = (): string => {
    const value = values[cursor.at++];
    if (value === undefined) throw new Error('ran out of flat values while lifting');
    return value;
  };
  const resolved = ctx.resolveType(type);
  const cType = ctx.typeName(type);
  if (resolved.kind === 'primitive') {
    switch (resolved.name) {
      case 'string': {
        const ptr = next();
        const len = next();
        return `(${cType}) { (${ctx.charType} *) (uintptr_t) (${ptr}), (size_t) (${len}) }`;
      }
      case 'bool':
        return `(${next()}) != 0`;
      case 'f32':
      case 'f64':
        return next();
      default:
        return `(${cType}) (${next()})`;
    }
  }
  const kind = resolved.def;
  switch (kind.kind) {
    case 'list':
    case 'map': {
      const ptr = next();
      const len = next();
      const element = kind.kind === 'list' ? ctx.typeName(kind.element) : mapEntryName(cType);
      return `(${cType}) { (${element} *) (uintptr_t) (${ptr}), (size_t) (${len}) }`;
    }
    case 'record':
    case 'tuple': {
      const name = body.tmp('record');
      const empty = kind.kind === 'record' ? kind.fields.length === 0 : kind.types.length === 0;
      // A struct without members has nothing to assign; `{}` keeps -Wuninitialized quiet.
      out.line(empty ? `${cType} ${name} = {};` : `${cType} ${name};`);
      const fields =
        kind.kind === 'record'
          ? kind.fields.map((f) => ({ member: cIdent(f.name), type: f.type }))
          : kind.types.map((t, i) => ({ member: `f${i}`, type: t }));
      for (const field of fields) {
        const value = liftFlat(body, field.type, values, cursor);
        out.line(`${name}.${field.member} = ${value};`);
      }
      return name;
    }
    case 'fixed-length-list': {
      const name = body.tmp('array');
      out.line(`${cType} ${name};`);
      for (let i = 0; i < kind.length; i++) {
        const value = liftFlat(body, kind.element, values, cursor);
        out.line(`${name}.val[${i}] = ${value};`);
      }
      return name;
    }
    case 'flags': {
      const words = flagWords(ctx, resolved.id);
      if (isWordArrayFlags(words)) {
        const name = body.tmp('flags');
        out.line(words === 0 ? `${cType} ${name} = {};` : `${cType} ${name};`);
        for (let i = 0; i < words; i++) out.line(`${name}.bits[${i}] = (uint32_t) (${next()});`);
        return name;
      }
      if (words === 2) {
        const low = next();
        const high = next();
        return `(${cType}) (((uint64_t) (uint32_t) (${low})) | (((uint64_t) (uint32_t) (${high})) << 32))`;
      }
      return `(${cType}) (${next()})`;
    }
    case 'enum':
    case 'future':
    case 'stream':
      return `(${cType}) (${next()})`;
    case 'handle':
    case 'resource': {
      const resourceId = kind.kind === 'handle' ? ctx.dealias(kind.resource) : resolved.id;
      const borrow = kind.kind === 'handle' && kind.handle === 'borrow';
      const info = ctx.resources.get(resourceId);
      // A borrow of a resource this guest exports arrives as its representation.
      if (borrow && info?.exported === true) return `((${info.rep}*) (uintptr_t) (${next()}))`;
      return `(${cType}) { ${next()} }`;
    }
    default:
      return liftVariant(body, type, cType, values, cursor);
  }
}

function liftVariant(body: FunctionBody, type: Type, cType: string, values: readonly string[], cursor: { at: number }): string {
  const { ctx, out } = body;
  const shape = variantShape(body, type);
  if (shape === null) throw new Error(`cannot lift a value of type ${String(type)}`);
  const flat = flattenType(ctx.resolve, type);
  const slots = values.slice(cursor.at, cursor.at + flat.length);
  cursor.at += flat.length;
  const [discriminant, ...payloadSlots] = slots;
  if (discriminant === undefined || slots.length !== flat.length) throw new Error('ran out of flat values while lifting');
  const name = body.tmp('variant');
  out.line(`${cType} ${name};`);
  out.line(shape.setTag(name, `(${discriminant})`).replace(`(${name})`, name));
  out.line(`switch (${shape.tag(name)}) {`);
  for (const c of shape.cases) {
    if (c.type === null) continue;
    out.line(`case ${c.index}: {`);
    const caseFlat = flattenType(ctx.resolve, c.type);
    const caseValues = caseFlat.map((to, j) => {
      const slot = payloadSlots[j];
      const from = flat[j + 1];
      if (slot === undefined || from === undefined) throw new Error('variant payload does not fit its flat slots');
      return narrow(ctx, slot, from, to);
    });
    const value = liftFlat(body, c.type, caseValues, { at: 0 });
    out.line(`${c.payload(name).replace(`(${name})`, name)} = ${value};`);
    out.line('break;');
    out.line('}');
  }
  out.line('}');
  return name;
}
