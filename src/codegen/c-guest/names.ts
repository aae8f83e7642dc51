/**
 * C identifiers for WIT names, following wit-bindgen's C generator so a guest
 * written against wit-bindgen's headers finds the same names here:
 * snake_case identifiers, SHOUTY_CASE constants, `exports_` in front of
 * everything an exported interface defines, C/C++ keywords suffixed by `_`.
 */
import type { Resolve, WorldKey } from '../../wit/model.js';
import { interfaceName } from '../../abi/signature.js';

/** Words of a WIT identifier (or of a component function name such as `[method]r.get-a`). */
function words(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
}

/** `get-HTTP-body` → `get_http_body`; `[method]r.get-a` → `method_r_get_a`. */
export function snakeCase(name: string): string {
  return words(name)
    .map((word) => word.toLowerCase())
    .join('_');
}

/** `get-a` → `GET_A`. */
export function shoutyCase(name: string): string {
  return words(name)
    .map((word) => word.toUpperCase())
    .join('_');
}

/** Keywords of C and C++ that a field, case or parameter name must not collide with. */
const RESERVED = new Set([
  'alignas', 'alignof', 'and', 'and_eq', 'asm', 'atomic_cancel', 'atomic_commit', 'atomic_noexcept',
  'auto', 'bitand', 'bitor', 'bool', 'break', 'case', 'catch', 'char', 'char8_t', 'char16_t', 'char32_t',
  'class', 'compl', 'concept', 'const', 'consteval', 'constexpr', 'constinit', 'const_cast', 'continue',
  'co_await', 'co_return', 'co_yield', 'decltype', 'default', 'delete', 'do', 'double', 'dynamic_cast',
  'else', 'enum', 'explicit', 'export', 'extern', 'false', 'float', 'for', 'friend', 'goto', 'if',
  'inline', 'int', 'long', 'mutable', 'namespace', 'new', 'noexcept', 'not', 'not_eq', 'nullptr',
  'operator', 'or', 'or_eq', 'private', 'protected', 'public', 'reflexpr', 'register', 'reinterpret_cast',
  'requires', 'return', 'short', 'signed', 'sizeof', 'static', 'static_assert', 'static_cast', 'struct',
  'switch', 'synchronized', 'template', 'this', 'thread_local', 'throw', 'true', 'try', 'typedef',
  'typeid', 'typename', 'union', 'unsigned', 'using', 'virtual', 'void', 'volatile', 'wchar_t', 'while',
  'xor', 'xor_eq', '_Alignas', '_Alignof', '_Atomic', '_Bool', '_Complex', '_Decimal128', '_Decimal32',
  '_Decimal64', '_Generic', '_Imaginary', '_Noreturn', '_Pragma', '_Static_assert', '_Thread_local', '_Packed',
  // The glue's out-parameters: wit-bindgen escapes these everywhere (fields and cases too), so a
  // guest written against it spells a record field `err` as `err_`.
  'ret', 'err',
]);

/** A field, case or parameter name as a C identifier (keywords and `ret`/`err` get a trailing `_`). */
export function cIdent(name: string): string {
  if (RESERVED.has(name)) return `${name}_`;
  return snakeCase(name);
}

/** A parameter name: like `cIdent`, and never the out-parameter names `ret`/`err` (not even from `RET`). */
export function cParamName(name: string): string {
  const ident = cIdent(name);
  return ident === 'ret' || ident === 'err' ? `${ident}_` : ident;
}

/** The name a world key has in the component: `ns:pkg/iface@v` or the plain name. */
export function worldKeyName(resolve: Resolve, key: WorldKey): string {
  return key.kind === 'name' ? key.name : interfaceName(resolve, key.id);
}

/**
 * The C prefix of an interface: `ns_pkg_iface` (with the version when several
 * versions of the package are loaded), `exports_` in front when exported;
 * an interface imported or exported under a plain name uses that name.
 */
export function interfacePrefix(
  resolve: Resolve,
  key: WorldKey,
  exported: boolean,
  renames: ReadonlyMap<string, string> = new Map(),
): string {
  // `--rename K=V` replaces the prefix (still behind `exports_` for exported package interfaces).
  const renamed = renames.get(worldKeyName(resolve, key));
  if (renamed !== undefined) return `${exported && key.kind === 'interface' ? 'exports_' : ''}${renamed}`;
  if (key.kind === 'name') return snakeCase(key.name);
  const iface = resolve.interfaces[key.id];
  const pkg = iface?.package === null || iface === undefined ? undefined : resolve.packages[iface.package];
  if (iface === undefined || pkg === undefined || iface.name === null) {
    return `${exported ? 'exports_' : ''}interface_${key.id}`;
  }
  const { namespace, name, version } = pkg.name;
  const parts = [snakeCase(namespace), snakeCase(name)];
  const severalVersions = resolve.packages.some(
    (other) => other.name.namespace === namespace && other.name.name === name && other.name.version !== version,
  );
  if (severalVersions && version !== null) parts.push(version.replace(/[.\-+]/g, '_'));
  parts.push(snakeCase(iface.name));
  return `${exported ? 'exports_' : ''}${parts.join('_')}`;
}
