/**
 * Compares a core module's imports and exports with what a world expects,
 * collecting every problem at once (so a user fixes them all in one pass).
 */
import type { CoreFuncType } from '../abi/core-types.js';
import { functionType, type CoreModuleInfo, type FuncType } from '../binary/reader.js';
import type { BuildProblem } from './errors.js';
import { describeFound, formatFuncType } from './errors.js';
import { importKey, type ExpectedInterface } from './expected.js';

/** The module name under which WASI preview1 functions are imported. */
export const PREVIEW1_MODULE = 'wasi_snapshot_preview1';

/**
 * Async and thread builtins wit-component provides by name (`[waitable-set-new]`,
 * `[stream-read-0]foo`...) under `$root` or an interface's module. witgen does
 * not plan their types, so it accepts them by prefix and leaves their
 * checking to wasm-tools.
 */
const INTRINSIC_PREFIXES: readonly string[] = [
  '[task-return]',
  '[task-cancel]',
  '[waitable-set-',
  '[waitable-join]',
  '[context-get-',
  '[context-set-',
  '[backpressure-',
  '[subtask-',
  '[stream-',
  '[future-',
  '[error-context-',
  '[yield]',
  '[thread-',
  '[cancellable]',
  '[async-lower][stream-',
  '[async-lower][future-',
];

export interface CheckResult {
  readonly problems: BuildProblem[];
  /** The module imports WASI preview1 functions (so it needs an adapter). */
  readonly usesPreview1: boolean;
  /** The module exports `_start`, i.e. it is a command rather than a reactor. */
  readonly isCommand: boolean;
}

export function checkModule(info: CoreModuleInfo, expected: ExpectedInterface): CheckResult {
  const problems: BuildProblem[] = [];
  let usesPreview1 = false;

  info.imports.forEach((imp) => {
    const item = `${imp.module}::${imp.name}`;
    if (imp.module === PREVIEW1_MODULE) {
      usesPreview1 = true;
      return;
    }
    if (imp.kind !== 'func') {
      problems.push({
        kind: 'import-kind',
        item,
        expected: null,
        found: imp.kind,
        message: `import \`${item}\` is a ${imp.kind}; a component's core module may import only functions`,
        hint: imp.kind === 'memory' ? 'link without --import-memory: the module must define and export its memory' : null,
      });
      return;
    }
    const found = importedFunctionType(info, imp.typeIndex);
    const want = expected.imports.get(importKey(imp.module, imp.name));
    if (want === undefined) {
      if (expected.intrinsicModules.has(imp.module) && INTRINSIC_PREFIXES.some((p) => imp.name.startsWith(p))) return;
      problems.push({
        kind: 'unknown-import',
        item,
        expected: null,
        found,
        message: `unknown import \`${item}\` ${describeFound(found)}: it belongs to no WIT import of the world`,
        hint: unknownImportHint(imp.module, imp.name, expected),
      });
      return;
    }
    if (!sameType(found, want.type)) {
      problems.push({
        kind: 'import-type',
        item,
        expected: want.type,
        found,
        message: `import \`${item}\` (${want.origin}): expected ${formatFuncType(want.type)}, found ${formatFuncType(found)}`,
        hint: widthHint(want.type, found),
      });
    }
  });

  const exported = new Map(info.exports.map((e) => [e.name, e]));
  for (const want of expected.exports.values()) {
    const exp = exported.get(want.name);
    if (exp === undefined) {
      const alternatives = want.satisfiedBy ?? [];
      if (want.required && !alternatives.some((name) => exported.has(name))) {
        problems.push({
          kind: 'missing-export',
          item: want.name,
          expected: want.type,
          found: null,
          message: `missing export \`${want.name}\` (${want.origin}): expected ${formatFuncType(want.type)}`,
          hint: alternatives.length === 0 ? null : `an async-lifted ${alternatives.map((n) => `\`${n}\``).join(' or ')} also does`,
        });
      }
      continue;
    }
    const found: FuncType | string = exp.kind === 'func' ? functionType(info, exp.index) : exp.kind;
    if (typeof found === 'string' || !sameType(found, want.type)) {
      problems.push({
        kind: 'export-type',
        item: want.name,
        expected: want.type,
        found,
        message: `export \`${want.name}\` (${want.origin}): expected ${formatFuncType(want.type)}, found ${describeFound(found)}`,
        hint: typeof found === 'string' ? null : widthHint(want.type, found),
      });
    }
  }

  if (expected.needsMemory) {
    const name = expected.memory;
    const memory = exported.get(name);
    if (memory === undefined || memory.kind !== 'memory') {
      problems.push({
        kind: memory === undefined ? 'missing-export' : 'export-type',
        item: name,
        expected: null,
        found: memory === undefined ? null : memory.kind,
        message:
          memory === undefined
            ? `missing export \`${name}\`: the world passes values through linear memory`
            : `export \`${name}\` is a ${memory.kind}, expected a memory`,
        hint: null,
      });
    }
  }

  return { problems, usesPreview1, isCommand: exported.get('_start')?.kind === 'func' };
}

function importedFunctionType(info: CoreModuleInfo, typeIndex: number | null): FuncType {
  const type = typeIndex === null ? undefined : info.types[typeIndex];
  return type ?? { params: [], results: [] };
}

function sameType(a: FuncType | CoreFuncType, b: CoreFuncType): boolean {
  return sameList(a.params, b.params) && sameList(a.results, b.results);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** Points at the right module when the name exists elsewhere (a wrong or missing import_module). */
function unknownImportHint(module: string, name: string, expected: ExpectedInterface): string | null {
  const elsewhere = [...expected.imports.values()].filter((e) => e.name === name).map((e) => `\`${e.module}::${e.name}\``);
  if (elsewhere.length > 0) {
    return `the world expects it as ${elsewhere.join(' or ')}; check the import module`;
  }
  if (module === 'env') {
    return 'C functions declared without __attribute__((import_module(...))) are imported from `env`; define the function, or declare it in the WIT world and import it under its WIT name';
  }
  if (module === '$root' || module === 'cm32p2') return 'add the function to the world as `import <name>: func(...)`';
  return null;
}

/** C `long` and friends are 32-bit on wasm32: flag i32/i64 swaps. */
function widthHint(expected: CoreFuncType, found: FuncType): string | null {
  const pairs = [
    ...expected.params.map((t, i) => [t, found.params[i]] as const),
    ...expected.results.map((t, i) => [t, found.results[i]] as const),
  ];
  const swapped = pairs.some(([want, got]) => (want === 'i64' && got === 'i32') || (want === 'i32' && got === 'i64'));
  if (!swapped) return null;
  return 'C `long` is 32-bit on wasm32: use int64_t/uint64_t for WIT s64/u64 and int32_t/uint32_t for 32-bit types';
}
