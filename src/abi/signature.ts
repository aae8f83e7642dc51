/**
 * Core wasm signatures of everything a world imports and exports: the
 * functions a core module must import (lowered) and export (lifted) to be
 * wrapped into a component of that world.
 */
import type { Func, InterfaceId, Resolve, WorldEntry, WorldId } from '../wit/model.js';
import { formatCoreFuncType, type CoreType } from './core-types.js';
import { AbiError } from './errors.js';
import { flattenFunction, type AbiContext, type FunctionAbiOptions } from './flatten.js';

export interface CoreSignature {
  readonly kind: 'import' | 'export';
  /** `ns:pkg/iface@version`, the world key of an inline interface, or null for a function of the world itself. */
  readonly interface: string | null;
  /** The function's component-level name: `add`, `[constructor]r`, `[method]r.f`, `[static]r.f`. */
  readonly name: string;
  readonly params: CoreType[];
  readonly results: CoreType[];
}

export type CoreSignatureOptions = FunctionAbiOptions;

/** Every imported and exported function of world `worldId`, imports first, in declaration order. */
export function coreSignatures(
  resolve: Resolve,
  worldId: WorldId,
  options: CoreSignatureOptions = {},
): CoreSignature[] {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new AbiError('ABI_UNKNOWN_ITEM', `world id ${worldId} is not in the Resolve`);
  return [
    ...world.imports.flatMap((entry) => entrySignatures(resolve, entry, 'import', options)),
    ...world.exports.flatMap((entry) => entrySignatures(resolve, entry, 'export', options)),
  ];
}

function entrySignatures(
  resolve: Resolve,
  entry: WorldEntry,
  kind: 'import' | 'export',
  options: CoreSignatureOptions,
): CoreSignature[] {
  const context: AbiContext = kind === 'import' ? 'lower' : 'lift';
  const item = entry.item;
  switch (item.kind) {
    case 'type':
      return [];
    case 'function':
      return [signature(resolve, item.func, kind, null, context, options)];
    case 'interface': {
      const iface = resolve.interfaces[item.id];
      if (iface === undefined) {
        throw new AbiError('ABI_UNKNOWN_ITEM', `interface id ${item.id} is not in the Resolve`);
      }
      const name = entry.key.kind === 'name' ? entry.key.name : interfaceName(resolve, item.id);
      return [...iface.functions.values()].map((func) =>
        signature(resolve, func, kind, name, context, options),
      );
    }
  }
}

function signature(
  resolve: Resolve,
  func: Func,
  kind: 'import' | 'export',
  iface: string | null,
  context: AbiContext,
  options: CoreSignatureOptions,
): CoreSignature {
  const abi = flattenFunction(resolve, func, context, options);
  return { kind, interface: iface, name: func.name, params: [...abi.params], results: [...abi.results] };
}

/** `ns:pkg/iface@version` for a named interface of a package. */
export function interfaceName(resolve: Resolve, id: InterfaceId): string {
  const iface = resolve.interfaces[id];
  if (iface === undefined) throw new AbiError('ABI_UNKNOWN_ITEM', `interface id ${id} is not in the Resolve`);
  const pkg = iface.package === null ? undefined : resolve.packages[iface.package];
  if (iface.name === null || pkg === undefined) {
    throw new AbiError('ABI_UNKNOWN_ITEM', `interface id ${id} has no package-qualified name`);
  }
  const { namespace, name, version } = pkg.name;
  const base = `${namespace}:${name}/${iface.name}`;
  return version === null ? base : `${base}@${version}`;
}

/**
 * One line per function, columns aligned:
 * `import  ns:pkg/iface@1.0.0#add  (func (param i32 i32) (result i32))`.
 */
export function renderCoreSignatures(signatures: readonly CoreSignature[]): string {
  const qualified = signatures.map((s) => (s.interface === null ? s.name : `${s.interface}#${s.name}`));
  const width = Math.max(0, ...qualified.map((q) => q.length));
  return signatures
    .map((s, i) => `${s.kind}  ${(qualified[i] ?? '').padEnd(width)}  ${formatCoreFuncType(s)}\n`)
    .join('');
}
