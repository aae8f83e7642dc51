/**
 * The legacy plan of a whole world: every import and export function with
 * its JS place (from `hostShape`, the component path's shape), its core
 * symbol (`legacySymbolName`, shared with the legacy guest headers), its C
 * ABI plan and its compiled call code. Compiled once per (Resolve, world,
 * symbol options) and reused by every module and instance.
 */
import { hostShape, type ShapeGroup } from '../../abi/host-shape.js';
import { legacyWorldFunctions } from '../../abi/legacy-names.js';
import type { Resolve, WorldId } from '../../wit/model.js';
import { compileLegacyExport, compileLegacyImport, type LegacyExportBinder, type LegacyImportBinder } from './codegen.js';
import { LegacyError } from './errors.js';
import { exportNeedsAllocator, importNeedsAllocator, planFunction, type LegacyFunctionPlan } from './plan.js';

export interface PlannedFunction {
  /** Key of the function's group in the imports/exports object; null for the top level. */
  readonly groupKey: string | null;
  /** Its property name inside the group (camelCase). */
  readonly jsName: string;
  readonly plan: LegacyFunctionPlan;
  /** Whether calling (export) or implementing (import) it needs the guest allocator. */
  readonly needsAllocator: boolean;
}

export interface PlannedImport extends PlannedFunction {
  readonly module: string;
  readonly bind: LegacyImportBinder;
}

export interface PlannedExport extends PlannedFunction {
  readonly bind: LegacyExportBinder;
}

export interface LegacyWorldPlan {
  readonly resolve: Resolve;
  readonly worldId: WorldId;
  readonly imports: readonly PlannedImport[];
  readonly exports: readonly PlannedExport[];
  /** Export groups (interfaces) by key, in world order. */
  readonly exportGroups: readonly string[];
}

export interface WorldPlanOptions {
  /** WIT function name (or `ns:pkg/iface@v#f`) → core symbol. */
  readonly names?: Readonly<Record<string, string>>;
  /** Module of the world's imports; default `env`. */
  readonly importModule: string;
  /** Whether the host frees the strings/lists an export returns (caller-owned results). */
  readonly freeResults: boolean;
}

interface PlannedFunctionDraft {
  readonly groupKey: string | null;
  readonly jsName: string;
  readonly qualified: string;
  readonly symbol: string;
  readonly func: LegacyFunctionPlan['func'];
}

/** The functions of one shape group, with the symbols `legacyWorldFunctions` gives them. */
function groupFunctions(group: ShapeGroup, top: boolean, symbols: ReadonlyMap<string, string>): PlannedFunctionDraft[] {
  return group.functions.map((f) => {
    const qualified = top ? f.witName : `${group.witName}#${f.witName}`;
    const symbol = symbols.get(qualified);
    if (symbol === undefined) throw new LegacyError('LEGACY_UNSUPPORTED', `\`${qualified}\` has no legacy symbol`);
    return { groupKey: top ? null : group.key, jsName: f.jsName, qualified, symbol, func: f.func };
  });
}

/** Resources have no C ABI form: refuse them before anything else looks at the world. */
function refuseResources(groups: readonly ShapeGroup[]): void {
  for (const group of groups) {
    const first = group.resources[0];
    if (first !== undefined) {
      throw new LegacyError(
        'LEGACY_UNSUPPORTED',
        `resource \`${first.witName}\`${group.witName === '' ? '' : ` in \`${group.witName}\``}: the C ABI of a legacy module has no resources`,
      );
    }
  }
}

function planWorld(resolve: Resolve, worldId: WorldId, options: WorldPlanOptions): LegacyWorldPlan {
  const shape = hostShape(resolve, worldId);
  const importGroups = [shape.root.imports, ...shape.imports];
  const exportGroups = [shape.root.exports, ...shape.exports];
  refuseResources([...importGroups, ...exportGroups]);
  // One symbol mapping for guest headers and host (src/abi/legacy-names.ts); it also refuses clashes.
  const listed = legacyWorldFunctions(resolve, worldId, {
    importModule: options.importModule,
    ...(options.names === undefined ? {} : { names: options.names }),
  });
  const symbolsOf = (direction: 'import' | 'export'): Map<string, string> =>
    new Map(
      listed
        .filter((f) => f.direction === direction)
        .map((f) => [f.interfaceName === null ? f.func.name : `${f.interfaceName}#${f.func.name}`, f.symbol]),
    );
  const importDrafts = importGroups.flatMap((g, i) => groupFunctions(g, i === 0, symbolsOf('import')));
  const exportDrafts = exportGroups.flatMap((g, i) => groupFunctions(g, i === 0, symbolsOf('export')));
  const imports = importDrafts.map((d): PlannedImport => {
    const plan = planFunction(resolve, d.func, d.qualified, d.symbol);
    return {
      groupKey: d.groupKey,
      jsName: d.jsName,
      plan,
      needsAllocator: importNeedsAllocator(plan),
      module: options.importModule,
      bind: compileLegacyImport(plan).value,
    };
  });
  const exports = exportDrafts.map((d): PlannedExport => {
    const plan = planFunction(resolve, d.func, d.qualified, d.symbol);
    return {
      groupKey: d.groupKey,
      jsName: d.jsName,
      plan,
      needsAllocator: exportNeedsAllocator(plan),
      bind: compileLegacyExport(plan, options.freeResults).value,
    };
  });
  return { resolve, worldId, imports, exports, exportGroups: shape.exports.map((g) => g.key) };
}

const cache = new WeakMap<Resolve, Map<string, LegacyWorldPlan>>();

/** The plan of `worldId`, compiled once per Resolve and options. */
export function legacyWorldPlan(resolve: Resolve, worldId: WorldId, options: WorldPlanOptions): LegacyWorldPlan {
  let plans = cache.get(resolve);
  if (plans === undefined) {
    plans = new Map();
    cache.set(resolve, plans);
  }
  const names = options.names === undefined ? [] : Object.entries(options.names).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = JSON.stringify([worldId, options.importModule, options.freeResults, names]);
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = planWorld(resolve, worldId, options);
    plans.set(key, plan);
  }
  return plan;
}
