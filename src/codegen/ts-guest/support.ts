/**
 * What ComponentizeJS 0.22 can build. Its binding generator (the splicer)
 * stops with a panic on async exports and on stream, future, map and
 * fixed-length-list types, and silently leaves async imports out of the
 * guest's modules (checked by splicing such worlds). Declarations for those
 * worlds would promise a guest something it can never build, so the
 * generator refuses them up front and says where.
 */
import type { Func, Resolve, Type, TypeId, WorldEntry, WorldId } from '../../wit/model.js';
import { interfaceName } from '../../abi/signature.js';
import { typeChildren } from '../ts-host/world-source.js';
import { TsGuestError } from './errors.js';

const UNSUPPORTED_KINDS: ReadonlySet<string> = new Set(['stream', 'future', 'map', 'fixed-length-list']);

/** Throws TSGUEST_UNSUPPORTED naming every function of the world that ComponentizeJS cannot build. */
export function assertBuildable(resolve: Resolve, worldId: WorldId): void {
  const world = resolve.worlds[worldId];
  if (world === undefined) throw new TsGuestError('TSGUEST_MODEL', `world id ${worldId} is not in the Resolve`);
  const problems: string[] = [];
  const seen = new Map<TypeId, string | null>();
  const check = (where: string, func: Func): void => {
    if (func.async) problems.push(`${where}: \`${func.name}\` is an async function`);
    for (const type of [...func.params.map((p) => p.type), ...(func.result === null ? [] : [func.result])]) {
      const kind = unsupportedKind(resolve, type, seen);
      if (kind !== null) problems.push(`${where}: \`${func.name}\` uses a ${kind}`);
    }
  };
  const visit = (side: string, entry: WorldEntry): void => {
    if (entry.item.kind === 'function') check(`${side} of world \`${world.name}\``, entry.item.func);
    if (entry.item.kind !== 'interface') return;
    const iface = resolve.interfaces[entry.item.id];
    const where = entry.key.kind === 'name' ? entry.key.name : interfaceName(resolve, entry.key.id);
    for (const func of iface?.functions.values() ?? []) check(`${side} \`${where}\``, func);
  };
  world.imports.forEach((entry) => visit('import', entry));
  world.exports.forEach((entry) => visit('export', entry));
  if (problems.length > 0) {
    throw new TsGuestError(
      'TSGUEST_UNSUPPORTED',
      `world \`${world.name}\` cannot be built by ComponentizeJS 0.22 (expected synchronous functions without ` +
        `stream, future, map or fixed-length list types), found:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** The first unsupported type kind inside `type` (`stream`, `future`, ...), or null. */
function unsupportedKind(resolve: Resolve, type: Type, seen: Map<TypeId, string | null>): string | null {
  if (typeof type === 'string') return null;
  const known = seen.get(type);
  if (known !== undefined) return known;
  seen.set(type, null);
  const def = resolve.types[type];
  if (def === undefined) return null;
  let found: string | null = UNSUPPORTED_KINDS.has(def.kind.kind) ? def.kind.kind.replace(/-/g, ' ') : null;
  for (const child of typeChildren(def)) {
    if (found !== null) break;
    found = unsupportedKind(resolve, child, seen);
  }
  seen.set(type, found);
  return found;
}
