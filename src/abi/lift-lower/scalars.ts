/**
 * Code snippets for scalars: range checks, DataView loads/stores, flat
 * lifting/lowering, and the coercions between a variant case's flat types
 * and the joined slot types (CanonicalABI.md `lift_flat_variant` /
 * `lower_flat_variant`). Pure functions returning JavaScript source text.
 */
import type { CoreType } from '../core-types.js';
import { scalarSize, type Layout, type ScalarKind } from '../layout.js';

export const lit = (value: unknown): string => JSON.stringify(value);

const TYPED_ARRAYS: Partial<Record<ScalarKind, string>> = {
  u8: 'Uint8Array',
  s8: 'Int8Array',
  u16: 'Uint16Array',
  s16: 'Int16Array',
  u32: 'Uint32Array',
  s32: 'Int32Array',
  u64: 'BigUint64Array',
  s64: 'BigInt64Array',
  f32: 'Float32Array',
  f64: 'Float64Array',
};

/**
 * Integer kinds whose typed array stores any checked value bit-exactly; floats
 * are excluded because NaNs must be written in canonical form.
 */
export function storesExactly(kind: ScalarKind): boolean {
  return kind !== 'f32' && kind !== 'f64' && TYPED_ARRAYS[kind] !== undefined;
}

/** The typed array class jco uses for `list<T>` of a numeric T, or null. */
export function typedArrayName(layout: Layout): string | null {
  return layout.kind === 'scalar' ? (TYPED_ARRAYS[layout.scalar] ?? null) : null;
}

/**
 * Integer checks as "wrapping to the width changes nothing": exact for every
 * number (fractions, NaN and out-of-range values all change), and cheaper
 * than Number.isInteger plus two comparisons.
 */
const INT_WRAPS: Partial<Record<ScalarKind, (v: string) => string>> = {
  u8: (v) => `(${v} & 0xff)`,
  s8: (v) => `((${v} << 24) >> 24)`,
  u16: (v) => `(${v} & 0xffff)`,
  s16: (v) => `((${v} << 16) >> 16)`,
  u32: (v) => `(${v} >>> 0)`,
  s32: (v) => `(${v} | 0)`,
};

/** 64-bit range checks as "wrapping changes nothing": cheaper on Node 20 than two bigint comparisons. */
const BIGINT_WRAPS: Partial<Record<ScalarKind, string>> = {
  u64: 'BigInt.asUintN',
  s64: 'BigInt.asIntN',
};

const DV_GET: Record<Exclude<ScalarKind, 'bool' | 'char'>, string> = {
  u8: 'getUint8',
  s8: 'getInt8',
  u16: 'getUint16',
  s16: 'getInt16',
  u32: 'getUint32',
  s32: 'getInt32',
  u64: 'getBigUint64',
  s64: 'getBigInt64',
  f32: 'getFloat32',
  f64: 'getFloat64',
};

// Discriminants and flag words are little-endian; the flag is ignored for bytes.
export const UINT_GET = { u8: 'getUint8', u16: 'getUint16', u32: 'getUint32' } as const;
export const UINT_SET = { u8: 'setUint8', u16: 'setUint16', u32: 'setUint32' } as const;

export function zeroOf(type: CoreType): string {
  return type === 'i64' ? '0n' : '0';
}

/** Converts a flat value of type `have` into the joined slot type `want` (lowering). */
export function lowerCoerce(value: string, have: CoreType, want: CoreType): string {
  if (have === want) return value;
  if (have === 'f32' && want === 'i32') return `rt.f32ToI32(${value})`;
  if (have === 'i32' && want === 'i64') return `BigInt(${value} >>> 0)`;
  if (have === 'f32' && want === 'i64') return `BigInt(rt.f32ToI32(${value}) >>> 0)`;
  if (have === 'f64' && want === 'i64') return `rt.f64ToI64(${value})`;
  throw new Error(`no coercion from ${have} to ${want}`);
}

/** Converts a joined slot value of type `have` back to the case's flat type `want` (lifting). */
export function liftCoerce(value: string, have: CoreType, want: CoreType): string {
  if (have === want) return value;
  if (have === 'i32' && want === 'f32') return `rt.i32ToF32(${value})`;
  if (have === 'i64' && want === 'i32') return `Number(BigInt.asUintN(32, ${value}))`;
  if (have === 'i64' && want === 'f32') return `rt.i32ToF32(Number(BigInt.asUintN(32, ${value})))`;
  if (have === 'i64' && want === 'f64') return `rt.i64ToF64(${value})`;
  throw new Error(`no coercion from ${have} to ${want}`);
}

/** Statements that trap unless `v` is a JS value of scalar `kind`. */
export function checkScalar(kind: ScalarKind, v: string): string {
  const wrap = INT_WRAPS[kind];
  // typeof first: bitwise operators throw on bigints and symbols.
  if (wrap) return `if (typeof ${v} !== 'number' || ${wrap(v)} !== ${v}) rt.invalid(FN, ${lit(`a ${kind}`)}, ${v});`;
  const bigWrap = BIGINT_WRAPS[kind];
  if (bigWrap) {
    return `if (typeof ${v} !== 'bigint' || ${bigWrap}(64, ${v}) !== ${v}) rt.invalid(FN, ${lit(`a ${kind} bigint`)}, ${v});`;
  }
  if (kind === 'bool') return `if (typeof ${v} !== 'boolean') rt.invalid(FN, 'a boolean', ${v});`;
  if (kind === 'f32' || kind === 'f64') return `if (typeof ${v} !== 'number') rt.invalid(FN, 'a number', ${v});`;
  return '';
}

export function loadScalar(kind: ScalarKind, p: string): string {
  if (kind === 'bool') return `(cx.dv.getUint8(${p}) !== 0)`;
  if (kind === 'char') return `rt.liftChar(FN, cx.dv.getUint32(${p}, true))`;
  return `cx.dv.${DV_GET[kind]}(${p}${scalarSize(kind) > 1 ? ', true' : ''})`;
}

export function storeScalar(kind: ScalarKind, v: string, p: string, out: string[]): void {
  const check = checkScalar(kind, v);
  if (check) out.push(check);
  switch (kind) {
    case 'bool':
      out.push(`cx.dv.setUint8(${p}, ${v} ? 1 : 0);`);
      return;
    case 'char':
      out.push(`cx.dv.setUint32(${p}, rt.lowerChar(FN, ${v}), true);`);
      return;
    case 'f32':
      out.push(`if (${v} !== ${v}) cx.dv.setUint32(${p}, 0x7fc00000, true); else cx.dv.setFloat32(${p}, ${v}, true);`);
      return;
    case 'f64':
      out.push(
        `if (${v} !== ${v}) cx.dv.setBigUint64(${p}, 0x7ff8000000000000n, true); else cx.dv.setFloat64(${p}, ${v}, true);`,
      );
      return;
    default:
      out.push(`cx.dv.${DV_GET[kind].replace('get', 'set')}(${p}, ${v}${scalarSize(kind) > 1 ? ', true' : ''});`);
  }
}

export function liftScalar(kind: ScalarKind, x: string): string {
  switch (kind) {
    case 'bool':
      return `(${x} !== 0)`;
    case 'u8':
      return `(${x} & 0xff)`;
    case 's8':
      return `((${x} << 24) >> 24)`;
    case 'u16':
      return `(${x} & 0xffff)`;
    case 's16':
      return `((${x} << 16) >> 16)`;
    case 'u32':
      return `(${x} >>> 0)`;
    case 's32':
      return `(${x} | 0)`;
    case 'u64':
      return `BigInt.asUintN(64, ${x})`;
    case 's64':
      return `BigInt.asIntN(64, ${x})`;
    case 'f32':
    case 'f64':
      return x;
    case 'char':
      return `rt.liftChar(FN, ${x})`;
  }
}

export function lowerScalar(kind: ScalarKind, v: string, out: string[]): string {
  const check = checkScalar(kind, v);
  if (check) out.push(check);
  if (kind === 'bool') return `(${v} ? 1 : 0)`;
  if (kind === 'char') return `rt.lowerChar(FN, ${v})`;
  return v;
}
