/**
 * What to generate: the worlds of a config, with command-line flags applied.
 *
 * - With `--wit`, the flags describe one target (`--out` is then required);
 *   a config entry for the same world, if any, fills in what the flags leave
 *   out (runtimeImport, features, legacy options...).
 * - Without `--wit`, every config entry is a target; `--world` keeps only the
 *   entries of that world, and `--out` / `--abi` / `--runtime-import` /
 *   `--features` replace those fields.
 *
 * Paths from the config are relative to the config's folder; paths from
 * flags are relative to the working folder.
 */
import { resolve } from 'node:path';
import type { TsHostLegacyOptions } from '../codegen/ts-host/index.js';
import { ConfigError } from './errors.js';
import type { LoadedConfig } from './load.js';

export interface GenerateTarget {
  /** Absolute path of the WIT file or folder. */
  readonly wit: string;
  readonly world?: string;
  /** Absolute path of the output folder. */
  readonly out: string;
  readonly abi: 'component' | 'c';
  readonly runtimeImport?: string;
  readonly features: readonly string[];
  readonly allFeatures: boolean;
  readonly legacy?: TsHostLegacyOptions;
}

export interface TargetFlags {
  readonly wit?: string;
  readonly world?: string;
  readonly out?: string;
  readonly abi?: 'component' | 'c';
  readonly runtimeImport?: string;
  readonly features?: readonly string[];
  readonly allFeatures?: boolean;
}

export function resolveTargets(config: LoadedConfig | null, flags: TargetFlags, cwd: string): GenerateTarget[] {
  const fromConfig = (config?.config.worlds ?? []).map((entry) => ({
    wit: resolve(config?.root ?? cwd, entry.wit),
    ...(entry.world === undefined ? {} : { world: entry.world }),
    out: resolve(config?.root ?? cwd, entry.out),
    abi: entry.abi ?? 'component',
    ...(entry.runtimeImport === undefined ? {} : { runtimeImport: entry.runtimeImport }),
    features: entry.features ?? [],
    allFeatures: entry.allFeatures ?? false,
    ...(entry.legacy === undefined ? {} : { legacy: entry.legacy }),
  }));
  const apply = (target: GenerateTarget): GenerateTarget => {
    const abi = flags.abi ?? target.abi;
    const { legacy, ...rest } = target;
    return {
      ...rest,
      ...(flags.out === undefined ? {} : { out: resolve(cwd, flags.out) }),
      abi,
      ...(flags.runtimeImport === undefined ? {} : { runtimeImport: flags.runtimeImport }),
      ...(flags.features === undefined || flags.features.length === 0 ? {} : { features: flags.features }),
      ...(flags.allFeatures === true ? { allFeatures: true } : {}),
      // Legacy options only mean something for the C ABI.
      ...(legacy === undefined || abi !== 'c' ? {} : { legacy }),
    };
  };

  if (flags.wit !== undefined) {
    if (flags.out === undefined) {
      throw new ConfigError('CONFIG_INVALID', '--wit needs --out: the folder to write the bindings to');
    }
    const base = fromConfig.find((t) => flags.world !== undefined && t.world === flags.world);
    const target: GenerateTarget = {
      ...(base ?? { features: [], allFeatures: false, abi: 'component' as const }),
      wit: resolve(cwd, flags.wit),
      ...(flags.world === undefined ? {} : { world: flags.world }),
      out: resolve(cwd, flags.out),
    };
    return [apply(target)];
  }
  if (config === null) {
    throw new ConfigError('CONFIG_NOT_FOUND', 'no config to generate from: pass --wit, --world and --out, or add a witgen config');
  }
  let targets = fromConfig;
  if (flags.world !== undefined) {
    targets = fromConfig.filter((t) => t.world === flags.world);
    if (targets.length === 0) {
      const known = fromConfig.map((t) => t.world ?? '(the only world)').join(', ');
      throw new ConfigError(
        'CONFIG_UNKNOWN_WORLD',
        `--world ${flags.world}: ${config.path} lists no such world (it lists: ${known}); add --wit to generate a world the config does not list`,
      );
    }
  }
  return targets.map(apply);
}
