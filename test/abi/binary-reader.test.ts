import { parse as watToWasm } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { BinaryError, functionType, readCoreModule } from '../../src/binary/reader.js';

const WAT = `(module
  (type (func (param i32 i64) (result f32)))
  (import "env" "f" (func (type 0)))
  (import "env" "mem" (memory 1 2))
  (import "env" "tab" (table 1 funcref))
  (import "env" "g" (global (mut i64)))
  (import "m" "h" (func (param f64)))
  (func (export "run") (param i32) (result i32 i64) local.get 0 i64.const 1)
  (func (export "ünïcode") unreachable)
  (memory (export "memory") 1)
)`;

describe('core module reader', () => {
  it('reads types, imports of every kind, functions and exports', async () => {
    const info = readCoreModule(await watToWasm(WAT));
    expect(info.imports.map((i) => [i.module, i.name, i.kind])).toEqual([
      ['env', 'f', 'func'],
      ['env', 'mem', 'memory'],
      ['env', 'tab', 'table'],
      ['env', 'g', 'global'],
      ['m', 'h', 'func'],
    ]);
    expect(functionType(info, 0)).toEqual({ params: ['i32', 'i64'], results: ['f32'] });
    expect(functionType(info, 1)).toEqual({ params: ['f64'], results: [] });
    expect(info.exports.map((e) => [e.name, e.kind, e.index])).toEqual([
      ['run', 'func', 2],
      ['ünïcode', 'func', 3],
      ['memory', 'memory', 1], // after the imported memory
    ]);
    expect(functionType(info, 2)).toEqual({ params: ['i32'], results: ['i32', 'i64'] });
    expect(functionType(info, 3)).toEqual({ params: [], results: [] });
  });

  it('rejects what is not a core module with typed errors', async () => {
    const bytes = await watToWasm(WAT);
    expect(() => readCoreModule(new Uint8Array([1, 2, 3, 4]))).toThrow(
      expect.objectContaining({ code: 'BINARY_MAGIC' }),
    );
    const component = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
    expect(() => readCoreModule(component)).toThrow(expect.objectContaining({ code: 'BINARY_VERSION' }));
    expect(() => readCoreModule(bytes.subarray(0, 20))).toThrow(BinaryError);
  });
});
