/**
 * Test helper: the kinds world's host side in witgen's host shape (world
 * functions camelCase at the top level, interfaces by import name, the
 * host's `Sink` class), recording what the host imports received.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

export const KINDS = [
  'bool', 'u8', 's8', 'u16', 's16', 'u32', 's32', 'u64', 's64', 'f32', 'f64', 'char',
  'string', 'bytes', 'strings', 'rec', 'var', 'color', 'perms', 'opt', 'optopt', 'tup',
] as const;

export type Kind = (typeof KINDS)[number];

export interface KindsHost {
  readonly imports: Record<string, unknown>;
  /** Every value the `pass-*` imports received, in order. */
  readonly received: unknown[];
  /** Sinks the guest opened: name, written texts, whether disposed. */
  readonly sinks: { name: string; texts: string[]; disposed: boolean }[];
  readonly Sink: new (name: string) => object;
}

export function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The host side; `pkg` is the WIT package (`witgen:kinds` or
 * `witgen:kinds-bindgen`), `importNames` the component's imports (an
 * interface of types only is imported as an empty object when the component
 * imports it).
 */
export function kindsHost(pkg: string, importNames: readonly string[]): KindsHost {
  const received: unknown[] = [];
  const sinks: { name: string; texts: string[]; disposed: boolean }[] = [];
  class Sink {
    private readonly record: { name: string; texts: string[]; disposed: boolean };
    constructor(name: string) {
      this.record = { name, texts: [], disposed: false };
      sinks.push(this.record);
    }
    write(text: string): void {
      this.record.texts.push(text);
    }
    count(): number {
      return this.record.texts.length;
    }
    [Symbol.dispose](): void {
      this.record.disposed = true;
    }
  }
  const imports: Record<string, unknown> = {
    [`${pkg}/sinks@0.1.0`]: { Sink },
    passRes: (value: { tag: 'ok' | 'err'; val: unknown }) => {
      received.push(value);
      if (value.tag === 'ok') return value.val;
      throw { payload: value.val };
    },
  };
  if (importNames.includes(`${pkg}/types@0.1.0`)) imports[`${pkg}/types@0.1.0`] = {};
  for (const kind of KINDS) {
    imports[camel(`pass-${kind}`)] = (value: unknown) => {
      received.push(value);
      return value;
    };
  }
  return { imports, received, sinks, Sink };
}

const u8 = fc.integer({ min: 0, max: 0xff });
const s8 = fc.integer({ min: -0x80, max: 0x7f });
export const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const f32 = fc.float();

/** Random values of every kind, with `str` for strings. */
export function arbitraries(str: fc.Arbitrary<string>): Record<Kind, fc.Arbitrary<unknown>> {
  return {
    bool: fc.boolean(),
    u8,
    s8,
    u16: fc.integer({ min: 0, max: 0xffff }),
    s16: fc.integer({ min: -0x8000, max: 0x7fff }),
    u32,
    s32: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
    u64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    s64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    f32,
    f64: fc.double(),
    char: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    string: str,
    bytes: fc.uint8Array({ maxLength: 64 }),
    strings: fc.array(str, { maxLength: 6 }),
    rec: fc.record({
      a: u8,
      b: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      c: str,
      d: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }).map((xs) => new Uint16Array(xs)),
      e: fc.tuple(s8, f32),
    }),
    var: fc.oneof(
      fc.constant({ tag: 'empty' }),
      fc.record({ tag: fc.constant('int'), val: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) }),
      fc.record({ tag: fc.constant('text'), val: str }),
      fc.record({ tag: fc.constant('pair'), val: fc.tuple(u8, u32) }),
      fc.record({ tag: fc.constant('fl'), val: f32 }),
    ),
    color: fc.constantFrom('red', 'green', 'blue'),
    perms: fc.record({ read: fc.boolean(), write: fc.boolean(), exec: fc.boolean() }),
    opt: fc.option(str, { nil: undefined }),
    optopt: fc.oneof(fc.constant({ tag: 'none' }), fc.record({ tag: fc.constant('some'), val: fc.option(u32, { nil: undefined }) })),
    tup: fc.tuple(u8, str, fc.double()),
  };
}

/** Strings of any UTF-16 code units except lone surrogates (not valid WIT strings). */
export const text = fc.string({ unit: 'binary', maxLength: 40 });
/** Strings of Latin-1 characters only (the latin1 half of latin1+utf16). */
export const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 40 });

/**
 * Random values of `kind` come back intact from the guest's `echo-<kind>`,
 * and from `relay-<kind>`, which passes them through the host's
 * `pass-<kind>` import: that import must have received exactly the value.
 */
export function assertEchoAndRelay(
  exports: Record<string, ((value: unknown) => unknown) | undefined>,
  received: unknown[],
  kind: Kind,
  values: fc.Arbitrary<unknown>,
  runs: number,
): void {
  const echo = exports[camel(`echo-${kind}`)];
  const relay = exports[camel(`relay-${kind}`)];
  if (echo === undefined || relay === undefined) throw new Error(`the guest lacks echo/relay for ${kind}`);
  fc.assert(
    fc.property(values, (value) => {
      expect(echo(value)).toEqual(value);
      received.length = 0;
      expect(relay(value)).toEqual(value);
      expect(received).toEqual([value]);
    }),
    { numRuns: runs },
  );
}

/** What a call did, comparable across hosts: its value, or the `err` payload it threw (`'error'` for any other throw). */
export function outcome(call: () => unknown): { value: unknown } | { thrown: unknown } {
  try {
    return { value: call() };
  } catch (error) {
    return { thrown: (error as { payload?: unknown }).payload ?? 'error' };
  }
}
