/**
 * The legacy module against its world, before anything is assembled: every
 * world export must be a module export with the C signature
 * (src/runtime/legacy/checks.ts), and every module import must be a world
 * import with the C signature, or WASI preview1. All problems are reported
 * in one UPGRADE_MISMATCH, with expected and found core signatures.
 */
import { formatCoreFuncType } from '../abi/core-types.js';
import { functionType, type CoreModuleInfo } from '../binary/reader.js';
import { LONG_HINT } from '../runtime/core/link-errors.js';
import { checkExports, sameSignature, WASI_MODULE, widthOnly } from '../runtime/legacy/checks.js';
import { LegacyError } from '../runtime/legacy/errors.js';
import type { LegacyWorldPlan, PlannedImport } from '../runtime/legacy/world.js';
import { UpgradeError } from './errors.js';

function exportProblems(plan: LegacyWorldPlan, info: CoreModuleInfo): string[] {
  try {
    checkExports(plan, info);
    return [];
  } catch (error) {
    if (error instanceof LegacyError && error.code === 'LEGACY_EXPORTS') return [...error.problems];
    throw error;
  }
}

function importProblems(plan: LegacyWorldPlan, info: CoreModuleInfo, importModule: string, worldName: string): string[] {
  const bySymbol = new Map<string, PlannedImport>(plan.imports.map((i) => [i.plan.symbol, i]));
  const problems: string[] = [];
  let funcIndex = 0;
  for (const imp of info.imports) {
    const index = imp.kind === 'func' ? funcIndex++ : -1;
    if (imp.module === WASI_MODULE) continue;
    if (imp.kind !== 'func') {
      problems.push(`unsupported import: \`${imp.module}::${imp.name}\` is a ${imp.kind}; expected only functions (the module must define and export its own memory)`);
      continue;
    }
    const found = functionType(info, index);
    const planned = imp.module === importModule ? bySymbol.get(imp.name) : undefined;
    if (planned === undefined) {
      problems.push(
        imp.module === importModule
          ? `unknown import: \`${imp.module}::${imp.name}\` ${formatCoreFuncType(found)} is not a function of the WIT world \`${worldName}\``
          : `unknown import: \`${imp.module}::${imp.name}\` ${formatCoreFuncType(found)}: expected world imports from \`${importModule}\` and WASI from \`${WASI_MODULE}\` only`,
      );
      continue;
    }
    if (!sameSignature(found, planned.plan.core)) {
      const hint = widthOnly(found, planned.plan.core) ? `\n  ${LONG_HINT}` : '';
      problems.push(
        `incompatible import type for \`${imp.module}::${imp.name}\` (world import \`${planned.plan.qualifiedName}\`): ` +
          `expected ${formatCoreFuncType(planned.plan.core)}, found ${formatCoreFuncType(found)}${hint}`,
      );
    }
  }
  return problems;
}

/** Throws UPGRADE_MISMATCH listing every export and import problem at once. */
export function checkModuleAgainstWorld(plan: LegacyWorldPlan, info: CoreModuleInfo, importModule: string, worldName: string): void {
  const problems = [...exportProblems(plan, info), ...importProblems(plan, info, importModule, worldName)];
  if (problems.length === 0) return;
  const message =
    problems.length === 1
      ? (problems[0] as string)
      : `the module does not match world \`${worldName}\` (${problems.length} problems):\n${problems.map((p) => `  ${p.replace(/\n/g, '\n  ')}`).join('\n')}`;
  throw new UpgradeError('UPGRADE_MISMATCH', message, problems);
}
