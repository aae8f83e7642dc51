/**
 * The guest allocator of a legacy module, as the compiled call code needs
 * it: an `AbiInstance` (lift-lower/runtime.ts) whose `realloc` is backed by
 * the module's own exports, so strings, lists, argument copies and result
 * areas live in guest memory where C code can read them.
 *
 * The exports come from allocator.ts's choice. Over malloc, growing a block
 * is malloc + copy + free and shrinking keeps the block.
 *
 * Ownership (the C convention, like wit-bindgen's): what the host allocates
 * for an export's arguments is borrowed by the guest for the call and freed
 * by the host when the call returns (`tracked` → `release`; only the small
 * per-export frame of argument copies and result area is kept and reused,
 * see codegen.ts); strings and lists an export returns belong to the
 * caller, so the host frees them after reading (`freeValue`) unless
 * `resultOwnership: 'guest'`; what the host returns from an import (a
 * string, a list) is allocated for the guest and becomes the guest's to free.
 */
import type { Layout } from '../../abi/layout.js';
import { rt, type AbiInstance, type CallContext } from '../../abi/lift-lower/runtime.js';
import type { WasmMemory } from '../core/wasm-api.js';
import type { AllocatorChoice } from './allocator.js';
import { LegacyError } from './errors.js';
import { allocates } from './plan.js';

type Fn = (...args: number[]) => unknown;

/** Up to this many UTF-16 units, a string argument gets one worst-case block (see `storeString`). */
const DIRECT_STRING_UNITS = 4096;
const encoder = new TextEncoder();
const LONE_SURROGATE = /\p{Cs}/u;
const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

function isWellFormed(text: string): boolean {
  return nativeWellFormed !== undefined ? nativeWellFormed.call(text) : !LONE_SURROGATE.test(text);
}

/** Where the instance's memory and exports are found once it exists. */
export interface InstanceSlot {
  exports: Readonly<Record<string, unknown>> | null;
}

/** One instance's allocator: two AbiInstance faces (tracked for export arguments, plain for import results). */
export class GuestHeap {
  /** Blocks allocated for the export call(s) in progress, freed by `release`. */
  readonly owned: number[] = [];
  /** Host import calls in progress (see codegen.ts: exports called meanwhile are nested). */
  depth = 0;
  /** Allocations through this face are recorded in `owned`. */
  readonly tracked: AbiInstance;
  /** Allocations through this face are handed over to the guest. */
  readonly untracked: AbiInstance;
  private allocFn: Fn | null = null;
  private freeFn: Fn | null = null;

  constructor(
    private readonly slot: InstanceSlot,
    private readonly choice: AllocatorChoice | null,
  ) {
    const heap = this;
    const memory = (): { readonly buffer: ArrayBuffer } => heap.memory() as { readonly buffer: ArrayBuffer };
    this.tracked = {
      get memory() {
        return memory();
      },
      realloc: (ptr, oldSize, align, size) => heap.realloc(ptr, oldSize, align, size, true),
    };
    this.untracked = {
      get memory() {
        return memory();
      },
      realloc: (ptr, oldSize, align, size) => heap.realloc(ptr, oldSize, align, size, false),
    };
  }

  memory(): WasmMemory {
    const memory = this.slot.exports?.['memory'];
    if (memory === undefined || memory === null || typeof memory !== 'object' || !('buffer' in memory)) {
      throw new LegacyError(
        'LEGACY_NO_MEMORY',
        this.slot.exports === null
          ? "guest memory is not available yet: the module's start function is still running"
          : 'the module exports no memory named `memory`, so values cannot pass through it',
      );
    }
    return memory as WasmMemory;
  }

  private exportFn(name: string): Fn {
    const fn = this.slot.exports?.[name];
    if (typeof fn !== 'function') throw new LegacyError('LEGACY_NO_ALLOCATOR', `the allocator export \`${name}\` is not available`);
    return fn as Fn;
  }

  private alloc(size: number, align: number): number {
    if (this.choice === null) throw new LegacyError('LEGACY_NO_ALLOCATOR', 'the module exports no allocator');
    const fn = (this.allocFn ??= this.exportFn(this.choice.alloc));
    const ptr = (this.choice.kind === 'malloc' ? fn(size) : fn(0, 0, align, size)) as number;
    if (ptr === 0 && size > 0) {
      throw new LegacyError('LEGACY_NO_ALLOCATOR', `the guest allocator \`${this.choice.alloc}\` returned NULL for ${size} bytes`);
    }
    return ptr >>> 0;
  }

  /**
   * Stores string `value` as a `{ ptr, len }` pair at `at` for an export's
   * argument: one tracked block of the UTF-8 worst case (3 bytes per UTF-16
   * unit) filled by encodeInto, instead of the grow-and-shrink reallocs of
   * the general path, which a short-lived argument does not need. Long
   * strings take the general path (no 3x over-allocation).
   */
  storeString(func: string, cx: CallContext, value: unknown, at: number): void {
    if (typeof value !== 'string') rt.invalid(func, 'a string', value);
    const text = value as string;
    const units = text.length;
    let ptr: number;
    let written: number;
    if (units > DIRECT_STRING_UNITS) {
      [ptr, written] = rt.lowerString(func, cx, 'utf8', text);
    } else {
      const capacity = units * 3;
      ptr = this.alloc(capacity, 1);
      this.owned.push(ptr);
      rt.refresh(cx);
      rt.check(func, cx, ptr, 1, capacity);
      written = encoder.encodeInto(text, cx.u8.subarray(ptr, ptr + capacity)).written;
      // ASCII takes one byte per unit; otherwise make sure no lone surrogate became U+FFFD.
      if (written !== units && !isWellFormed(text)) rt.invalid(func, 'a string without lone surrogates', text);
    }
    cx.dv.setUint32(at, ptr, true);
    cx.dv.setUint32(at + 4, written, true);
  }

  /** Frees one block (nothing when the allocator has no free). */
  free(ptr: number): void {
    if (this.choice === null || this.choice.free === null || ptr === 0) return;
    (this.freeFn ??= this.exportFn(this.choice.free))(ptr);
  }

  private realloc(ptr: number, oldSize: number, align: number, size: number, track: boolean): number {
    if (ptr === 0) {
      const out = this.alloc(size, align);
      if (track) this.owned.push(out);
      return out;
    }
    if (this.choice?.kind === 'cabi_realloc') {
      const out = ((this.allocFn ??= this.exportFn(this.choice.alloc))(ptr, oldSize, align, size) as number) >>> 0;
      if (track) this.replaceOwned(ptr, out);
      return out;
    }
    // Shrinking in place is always valid: the block stays at least `size` bytes long.
    if (size <= oldSize) return ptr;
    const out = this.alloc(size, align);
    const bytes = new Uint8Array(this.memory().buffer);
    bytes.copyWithin(out, ptr, ptr + oldSize);
    this.free(ptr);
    if (track) this.replaceOwned(ptr, out);
    return out;
  }

  private replaceOwned(from: number, to: number): void {
    const at = this.owned.lastIndexOf(from);
    if (at >= 0) this.owned[at] = to;
    else this.owned.push(to);
  }

  /** Frees every block allocated (tracked) since `owned.length` was `mark`, newest first. */
  release(mark: number): void {
    const owned = this.owned;
    // pop, not `length = mark`: setting an array's length is a slow runtime call in V8.
    while (owned.length > mark) this.free(owned.pop() as number);
  }

  /** Frees the strings and lists a value of `layout` at `ptr` points to (not the value's own storage). */
  freeValue(dv: DataView, layout: Layout, ptr: number): void {
    // free() never grows memory, so `dv` stays valid throughout.
    freeInside(this, dv, layout, ptr);
  }
}

function freeInside(heap: GuestHeap, dv: DataView, layout: Layout, p: number): void {
  switch (layout.kind) {
    case 'string':
      heap.free(dv.getUint32(p, true));
      return;
    case 'list': {
      const base = dv.getUint32(p, true);
      const length = dv.getUint32(p + 4, true);
      if (allocates(layout.element)) {
        for (let i = 0; i < length; i++) freeInside(heap, dv, layout.element, base + i * layout.element.size);
      }
      heap.free(base);
      return;
    }
    case 'fixed-list':
      for (let i = 0; i < layout.length; i++) freeInside(heap, dv, layout.element, p + i * layout.element.size);
      return;
    case 'record':
      for (const f of layout.fields) freeInside(heap, dv, f.layout, p + f.offset);
      return;
    case 'variant': {
      const d = layout.discriminant === 'u8' ? dv.getUint8(p) : layout.discriminant === 'u16' ? dv.getUint16(p, true) : dv.getUint32(p, true);
      const payload = layout.cases[d]?.layout;
      if (payload !== null && payload !== undefined) freeInside(heap, dv, payload, p + layout.payloadOffset);
      return;
    }
    default:
      return;
  }
}
