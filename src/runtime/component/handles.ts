/**
 * Resource handles of one component instance (the canonical ABI's handle
 * table): indexes the guest sees, each naming a resource representation
 * and whether it is owned or borrowed.
 *
 * - Host resources (imported; the host's class): the representation is the
 *   host's object. Lowering an object into the guest adds an entry; lifting
 *   an owned handle removes it and gives the object back.
 * - Guest resources (exported): the representation is the guest's i32. The
 *   host holds them as objects of a class the runtime makes (resource
 *   objects, with `Symbol.dispose`); passing one as `own` moves it into the
 *   guest (the object is dead afterwards), passing it as `borrow` gives the
 *   guest its representation (the guest implements the resource).
 */
import type { HandleKind } from '../../abi/layout.js';
import type { HandleHooks } from '../../abi/lift-lower/runtime.js';
import type { ResourcePlan } from './compile.js';
import { ResourceError } from './errors.js';

export interface HandleEntry {
  readonly rep: unknown;
  readonly resource: ResourcePlan;
  readonly own: boolean;
}

/** A table of handles; index 0 is never valid. */
export class HandleTable {
  private readonly entries: (HandleEntry | undefined)[] = [undefined];
  private readonly free: number[] = [];

  add(entry: HandleEntry): number {
    const index = this.free.pop();
    if (index !== undefined) {
      this.entries[index] = entry;
      return index;
    }
    this.entries.push(entry);
    return this.entries.length - 1;
  }

  /** The entry at `index`, checked to be a handle to `resource`. */
  get(index: number, resource: ResourcePlan): HandleEntry {
    const entry = index === 0 ? undefined : this.entries[index];
    if (entry === undefined) {
      throw new ResourceError('RESOURCE_INVALID_HANDLE', `the guest used handle ${index} of \`${resource.witName}\`, which is not in its handle table`);
    }
    if (entry.resource !== resource) {
      throw new ResourceError(
        'RESOURCE_WRONG_TYPE',
        `handle ${index} is a \`${entry.resource.witName}\`, but the guest used it as a \`${resource.witName}\``,
      );
    }
    return entry;
  }

  remove(index: number, resource: ResourcePlan): HandleEntry {
    const entry = this.get(index, resource);
    this.entries[index] = undefined;
    this.free.push(index);
    return entry;
  }

  /** Removes `entry` if it is still at `index` (a borrow the guest did not drop itself); true when it was. */
  removeIfPresent(index: number, entry: HandleEntry): boolean {
    if (this.entries[index] !== entry) return false;
    this.entries[index] = undefined;
    this.free.push(index);
    return true;
  }
}

/** The hidden state of a guest resource object held by the host. */
export interface GuestSlot {
  readonly rep: number;
  readonly resource: ResourcePlan;
  /** The instance whose guest holds the representation. */
  readonly owner: object;
  /** False once dropped or moved into the guest. */
  alive: boolean;
  /** A borrow lent by the guest for one host call (not droppable by the host). */
  readonly borrowed: boolean;
}

export const SLOT: unique symbol = Symbol('witgen.resource');

export interface GuestObject {
  [SLOT]?: GuestSlot;
}

/** What the handle hooks need from the instance. */
export interface HandleOwner {
  readonly table: HandleTable;
  readonly resourceByType: ReadonlyMap<number, ResourcePlan>;
  /** A new host object for a guest resource representation. */
  wrapGuest(resource: ResourcePlan, rep: number, borrowed: boolean): object;
  /** The class the host provided for a host resource, if any. */
  hostClass(resource: ResourcePlan): unknown;
  /**
   * Borrows of host resources lent to the guest during the current export
   * call: the spec's num_borrows. Borrows of the guest's own resources are
   * not here (the guest gets its representation, no handle).
   */
  readonly lent: { index: number; entry: HandleEntry }[];
}

function resourceOf(owner: HandleOwner, target: number | string | null): ResourcePlan {
  const resource = typeof target === 'number' ? owner.resourceByType.get(target) : undefined;
  if (resource === undefined) throw new ResourceError('RESOURCE_WRONG_TYPE', `no resource type ${String(target)} in this component`);
  return resource;
}

/** The live slot of a guest resource object of instance `owner`, checked. */
export function guestSlot(value: unknown, resource: ResourcePlan, owner: object): GuestSlot {
  const slot = typeof value === 'object' && value !== null ? (value as GuestObject)[SLOT] : undefined;
  if (slot === undefined || slot.resource !== resource || slot.owner !== owner) {
    throw new ResourceError('RESOURCE_WRONG_TYPE', `expected a \`${resource.className}\` resource object of this instance, found ${describe(value)}`);
  }
  if (!slot.alive) throw new ResourceError('RESOURCE_DROPPED', `this \`${resource.className}\` was dropped or moved into the guest and cannot be used`);
  return slot;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

/** Handle conversions for the generated lift/lower code of one instance. */
export function handleHooks(owner: HandleOwner): HandleHooks {
  return {
    lift(kind: HandleKind, target, index) {
      const resource = resourceOf(owner, target);
      if (kind === 'own') {
        const entry = owner.table.remove(index >>> 0, resource);
        if (!entry.own) throw new ResourceError('RESOURCE_BORROWED', `handle ${index} of \`${resource.witName}\` is borrowed, not owned`);
        return resource.side === 'guest' ? owner.wrapGuest(resource, entry.rep as number, false) : entry.rep;
      }
      const entry = owner.table.get(index >>> 0, resource);
      return resource.side === 'guest' ? owner.wrapGuest(resource, entry.rep as number, true) : entry.rep;
    },
    lower(kind: HandleKind, target, value) {
      const resource = resourceOf(owner, target);
      if (resource.side === 'guest') {
        const slot = guestSlot(value, resource, owner);
        // The guest implements the resource: a borrow is its representation.
        if (kind === 'borrow') return slot.rep;
        if (slot.borrowed) throw new ResourceError('RESOURCE_BORROWED', `a borrowed \`${resource.className}\` cannot be passed as owned`);
        slot.alive = false;
        return owner.table.add({ rep: slot.rep, resource, own: true });
      }
      const cls = owner.hostClass(resource);
      if (typeof value !== 'object' || value === null || (typeof cls === 'function' && !(value instanceof cls))) {
        throw new ResourceError('RESOURCE_WRONG_TYPE', `expected an instance of the host class \`${resource.className}\`, found ${describe(value)}`);
      }
      if (kind === 'own') return owner.table.add({ rep: value, resource, own: true });
      const entry: HandleEntry = { rep: value, resource, own: false };
      const index = owner.table.add(entry);
      owner.lent.push({ index, entry });
      return index;
    },
  };
}
