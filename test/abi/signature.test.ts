/**
 * Differential test: for every world of the wit-parser conformance corpus,
 * witgen's core signatures equal those of the dummy core module that
 * wit-component (through jco's componentEmbed) generates for that world.
 *
 * The world is resolved from the corpus' reference Resolve JSON, so this
 * checks the ABI plan alone, independent of witgen's resolver. Cases that
 * declare no world (types.wit, functions.wit, resources*.wit...) get a
 * synthesized world that imports and exports every interface of their
 * package, added both to the WIT handed to jco and to the reference Resolve.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as watToWasm } from '@bytecodealliance/jco';
import { afterAll, describe, expect, it } from 'vitest';
import { coreSignatures, type CoreSignature } from '../../src/abi/signature.js';
import { loadWit, loadWitText, selectWorld } from '../../src/wit/load.js';
import type { InterfaceId, Resolve, WorldEntry } from '../../src/wit/model.js';
import { resourceIntrinsics } from '../../src/abi/resources.js';
import {
  dummyIntrinsics,
  dummyModule,
  dummySignatures,
  mangledInterfaceName,
  type DummyIntrinsic,
  type DummySignature,
  type WitInput,
} from '../helpers/wasm-dummy.js';
import { resolveFromJson } from './resolve-json.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../shared/conformance/wit-parser');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-abi-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SYNTH_WORLD = 'witgen-abi-all';

interface WorldCase {
  readonly name: string;
  /** Builds the WIT input for jco (lazily: may copy files to a scratch folder). */
  readonly input: () => Promise<WitInput>;
  readonly resolve: Resolve;
  readonly worldId: number;
  /** The world as componentEmbed selects it: `ns:pkg/world@version`. */
  readonly spec: string;
  /** Deps given as wasm binaries or text, which witgen's WIT loader does not read. */
}

/** `witgen abi`'s path: witgen's own loader and resolver, then the ABI plan. */
function witgenSignatures(input: WitInput, spec: string): CoreSignature[] {
  const options = { features: ['active'] };
  const loaded = 'source' in input ? loadWitText(input.source, options) : loadWit(input.path, options);
  return coreSignatures(loaded.resolve, selectWorld(loaded, spec));
}


/** Copies a case folder to scratch, turning `.wat` deps into `.wasm` (jco's wasm-tools reads only binary deps). */
async function copyCase(dir: string, extraFile: string | null): Promise<string> {
  const target = mkdtempSync(path.join(scratch, 'case-'));
  cpSync(dir, target, { recursive: true });
  const walk = async (d: string): Promise<void> => {
    for (const entry of readdirSync(d)) {
      const full = path.join(d, entry);
      if (statSync(full).isDirectory()) await walk(full);
      else if (entry.endsWith('.wat')) {
        writeFileSync(full.slice(0, -'.wat'.length) + '.wasm', await watToWasm(readFileSync(full, 'utf8')));
        rmSync(full);
      }
    }
  };
  await walk(target);
  if (extraFile !== null) writeFileSync(path.join(target, `${SYNTH_WORLD}.wit`), extraFile);
  return target;
}

function qualifiedWorld(resolve: Resolve, worldId: number): string | null {
  const world = resolve.worlds[worldId];
  const pkg = world?.package === null || world === undefined ? undefined : resolve.packages[world.package];
  if (world === undefined || pkg === undefined) return null;
  const { namespace, name, version } = pkg.name;
  return `${namespace}:${name}/${world.name}${version === null ? '' : `@${version}`}`;
}

/** Interfaces whose types `id` uses, transitively, dependencies first. */
function interfaceDeps(resolve: Resolve, id: InterfaceId, seen: Set<InterfaceId>, out: InterfaceId[]): void {
  if (seen.has(id)) return;
  seen.add(id);
  for (const typeId of resolve.interfaces[id]?.types.values() ?? []) {
    const def = resolve.types[typeId];
    if (def?.kind.kind !== 'type' || typeof def.kind.type !== 'number') continue;
    const owner = resolve.types[def.kind.type]?.owner;
    if (owner?.kind === 'interface' && owner.id !== id) interfaceDeps(resolve, owner.id, seen, out);
  }
  out.push(id);
}

/** Adds a world importing (with dependencies) and exporting every interface of the last package. */
function addSynthWorld(resolve: Resolve): { worldId: number; names: string[] } | null {
  const packageId = resolve.packages.length - 1;
  const pkg = resolve.packages[packageId];
  if (pkg === undefined || pkg.interfaces.size === 0) return null;
  const own = [...pkg.interfaces.values()];
  const imports: InterfaceId[] = [];
  const seen = new Set<InterfaceId>();
  own.forEach((id) => interfaceDeps(resolve, id, seen, imports));
  const entry = (id: InterfaceId): WorldEntry => ({
    key: { kind: 'interface', id },
    item: { kind: 'interface', id, stability: { kind: 'unknown' } },
  });
  const worldId = resolve.worlds.length;
  resolve.worlds.push({
    name: SYNTH_WORLD,
    imports: imports.map(entry),
    exports: own.map(entry),
    package: packageId,
    docs: null,
    stability: { kind: 'unknown' },
  });
  pkg.worlds.set(SYNTH_WORLD, worldId);
  return { worldId, names: [...pkg.interfaces.keys()] };
}

function synthWorldText(names: string[]): string {
  const items = names.flatMap((n) => [`  import ${n};`, `  export ${n};`]);
  return `\nworld ${SYNTH_WORLD} {\n${items.join('\n')}\n}\n`;
}

/** A corpus case whose reference JSON could not be read (reported as a failing test, not a crashed suite). */
interface BrokenCase {
  readonly name: string;
  readonly error: unknown;
}

function corpusWorlds(): { cases: WorldCase[]; broken: BrokenCase[] } {
  const cases: WorldCase[] = [];
  const broken: BrokenCase[] = [];
  if (!existsSync(corpus)) return { cases, broken };
  for (const entry of readdirSync(corpus).sort()) {
    if (!entry.endsWith('.wit.json')) continue;
    try {
      corpusCase(entry, cases);
    } catch (error) {
      broken.push({ name: entry, error });
    }
  }
  return { cases, broken };
}

function corpusCase(entry: string, cases: WorldCase[]): void {
  const file = entry.slice(0, -'.json'.length);
  const name = file.slice(0, -'.wit'.length);
  const isDir = existsSync(path.join(corpus, name)) && statSync(path.join(corpus, name)).isDirectory();
  const inputPath = path.join(corpus, isDir ? name : file);
  const resolve = resolveFromJson(readFileSync(path.join(corpus, entry), 'utf8'));
  const depFiles = isDir ? readdirSync(inputPath, { recursive: true }).map(String) : [];
  const hasWat = depFiles.some((f) => f.endsWith('.wat'));
  const plainInput = async (): Promise<WitInput> =>
    hasWat ? { path: await copyCase(inputPath, null) } : { path: inputPath };
  resolve.worlds.forEach((_, worldId) => {
    const spec = qualifiedWorld(resolve, worldId);
    if (spec !== null) cases.push({ name, input: plainInput, resolve, worldId, spec });
  });
  if (resolve.worlds.length > 0) return;
  const text = isDir ? '' : readFileSync(inputPath, 'utf8');
  // Appending a world needs a top-level package header (not only nested `package x { }` blocks).
  if (!isDir && !/^\s*package\s+[^;{]+;/m.test(text)) return;
  const synth = addSynthWorld(resolve);
  if (synth === null) return;
  const spec = qualifiedWorld(resolve, synth.worldId);
  if (spec === null) return;
  const extra = synthWorldText(synth.names);
  const input = async (): Promise<WitInput> =>
    isDir ? { path: await copyCase(inputPath, extra) } : { source: text + extra };
  cases.push({ name: `${name} (synthesized world)`, input, resolve, worldId: synth.worldId, spec });
}

function key(s: DummySignature): string {
  return `${s.kind} ${s.interface ?? ''}#${s.name}`;
}

function sorted(list: DummySignature[]): DummySignature[] {
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function asDummyNames(list: CoreSignature[]): DummySignature[] {
  return list.map((s) => ({ ...s, interface: mangledInterfaceName(s.interface) }));
}

function intrinsicKey(i: DummyIntrinsic): string {
  return `${i.kind} ${i.side} ${i.interface ?? ''}#${i.resource}.${i.intrinsic}`;
}

function sortedIntrinsics(list: DummyIntrinsic[]): DummyIntrinsic[] {
  return [...list].sort((a, b) => (intrinsicKey(a) < intrinsicKey(b) ? -1 : intrinsicKey(a) > intrinsicKey(b) ? 1 : 0));
}

/** witgen's intrinsics, in the dummy module's terms. */
function witgenIntrinsics(resolve: Resolve, worldId: number): DummyIntrinsic[] {
  return sortedIntrinsics(
    resourceIntrinsics(resolve, worldId).map((i) => ({
      kind: i.kind,
      side: i.side,
      interface: mangledInterfaceName(i.interface),
      resource: i.resource,
      intrinsic: i.intrinsic,
      params: i.params,
      results: i.results,
    })),
  );
}

/** witgen's own ABI fixtures (test/abi/fixtures/*.wit): only witgen's loader resolves them. */
function fixtureWorlds(): { file: string; world: string }[] {
  const dir = path.join(here, 'fixtures');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wit'))
    .sort()
    .flatMap((file) => {
      const loaded = loadWit(path.join(dir, file), { allFeatures: true });
      return [...(loaded.resolve.packages[loaded.main[0] ?? -1]?.worlds.keys() ?? [])].map((world) => ({
        file: path.join(dir, file),
        world,
      }));
    });
}

const { cases: worlds, broken } = corpusWorlds();

describe('core signatures match wit-component dummy modules', () => {
  it('finds the conformance corpus', () => {
    expect(worlds.length).toBeGreaterThan(20);
  });

  for (const b of broken) {
    it(`${b.name}: reference Resolve JSON is readable`, () => {
      throw b.error;
    });
  }

  for (const c of worlds) {
    let reference: Promise<{ input: WitInput; expected: DummySignature[]; intrinsics: DummyIntrinsic[] }> | undefined;
    // One dummy module per world, shared by both checks.
    const dummy = () =>
      (reference ??= c.input().then(async (input) => {
        const bytes = await dummyModule(input, c.spec, ['active']);
        return { input, expected: sorted(dummySignatures(bytes)), intrinsics: sortedIntrinsics(dummyIntrinsics(bytes)) };
      }));

    it(`${c.name}: ${c.spec} (reference Resolve)`, async () => {
      const { expected, intrinsics } = await dummy();
      expect(sorted(asDummyNames(coreSignatures(c.resolve, c.worldId)))).toEqual(expected);
      expect(witgenIntrinsics(c.resolve, c.worldId)).toEqual(intrinsics);
    });

    it(`${c.name}: ${c.spec} (witgen loader, as \`witgen abi\`)`, async () => {
      const { input, expected } = await dummy();
      expect(sorted(asDummyNames(witgenSignatures(input, c.spec)))).toEqual(expected);
    });
  }
});

describe('core signatures of witgen ABI fixtures match wit-component dummy modules', () => {
  const fixtures = fixtureWorlds();
  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });
  for (const f of fixtures) {
    it(`${path.basename(f.file)}: ${f.world}`, async () => {
      const text = readFileSync(f.file, 'utf8');
      const expected = sorted(dummySignatures(await dummyModule({ source: text }, f.world)));
      const loaded = loadWitText(text, { path: f.file });
      const worldId = selectWorld(loaded, f.world);
      const actual = sorted(asDummyNames(coreSignatures(loaded.resolve, worldId)));
      expect(actual.length).toBeGreaterThan(4);
      expect(actual).toEqual(expected);
      const intrinsics = sortedIntrinsics(dummyIntrinsics(await dummyModule({ source: text }, f.world)));
      expect(intrinsics.length).toBeGreaterThan(0);
      expect(witgenIntrinsics(loaded.resolve, worldId)).toEqual(intrinsics);
    });
  }
});
