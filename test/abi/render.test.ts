import { describe, expect, it } from 'vitest';
import { formatCoreFuncType } from '../../src/abi/core-types.js';
import { renderCoreSignatures } from '../../src/abi/signature.js';

describe('rendering core signatures', () => {
  it('writes core function types like wasm-tools, omitting empty groups', () => {
    expect(formatCoreFuncType({ params: [], results: [] })).toBe('(func)');
    expect(formatCoreFuncType({ params: ['i32', 'i64'], results: ['f32'] })).toBe(
      '(func (param i32 i64) (result f32))',
    );
    expect(formatCoreFuncType({ params: [], results: ['i32'] })).toBe('(func (result i32))');
  });

  it('prints one aligned line per function', () => {
    const text = renderCoreSignatures([
      { kind: 'import', interface: 'ns:pkg/iface@1.0.0', name: 'add', params: ['i32', 'i32'], results: ['i32'] },
      { kind: 'export', interface: null, name: 'run', params: [], results: [] },
    ]);
    expect(text).toBe(
      'import  ns:pkg/iface@1.0.0#add  (func (param i32 i32) (result i32))\n' +
        'export  run                     (func)\n',
    );
  });
});
