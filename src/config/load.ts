/**
 * Finds and loads a witgen config. Discovery starts in the working folder
 * and walks up until a folder holds a config or a package.json (the project
 * root); in each folder the first of CONFIG_FILES wins, then a `witgen` key
 * in package.json.
 *
 * A TypeScript config is compiled with the `typescript` package (an optional
 * peer dependency: a project with a .ts config has it) and evaluated as a
 * module written next to the config, so its own imports (`witgen`, relative
 * files) resolve as they would from the config itself; the compiled file is
 * removed right after.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WitgenConfig } from './define.js';
import { ConfigError } from './errors.js';
import { validateConfig } from './validate.js';

/** Config file names, in the order they are looked for. */
export const CONFIG_FILES = [
  'witgen.config.ts',
  'witgen.config.mts',
  'witgen.config.js',
  'witgen.config.mjs',
  'witgen.config.json',
] as const;

export interface LoadedConfig {
  readonly config: WitgenConfig;
  /** The file it came from (a config file or package.json). */
  readonly path: string;
  /** The folder relative paths in the config are resolved against. */
  readonly root: string;
}

/** The config file that applies in `cwd`, or null when there is none. */
export function findConfig(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const candidate = join(dir, name);
      if (isFile(candidate)) return candidate;
    }
    const pkg = join(dir, 'package.json');
    if (isFile(pkg)) return hasWitgenKey(pkg) ? pkg : null;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Loads the config at `path`, or the one found from `cwd`. Throws ConfigError. */
export async function loadConfig(options: { cwd?: string; path?: string } = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  let path: string;
  if (options.path !== undefined) {
    path = resolve(cwd, options.path);
    if (!isFile(path)) throw new ConfigError('CONFIG_NOT_FOUND', `config file ${path} does not exist`);
  } else {
    const found = findConfig(cwd);
    if (found === null) {
      throw new ConfigError(
        'CONFIG_NOT_FOUND',
        `no witgen config found from ${resolve(cwd)} up to the project root: expected one of ${CONFIG_FILES.join(', ')} ` +
          'or a "witgen" key in package.json (or pass --wit, --world and --out)',
      );
    }
    path = found;
  }
  const value = await readConfigValue(path);
  return { config: validateConfig(value, basename(path)), path, root: dirname(path) };
}

async function readConfigValue(path: string): Promise<unknown> {
  const name = basename(path);
  if (name === 'package.json') {
    const pkg = parseJson(path);
    const value = pkg !== null && typeof pkg === 'object' ? (pkg as Record<string, unknown>)['witgen'] : undefined;
    if (value === undefined) throw new ConfigError('CONFIG_NOT_FOUND', `${path} has no "witgen" key`);
    return value;
  }
  if (name.endsWith('.json')) return parseJson(path);
  if (name.endsWith('.ts') || name.endsWith('.mts')) return importTypeScript(path);
  return importModule(path, path);
}

function parseJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError('CONFIG_LOAD', `${path}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The default export of the module at `file` (`shownAs` names it in messages). */
async function importModule(file: string, shownAs: string): Promise<unknown> {
  let module: { default?: unknown };
  try {
    // A query string defeats the module cache, so --watch sees an edited config.
    module = (await import(`${pathToFileURL(file).href}?t=${Date.now()}`)) as { default?: unknown };
  } catch (error) {
    throw new ConfigError('CONFIG_LOAD', `${shownAs}: cannot load: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (module.default === undefined) {
    throw new ConfigError('CONFIG_INVALID', `${shownAs}: expected a default export (export default defineConfig({...})), found none`);
  }
  return module.default;
}

interface TypeScriptApi {
  transpileModule(
    input: string,
    options: { compilerOptions: Record<string, unknown>; fileName: string; reportDiagnostics: boolean },
  ): { outputText: string; diagnostics?: readonly { messageText: unknown }[] };
  ModuleKind: { ESNext: number };
  ScriptTarget: { ES2022: number };
}

async function importTypeScript(path: string): Promise<unknown> {
  let ts: TypeScriptApi;
  try {
    const loaded = (await import('typescript')) as { default?: TypeScriptApi } & Partial<TypeScriptApi>;
    ts = (loaded.default ?? loaded) as TypeScriptApi;
  } catch {
    throw new ConfigError(
      'CONFIG_LOAD',
      `${path}: loading a TypeScript config needs the \`typescript\` package (npm install --save-dev typescript), ` +
        'or write the config as witgen.config.js / .mjs / .json',
    );
  }
  const compiled = ts.transpileModule(readText(path), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: basename(path),
    reportDiagnostics: true,
  });
  const problem = compiled.diagnostics?.[0];
  if (problem !== undefined) {
    const text = typeof problem.messageText === 'string' ? problem.messageText : 'syntax error';
    throw new ConfigError('CONFIG_LOAD', `${path}: cannot compile: ${text}`);
  }
  // Next to the config, so its imports resolve from the same folder; .mjs whatever package.json says.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.mjs`);
  writeFileSync(temp, compiled.outputText);
  try {
    return await importModule(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

function hasWitgenKey(pkg: string): boolean {
  try {
    const value = JSON.parse(readFileSync(pkg, 'utf8')) as unknown;
    return value !== null && typeof value === 'object' && Object.hasOwn(value, 'witgen');
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : String(error);
    throw new ConfigError('CONFIG_LOAD', `cannot read ${path}: ${reason}`);
  }
}
