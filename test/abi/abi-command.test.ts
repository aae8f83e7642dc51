import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { abiCommand } from '../../src/cli/commands/abi.js';
import { WitError } from '../../src/wit/errors.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/abi-kinds.wit');

describe('witgen abi', () => {
  it('prints one line per function with its core type', () => {
    const lines = abiCommand(fixture, { world: 'everything' }).trimEnd().split('\n');
    expect(lines).toContain(
      'import  witgen:abi-kinds/compound@0.3.1#point-add             (func (param f64 f64 f64 f64 i32))',
    );
    expect(lines.find((l) => l.startsWith('export  run '))).toMatch(/\(func \(param i32 i32\) \(result i32\)\)$/);
  });

  it('prints the signatures as JSON with --json', () => {
    const json = JSON.parse(abiCommand(fixture, { world: 'everything', json: true })) as unknown[];
    expect(json).toContainEqual({
      kind: 'export',
      interface: 'witgen:abi-kinds/handles@0.3.1',
      name: '[method]counter.inc',
      params: ['i32', 'i32'],
      results: ['i32'],
    });
    expect(json).toContainEqual({ kind: 'import', interface: null, name: 'log', params: ['i32', 'i32'], results: [] });
    expect(json).toContainEqual({ kind: 'import', interface: 'inline', name: 'ping', params: ['i64'], results: ['i64'] });
  });

  it('lists resource intrinsics with --intrinsics', () => {
    const json = JSON.parse(abiCommand(fixture, { world: 'everything', json: true, intrinsics: true })) as unknown[];
    const iface = 'witgen:abi-kinds/handles@0.3.1';
    expect(json).toContainEqual({ kind: 'import', interface: iface, name: '[resource-drop]counter', params: ['i32'], results: [] });
    expect(json).toContainEqual({
      kind: 'import',
      interface: `[export]${iface}`,
      name: '[resource-new]counter',
      params: ['i32'],
      results: ['i32'],
    });
    expect(json).toContainEqual({ kind: 'export', interface: iface, name: '[dtor]counter', params: ['i32'], results: [] });
    expect(JSON.parse(abiCommand(fixture, { world: 'everything', json: true }))).not.toContainEqual(
      expect.objectContaining({ name: '[dtor]counter' }),
    );
  });

  it('uses the async ABI for async functions with --async-abi', () => {
    const find = (mode?: 'sync' | 'callback' | 'stackful') =>
      (JSON.parse(abiCommand(fixture, { world: 'everything', json: true, asyncAbi: mode })) as { kind: string; name: string }[]).filter(
        (s) => s.name === 'slow',
      );
    expect(find()).toContainEqual(expect.objectContaining({ kind: 'import', params: Array(7).fill('i32'), results: [] }));
    expect(find('callback')).toContainEqual(expect.objectContaining({ kind: 'import', params: ['i32', 'i32'], results: ['i32'] }));
    expect(find('callback')).toContainEqual(expect.objectContaining({ kind: 'export', results: ['i32'] }));
    expect(find('stackful')).toContainEqual(expect.objectContaining({ kind: 'export', results: [] }));
  });

  it('reports an unknown world as a WitError', () => {
    expect(() => abiCommand(fixture, { world: 'nope' })).toThrow(WitError);
  });
});
