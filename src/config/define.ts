/**
 * The shape of a witgen config (`witgen.config.ts` / `.mts` / `.js` / `.mjs`
 * / `.json`, or a `witgen` key in package.json) and `defineConfig`, the typed
 * helper a TypeScript or JavaScript config exports by default:
 *
 * ```ts
 * import { defineConfig } from 'witgen';
 * export default defineConfig({ worlds: [{ wit: 'wit', world: 'plugin', out: 'src/generated' }] });
 * ```
 */
import type { TsHostLegacyOptions } from '../codegen/ts-host/index.js';

/** One world to generate bindings for. Paths are relative to the config file's folder. */
export interface WorldConfig {
  /** A .wit file, or a folder of .wit files with an optional deps/ folder. */
  readonly wit: string;
  /** `w` or `ns:pkg/w@version`; may be left out when the WIT package has exactly one world. */
  readonly world?: string;
  /** The folder the module `<world>.ts` is written to. */
  readonly out: string;
  /** `component` (default) or `c`: a legacy core module driven through the C ABI. */
  readonly abi?: 'component' | 'c';
  /** What the generated module imports the runtime from (default `witgen/runtime`). */
  readonly runtimeImport?: string;
  /** `@unstable` features to enable. */
  readonly features?: readonly string[];
  /** Enable every `@unstable` feature. */
  readonly allFeatures?: boolean;
  /** Legacy-module options baked into the bindings (only with `abi: 'c'`). */
  readonly legacy?: TsHostLegacyOptions;
}

export interface WitgenConfig {
  readonly worlds: readonly WorldConfig[];
}

/** Returns `config` unchanged; it exists so a config file gets types and editor completion. */
export function defineConfig(config: WitgenConfig): WitgenConfig {
  return config;
}
