/**
 * The wasm32 C ABI plan: hand-computed BasicCABI examples, agreement with
 * the canonical layout for wit-bindgen's C types, and (when clang is
 * installed) a differential check against what clang itself produces.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cFunctionAbi,
  cLayout,
  cScalar,
  cTypeOfWit,
  type CMember,
  type CScalar,
  type CType,
} from '../../src/abi/cabi.js';
import { layoutOf } from '../../src/abi/layout.js';
import { functionType, readCoreModule } from '../../src/binary/reader.js';
import { addSpec, emptyResolve, typeSpecArb } from './build-resolve.js';

const s = cScalar;
const struct = (...types: CType[]): CType => ({
  kind: 'struct',
  fields: types.map((type, i) => ({ name: `m${i}`, type })),
});
const union = (...types: CType[]): CType => ({
  kind: 'union',
  members: types.map((type, i) => ({ name: `m${i}`, type })),
});
const array = (element: CType, length: number): CType => ({ kind: 'array', element, length });

describe('C layout on wasm32', () => {
  it('pads struct fields like a C compiler', () => {
    expect(cLayout(struct(s('int8'), s('int32'), s('int16')))).toEqual({ size: 12, align: 4, offsets: [0, 4, 8] });
    expect(cLayout(struct(s('int8'), s('double')))).toEqual({ size: 16, align: 8, offsets: [0, 8] });
    expect(cLayout(struct(s('pointer'), s('uint32')))).toEqual({ size: 8, align: 4, offsets: [0, 4] });
  });

  it('sizes unions by their largest member and arrays by their length', () => {
    expect(cLayout(union(s('int8'), s('int32'), s('double')))).toMatchObject({ size: 8, align: 8 });
    expect(cLayout(union(array(s('int8'), 5), s('int32')))).toMatchObject({ size: 8, align: 4 });
    expect(cLayout(array(s('int16'), 3))).toMatchObject({ size: 6, align: 2 });
  });

  it('gives 128-bit scalars 16 bytes and 16-byte alignment', () => {
    expect(cLayout(s('long double'))).toMatchObject({ size: 16, align: 16 });
    expect(cLayout(struct(s('int8'), s('int128')))).toMatchObject({ size: 32, align: 16, offsets: [0, 16] });
  });
});

describe('C function signatures on wasm32', () => {
  it('passes scalars directly, extending narrow integers', () => {
    const abi = cFunctionAbi([s('int8'), s('uint16'), s('int64'), s('float'), s('double')], s('int32'));
    expect(abi.params).toEqual(['i32', 'i32', 'i64', 'f32', 'f64']);
    expect(abi.results).toEqual(['i32']);
    expect(abi.paramPassing.map((p) => (p.kind === 'direct' ? p.extend : p.kind))).toEqual([
      'sign',
      'zero',
      'none',
      'none',
      'none',
    ]);
  });

  it('passes structs by pointer and returns them through a leading sret pointer', () => {
    const point = struct(s('int32'), s('int32'));
    const abi = cFunctionAbi([point, s('int8')], point);
    expect(abi).toMatchObject({ params: ['i32', 'i32', 'i32'], results: [], sret: true });
    expect(abi.paramPassing[0]).toEqual({ kind: 'indirect' });
  });

  it('passes and returns singleton aggregates as their scalar', () => {
    expect(cFunctionAbi([struct(s('float'))], struct(struct(s('double'))))).toMatchObject({
      params: ['f32'],
      results: ['f64'],
      sret: false,
    });
    expect(cFunctionAbi([struct(array(s('int64'), 1), struct())], null).params).toEqual(['i64']);
    // A union of two scalars is not a singleton: it goes by pointer.
    expect(cFunctionAbi([union(s('int32'), s('float'))], null).paramPassing).toEqual([{ kind: 'indirect' }]);
  });

  it('drops empty aggregates and splits 128-bit values', () => {
    expect(cFunctionAbi([struct(), s('long double')], struct())).toMatchObject({
      params: ['i64', 'i64'],
      results: [],
      sret: false,
    });
    expect(cFunctionAbi([s('int128')], s('long double'))).toMatchObject({
      params: ['i32', 'i64', 'i64'],
      results: [],
      sret: true,
    });
  });
});

describe("wit-bindgen's C types have the canonical layout", () => {
  it('C size and alignment equal the canonical ABI ones for every WIT type', () => {
    fc.assert(
      fc.property(typeSpecArb, (spec) => {
        const r = emptyResolve();
        const type = addSpec(r, spec);
        const canonical = layoutOf(r, type);
        const c = cLayout(cTypeOfWit(r, type));
        expect({ size: c.size, align: c.align }).toEqual({ size: canonical.size, align: canonical.align });
        if (canonical.kind === 'record') expect(c.offsets).toEqual(canonical.fields.map((f) => f.offset));
      }),
      { numRuns: 300 },
    );
  });
});

// ---- differential check against clang ----------------------------------

const C_NAMES: Record<CScalar, string> = {
  bool: '_Bool',
  int8: 'signed char',
  uint8: 'unsigned char',
  int16: 'short',
  uint16: 'unsigned short',
  int32: 'int',
  uint32: 'unsigned int',
  int64: 'long long',
  uint64: 'unsigned long long',
  float: 'float',
  double: 'double',
  pointer: 'void *',
  int128: '__int128',
  uint128: 'unsigned __int128',
  'long double': 'long double',
};

/** A C declaration of `name` with type `type` (`int x[2][3]`, `struct { ... } y`). */
function declare(type: CType, name: string): string {
  switch (type.kind) {
    case 'scalar':
      return `${C_NAMES[type.scalar]} ${name}`;
    case 'array':
      return declare(type.element, `${name}[${type.length}]`);
    case 'struct':
    case 'union': {
      const members: readonly CMember[] = type.kind === 'struct' ? type.fields : type.members;
      return `${type.kind} { ${members.map((m) => `${declare(m.type, m.name)};`).join(' ')} } ${name}`;
    }
  }
}

const scalarArb = fc.constantFrom(...(Object.keys(C_NAMES) as CScalar[])).map(s);
const cTypeArb: fc.Arbitrary<CType> = fc.letrec<{ t: CType }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('t'), { maxLength: 4 }).map((types) => struct(...types)),
    fc.array(tie('t'), { minLength: 1, maxLength: 3 }).map((types) => union(...types)),
    fc.record({ e: tie('t'), n: fc.integer({ min: 1, max: 3 }) }).map(({ e, n }) => array(e, n)),
  ),
})).t;
// Arrays are not C parameters/results on their own: wrap them in a struct.
const valueArb = cTypeArb.map((t) => (t.kind === 'array' ? struct(t) : t));

function hasClang(): boolean {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const clang = hasClang();

describe('C ABI plan agrees with clang --target=wasm32', () => {
  it.skipIf(!clang)('layouts and function signatures of 150 random C types (skipped without clang)', () => {
    const cases = fc.sample(
      fc.record({ params: fc.array(valueArb, { maxLength: 4 }), result: fc.option(valueArb, { nil: null }) }),
      { numRuns: 150, seed: 20261125 },
    );
    const lines: string[] = ['#include <stddef.h>'];
    cases.forEach((c, i) => {
      const types = [...c.params, ...(c.result === null ? [] : [c.result])];
      types.forEach((type, j) => {
        const name = `t${i}_${j}`;
        const layout = cLayout(type);
        lines.push(`typedef ${declare(type, name)};`);
        lines.push(`_Static_assert(sizeof(${name}) == ${layout.size}, "${name} size ${layout.size}");`);
        lines.push(`_Static_assert(_Alignof(${name}) == ${layout.align}, "${name} align ${layout.align}");`);
        if (type.kind === 'struct') {
          type.fields.forEach((f, k) =>
            lines.push(
              `_Static_assert(offsetof(${name}, ${f.name}) == ${layout.offsets[k]}, "${name}.${f.name} offset");`,
            ),
          );
        }
      });
      const params = c.params.map((_, j) => `t${i}_${j} a${j}`).join(', ') || 'void';
      const ret = c.result === null ? 'void' : `t${i}_${c.params.length}`;
      const body = c.result === null ? '' : `static ${ret} zero; return zero;`;
      lines.push(`__attribute__((export_name("f${i}"))) ${ret} f${i}(${params}) { ${body} }`);
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'witgen-cabi-'));
    try {
      writeFileSync(path.join(dir, 'abi.c'), lines.join('\n'));
      const out = path.join(dir, 'abi.wasm');
      try {
        execFileSync(
          'clang',
          ['--target=wasm32', '-nostdlib', '-O1', '-w', '-Wl,--no-entry', '-Wl,--allow-undefined', '-o', out, path.join(dir, 'abi.c')],
          { stdio: 'pipe' },
        );
      } catch (error) {
        const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
        throw new Error(`clang disagrees with the layout plan:\n${stderr.slice(0, 4000)}`);
      }
      const info = readCoreModule(readFileSync(out));
      cases.forEach((c, i) => {
        const exported = info.exports.find((e) => e.name === `f${i}`);
        if (exported === undefined) throw new Error(`f${i} not exported`);
        const plan = cFunctionAbi(c.params, c.result);
        expect({ f: `f${i}`, ...functionType(info, exported.index) }).toEqual({
          f: `f${i}`,
          params: plan.params,
          results: plan.results,
        });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
