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
import { AbiError } from './errors.js';

/** The import module of world imports in a legacy module (what C compilers use for undefined functions). */
export const LEGACY_IMPORT_MODULE = 'env';

/** The core symbol of WIT function `witName`, or its override. */
export function legacySymbolName(witName: string, overrides?: Readonly<Record<string, string>>): string {
  const override = overrides !== undefined && Object.hasOwn(overrides, witName) ? overrides[witName] : undefined;
  if (override !== undefined) {
    if (override.length === 0) {
      throw new AbiError('ABI_UNSUPPORTED', `symbol override for \`${witName}\`: expected a non-empty name, found ""`);
    }
    return override;
  }
  if (witName.startsWith('[')) {
    throw new AbiError(
      'ABI_UNSUPPORTED',
      `\`${witName}\` is a resource function: the legacy C ABI has no resources (expected a freestanding function)`,
    );
  }
  return witName
    .split('-')
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase())
    .join('_');
}
