/**
 * Random JS values of a layout, in jco's conventions (shared/design.md).
 */
import fc from 'fast-check';
import { camelCase } from '../../src/abi/lift-lower/js-names.js';
import { isNullableOption, typedArrayName } from '../../src/abi/lift-lower/emit.js';
import type { Layout, ScalarKind } from '../../src/abi/layout.js';

export const scalarValue: Record<ScalarKind, fc.Arbitrary<unknown>> = {
  bool: fc.boolean(),
  u8: fc.integer({ min: 0, max: 255 }),
  s8: fc.integer({ min: -128, max: 127 }),
  u16: fc.integer({ min: 0, max: 65535 }),
  s16: fc.integer({ min: -32768, max: 32767 }),
  u32: fc.integer({ min: 0, max: 0xffffffff }),
  s32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  u64: fc.bigInt(0n, 2n ** 64n - 1n),
  s64: fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n),
  f32: fc.float(),
  f64: fc.double(),
  char: fc
    .integer({ min: 0, max: 0x10ffff })
    .filter((c) => c < 0xd800 || c > 0xdfff)
    .map((c) => String.fromCodePoint(c)),
};

const stringValue = fc.string({ unit: scalarValue.char as fc.Arbitrary<string>, maxLength: 12 });

const TYPED: Record<string, { from(values: Iterable<unknown>): unknown }> = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigUint64Array: { from: (v: Iterable<unknown>) => BigUint64Array.from(v as Iterable<bigint>) },
  BigInt64Array: { from: (v: Iterable<unknown>) => BigInt64Array.from(v as Iterable<bigint>) },
};

/** Random JS values of a layout, in jco's conventions. */
export function valueOf(layout: Layout): fc.Arbitrary<unknown> {
  switch (layout.kind) {
    case 'scalar':
      return scalarValue[layout.scalar];
    case 'string':
      return stringValue;
    case 'handle':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'list': {
      const el = valueOf(layout.element);
      if (layout.source === 'map') return fc.array(el, { maxLength: 4 }).map((entries) => new Map(entries as [unknown, unknown][]));
      const typed = typedArrayName(layout.element);
      const arr = fc.array(el, { maxLength: 5 });
      return typed === null ? arr : arr.map((values) => TYPED[typed]?.from(values));
    }
    case 'fixed-list':
      return fc.array(valueOf(layout.element), { minLength: layout.length, maxLength: layout.length });
    case 'record': {
      const fields = layout.fields.map((f) => valueOf(f.layout));
      if (layout.source !== 'record') return fc.tuple(...fields);
      return fc.tuple(...fields).map((values) =>
        Object.fromEntries(layout.fields.map((f, i) => [camelCase(f.name), values[i]])),
      );
    }
    case 'flags':
      return fc
        .array(fc.boolean(), { minLength: layout.names.length, maxLength: layout.names.length })
        .map((bits) => Object.fromEntries(layout.names.map((n, i) => [camelCase(n), bits[i]])));
    case 'variant': {
      const cases = layout.cases.map((c, i) => {
        const payload = c.layout === null ? fc.constant(undefined) : valueOf(c.layout);
        return payload.map((val) => {
          switch (layout.source) {
            case 'enum':
              return c.name;
            case 'option':
              if (isNullableOption(layout)) return i === 0 ? undefined : val;
              return i === 0 ? { tag: 'none' } : { tag: 'some', val };
            case 'result':
              return { tag: i === 0 ? 'ok' : 'err', val };
            case 'variant':
              return c.layout === null ? { tag: c.name } : { tag: c.name, val };
          }
        });
      });
      return fc.oneof(...cases);
    }
  }
}
