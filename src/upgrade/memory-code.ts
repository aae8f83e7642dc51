/**
 * WAT that moves values between flat core values (the canonical ABI's
 * flattened form) and linear memory laid out by `layoutOf` — which is also
 * the wasm32 C layout of the legacy module's structs (src/abi/cabi.ts) — and
 * that frees the strings and lists a stored value owns. The adapter uses it
 * where the C ABI passes a struct by pointer and the canonical ABI passes
 * its fields flat, and to release what the legacy path's host would free.
 */
import type { CoreType } from '../abi/core-types.js';
import { flattenLayout } from '../abi/flatten.js';
import type { Layout, ScalarKind, UintRepr } from '../abi/layout.js';
import { zero, type Expr, type WatFunction } from './wat-function.js';

const STORE: Readonly<Record<ScalarKind, string>> = {
  bool: 'i32.store8',
  u8: 'i32.store8',
  s8: 'i32.store8',
  u16: 'i32.store16',
  s16: 'i32.store16',
  u32: 'i32.store',
  s32: 'i32.store',
  char: 'i32.store',
  u64: 'i64.store',
  s64: 'i64.store',
  f32: 'f32.store',
  f64: 'f64.store',
};

const LOAD: Readonly<Record<ScalarKind, string>> = {
  bool: 'i32.load8_u',
  u8: 'i32.load8_u',
  s8: 'i32.load8_s',
  u16: 'i32.load16_u',
  s16: 'i32.load16_s',
  u32: 'i32.load',
  s32: 'i32.load',
  char: 'i32.load',
  u64: 'i64.load',
  s64: 'i64.load',
  f32: 'f32.load',
  f64: 'f64.load',
};

const UINT_STORE: Readonly<Record<UintRepr, string>> = { u8: 'i32.store8', u16: 'i32.store16', u32: 'i32.store' };
const UINT_LOAD: Readonly<Record<UintRepr, string>> = { u8: 'i32.load8_u', u16: 'i32.load16_u', u32: 'i32.load' };
const UINT_SIZE: Readonly<Record<UintRepr, number>> = { u8: 1, u16: 2, u32: 4 };

/** A case's own core value in a joined variant slot → the slot type (spec `lower_flat_variant` coercions). */
function widen(from: CoreType, to: CoreType): readonly string[] {
  if (from === to) return [];
  if (from === 'i32' && to === 'i64') return ['i64.extend_i32_u'];
  if (from === 'f32' && to === 'i32') return ['i32.reinterpret_f32'];
  if (from === 'f32' && to === 'i64') return ['i32.reinterpret_f32', 'i64.extend_i32_u'];
  if (from === 'f64' && to === 'i64') return ['i64.reinterpret_f64'];
  throw new RangeError(`no join from ${from} to ${to}`);
}

/** A joined variant slot → the case's own core value (spec `lift_flat_variant` coercions). */
function narrow(from: CoreType, to: CoreType): readonly string[] {
  if (from === to) return [];
  if (from === 'i64' && to === 'i32') return ['i32.wrap_i64'];
  if (from === 'i32' && to === 'f32') return ['f32.reinterpret_i32'];
  if (from === 'i64' && to === 'f32') return ['i32.wrap_i64', 'f32.reinterpret_i32'];
  if (from === 'i64' && to === 'f64') return ['f64.reinterpret_i64'];
  throw new RangeError(`no join from ${to} to ${from}`);
}

const at = (offset: number): string => (offset === 0 ? '' : ` offset=${offset}`);

/** Emits code storing the flat `values` of a `layout` value at `base + offset` (`base` a local holding an address). */
export function storeFlat(fn: WatFunction, layout: Layout, base: number, offset: number, values: readonly Expr[]): void {
  switch (layout.kind) {
    case 'scalar':
      fn.emit(`local.get ${base}`, ...(values[0] ?? []), `${STORE[layout.scalar]}${at(offset)}`);
      return;
    case 'string':
    case 'list':
      fn.emit(`local.get ${base}`, ...(values[0] ?? []), `i32.store${at(offset)}`);
      fn.emit(`local.get ${base}`, ...(values[1] ?? []), `i32.store${at(offset + 4)}`);
      return;
    case 'handle':
      fn.emit(`local.get ${base}`, ...(values[0] ?? []), `i32.store${at(offset)}`);
      return;
    case 'flags':
      values.forEach((value, i) => {
        fn.emit(`local.get ${base}`, ...value, `${UINT_STORE[layout.repr]}${at(offset + i * UINT_SIZE[layout.repr])}`);
      });
      return;
    case 'fixed-list': {
      const width = flattenLayout(layout.element).length;
      for (let i = 0; i < layout.length; i++) {
        storeFlat(fn, layout.element, base, offset + i * layout.element.size, values.slice(i * width, (i + 1) * width));
      }
      return;
    }
    case 'record': {
      let next = 0;
      for (const field of layout.fields) {
        const width = flattenLayout(field.layout).length;
        storeFlat(fn, field.layout, base, offset + field.offset, values.slice(next, next + width));
        next += width;
      }
      return;
    }
    case 'variant': {
      const disc = fn.local('i32');
      fn.emit(...(values[0] ?? []), `local.set ${disc}`);
      fn.emit(`local.get ${base}`, `local.get ${disc}`, `${UINT_STORE[layout.discriminant]}${at(offset)}`);
      const joined = flattenLayout(layout).slice(1);
      layout.cases.forEach((c, index) => {
        if (c.layout === null) return;
        const own = flattenLayout(c.layout);
        const payload = own.map((type, i) => [...(values[i + 1] ?? []), ...narrow(joined[i] as CoreType, type)]);
        fn.emit(`local.get ${disc}`, `i32.const ${index}`, 'i32.eq', 'if');
        storeFlat(fn, c.layout, base, offset + layout.payloadOffset, payload);
        fn.emit('end');
      });
      return;
    }
  }
}

/** Expressions loading the flat values of the `layout` value at `base + offset`, one per flat slot. */
export function loadFlat(layout: Layout, base: number, offset: number): Expr[] {
  switch (layout.kind) {
    case 'scalar':
      return [[`local.get ${base}`, `${LOAD[layout.scalar]}${at(offset)}`]];
    case 'string':
    case 'list':
      return [
        [`local.get ${base}`, `i32.load${at(offset)}`],
        [`local.get ${base}`, `i32.load${at(offset + 4)}`],
      ];
    case 'handle':
      return [[`local.get ${base}`, `i32.load${at(offset)}`]];
    case 'flags':
      return Array.from({ length: layout.words }, (_, i) => [`local.get ${base}`, `${UINT_LOAD[layout.repr]}${at(offset + i * UINT_SIZE[layout.repr])}`]);
    case 'fixed-list':
      return Array.from({ length: layout.length }, (_, i) => loadFlat(layout.element, base, offset + i * layout.element.size)).flat();
    case 'record':
      return layout.fields.flatMap((f) => loadFlat(f.layout, base, offset + f.offset));
    case 'variant': {
      const disc: Expr = [`local.get ${base}`, `${UINT_LOAD[layout.discriminant]}${at(offset)}`];
      const joined = flattenLayout(layout).slice(1);
      const payloads = layout.cases.map((c) => (c.layout === null ? null : { own: flattenLayout(c.layout), values: loadFlat(c.layout, base, offset + layout.payloadOffset) }));
      // Slot k holds the k-th payload value of whichever case is set (joined), zero for cases that have none there.
      const slots = joined.map((type, k): Expr => {
        let expr: Expr = zero(type);
        for (let index = layout.cases.length - 1; index >= 0; index--) {
          const payload = payloads[index];
          const own = payload?.own[k];
          const value = payload?.values[k];
          if (own === undefined || value === undefined) continue;
          expr = [...disc, `i32.const ${index}`, 'i32.eq', `if (result ${type})`, ...value, ...widen(own, type), 'else', ...expr, 'end'];
        }
        return expr;
      });
      return [disc, ...slots];
    }
  }
}

/** Whether a stored `layout` value owns heap blocks (strings, lists). */
export function ownsMemory(layout: Layout): boolean {
  switch (layout.kind) {
    case 'string':
    case 'list':
      return true;
    case 'fixed-list':
      return ownsMemory(layout.element);
    case 'record':
      return layout.fields.some((f) => ownsMemory(f.layout));
    case 'variant':
      return layout.cases.some((c) => c.layout !== null && ownsMemory(c.layout));
    default:
      return false;
  }
}

/** What to do with one string or list block: `base + offset` holds its (pointer, length) pair. */
export type BlockVisitor = (fn: WatFunction, base: number, offset: number) => void;

/**
 * Emits code visiting every string and list block the value at `base + offset`
 * owns, depth first: a list's elements before the list itself.
 */
export function visitOwned(fn: WatFunction, layout: Layout, base: number, offset: number, visit: BlockVisitor): void {
  if (!ownsMemory(layout)) return;
  switch (layout.kind) {
    case 'string':
      visit(fn, base, offset);
      return;
    case 'list': {
      if (ownsMemory(layout.element)) {
        const ptr = fn.local('i32');
        const end = fn.local('i32');
        fn.emit(`local.get ${base}`, `i32.load${at(offset)}`, `local.set ${ptr}`);
        fn.emit(`local.get ${ptr}`, `local.get ${base}`, `i32.load${at(offset + 4)}`, `i32.const ${layout.element.size}`, 'i32.mul', 'i32.add', `local.set ${end}`);
        fn.emit('block', 'loop', `local.get ${ptr}`, `local.get ${end}`, 'i32.ge_u', 'br_if 1');
        visitOwned(fn, layout.element, ptr, 0, visit);
        fn.emit(`local.get ${ptr}`, `i32.const ${layout.element.size}`, 'i32.add', `local.set ${ptr}`, 'br 0', 'end', 'end');
      }
      visit(fn, base, offset);
      return;
    }
    case 'fixed-list':
      for (let i = 0; i < layout.length; i++) visitOwned(fn, layout.element, base, offset + i * layout.element.size, visit);
      return;
    case 'record':
      for (const field of layout.fields) visitOwned(fn, field.layout, base, offset + field.offset, visit);
      return;
    case 'variant':
      layout.cases.forEach((c, index) => {
        if (c.layout === null || !ownsMemory(c.layout)) return;
        fn.emit(`local.get ${base}`, `${UINT_LOAD[layout.discriminant]}${at(offset)}`, `i32.const ${index}`, 'i32.eq', 'if');
        visitOwned(fn, c.layout, base, offset + layout.payloadOffset, visit);
        fn.emit('end');
      });
      return;
    default:
      return;
  }
}

/** Frees a block with `$free`. */
export const freeBlock: BlockVisitor = (fn, base, offset) => {
  fn.emit(`local.get ${base}`, `i32.load${at(offset)}`, 'call $free');
};

/**
 * Frees a block the canonical ABI allocated: an empty string or list was never
 * allocated (jco passes pointer 1, the adapter's realloc returns the alignment).
 */
export const freeAllocatedBlock: BlockVisitor = (fn, base, offset) => {
  fn.emit(`local.get ${base}`, `i32.load${at(offset + 4)}`, 'if', `local.get ${base}`, `i32.load${at(offset)}`, 'call $free', 'end');
};

/**
 * Gives an empty string or list a real block from `$alloc`: a legacy guest
 * frees what an import returned, and the canonical ABI's empty values point
 * at no block.
 */
export const allocateEmptyBlock: BlockVisitor = (fn, base, offset) => {
  fn.emit(`local.get ${base}`, `i32.load${at(offset + 4)}`, 'i32.eqz', 'if', `local.get ${base}`, 'i32.const 1', 'i32.const 1', 'call $alloc', `i32.store${at(offset)}`, 'end');
};
