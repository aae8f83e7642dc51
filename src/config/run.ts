/**
 * Generating bindings for targets: load the WIT, pick the world, render the
 * module, then write it (only when its bytes change) or check that what is
 * on disk is current. This layer sits with the CLI, above the runtime, so it
 * can tell the generator which imports the runtime serves (WASI).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTsHost } from '../codegen/ts-host/index.js';
import { isServedWasiImport } from '../runtime/wasi/preview2.js';
import { WitError } from '../wit/errors.js';
import { loadWitAsync, selectWorld } from '../wit/load.js';
import { ConfigError } from './errors.js';
import type { GenerateTarget } from './targets.js';

export interface GeneratedFile {
  /** Absolute path. */
  readonly path: string;
  readonly content: string;
}

/** The files of one target (nothing written). Throws WitError / ConfigError / TsHostError. */
export async function renderTarget(target: GenerateTarget): Promise<GeneratedFile[]> {
  const loaded = await loadWitAsync(target.wit, { features: target.features, allFeatures: target.allFeatures });
  let worldId: number;
  try {
    worldId = selectWorld(loaded, target.world);
  } catch (error) {
    if (error instanceof WitError && error.code === 'WIT_UNKNOWN_NAME') {
      throw new ConfigError('CONFIG_UNKNOWN_WORLD', `${target.wit}: ${error.message}`);
    }
    throw error;
  }
  const { files } = generateTsHost(loaded.resolve, worldId, {
    abi: target.abi,
    // What witgen's runtime provides when the host leaves it out (WASI 0.2 interfaces).
    servedImports: isServedWasiImport,
    ...(target.runtimeImport === undefined ? {} : { runtimeImport: target.runtimeImport }),
    ...(target.legacy === undefined ? {} : { legacy: target.legacy }),
  });
  return files.map((file) => ({ path: join(target.out, file.path), content: file.content }));
}

export type FileState = 'written' | 'unchanged' | 'stale' | 'missing' | 'current';

export interface FileOutcome {
  readonly path: string;
  readonly state: FileState;
}

/** Renders every target and writes the files whose content differs. */
export async function generateTargets(targets: readonly GenerateTarget[]): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (const target of targets) {
    for (const file of await renderTarget(target)) {
      if (readOrNull(file.path) === file.content) {
        outcomes.push({ path: file.path, state: 'unchanged' });
        continue;
      }
      mkdirSync(target.out, { recursive: true });
      writeFileSync(file.path, file.content);
      outcomes.push({ path: file.path, state: 'written' });
    }
  }
  return outcomes;
}

/** Renders every target and compares with the disk, writing nothing: `stale`, `missing` or `current`. */
export async function checkTargets(targets: readonly GenerateTarget[]): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (const target of targets) {
    for (const file of await renderTarget(target)) {
      const existing = readOrNull(file.path);
      const state = existing === null ? 'missing' : existing === file.content ? 'current' : 'stale';
      outcomes.push({ path: file.path, state });
    }
  }
  return outcomes;
}

function readOrNull(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** `--check` found generated files that are missing or differ from what would be generated now. */
export class StaleBindingsError extends Error {
  override readonly name = 'StaleBindingsError';
  readonly code = 'GENERATE_STALE';

  constructor(readonly files: readonly FileOutcome[], shown: (path: string) => string = (p) => p) {
    const lines = files.map((f) => `  ${f.state}: ${shown(f.path)}`);
    const count = `${files.length} generated file${files.length === 1 ? ' is' : 's are'}`;
    super(`${count} out of date (expected the output of \`witgen generate\`, found ${describeStates(files)}):\n${lines.join('\n')}`);
  }
}

function describeStates(files: readonly FileOutcome[]): string {
  const missing = files.filter((f) => f.state === 'missing').length;
  const stale = files.length - missing;
  return [stale > 0 ? `${stale} with other content` : '', missing > 0 ? `${missing} missing` : ''].filter((s) => s !== '').join(' and ');
}
