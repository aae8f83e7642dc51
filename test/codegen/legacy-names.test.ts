import { describe, expect, it } from 'vitest';
import { AbiError } from '../../src/abi/errors.js';
import { LEGACY_IMPORT_MODULE, legacySymbolName } from '../../src/abi/legacy-names.js';

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
