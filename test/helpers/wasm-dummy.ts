/**
 * The reference for core signatures: the dummy core module that jco's
 * `componentEmbed({ dummy: true })` (wit-component) generates for a world,
 * read back with witgen's own binary reader.
 *
 * The dummy module names things with the `cm32p2` mangling:
 *   import module `cm32p2|ns:pkg/iface@V`, field `func`   (interface function)
 *   import module `cm32p2`,               field `func`   (world function)
 *   export `cm32p2|ns:pkg/iface@V|func`, `cm32p2||func`
 * where V is the version shortened to its semver-compatible prefix
 * (`1.2.3` → `1`, `0.2.3` → `0.2`, `0.0.3` stays). Resource intrinsics
 * (`_ex_` modules, `r_drop`/`r_new`/`r_rep`), post-return functions (`_post`),
 * destructors (`_dtor`), memory, realloc and initialize are not functions of
 * the world and are left out.
 */
import { componentEmbed } from '@bytecodealliance/jco';
import * as shimFilesystem from '@bytecodealliance/preview2-shim/filesystem';
import { functionType, readCoreModule } from '../../src/binary/reader.js';

export interface DummySignature {
  readonly kind: 'import' | 'export';
  readonly interface: string | null;
  readonly name: string;
  readonly params: string[];
  readonly results: string[];
}

const PREFIX = 'cm32p2';

// The package's `types` condition resolves to the browser typings; on Node
// the filesystem module takes (virtual path, host path).
const { _addPreopen: addPreopen } = shimFilesystem as unknown as {
  _addPreopen(virtualPath: string, hostPath: string): void;
};

let preopened = false;

/** Source of the WIT: text, or a path on disk (file or folder with deps/). */
export type WitInput = { readonly source: string } | { readonly path: string };

export async function dummyModule(
  wit: WitInput,
  world: string,
  features: readonly string[] = [],
): Promise<Uint8Array> {
  if ('path' in wit && !preopened) {
    // preview2-shim >= 0.26 grants no filesystem access by default.
    addPreopen('/', '/');
    preopened = true;
  }
  return componentEmbed({
    dummy: true,
    world,
    ...('source' in wit ? { witSource: wit.source } : { witPath: wit.path }),
    features: { tag: 'list', val: [...features] },
  });
}

/** The world functions of a dummy module, imports first, in module order. */
export function dummySignatures(bytes: Uint8Array): DummySignature[] {
  const info = readCoreModule(bytes);
  const out: DummySignature[] = [];
  let funcIndex = 0;
  for (const imp of info.imports) {
    if (imp.kind !== 'func') continue;
    const type = functionType(info, funcIndex++);
    let iface: string | null;
    if (imp.module === PREFIX) iface = null;
    else if (imp.module.startsWith(`${PREFIX}|`)) iface = imp.module.slice(PREFIX.length + 1);
    else throw new Error(`unexpected import module ${imp.module}`);
    if (iface !== null && iface.startsWith('_ex_')) continue;
    if (isResourceIntrinsic(imp.name)) continue;
    out.push({ kind: 'import', interface: iface, name: imp.name, params: type.params, results: type.results });
  }
  for (const exp of info.exports) {
    if (exp.kind !== 'func' || !exp.name.startsWith(`${PREFIX}|`)) continue;
    const rest = exp.name.slice(PREFIX.length + 1);
    const bar = rest.lastIndexOf('|');
    if (bar < 0) throw new Error(`unexpected export ${exp.name}`);
    const name = rest.slice(bar + 1);
    if (name.endsWith('_post') || name.endsWith('_dtor')) continue;
    const type = functionType(info, exp.index);
    const iface = rest.slice(0, bar);
    out.push({
      kind: 'export',
      interface: iface === '' ? null : iface,
      name,
      params: type.params,
      results: type.results,
    });
  }
  return out;
}

export interface DummyIntrinsic {
  readonly kind: 'import' | 'export';
  readonly side: 'imported' | 'exported';
  readonly interface: string | null;
  readonly resource: string;
  readonly intrinsic: 'drop' | 'new' | 'rep' | 'dtor';
  readonly params: string[];
  readonly results: string[];
}

/** The resource intrinsics of a dummy module (`r_drop`/`r_new`/`r_rep` imports, `r_dtor` exports). */
export function dummyIntrinsics(bytes: Uint8Array): DummyIntrinsic[] {
  const info = readCoreModule(bytes);
  const out: DummyIntrinsic[] = [];
  let funcIndex = 0;
  for (const imp of info.imports) {
    if (imp.kind !== 'func') continue;
    const type = functionType(info, funcIndex++);
    const match = /^([a-z0-9-]+)_(drop|new|rep)$/.exec(imp.name);
    if (match === null) continue;
    let iface = imp.module === PREFIX ? null : imp.module.slice(PREFIX.length + 1);
    const exported = iface !== null && iface.startsWith('_ex_');
    if (exported && iface !== null) iface = iface.slice('_ex_'.length) || null;
    out.push({
      kind: 'import',
      side: exported ? 'exported' : 'imported',
      interface: iface,
      resource: match[1] as string,
      intrinsic: match[2] as 'drop' | 'new' | 'rep',
      params: type.params,
      results: type.results,
    });
  }
  for (const exp of info.exports) {
    if (exp.kind !== 'func' || !exp.name.startsWith(`${PREFIX}|`) || !exp.name.endsWith('_dtor')) continue;
    const rest = exp.name.slice(PREFIX.length + 1);
    const bar = rest.lastIndexOf('|');
    const type = functionType(info, exp.index);
    out.push({
      kind: 'export',
      side: 'exported',
      interface: rest.slice(0, bar) || null,
      resource: rest.slice(bar + 1, -'_dtor'.length),
      intrinsic: 'dtor',
      params: type.params,
      results: type.results,
    });
  }
  return out;
}

/** `r_drop`, `r_new`, `r_rep`: a plain name with an intrinsic suffix (function names use `[...]` or kebab-case). */
function isResourceIntrinsic(name: string): boolean {
  return /^[a-z0-9-]+_(drop|new|rep)$/.test(name);
}

/**
 * The version spelling the cm32p2 mangling uses in interface names: build
 * metadata dropped; a release shortened to what semver treats as compatible
 * (`1.2.3` → `1`, `0.2.3` → `0.2`, `0.0.3` stays); pre-releases kept whole.
 */
export function shortVersion(version: string): string {
  const withoutBuild = version.replace(/\+.*$/, '');
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(withoutBuild);
  if (!match) return withoutBuild;
  const [, major, minor, patch] = match;
  if (major !== '0') return major as string;
  if (minor !== '0') return `0.${minor}`;
  return `0.0.${patch}`;
}

/** Rewrites `ns:pkg/iface@1.2.3` to the dummy module's `ns:pkg/iface@1`. */
export function mangledInterfaceName(name: string | null): string | null {
  if (name === null) return null;
  const at = name.lastIndexOf('@');
  return at < 0 ? name : `${name.slice(0, at)}@${shortVersion(name.slice(at + 1))}`;
}
