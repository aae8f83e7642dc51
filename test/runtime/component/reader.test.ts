/**
 * The component reader on the committed guest components: index spaces,
 * canonical functions and their options, the shim component of an exported
 * interface resolved to its arguments, and malformed input.
 */
import { describe, expect, it } from 'vitest';
import { isComponent, isCoreModule, readComponent } from '../../../src/binary/component-reader.js';
import { BinaryError } from '../../../src/binary/reader.js';
import { readGuest } from '../../guests/jco-host.js';

describe('readComponent', () => {
  it('reads the plugin component (main module, preview1 adapter, shim and fixup modules)', () => {
    const parsed = readComponent(readGuest('guests/c/plugin/plugin.component.wasm'));
    expect(parsed.modules).toHaveLength(4);
    expect(parsed.unsupported).toEqual([]);
    expect(parsed.exports.map((e) => `${e.name}:${e.sort}`)).toEqual(['just-add:func', 'trigger-host-calls:func', 'point-add:func']);
    expect(parsed.imports.map((i) => i.name)).toEqual(expect.arrayContaining(['wasi:io/streams@0.2.12', 'point', 'host-log-value']));
    // The first core instance is the shim module instantiated without arguments.
    expect(parsed.coreInstances[0]).toEqual({ kind: 'instantiate', module: 2, args: [] });
    // point-add lifts with a memory; just-add with no options.
    const lift = (name: string) => {
      const exp = parsed.exports.find((e) => e.name === name);
      const def = exp === undefined ? undefined : parsed.funcs[exp.index];
      if (def?.kind !== 'lift') throw new Error(`${name} is not lifted`);
      return def.options;
    };
    expect(lift('just-add')).toMatchObject({ memory: null, realloc: null, postReturn: null, encoding: 'utf8' });
    expect(lift('point-add').memory).toBe(0);
    // Lowered WASI imports: a lower of an export of an imported instance.
    const lowered = parsed.coreFuncs.filter((f) => f.kind === 'lower');
    const names = lowered.map((f) => (f.kind === 'lower' ? parsed.funcs[f.func] : undefined)).map((d) => (d?.kind === 'import' ? `${d.instance ?? ''}#${d.name}` : '?'));
    expect(names).toEqual(expect.arrayContaining(['#host-log-value', 'wasi:cli/stdout@0.2.12#get-stdout']));
  });

  it('reads string encodings from canonical options', () => {
    for (const [file, encoding] of [
      ['kinds.component.wasm', 'utf8'],
      ['kinds.utf16.component.wasm', 'utf16'],
      ['kinds.latin1.component.wasm', 'latin1+utf16'],
    ] as const) {
      const parsed = readComponent(readGuest(`guests/c/kinds/${file}`));
      const exp = parsed.exports.find((e) => e.name === 'echo-string');
      const def = exp === undefined ? undefined : parsed.funcs[exp.index];
      expect(def?.kind === 'lift' ? def.options.encoding : null).toBe(encoding);
    }
  });

  it('resolves the shim component of an exported interface to the lifted functions and the resource type', () => {
    const parsed = readComponent(readGuest('guests/c/kinds/kinds.component.wasm'));
    const exp = parsed.exports.find((e) => e.name === 'witgen:kinds/counters@0.1.0');
    expect(exp?.sort).toBe('instance');
    const inst = exp === undefined ? undefined : parsed.instances[exp.index];
    if (inst?.kind !== 'exports') throw new Error('counters is not an instance of exports');
    expect(inst.items.map((i) => `${i.name}:${i.sort}`)).toEqual([
      'counter:type',
      '[constructor]counter:func',
      '[method]counter.inc:func',
      '[method]counter.value:func',
      '[static]counter.merge:func',
      'finish:func',
      'destroyed:func',
    ]);
    for (const item of inst.items.filter((i) => i.sort === 'func')) expect(parsed.funcs[item.index]?.kind).toBe('lift');
    const counter = inst.items[0];
    const resource = counter === undefined ? undefined : parsed.types.definition(parsed.typeSpace[counter.index] as number);
    expect(resource?.kind).toBe('resource');
    // resource.new/rep/drop of the counter and a drop of the imported sink.
    expect(parsed.coreFuncs.filter((f) => f.kind.startsWith('resource.')).map((f) => f.kind).sort()).toEqual([
      'resource.drop',
      'resource.drop',
      'resource.new',
      'resource.rep',
    ]);
  });

  it('tells components from core modules and rejects malformed input with offsets', () => {
    const component = readGuest('guests/c/kinds/kinds.component.wasm');
    const core = readGuest('guests/c/kinds/kinds.core.wasm');
    expect(isComponent(component) && !isCoreModule(component)).toBe(true);
    expect(isCoreModule(core) && !isComponent(core)).toBe(true);
    expect(() => readComponent(core)).toThrow(BinaryError);
    expect(() => readComponent(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a WebAssembly binary/);
    // Cut in the middle of a section.
    const truncated = component.subarray(0, 5000);
    expect(() => readComponent(truncated)).toThrow(BinaryError);
    try {
      readComponent(truncated);
    } catch (error) {
      expect((error as BinaryError).code).toBe('BINARY_TRUNCATED');
    }
  });
});
