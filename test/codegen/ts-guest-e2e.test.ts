/**
 * End to end: guests written in TypeScript against the declarations
 * `generateTsGuest` writes are type-checked, transpiled to JavaScript, built
 * into components by the real ComponentizeJS (test/helpers/componentize.ts,
 * cached by input hash) and run on witgen's own runtime (never the jco
 * fallback), with the values they return and the host calls they make checked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTsGuest } from '../../src/codegen/ts-guest/index.js';
import { compileComponent, instantiate, type CompiledComponent } from '../../src/runtime/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { repoRoot } from '../cli/run-cli.js';
import { componentizeGuest, componentizeProblem } from '../helpers/componentize.js';
import { PluginHost, type Plugin } from '../helpers/plugin-host.js';
import { formatDiagnostics, transpileGuest, typecheck } from '../fixtures/ts-guest/typecheck.js';

const fixtures = fileURLToPath(new URL('../fixtures/ts-guest', import.meta.url));
const read = (path: string): string => readFileSync(path, 'utf8');

// A first build on a fresh machine runs ComponentizeJS (about 20 s each, more on a busy CI machine).
const BUILD_TIMEOUT = 300_000;

/** Generates the declarations, type-checks the guest against them, and builds the transpiled guest. */
async function buildTsGuest(witPath: string, world: string, guestFile: string): Promise<CompiledComponent> {
  const loaded = loadWit(witPath);
  const { files } = generateTsGuest(loaded.resolve, selectWorld(loaded, world));
  const guest = read(join(fixtures, guestFile));
  const guestName = guestFile.replace(/\.txt$/, '');
  const diagnostics = typecheck({ [`${world}.d.ts`]: files[0]?.content ?? '', [guestName]: guest });
  expect(formatDiagnostics(diagnostics)).toBe('');
  const bytes = await componentizeGuest({ source: transpileGuest(guest), wit: read(witPath), world });
  return compileComponent(bytes);
}

const problem = componentizeProblem();
const title = (what: string): string => (problem === null ? what : `${what} (skipped: ${problem})`);

describe.skipIf(problem !== null)(title('TypeScript plugin guest built with ComponentizeJS, run on witgen'), () => {
  let component: CompiledComponent;
  beforeAll(async () => {
    component = await buildTsGuest(join(repoRoot, 'wit/plugin.wit'), 'plugin', 'plugin-guest.ts.txt');
  }, BUILD_TIMEOUT);

  const load = async (host: PluginHost): Promise<Plugin> =>
    (await instantiate(component, host.imports, { fallback: 'never' })) as unknown as Plugin;

  it("runs on witgen's own runtime and its exports compute what the world says", async () => {
    expect(component.engine).toBe('witgen');
    const host = new PluginHost(100);
    const plugin = await load(host);
    expect(plugin.justAdd(2n ** 64n - 1n, 3n)).toBe(2n);
    expect(plugin.pointAdd({ x: 0x7fff_ffff, y: -2 }, { x: 1, y: 50 })).toEqual({ x: -0x8000_0000, y: 48 });
    plugin.triggerHostCalls(4);
    expect(host.logged).toEqual([8]);
    expect(host.shared).toBe(109);
  });

  it('property: wrapping u64 sums and s32 point sums on random inputs', async () => {
    const plugin = await load(new PluginHost(0));
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    const s32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
    fc.assert(
      fc.property(u64, u64, s32, s32, s32, s32, (a, b, x1, y1, x2, y2) => {
        expect(plugin.justAdd(a, b)).toBe((a + b) % 2n ** 64n);
        expect(plugin.pointAdd({ x: x1, y: y1 }, { x: x2, y: y2 })).toEqual({ x: (x1 + x2) | 0, y: (y1 + y2) | 0 });
      }),
      { numRuns: 50 },
    );
  });
});

interface Counter {
  bump(by: number): number;
  value(): number;
  [Symbol.dispose](): void;
}

interface Inventory {
  tally: {
    Counter: { new (start: number): Counter; merge(a: Counter, b: Counter): Counter };
    totalQty(items: { name: string; qty: number; tags: string[] }[]): bigint;
    dropped(): number;
  };
  restock(name: string, qty: number): number;
  takeSome(name: string, qty: number): number;
  tagsOf(name: string): string[] | undefined;
  bytesSum(data: Uint8Array): number;
  useLedger(owner: string, amounts: BigInt64Array): [bigint, string];
  describeAll(note: string | undefined): string;
  later(x: number): number;
}

/** The host side of witgen:tsguest/store and log-line, recording what the guest asks of it. */
class StoreHost {
  readonly log: string[] = [];
  readonly ledgers: string[] = [];
  readonly stock = new Map<string, { qty: number; tags: string[] }>([
    ['apple', { qty: 3, tags: ['fruit', 'red'] }],
    ['pear', { qty: 0, tags: [] }],
  ]);

  get imports(): Record<string, unknown> {
    const host = this;
    class Ledger {
      #balance = 0n;
      constructor(readonly name: string) {
        host.ledgers.push(name);
      }
      addEntry(amount: bigint): bigint {
        this.#balance = BigInt.asIntN(64, this.#balance + amount);
        return this.#balance;
      }
      balance(): bigint {
        return this.#balance;
      }
      owner(): string {
        return this.name;
      }
      static openDefault(): Ledger {
        return new Ledger('default');
      }
    }
    return {
      'witgen:tsguest/store@0.1.0': {
        Ledger,
        find: (name: string) => {
          if (name === '*') return { tag: 'many', val: this.stock.size };
          const item = this.stock.get(name);
          return item === undefined ? { tag: 'missing' } : { tag: 'found', val: { name, ...item } };
        },
        take: (name: string, qty: number) => {
          const item = this.stock.get(name);
          if (item === undefined || item.qty < qty) throw `only ${item?.qty ?? 0} ${name} left`;
          item.qty -= qty;
          return item.qty;
        },
        describe: (unit: string, mode: { fast?: boolean; safe?: boolean }, note: string | undefined) =>
          `${unit} fast=${mode.fast === true} safe=${mode.safe === true} note=${note ?? '-'}`,
      },
      logLine: (line: string) => this.log.push(line),
    };
  }
}

describe.skipIf(problem !== null)(title('TypeScript inventory guest (imported interface, resources, records, variants, results) on witgen'), () => {
  let component: CompiledComponent;
  beforeAll(async () => {
    component = await buildTsGuest(join(fixtures, 'inventory.wit'), 'inventory', 'inventory-guest.ts.txt');
  }, BUILD_TIMEOUT);

  const load = async (host: StoreHost): Promise<Inventory> =>
    (await instantiate(component, host.imports, { fallback: 'never' })) as unknown as Inventory;

  it('variants, records and results through an imported interface; errors thrown as values become `err`', async () => {
    const host = new StoreHost();
    const guest = await load(host);
    expect(component.engine).toBe('witgen');
    expect(guest.restock('apple', 4)).toBe(7);
    expect(host.log).toEqual(['restock apple +4']);
    expect(() => guest.restock('plum', 1)).toThrow(expect.objectContaining({ payload: 'unknown item plum' }));
    expect(() => guest.restock('*', 1)).toThrow(expect.objectContaining({ payload: '2 items match *' }));
    expect(guest.takeSome('apple', 2)).toBe(1);
    // The import's `err` reaches the guest as a thrown object with `payload`; the guest passes it on.
    expect(() => guest.takeSome('apple', 5)).toThrow(expect.objectContaining({ payload: 'store: only 1 apple left' }));
  });

  it('options, lists, typed arrays, enums and flags', async () => {
    const guest = await load(new StoreHost());
    expect(guest.tagsOf('apple')).toEqual(['fruit', 'red']);
    expect(guest.tagsOf('pear')).toEqual([]);
    expect(guest.tagsOf('plum')).toBeUndefined();
    expect(guest.bytesSum(new Uint8Array([1, 2, 250]))).toBe(253);
    expect(guest.describeAll('hi')).toBe('kilo fast=true safe=false note=hi');
    expect(guest.describeAll(undefined)).toBe('kilo fast=true safe=false note=-');
    expect(guest.tally.totalQty([{ name: 'a', qty: 0xffff_ffff, tags: [] }, { name: 'b', qty: 2, tags: ['x'] }])).toBe(0x1_0000_0001n);
  });

  it("the host's resource through the imported class: constructor, methods, static, dispose", async () => {
    const host = new StoreHost();
    const guest = await load(host);
    // Non-negative amounts: ComponentizeJS 0.22 aborts the guest when it passes a negative bigint to an
    // s64 import parameter ("Internal bindgen error in coreabi_from_bigint64 validation").
    expect(guest.useLedger('ann', new BigInt64Array([5n, 2n, 10n]))).toEqual([17n, 'default']);
    expect(host.ledgers).toEqual(['ann', 'default']);
  });

  it("the guest's own resource class: constructor, methods, a static taking borrows, dispose on drop", async () => {
    const guest = await load(new StoreHost());
    const { Counter } = guest.tally;
    const a = new Counter(5);
    const b = new Counter(7);
    expect(a.bump(2)).toBe(7);
    const merged = Counter.merge(a, b);
    expect(merged.value()).toBe(14);
    expect(guest.tally.dropped()).toBe(0);
    a[Symbol.dispose]();
    merged[Symbol.dispose]();
    expect(guest.tally.dropped()).toBe(2);
    expect(b.value()).toBe(7);
  });

  it('an export that returns a Promise answers with its settled value', async () => {
    const guest = await load(new StoreHost());
    expect(guest.later(41)).toBe(42);
  });
});
