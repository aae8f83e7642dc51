/**
 * No false alarms: for every world of the conformance corpus (and the ABI
 * fixture world covering every type kind), the dummy core module that
 * wit-component generates for the world — embedded from the WIT text
 * `witgen build` prints, so the printing is checked too — passes witgen's
 * pre-checks (in the `cm32p2` naming scheme that dummy modules use),
 * dropping one of its exports is reported, and `buildComponent` turns it
 * into a component.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { componentEmbed } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { readCoreModule } from '../../src/binary/reader.js';
import { buildComponent } from '../../src/build/build.js';
import { checkModule } from '../../src/build/check.js';
import { expectedInterface } from '../../src/build/expected.js';
import { detectScheme } from '../../src/build/mangling.js';
import { embeddableWit } from '../../src/build/wit-text.js';
import { loadWit, type LoadedWit } from '../../src/wit/load.js';
import type { WorldId } from '../../src/wit/model.js';

const corpus = path.resolve(__dirname, '../../../shared/conformance/wit-parser');
const fixture = path.resolve(__dirname, '../abi/fixtures/abi-kinds.wit');

interface WorldCase {
  readonly name: string;
  readonly loaded: LoadedWit;
  readonly worldId: WorldId;
}

function worldsOf(name: string, file: string): WorldCase[] {
  let loaded: LoadedWit;
  try {
    loaded = loadWit(file, { features: ['active'] });
  } catch {
    // Cases the loader rejects (e.g. wasm-encoded deps) are covered by the WIT tests.
    return [];
  }
  return loaded.main.flatMap((pkg) =>
    [...(loaded.resolve.packages[pkg]?.worlds.entries() ?? [])].map(([world, worldId]) => ({
      name: `${name}: ${world}`,
      loaded,
      worldId,
    })),
  );
}

function cases(): WorldCase[] {
  const entries = readdirSync(corpus)
    .filter((entry) => !entry.endsWith('.json') && !entry.endsWith('.result') && entry !== 'parse-fail')
    .sort();
  return [
    ...entries.flatMap((entry) => worldsOf(entry, path.join(corpus, entry))),
    ...worldsOf('abi-kinds.wit', fixture),
  ];
}

const all = cases();

/**
 * Worlds WIT allows but components do not: wasm-tools refuses them when
 * creating the component, and `buildComponent` reports that as BUILD_WASM_TOOLS.
 */
const NOT_COMPONENTS: Record<string, RegExp> = {
  'union-fuzz-2.wit: bar': /record type must have at least one field/,
  'abi-kinds.wit: everything': /cannot have more than 32 flags/,
};

/** `ns:pkg/world@version`, which selects the world whatever package is main. */
function worldSpec(c: WorldCase): string {
  return embeddableWit(c.loaded.resolve, c.worldId).world;
}

async function dummyFor(c: WorldCase): Promise<Uint8Array> {
  const wit = embeddableWit(c.loaded.resolve, c.worldId);
  return componentEmbed({ dummy: true, witSource: wit.source, world: wit.world, features: { tag: 'all' } });
}

describe('dummy modules of wit-component pass the pre-checks', () => {
  it('finds the worlds', () => {
    expect(all.length).toBeGreaterThan(30);
  });

  for (const c of all) {
    it(c.name, async () => {
      const info = readCoreModule(await dummyFor(c));
      expect(detectScheme(info)).toBe('cm32p2');
      const expected = expectedInterface(c.loaded.resolve, c.worldId, 'cm32p2');
      expect(checkModule(info, expected).problems).toEqual([]);

      // Every required export exists in the dummy, and removing one is caught.
      const required = [...expected.exports.values()].filter((e) => e.required);
      for (const want of required) expect(info.exports.some((e) => e.name === want.name)).toBe(true);
      const dropped = required[0];
      if (dropped !== undefined) {
        const without = { ...info, exports: info.exports.filter((e) => e.name !== dropped.name) };
        expect(checkModule(without, expected).problems.map((p) => [p.kind, p.item])).toEqual([['missing-export', dropped.name]]);
      }
    });

    // wit-component (in jco's wasm build) takes minutes on the `stress-*` worlds.
    const build = c.name.startsWith('stress-') ? it.skip : it;
    build(`${c.name} (buildComponent)`, async () => {
      const invalid = NOT_COMPONENTS[c.name];
      const building = buildComponent({ core: await dummyFor(c), wit: c.loaded, world: worldSpec(c) });
      if (invalid !== undefined) {
        await expect(building).rejects.toMatchObject({ code: 'BUILD_WASM_TOOLS', message: expect.stringMatching(invalid) });
        return;
      }
      const { component, adapter } = await building;
      expect(adapter).toBeNull();
      expect(component.length).toBeGreaterThan(8);
    });
  }
});
