/**
 * Symbol names of WIT functions in a legacy (`extern "C"`) core module: the
 * one mapping shared by the guest header generators (src/codegen/legacy) and
 * the host that links such a module (src/runtime/legacy), so the import and
 * export names the guest is compiled with are the ones the host looks up.
 *
 * - `host-log-value` → `host_log_value` (kebab-case words joined by `_`, lowercased);
 * - an override map, keyed by the WIT function name, replaces the derived name;
 * - world imports come from module `env` (LEGACY_IMPORT_MODULE) unless the caller overrides it;
 * - resource functions (`[constructor]r`, `[method]r.f`, `[static]r.f`) have no
 *   legacy form: the C ABI has no handles.
 */
import type { Func, Resolve, WorldEntry, WorldId } from '../wit/model.js';
import { AbiError } from './errors.js';
import { interfaceName as componentInterfaceName } from './signature.js';

/** Why a world has no legacy symbols: a bad override or module name, a resource function, or two functions on one symbol. */
export type LegacyNameProblem = 'option' | 'resource' | 'clash';

/** An AbiError (code ABI_UNSUPPORTED) that also says which legacy naming rule failed. */
export class LegacyNameError extends AbiError {
  constructor(
    readonly problem: LegacyNameProblem,
    message: string,
  ) {
    super('ABI_UNSUPPORTED', message);
  }
}

/** The import module of world imports in a legacy module (what C compilers use for undefined functions). */
export const LEGACY_IMPORT_MODULE = 'env';

/** The core symbol of WIT function `witName`, or its override. */
export function legacySymbolName(witName: string, overrides?: Readonly<Record<string, string>>): string {
  const override = overrides !== undefined && Object.hasOwn(overrides, witName) ? overrides[witName] : undefined;
  if (override !== undefined) {
    if (override.length === 0) {
      throw new LegacyNameError('option', `symbol override for \`${witName}\`: expected a non-empty name, found ""`);
    }
    return override;
  }
  if (witName.startsWith('[')) {
    throw new LegacyNameError(
      'resource',
      `\`${witName}\` is a resource function: the legacy C ABI has no resources (expected a freestanding function)`,
    );
  }
  return witName
    .split('-')
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase())
    .join('_');
}

/** One WIT function of a world as a legacy module imports or exports it. */
export interface LegacyFunctionSymbol {
  readonly direction: 'import' | 'export';
  /** The component-level name of the interface holding the function, or null for a world-level function. */
  readonly interfaceName: string | null;
  readonly func: Func;
  /** Import module (`env` unless overridden); null for exports. */
  readonly module: string | null;
  /** The core import or export name. */
  readonly symbol: string;
}

export interface LegacyNameOptions {
  /**
   * Symbol overrides keyed by WIT function name (`just-add`), or for a function
   * of an interface by `<interface>#<function>` (`ns:pkg/iface@1.0.0#get`); a
   * key prefixed `import:` or `export:` applies to that direction only (for a
   * world that imports and exports one name). The most specific key wins.
   */
  readonly names?: Readonly<Record<string, string>>;
  /** Import module of every import (default LEGACY_IMPORT_MODULE). */
  readonly importModule?: string;
}

/**
 * Every function a legacy module of world `worldId` imports and exports, in
 * world order, with its symbol. World-level functions and the functions of
 * imported/exported interfaces all share one flat namespace per direction
 * (a core module has no interfaces): two functions landing on one symbol are
 * an ABI_UNSUPPORTED error that names both and suggests an override.
 */
export function legacyWorldFunctions(
  resolve: Resolve,
  worldId: WorldId,
  options: LegacyNameOptions = {},
): LegacyFunctionSymbol[] {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new AbiError('ABI_UNKNOWN_ITEM', `world id ${worldId} is not in the Resolve`);
  const module = options.importModule ?? LEGACY_IMPORT_MODULE;
  if (module.length === 0) throw new LegacyNameError('option', 'import module: expected a non-empty name, found ""');
  const out: LegacyFunctionSymbol[] = [];
  const collect = (direction: 'import' | 'export', entries: readonly WorldEntry[]): void => {
    const seen = new Map<string, string>();
    for (const entry of entries) {
      const item = entry.item;
      const funcs: { func: Func; interfaceName: string | null }[] = [];
      if (item.kind === 'function') funcs.push({ func: item.func, interfaceName: null });
      if (item.kind === 'interface') {
        const iface = resolve.interfaces[item.id];
        if (iface === undefined) throw new AbiError('ABI_UNKNOWN_ITEM', `interface id ${item.id} is not in the Resolve`);
        const interfaceName = entry.key.kind === 'name' ? entry.key.name : componentInterfaceName(resolve, entry.key.id);
        for (const func of iface.functions.values()) funcs.push({ func, interfaceName });
      }
      for (const { func, interfaceName } of funcs) {
        const where = interfaceName === null ? func.name : `${interfaceName}#${func.name}`;
        const keys = [`${direction}:${where}`, where, `${direction}:${func.name}`, func.name];
        const override = keys.map((key) => ownValue(options.names, key)).find((value) => value !== undefined);
        const symbol = legacySymbolName(func.name, override === undefined ? {} : { [func.name]: override });
        const previous = seen.get(symbol);
        if (previous !== undefined) {
          throw new LegacyNameError(
            'clash',
            `${direction}s \`${previous}\` and \`${where}\` both map to the core symbol \`${symbol}\`: ` +
              'expected one function per symbol; give one of them a name override',
          );
        }
        seen.set(symbol, where);
        out.push({ direction, interfaceName, func, module: direction === 'import' ? module : null, symbol });
      }
    }
  };
  collect('import', world.imports);
  collect('export', world.exports);
  return out;
}

function ownValue(names: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return names !== undefined && Object.hasOwn(names, key) ? names[key] : undefined;
}
