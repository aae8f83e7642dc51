import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AbiError } from '../../src/abi/errors.js';
import { LEGACY_IMPORT_MODULE, legacySymbolName, legacyWorldFunctions } from '../../src/abi/legacy-names.js';
import { loadWit, loadWitText, selectWorld } from '../../src/wit/load.js';

describe('legacySymbolName', () => {
  it('maps kebab-case to snake_case', () => {
    expect(legacySymbolName('host-log-value')).toBe('host_log_value');
    expect(legacySymbolName('just-add')).toBe('just_add');
    expect(legacySymbolName('add')).toBe('add');
    expect(legacySymbolName('HTTP-request2')).toBe('http_request2');
  });

  it('prefers an override keyed by the WIT name', () => {
    expect(legacySymbolName('just-add', { 'just-add': 'JustAdd' })).toBe('JustAdd');
    expect(legacySymbolName('point-add', { 'just-add': 'JustAdd' })).toBe('point_add');
    // Inherited properties are not overrides.
    expect(legacySymbolName('to-string', {})).toBe('to_string');
    expect(legacySymbolName('constructor', {})).toBe('constructor');
  });

  it('rejects resource functions and empty overrides with a typed error', () => {
    expect(() => legacySymbolName('[method]blob.read')).toThrow(AbiError);
    expect(() => legacySymbolName('[method]blob.read')).toThrow(/resource function/);
    expect(() => legacySymbolName('f', { f: '' })).toThrow(/non-empty/);
  });

  it('imports from env by default', () => {
    expect(LEGACY_IMPORT_MODULE).toBe('env');
  });
});

describe('legacyWorldFunctions', () => {
  const plugin = loadWit(fileURLToPath(new URL('../../wit/plugin.wit', import.meta.url)));

  it('lists the plugin world with env imports and snake_case symbols', () => {
    const functions = legacyWorldFunctions(plugin.resolve, selectWorld(plugin, 'plugin'));
    expect(functions.map((f) => [f.direction, f.module, f.symbol])).toEqual([
      ['import', 'env', 'host_log_value'],
      ['import', 'env', 'host_get_shared_value'],
      ['import', 'env', 'host_set_shared_value'],
      ['export', null, 'just_add'],
      ['export', null, 'trigger_host_calls'],
      ['export', null, 'point_add'],
    ]);
    const renamed = legacyWorldFunctions(plugin.resolve, selectWorld(plugin, 'plugin'), {
      importModule: 'host',
      names: { 'just-add': 'add64' },
    });
    expect(renamed[0]?.module).toBe('host');
    expect(renamed[3]?.symbol).toBe('add64');
  });

  const clashing = loadWitText(`package t:clash;
interface a { get: func() -> u32; }
interface b { get: func() -> u32; }
world w { import a; import b; export get-it: func(); }`);

  it('rejects two functions on one symbol, and accepts an interface-qualified override', () => {
    const worldId = selectWorld(clashing, 'w');
    expect(() => legacyWorldFunctions(clashing.resolve, worldId)).toThrow(
      'imports `t:clash/a#get` and `t:clash/b#get` both map to the core symbol `get`',
    );
    const functions = legacyWorldFunctions(clashing.resolve, worldId, { names: { 't:clash/b#get': 'b_get' } });
    expect(functions.map((f) => f.symbol)).toEqual(['get', 'b_get', 'get_it']);
    const directed = legacyWorldFunctions(clashing.resolve, worldId, {
      names: { get: 'plain', 'import:t:clash/b#get': 'b_get', 'export:get-it': 'exported' },
    });
    expect(directed.map((f) => f.symbol)).toEqual(['plain', 'b_get', 'exported']);
  });

  it('rejects resource functions', () => {
    const withResource = loadWitText(`package t:res;
interface r { resource blob { size: func() -> u32; } }
world w { import r; }`);
    expect(() => legacyWorldFunctions(withResource.resolve, selectWorld(withResource, 'w'))).toThrow(
      '`[method]blob.size` is a resource function',
    );
  });
});
