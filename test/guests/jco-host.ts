/**
 * Test helper: runs a component through jco's `transpile` output, the
 * reference host until witgen has its own runtime. The component is
 * transpiled (async instantiation, so every import comes from the object the
 * test passes) into a temporary folder, whose ES module is then imported.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transpile } from '@bytecodealliance/jco';
import * as shim from '@bytecodealliance/preview2-shim';

export const repoRoot = resolve(__dirname, '../..');

export type ImportObject = Record<string, Record<string, unknown>>;

/** A compiled core module; opaque here (Node's typings without the DOM lib lack WebAssembly). */
type CoreModule = object;
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CoreModule> } })
  .WebAssembly;

interface TranspiledModule {
  instantiate(
    getCoreModule: (path: string) => Promise<CoreModule>,
    imports: ImportObject,
  ): Promise<Record<string, unknown>>;
}

export interface TranspiledComponent {
  /** Folder holding the transpiled files (`<name>.js`, core modules). */
  readonly dir: string;
  /** The import names the instance expects (keys of the import object). */
  readonly imports: readonly string[];
  /** A fresh instance with these imports. */
  instantiate(imports: ImportObject): Promise<Record<string, unknown>>;
  dispose(): void;
}

export async function transpileComponent(bytes: Uint8Array, name = 'guest'): Promise<TranspiledComponent> {
  const { files, imports } = await transpile(bytes, { name, instantiation: 'async', noTypescript: true, quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'witgen-jco-'));
  for (const [file, content] of Object.entries(files)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  const module = (await import(pathToFileURL(join(dir, `${name}.js`)).href)) as TranspiledModule;
  const compiled = new Map<string, Promise<CoreModule>>();
  const getCoreModule = (path: string): Promise<CoreModule> => {
    const cached = compiled.get(path);
    if (cached !== undefined) return cached;
    const fresh = wasm.compile(new Uint8Array(readFileSync(join(dir, path))));
    compiled.set(path, fresh);
    return fresh;
  };
  return {
    dir,
    imports,
    instantiate: (imports) => module.instantiate(getCoreModule, imports),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function readGuest(path: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(repoRoot, path)));
}

/**
 * preview2-shim's WASI implementation for every `wasi:<pkg>/<iface>@<version>`
 * import, e.g. `wasi:cli/stdout@0.2.3` → `shim.cli.stdout`.
 */
export function wasiImports(names: readonly string[]): ImportObject {
  const packages = shim as unknown as Record<string, Record<string, Record<string, unknown>>>;
  const imports: ImportObject = {};
  for (const name of names) {
    const match = /^wasi:([a-z-]+)\/([a-z-]+)(@.*)?$/.exec(name);
    if (match === null) continue;
    const pkg = packages[match[1] ?? ''];
    const iface = pkg?.[camel(match[2] ?? '')];
    if (iface !== undefined) imports[name] = iface;
  }
  return imports;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
