/**
 * Checks of a legacy module against its world, and notes for the core
 * linker's report: every world export must be a module export with the C
 * signature (all problems in one LegacyError, with the C `long` hint), and
 * every missing import the linker reports is tied to the member of the
 * imports object that implements it.
 */
import { formatCoreFuncType } from '../../abi/core-types.js';
import { functionType, type CoreModuleInfo, type FuncType } from '../../binary/reader.js';
import { LONG_HINT, LinkError } from '../core/link-errors.js';
import { LegacyError } from './errors.js';
import type { LegacyWorldPlan } from './world.js';

export const WASI_MODULE = 'wasi_snapshot_preview1';

/** The type of exported function `index`, or null for a precompiled module (no types read). */
export function typeOfExport(info: CoreModuleInfo, index: number): FuncType | null {
  return index < 0 ? null : functionType(info, index);
}

export function sameSignature(a: { readonly params: readonly string[]; readonly results: readonly string[] }, b: typeof a): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length && a.params.every((t, i) => t === b.params[i]) && a.results.every((t, i) => t === b.results[i]);
}

export function widthOnly(a: { readonly params: readonly string[]; readonly results: readonly string[] }, b: typeof a): boolean {
  const swap = (x: readonly string[], y: readonly string[]): boolean =>
    x.length === y.length && x.every((t, i) => t === y[i] || (t === 'i32' && y[i] === 'i64') || (t === 'i64' && y[i] === 'i32'));
  return swap(a.params, b.params) && swap(a.results, b.results);
}

/** Every world export must be a module export of the C signature; all problems in one error. */
export function checkExports(plan: LegacyWorldPlan, info: CoreModuleInfo): void {
  const exports = new Map(info.exports.filter((e) => e.kind === 'func').map((e) => [e.name, e]));
  const problems: string[] = [];
  for (const e of plan.exports) {
    const expected = formatCoreFuncType(e.plan.core);
    const found = exports.get(e.plan.symbol);
    if (found === undefined) {
      problems.push(`missing export: \`${e.plan.symbol}\` (world export \`${e.plan.qualifiedName}\`) should be ${expected}`);
      continue;
    }
    const type = typeOfExport(info, found.index);
    if (type !== null && !sameSignature(type, e.plan.core)) {
      const hint = widthOnly(type, e.plan.core) ? `\n  ${LONG_HINT}` : '';
      problems.push(
        `incompatible export type for \`${e.plan.symbol}\` (world export \`${e.plan.qualifiedName}\`): expected ${expected}, found ${formatCoreFuncType(type)}${hint}`,
      );
    }
  }
  if (problems.length > 0) {
    const message =
      problems.length === 1
        ? (problems[0] as string)
        : `${problems.length} world exports do not match the module:\n${problems.map((p) => `  ${p.replace(/\n/g, '\n  ')}`).join('\n')}`;
    throw new LegacyError('LEGACY_EXPORTS', message, problems);
  }
}

/** Adds, under a LinkError's message, which member of the imports object implements each missing world import. */
export function explainLinkError(error: LinkError, plan: LegacyWorldPlan): LinkError {
  if (error.code !== 'LINK_UNRESOLVED_IMPORTS') return error;
  const notes = error.problems.flatMap((p) => {
    if (p.kind !== 'missing' || p.module === WASI_MODULE) return [];
    const imp = plan.imports.find((i) => i.module === p.module && i.plan.symbol === p.name);
    if (imp === undefined) {
      return [`\`${p.module}::${p.name}\` is not an import of the WIT world either`];
    }
    const where = imp.groupKey === null ? `imports.${imp.jsName}` : `imports[${JSON.stringify(imp.groupKey)}].${imp.jsName}`;
    return [`\`${p.module}::${p.name}\` is world import \`${imp.plan.qualifiedName}\`: implement it as ${where}`];
  });
  if (error.problems.some((p) => p.kind === 'missing' && p.module === WASI_MODULE)) {
    notes.push(`\`${WASI_MODULE}\` imports need CoreLinker.defineWasi, which this build of witgen does not have`);
  }
  if (notes.length === 0) return error;
  return new LinkError(error.code, `${error.message}\n${notes.map((n) => `note: ${n}`).join('\n')}`, error.problems);
}
