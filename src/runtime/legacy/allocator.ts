/**
 * Which guest exports allocate and free memory for a legacy module:
 * `allocator.malloc`/`allocator.free` when given (they must exist with the
 * right core types); otherwise `cabi_realloc` when exported (with `free` if
 * exported), otherwise `malloc`/`free`. A module without one is refused only
 * when a world function needs guest memory (`requireAllocator`). heap.ts
 * binds the choice to an instance.
 */
import { formatCoreFuncType } from '../../abi/core-types.js';
import type { CoreModuleInfo, FuncType } from '../../binary/reader.js';
import { LegacyError } from './errors.js';

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

export type ExportTypes = ReadonlyMap<string, FuncType | null>;

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

