/**
 * Checks that a loaded config value has the shape of `WitgenConfig`, with
 * messages that say where (`worlds[1].out`), what was expected and what was
 * found. Unknown keys are errors too: a misspelt option would otherwise be
 * ignored silently.
 */
import type { WitgenConfig, WorldConfig } from './define.js';
import { ConfigError } from './errors.js';

const WORLD_KEYS = ['wit', 'world', 'out', 'abi', 'runtimeImport', 'features', 'allFeatures', 'legacy'];
const LEGACY_KEYS = ['allocator', 'names', 'importModule'];

/** `value` as a WitgenConfig; `source` names the file in messages. Throws ConfigError. */
export function validateConfig(value: unknown, source: string): WitgenConfig {
  const report = (message: string): never => {
    throw new ConfigError('CONFIG_INVALID', `${source}: ${message}`);
  };
  const fail: Fail = Object.assign(
    (where: string, expected: string, found: unknown) => report(`${where}: expected ${expected}, found ${describe(found)}`),
    {
      unknown: (where: string, key: string, known: readonly string[]) =>
        report(`${where}: unknown key \`${key}\` (known keys: ${known.join(', ')})`),
    },
  );
  if (!isObject(value)) return fail('the config', 'an object with a `worlds` array', value);
  unknownKeys(value, ['worlds'], 'the config', fail);
  const worlds = value['worlds'];
  if (!Array.isArray(worlds) || worlds.length === 0) return fail('worlds', 'a non-empty array', worlds);
  return { worlds: worlds.map((entry: unknown, i) => validateWorld(entry, `worlds[${i}]`, fail)) };
}

interface Fail {
  (where: string, expected: string, found: unknown): never;
  unknown: (where: string, key: string, known: readonly string[]) => never;
}

function validateWorld(entry: unknown, at: string, fail: Fail): WorldConfig {
  if (!isObject(entry)) return fail(at, 'an object like { wit, world, out }', entry);
  unknownKeys(entry, WORLD_KEYS, at, fail);
  const string = (key: string, required: boolean): string | undefined => {
    const v = entry[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v === '') return fail(`${at}.${key}`, 'a non-empty string', v);
    return v;
  };
  const wit = string('wit', true) as string;
  const out = string('out', true) as string;
  const world = string('world', false);
  const runtimeImport = string('runtimeImport', false);
  const abi = entry['abi'];
  if (abi !== undefined && abi !== 'component' && abi !== 'c') fail(`${at}.abi`, "'component' or 'c'", abi);
  const features = entry['features'];
  if (features !== undefined && (!Array.isArray(features) || !features.every((f) => typeof f === 'string' && f !== ''))) {
    fail(`${at}.features`, 'an array of feature names', features);
  }
  const allFeatures = entry['allFeatures'];
  if (allFeatures !== undefined && typeof allFeatures !== 'boolean') fail(`${at}.allFeatures`, 'true or false', allFeatures);
  const legacy = entry['legacy'];
  if (legacy !== undefined) {
    if (!isObject(legacy)) fail(`${at}.legacy`, 'an object like { allocator, names, importModule }', legacy);
    else validateLegacy(legacy, `${at}.legacy`, fail);
    if (abi !== 'c') fail(`${at}.legacy`, "no legacy options unless abi is 'c'", legacy);
  }
  return {
    wit,
    out,
    ...(world === undefined ? {} : { world }),
    ...(abi === undefined ? {} : { abi }),
    ...(runtimeImport === undefined ? {} : { runtimeImport }),
    ...(features === undefined ? {} : { features: features as string[] }),
    ...(allFeatures === undefined ? {} : { allFeatures }),
    ...(legacy === undefined ? {} : { legacy: legacy as WorldConfig['legacy'] }),
  } as WorldConfig;
}

function validateLegacy(legacy: Record<string, unknown>, at: string, fail: Fail): void {
  unknownKeys(legacy, LEGACY_KEYS, at, fail);
  const allocator = legacy['allocator'];
  if (allocator !== undefined) {
    if (!isObject(allocator)) fail(`${at}.allocator`, 'an object like { malloc, free }', allocator);
    else {
      unknownKeys(allocator, ['malloc', 'free'], `${at}.allocator`, fail);
      for (const key of ['malloc', 'free']) {
        const v = allocator[key];
        if (v !== undefined && (typeof v !== 'string' || v === '')) fail(`${at}.allocator.${key}`, 'an export name', v);
      }
    }
  }
  const names = legacy['names'];
  if (names !== undefined) {
    if (!isObject(names)) fail(`${at}.names`, 'an object of WIT name → symbol', names);
    else {
      for (const [key, v] of Object.entries(names)) {
        if (typeof v !== 'string' || v === '') fail(`${at}.names[${JSON.stringify(key)}]`, 'a symbol name', v);
      }
    }
  }
  const importModule = legacy['importModule'];
  if (importModule !== undefined && (typeof importModule !== 'string' || importModule === '')) {
    fail(`${at}.importModule`, 'a module name', importModule);
  }
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], at: string, fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail.unknown(at, key, known);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
