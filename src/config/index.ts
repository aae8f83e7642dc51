/**
 * witgen's project layer: the config file (`defineConfig`, discovery and
 * loading), the targets it names once command-line flags are applied, and
 * generating, checking and watching the TypeScript bindings of those targets.
 */
export { defineConfig, type WitgenConfig, type WorldConfig } from './define.js';
export { ConfigError, type ConfigErrorCode } from './errors.js';
export { CONFIG_FILES, findConfig, loadConfig, type LoadedConfig } from './load.js';
export { resolveTargets, type GenerateTarget, type TargetFlags } from './targets.js';
export { checkTargets, generateTargets, renderTarget, StaleBindingsError, type FileOutcome, type FileState, type GeneratedFile } from './run.js';
export { watchBindings, type BindingsWatcher, type WatchEvent, type WatchOptions } from './watch.js';
