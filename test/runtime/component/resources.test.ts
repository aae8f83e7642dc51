/**
 * Resources through witgen's component runtime on the kinds guest: the
 * guest's `counter` (constructor, methods, static, own passed back, destructor,
 * `Symbol.dispose`) and the host's `sink` (the guest constructs, uses and
 * drops the host's objects).
 */
import { describe, expect, it } from 'vitest';
import { compileComponent, instantiate, type CompiledComponent } from '../../../src/runtime/component/index.js';
import { readGuest } from '../../guests/jco-host.js';
import { kindsHost } from './kinds-host.js';

interface CounterObject {
  inc(by: number): number;
  value(): number;
  [Symbol.dispose](): void;
}

interface Counters {
  Counter: (new (start: number) => CounterObject) & { merge(a: CounterObject, b: CounterObject): CounterObject };
  finish(counter: CounterObject): number;
  destroyed(): number;
}

interface KindsExports {
  counters: Counters;
  drain(name: string, items: string[]): number;
}

let compiled: CompiledComponent;

async function fresh(): Promise<{ exports: KindsExports; host: ReturnType<typeof kindsHost> }> {
  compiled ??= await compileComponent(readGuest('guests/c/kinds/kinds.component.wasm'));
  const host = kindsHost('witgen:kinds', compiled.importNames);
  return { exports: (await instantiate(compiled, host.imports)) as unknown as KindsExports, host };
}

describe('guest resource (counter)', () => {
  it('constructs, calls methods with borrowed self, and merges through a static', async () => {
    const { counters } = (await fresh()).exports;
    const a = new counters.Counter(5);
    expect(a).toBeInstanceOf(counters.Counter);
    expect(a.inc(3)).toBe(8);
    expect(a.value()).toBe(8);
    const b = new counters.Counter(10);
    const merged = counters.Counter.merge(a, b);
    expect(merged).toBeInstanceOf(counters.Counter);
    expect(merged.value()).toBe(18);
    // Borrows leave the arguments usable.
    expect(a.value()).toBe(8);
    expect(b.value()).toBe(10);
  });

  it('passing own moves the object into the guest; the guest drops it and runs the destructor', async () => {
    const { counters } = (await fresh()).exports;
    const c = new counters.Counter(41);
    c.inc(1);
    expect(counters.destroyed()).toBe(0);
    expect(counters.finish(c)).toBe(42);
    expect(counters.destroyed()).toBe(1);
    expect(() => c.value()).toThrow(expect.objectContaining({ code: 'RESOURCE_DROPPED' }));
    expect(() => counters.finish(c)).toThrow(expect.objectContaining({ code: 'RESOURCE_DROPPED' }));
  });

  it('Symbol.dispose drops the handle exactly once (the destructor runs once); later use is a typed error', async () => {
    const { counters } = (await fresh()).exports;
    const c = new counters.Counter(1);
    c[Symbol.dispose]();
    expect(counters.destroyed()).toBe(1);
    c[Symbol.dispose]();
    expect(counters.destroyed()).toBe(1);
    expect(() => c.inc(1)).toThrow(expect.objectContaining({ code: 'RESOURCE_DROPPED', name: 'ResourceError' }));
  });

  it('a resource object of one instance is refused by another instance', async () => {
    const one = (await fresh()).exports.counters;
    const two = (await fresh()).exports.counters;
    const c = new one.Counter(3);
    expect(() => two.finish(c)).toThrow(expect.objectContaining({ code: 'RESOURCE_WRONG_TYPE' }));
    expect(() => two.Counter.merge(c, c)).toThrow(expect.objectContaining({ code: 'RESOURCE_WRONG_TYPE' }));
    expect(c.value()).toBe(3);
    expect(() => one.finish({} as CounterObject)).toThrow(expect.objectContaining({ code: 'RESOURCE_WRONG_TYPE' }));
  });
});

describe('host resource (sink)', () => {
  it('the guest constructs the host class, calls its methods and drops it (Symbol.dispose on the host object)', async () => {
    const { exports, host } = await fresh();
    expect(exports.drain('log', ['a', 'bc', 'déf'])).toBe(3);
    expect(host.sinks).toEqual([{ name: 'log', texts: ['a', 'bc', 'déf'], disposed: true }]);
    expect(exports.drain('empty', [])).toBe(0);
    expect(host.sinks).toHaveLength(2);
  });
});
