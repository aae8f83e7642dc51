import { describe, expect, it } from 'vitest';
import {
  checkImports,
  ImportsError,
  importProblems,
  nearest,
  renderWitSignature,
} from '../../src/runtime/component/check-imports.js';
import { loadWitText, selectWorld } from '../../src/wit/load.js';

const WIT = `package test:imports@1.0.0;

interface types {
  record point { x: s32, y: s32 }
}

interface host {
  use types.{point};
  resource blob {
    constructor(init: list<u8>);
    size: func() -> u32;
    merge: static func(a: borrow<blob>, b: borrow<blob>) -> blob;
  }
  log: func(msg: string, level: u8);
}

world w {
  import host-log-value: func(value: s32);
  import host-get-shared-value: func() -> s32;
  import types;
  import host;
  import wasi:cli/stdout@0.2.0;
  export run: func();
}

package wasi:cli@0.2.0 {
  interface stdout {
    get-stdout: func() -> u32;
  }
}
`;

const loaded = loadWitText(WIT);
const resolve = loaded.resolve;
const world = selectWorld(loaded, 'w');
const provided = new Set(['wasi:cli/stdout@0.2.0']);

class Blob {
  size(): number {
    return 0;
  }
  static merge(): Blob {
    return new Blob();
  }
}

function goodImports(): Record<string, unknown> {
  return {
    hostLogValue: (_v: number) => undefined,
    hostGetSharedValue: () => 1,
    'test:imports/host@1.0.0': { Blob, log: () => undefined },
  };
}

function errorOf(imports: unknown, options = { provided }): ImportsError {
  try {
    checkImports(resolve, world, imports, options);
  } catch (error) {
    if (error instanceof ImportsError) return error;
    throw error;
  }
  throw new Error('expected an ImportsError');
}

describe('checkImports', () => {
  it('accepts a complete imports object; provided interfaces may be absent', () => {
    expect(() => checkImports(resolve, world, goodImports(), { provided })).not.toThrow();
  });

  it('does not require an object for an interface of types only, but checks one that is given', () => {
    const imports = goodImports();
    imports['test:imports/types@1.0.0'] = { point: 1 };
    expect(errorOf(imports).problems).toEqual([
      { path: "['test:imports/types@1.0.0'].point", kind: 'extra', expected: null, found: 'number 1' },
    ]);
    imports['test:imports/types@1.0.0'] = {};
    expect(importProblems(resolve, world, imports, { provided })).toEqual([]);
  });

  it('reports a provided-by-nobody interface as missing', () => {
    const error = errorOf(goodImports(), { provided: new Set() });
    expect(error.problems).toEqual([
      { path: "['wasi:cli/stdout@0.2.0']", kind: 'missing', expected: 'interface wasi:cli/stdout@0.2.0', found: 'nothing' },
    ]);
  });

  it('lists every problem at once, each on its own line, with WIT signatures and a did-you-mean hint', () => {
    const imports = goodImports();
    delete imports.hostLogValue;
    imports.hostLog = function hostLog(_v: number) {};
    imports.hostGetSharedValue = { value: 1 };
    imports['test:imports/host@1.0.0'] = { Blob: function blob() {}, lgo: () => undefined };
    const error = errorOf(imports);
    expect(error.code).toBe('IMPORTS_INVALID');
    expect(error.problems).toEqual([
      { path: 'hostLogValue', kind: 'missing', expected: 'host-log-value: func(value: s32)', found: 'nothing' },
      {
        path: 'hostGetSharedValue',
        kind: 'wrong-kind',
        expected: 'a function for host-get-shared-value: func() -> s32',
        found: 'an object',
      },
      { path: "['test:imports/host@1.0.0'].log", kind: 'missing', expected: 'log: func(msg: string, level: u8)', found: 'nothing' },
      {
        path: "['test:imports/host@1.0.0'].Blob",
        kind: 'wrong-kind',
        expected: 'resource blob (a class)',
        found: 'function blob',
      },
      {
        path: "['test:imports/host@1.0.0'].lgo",
        kind: 'extra',
        expected: null,
        found: 'function lgo',
        hint: 'did you mean `log`?',
      },
      { path: 'hostLog', kind: 'extra', expected: null, found: 'function hostLog', hint: 'did you mean `hostLogValue`?' },
    ]);
    expect(error.message.split('\n')).toEqual([
      'invalid imports (6 problems):',
      '  missing `hostLogValue`: expected host-log-value: func(value: s32)',
      '  wrong kind at `hostGetSharedValue`: expected a function for host-get-shared-value: func() -> s32, found an object',
      "  missing `['test:imports/host@1.0.0'].log`: expected log: func(msg: string, level: u8)",
      "  wrong kind at `['test:imports/host@1.0.0'].Blob`: expected resource blob (a class), found function blob",
      "  unexpected `['test:imports/host@1.0.0'].lgo`: the world has no such import (found function lgo); did you mean `log`?",
      '  unexpected `hostLog`: the world has no such import (found function hostLog); did you mean `hostLogValue`?',
    ]);
  });

  it('checks resource methods on the prototype and statics on the class', () => {
    class Partial {
      static merge = 3;
      other(): void {}
    }
    const imports = goodImports();
    imports['test:imports/host@1.0.0'] = { Blob: Partial, log: () => undefined };
    expect(errorOf(imports).problems).toEqual([
      {
        path: "['test:imports/host@1.0.0'].Blob.prototype.size",
        kind: 'missing',
        expected: 'size: func() -> u32',
        found: 'nothing',
      },
      {
        path: "['test:imports/host@1.0.0'].Blob.merge",
        kind: 'wrong-kind',
        expected: 'a function for merge: static func(a: borrow<blob>, b: borrow<blob>) -> blob',
        found: 'number 3',
      },
    ]);
  });

  it('accepts a pre-class constructor function with methods on its prototype', () => {
    function OldBlob(): void {}
    OldBlob.prototype.size = () => 0;
    (OldBlob as unknown as { merge: () => void }).merge = () => undefined;
    const imports = goodImports();
    imports['test:imports/host@1.0.0'] = { Blob: OldBlob, log: () => undefined };
    expect(importProblems(resolve, world, imports, { provided })).toEqual([]);
  });

  it('reports an interface that is not an object, and imports that are not an object', () => {
    const imports = goodImports();
    imports['test:imports/host@1.0.0'] = () => undefined;
    expect(errorOf(imports).problems).toEqual([
      {
        path: "['test:imports/host@1.0.0']",
        kind: 'wrong-kind',
        expected: 'interface test:imports/host@1.0.0 (an object)',
        found: 'function',
      },
    ]);
    expect(errorOf(42).message).toBe('invalid imports: wrong kind at `(imports)`: expected an object of imports, found number 42');
  });

  it('suggests the camelCase key for a kebab-case WIT name, and an interface key for a short name', () => {
    const imports = goodImports();
    const iface = imports['test:imports/host@1.0.0'];
    delete imports['test:imports/host@1.0.0'];
    imports.host = iface;
    const hostLogValue = imports.hostLogValue;
    delete imports.hostLogValue;
    imports['host-log-value'] = hostLogValue;
    const hints = errorOf(imports)
      .problems.filter((p) => p.kind === 'extra')
      .map((p) => [p.path, p.hint]);
    expect(hints).toEqual([
      ['host', 'did you mean `test:imports/host@1.0.0`?'],
      ["['host-log-value']", 'did you mean `hostLogValue`?'],
    ]);
  });

  it('does not hint when nothing is close', () => {
    expect(nearest('zzzzzz', ['hostLogValue', 'run'])).toBeNull();
    expect(nearest('hostLogVale', ['hostLogValue', 'run'])).toBe('hostLogValue');
  });

  it('renders WIT signatures of every function kind', () => {
    const iface = [...resolve.interfaces].find((i) => i.name === 'host');
    const funcs = [...(iface?.functions.values() ?? [])];
    expect(funcs.map((f) => renderWitSignature(resolve, f))).toEqual([
      'constructor(init: list<u8>)',
      'size: func() -> u32',
      'merge: static func(a: borrow<blob>, b: borrow<blob>) -> blob',
      'log: func(msg: string, level: u8)',
    ]);
  });
});
