/**
 * Bad export arguments through the component runtime: the export guard
 * names the argument and the path inside it (the compiled export function
 * has no try/catch of its own; the guard explains what it catches), the
 * instance is not poisoned, and good calls keep working.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AbiValueError } from '../../../src/abi/lift-lower/value-check.js';
import { compileComponent, instantiate } from '../../../src/runtime/component/index.js';

const BENCH = readFileSync(new URL('../../../guests/c/bench/bench.component.wasm', import.meta.url));

interface Bench {
  add(a: unknown, b: unknown): number;
  pointAdd(a: unknown, b: unknown): { x: number; y: number };
}

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

async function bench(): Promise<Bench> {
  const compiled = await compileComponent(BENCH);
  expect(compiled.engine).toBe('witgen');
  return (await instantiate(compiled, { hostInc: (x: number) => (x + 1) >>> 0 })) as unknown as Bench;
}

describe('export arguments', () => {
  it('a bad record field names the argument and the field', async () => {
    const g = await bench();
    const error = thrown(() => g.pointAdd({ x: 1, y: 2 }, { x: 1.5, y: 0 }));
    expect(error).toBeInstanceOf(AbiValueError);
    expect((error as AbiValueError).at).toBe('b.x');
    expect((error as AbiValueError).message).toMatch(/s32/);
    // Not a trap: the instance still works.
    expect(g.pointAdd({ x: 1, y: -2 }, { x: 3, y: -4 })).toEqual({ x: 4, y: -6 });
  });

  it('an out-of-range scalar names the argument', async () => {
    const g = await bench();
    const error = thrown(() => g.add(1, 2 ** 32));
    expect(error).toBeInstanceOf(AbiValueError);
    expect((error as AbiValueError).at).toBe('b');
    expect(g.add(1, 2)).toBe(3);
  });
});
