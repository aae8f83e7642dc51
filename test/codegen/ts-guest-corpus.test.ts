/**
 * Guest declarations for every world of wit-parser's corpus (enumerated at
 * test time), plus one world per case importing every named interface and
 * exporting the main package's: each world either yields declarations that
 * type-check under strict settings together with a guest module checked
 * against `<World>Guest`, or is refused with TSGUEST_UNSUPPORTED, and then
 * (checked here independently) it has an async function or a stream,
 * future, map or fixed-length list that ComponentizeJS 0.22 cannot build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pascalCase } from '../../src/abi/host-shape.js';
import { generateTsGuest, TsGuestError } from '../../src/codegen/ts-guest/index.js';
import { loadWitAsync } from '../../src/wit/load.js';
import type { Func, Resolve, Type, WorldEntry, WorldId } from '../../src/wit/model.js';
import { formatDiagnostics, typecheckEach } from '../fixtures/ts-guest/typecheck.js';
import { corpusCases, corpusRoot } from '../helpers/wit-corpus.js';

/**
 * Adds, on a copy, a world that imports every named interface and exports
 * the main package's (so interfaces no corpus world uses are generated too,
 * and interfaces both imported and exported are covered).
 */
function withInterfaceWorld(original: Resolve, main: number | undefined): Resolve {
  const pkg = main === undefined ? undefined : original.packages[main];
  if (main === undefined || pkg === undefined || pkg.interfaces.size === 0) return original;
  const resolve = structuredClone(original);
  const entry = (id: number): WorldEntry => ({ key: { kind: 'interface', id }, item: { kind: 'interface', id, stability: { kind: 'unknown' } } });
  const named = resolve.interfaces.flatMap((iface, id) => (iface.name === null || iface.package === null ? [] : [id]));
  let worldName = 'all-interfaces';
  while (resolve.packages[main]?.worlds.has(worldName)) worldName += '-x';
  resolve.packages[main]?.worlds.set(worldName, resolve.worlds.length);
  resolve.worlds.push({
    name: worldName,
    imports: named.map(entry),
    exports: [...pkg.interfaces.values()].map(entry),
    package: main,
    docs: null,
    stability: { kind: 'unknown' },
  });
  return resolve;
}

/** Whether a world has something ComponentizeJS 0.22 cannot build (the oracle for TSGUEST_UNSUPPORTED). */
function unbuildable(resolve: Resolve, worldId: WorldId): boolean {
  const world = resolve.worlds[worldId];
  const seen = new Set<number>();
  const bad = (type: Type): boolean => {
    if (typeof type === 'string' || seen.has(type)) return false;
    seen.add(type);
    const kind = resolve.types[type]?.kind;
    if (kind === undefined) return false;
    if (['stream', 'future', 'map', 'fixed-length-list'].includes(kind.kind)) return true;
    return Object.values(kind).some((v) => (typeof v === 'number' ? bad(v) : Array.isArray(v) ? v.some((x) => (typeof x === 'number' ? bad(x) : typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'number' && bad((x as { type: number }).type))) : false));
  };
  const funcBad = (f: Func): boolean => f.async || f.params.some((p) => bad(p.type)) || (f.result !== null && bad(f.result));
  const entryBad = (e: WorldEntry): boolean =>
    e.item.kind === 'function'
      ? funcBad(e.item.func)
      : e.item.kind === 'interface' && [...(resolve.interfaces[e.item.id]?.functions.values() ?? [])].some(funcBad);
  return world !== undefined && [...world.imports, ...world.exports].some(entryBad);
}

const out = mkdtempSync(join(tmpdir(), 'witgen-ts-guest-corpus-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('guest declarations for every corpus world', () => {
  const sets: { label: string; files: Record<string, string> }[] = [];

  it('finds the corpus', () => {
    expect(corpusCases().length).toBeGreaterThan(0);
  });

  for (const name of corpusCases()) {
    it(`${name}: every world is generated deterministically, or refused because ComponentizeJS cannot build it`, async () => {
      const loaded = await loadWitAsync(join(corpusRoot, name), { features: ['active'] });
      const resolve = withInterfaceWorld(loaded.resolve, loaded.main[0]);
      resolve.worlds.forEach((world, worldId) => {
        if (world.package === null) return;
        let output: ReturnType<typeof generateTsGuest>;
        try {
          output = generateTsGuest(resolve, worldId);
        } catch (error) {
          expect(error, `${name} ${world.name}`).toBeInstanceOf(TsGuestError);
          expect((error as TsGuestError).code).toBe('TSGUEST_UNSUPPORTED');
          expect(unbuildable(resolve, worldId), `${name} ${world.name}`).toBe(true);
          return;
        }
        expect(unbuildable(resolve, worldId), `${name} ${world.name}`).toBe(false);
        expect(generateTsGuest(resolve, worldId)).toEqual(output);
        const file = output.files[0];
        // No `any` in the code (prose in comments may say "any").
        const code = (file?.content ?? '').replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
        expect(code).not.toMatch(/\bany\b/);
        // A guest module that only checks itself: its type is `{}`, so the check passes exactly when
        // `<World>Guest` requires nothing, and otherwise must report the missing exports.
        const guest = [
          `import type { ${output.guestModuleType} } from '${output.worldModule}';`,
          `export type Checked = ${output.guestModuleType}<typeof import('./guest.js')>;`,
          '',
        ].join('\n');
        sets.push({ label: `${name} ${world.name} (${pascalCase(world.name)})`, files: { [file?.path ?? 'w.d.ts']: file?.content ?? '', 'guest.ts': guest } });
      });
    });
  }

  it('all generated declarations type-check under strict settings; an empty guest fails exactly when the world has exports', () => {
    expect(sets.length).toBeGreaterThan(40);
    const results = typecheckEach(sets.map((s) => s.files), out);
    const problems: string[] = [];
    results.forEach((diagnostics, i) => {
      const set = sets[i];
      if (set === undefined) return;
      const inDts = diagnostics.filter((d) => d.file !== 'guest.ts');
      if (inDts.length > 0) problems.push(`${set.label}:\n${formatDiagnostics(inDts)}`);
      const dts = Object.values(set.files)[0] ?? '';
      const needsExports = /export interface \w+Guest \{\n\s+\S/.test(dts) && !/export interface \w+Guest \{\n\s+\}/.test(dts);
      const inGuest = diagnostics.filter((d) => d.file === 'guest.ts');
      if (needsExports !== inGuest.some((d) => d.code === 2344)) {
        problems.push(`${set.label}: expected ${needsExports ? 'a missing-export error' : 'no error'}, found:\n${formatDiagnostics(inGuest)}`);
      }
    });
    expect(problems.join('\n\n')).toBe('');
  }, 300_000);
});
