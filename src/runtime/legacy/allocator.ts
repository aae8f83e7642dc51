/**
 * The guest allocator of a legacy module, as the compiled call code needs
 * it: an `AbiInstance` (lift-lower/runtime.ts) whose `realloc` is backed by
 * the module's own exports, so strings, lists, argument copies and result
 * areas live in guest memory where C code can read them.
 *
 * Which exports: `allocator.malloc`/`allocator.free` when given; otherwise
 * `cabi_realloc` when exported (with `free` if exported), otherwise
 * `malloc`/`free`. Over malloc, growing a block is malloc + copy + free and
 * shrinking keeps the block.
 *
 * Ownership (the C convention, like wit-bindgen's): what the host allocates
 * for an export's arguments is borrowed by the guest for the call and freed
 * by the host when the call returns (`tracked` → `release`; only the small
 * per-export frame of argument copies and result area is kept and reused,
 * see codegen.ts); strings and lists
 * an export returns belong to the caller, so the host frees them after
 * reading (`freeValue`) unless `resultOwnership: 'guest'`; what the host
 * returns from an import (a string, a list) is allocated for the guest and
 * becomes the guest's to free.
 */
import { formatCoreFuncType } from '../../abi/core-types.js';
import type { Layout } from '../../abi/layout.js';
import { rt, type AbiInstance, type CallContext } from '../../abi/lift-lower/runtime.js';
import type { CoreModuleInfo, FuncType } from '../../binary/reader.js';
import type { WasmMemory } from '../core/wasm-api.js';
import { LegacyError } from './errors.js';
import { allocates } from './plan.js';

export interface AllocatorOptions {
  /** Export that allocates `size` bytes: `(func (param i32) (result i32))`. Default `malloc`, or `cabi_realloc` when exported. */
  readonly malloc?: string;
  /** Export that frees a block: `(func (param i32))`; `null` never frees. Default `free`. */
  readonly free?: string | null;
}

/** The allocator exports chosen for a module (names only; bound per instance). */
export interface AllocatorChoice {
  readonly kind: 'malloc' | 'cabi_realloc';
  readonly alloc: string;
  readonly free: string | null;
  /** `malloc` is exported but `free` is not, and no choice was made: unusable if a function needs allocation. */
  readonly freeMissing?: true;
}

const MALLOC_TYPE = { params: ['i32'], results: ['i32'] } as const;
const FREE_TYPE = { params: ['i32'], results: [] } as const;
const REALLOC_TYPE = { params: ['i32', 'i32', 'i32', 'i32'], results: ['i32'] } as const;

type ExportTypes = ReadonlyMap<string, FuncType | null>;

/** Function exports of a module by name, with their types when the binary was read (null otherwise). */
export function functionExports(info: CoreModuleInfo, typeOf: (index: number) => FuncType | null): ExportTypes {
  return new Map(info.exports.filter((e) => e.kind === 'func').map((e) => [e.name, typeOf(e.index)]));
}

function sameType(found: FuncType | null, want: { readonly params: readonly string[]; readonly results: readonly string[] }): boolean {
  if (found === null) return true; // a precompiled module without its bytes: the engine checks at call time
  return (
    found.params.length === want.params.length &&
    found.results.length === want.results.length &&
    found.params.every((t, i) => t === want.params[i]) &&
    found.results.every((t, i) => t === want.results[i])
  );
}

function requireExport(exports: ExportTypes, name: string, type: typeof MALLOC_TYPE | typeof FREE_TYPE | typeof REALLOC_TYPE, role: string): void {
  if (!exports.has(name)) {
    throw new LegacyError(
      'LEGACY_NO_ALLOCATOR',
      `the allocator's ${role} export \`${name}\` does not exist; the module exports ${listNames(exports)}`,
    );
  }
  const found = exports.get(name) ?? null;
  if (!sameType(found, type)) {
    throw new LegacyError(
      'LEGACY_NO_ALLOCATOR',
      `the allocator's ${role} export \`${name}\` has type ${formatCoreFuncType(found ?? type)}, expected ${formatCoreFuncType(type)}`,
    );
  }
}

function listNames(exports: ExportTypes): string {
  const names = [...exports.keys()];
  return names.length === 0 ? 'no functions' : names.map((n) => `\`${n}\``).join(', ');
}

/**
 * The allocator exports of a module, or null when it has none (an error
 * only if a function needs one; see `requireAllocator`). Names given in
 * `options` must exist with the right type.
 */
export function chooseAllocator(exports: ExportTypes, options: AllocatorOptions = {}): AllocatorChoice | null {
  const freeName = (fallback: string | null): string | null => {
    if (options.free === null) return null;
    const name = options.free ?? fallback;
    if (name !== null) requireExport(exports, name, FREE_TYPE, 'free');
    return name;
  };
  if (options.malloc !== undefined) {
    const kind = options.malloc === 'cabi_realloc' ? 'cabi_realloc' : 'malloc';
    requireExport(exports, options.malloc, kind === 'cabi_realloc' ? REALLOC_TYPE : MALLOC_TYPE, kind === 'malloc' ? 'malloc' : 'realloc');
    return { kind, alloc: options.malloc, free: freeName(kind === 'malloc' ? 'free' : exports.has('free') ? 'free' : null) };
  }
  if (exports.has('cabi_realloc') && sameType(exports.get('cabi_realloc') ?? null, REALLOC_TYPE)) {
    return { kind: 'cabi_realloc', alloc: 'cabi_realloc', free: freeName(exports.has('free') ? 'free' : null) };
  }
  if (exports.has('malloc') && sameType(exports.get('malloc') ?? null, MALLOC_TYPE)) {
    if (options.free === undefined && !exports.has('free')) return { kind: 'malloc', alloc: 'malloc', free: null, freeMissing: true };
    return { kind: 'malloc', alloc: 'malloc', free: freeName('free') };
  }
  return null;
}

/** Throws when functions `needing` need an allocator and there is none. */
export function requireAllocator(choice: AllocatorChoice | null, needing: readonly string[], exports: ExportTypes): void {
  if (needing.length === 0) return;
  if (choice?.freeMissing === true) {
    throw new LegacyError(
      'LEGACY_NO_ALLOCATOR',
      `${needing.map((n) => `\`${n}\``).join(', ')} ${needing.length === 1 ? 'passes' : 'pass'} values through guest memory; ` +
        'the module exports `malloc` but no `free`: name the free function with `allocator: { free: "..." }`, ' +
        'or pass `allocator: { free: null }` to never free what the host allocates',
    );
  }
  if (choice !== null) return;
  throw new LegacyError(
    'LEGACY_NO_ALLOCATOR',
    `${needing.map((n) => `\`${n}\``).join(', ')} ${needing.length === 1 ? 'passes' : 'pass'} values through guest memory, ` +
      'so the module must export an allocator: expected `malloc` (func (param i32) (result i32)) with `free` (func (param i32)), ' +
      `or \`cabi_realloc\`, or names given in \`allocator\`; the module exports ${listNames(exports)}`,
  );
}

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
        'LEGACY_BAD_OPTIONS',
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
