/**
 * Dependency ordering used by the resolver for types inside an interface or
 * world, and for the interfaces and worlds of a package.
 *
 * The order is deterministic: among the items whose dependencies are all
 * placed, the one declared first goes next. wit-parser orders the same way,
 * which is what makes our type and interface arenas line up with its JSON.
 */
import type { Id } from './ast.js';

export type ToposortFailure =
  | { readonly kind: 'missing'; readonly dep: Id }
  | { readonly kind: 'cycle'; readonly dep: Id };

/**
 * Orders the keys of `deps` (name → names it depends on, in insertion order)
 * so that every name comes after its dependencies. Returns the order, or the
 * first missing dependency / an edge that is part of a cycle.
 */
export function toposort(
  deps: ReadonlyMap<string, readonly Id[]>,
): { readonly order: string[] } | { readonly failure: ToposortFailure } {
  const names = [...deps.keys()];
  const index = new Map<string, number>();
  names.forEach((name, i) => index.set(name, i));

  const remaining = new Array<number>(names.length).fill(0);
  const dependents: number[][] = names.map(() => []);
  for (let i = 0; i < names.length; i++) {
    const edges = deps.get(names[i] as string) ?? [];
    remaining[i] = edges.length;
    for (const edge of edges) {
      const j = index.get(edge.name);
      if (j === undefined) return { failure: { kind: 'missing', dep: edge } };
      (dependents[j] as number[]).push(i);
    }
  }

  // A min-heap of ready indexes: the earliest declared ready item goes first.
  const heap = new MinHeap();
  for (let i = 0; i < names.length; i++) if (remaining[i] === 0) heap.push(i);
  const order: string[] = [];
  for (let i = heap.pop(); i !== undefined; i = heap.pop()) {
    order.push(names[i] as string);
    for (const d of dependents[i] as number[]) {
      remaining[d] = (remaining[d] as number) - 1;
      if (remaining[d] === 0) heap.push(d);
    }
  }
  if (order.length === names.length) return { order };

  // Report an edge between two unplaced items: it lies on (or leads into) a cycle.
  for (let i = 0; i < names.length; i++) {
    if (remaining[i] === 0) continue;
    for (const edge of deps.get(names[i] as string) ?? []) {
      const j = index.get(edge.name) as number;
      if (remaining[j] !== 0) return { failure: { kind: 'cycle', dep: edge } };
    }
  }
  throw new Error('toposort: unplaced items without a cycle');
}

class MinHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as number) <= value) break;
      items[i] = items[parent] as number;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && (items[right] as number) < (items[left] as number) ? right : left;
      if ((items[child] as number) >= last) break;
      items[i] = items[child] as number;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
