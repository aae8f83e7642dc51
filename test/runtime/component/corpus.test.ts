/**
 * Component shapes wit-component produces for a selection of conformance
 * worlds (resources in interfaces and at world level, shared and used types,
 * a types-only exported interface, overlapping imports and exports): the dummy core module
 * of each world is made a component with `buildComponent`, then witgen's
 * runtime must plan it itself (no fallback), decode the same host shape as
 * the world's (imports of interfaces the component does not use are left out
 * by wit-component), and instantiate it with host imports of that shape
 * (the dummy modules never call them: the test is about wiring, not values).
 */
import path from 'node:path';
import { componentEmbed } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { hostShape, type HostShape, type ShapeGroup } from '../../../src/abi/host-shape.js';
import { buildComponent } from '../../../src/build/build.js';
import { embeddableWit } from '../../../src/build/wit-text.js';
import { compileComponent } from '../../../src/runtime/component/index.js';
import { loadWit } from '../../../src/wit/load.js';

const corpus = path.resolve(__dirname, '../../../../shared/conformance/wit-parser');
const FILES = [
  'world-top-level-resources.wit',
  'world-top-level-funcs.wit',
  'shared-types.wit',
  'packages-multiple-nested.wit',
  'packages-nested-internal-references.wit',
  'import-export-overlap1.wit',
  'import-export-overlap2.wit',
  'world-diamond.wit',
  'world-iface-no-collide.wit',
  'world-implicit-import3.wit',
  'multi-package-gated-include.wit',
].map((f) => path.join(corpus, f));

function summary(shape: HostShape): unknown {
  const group = (g: ShapeGroup) => ({
    key: g.key,
    functions: g.functions.map((f) => f.jsName).sort(),
    resources: g.resources
      .map((r) => `${r.jsName}(${r.ctor === null ? '' : 'new'}|${r.methods.map((m) => m.jsName).sort().join(',')}|${r.statics.map((m) => m.jsName).sort().join(',')})`)
      .sort(),
  });
  const used = (g: ShapeGroup) => g.functions.length > 0 || g.resources.length > 0;
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
  return {
    rootImports: group(shape.root.imports),
    rootExports: group(shape.root.exports),
    imports: shape.imports.filter(used).map(group).sort(byKey),
    exports: shape.exports.map(group).sort(byKey),
  };
}

const cases = FILES.flatMap((file) => {
  const loaded = loadWit(file, { features: ['active'] });
  return loaded.main.flatMap((pkg) =>
    [...(loaded.resolve.packages[pkg]?.worlds.entries() ?? [])].map(([world, worldId]) => ({
      name: `${path.basename(file)}: ${world}`,
      loaded,
      worldId,
    })),
  );
});

describe('conformance worlds as components', () => {
  it.each(cases)('$name runs on witgen with the world shape', async ({ loaded, worldId }) => {
    const wit = embeddableWit(loaded.resolve, worldId);
    const core = await componentEmbed({ dummy: true, witSource: wit.source, world: wit.world, features: { tag: 'all' } });
    const { component } = await buildComponent({ core, wit: loaded, world: wit.world });
    const compiled = await compileComponent(component);
    expect(compiled.fallbackReason).toBeNull();
    const world = compiled.world;
    if (world === null) throw new Error('no world');
    expect(summary(world.shape)).toEqual(summary(hostShape(loaded.resolve, worldId)));
    // Host imports in the decoded shape (functions and classes); the dummy module never calls them.
    const imports: Record<string, unknown> = {};
    const fill = (target: Record<string, unknown>, group: ShapeGroup) => {
      for (const f of group.functions) target[f.jsName] = () => undefined;
      for (const r of group.resources) {
        const cls = class {};
        for (const m of r.methods) Object.defineProperty(cls.prototype, m.jsName, { value: () => undefined });
        for (const s of r.statics) Object.defineProperty(cls, s.jsName, { value: () => undefined });
        target[r.jsName] = cls;
      }
    };
    fill(imports, world.shape.root.imports);
    for (const group of world.shape.imports) fill((imports[group.key] = {}) as Record<string, unknown>, group);
    const exports = compiled.instantiateSync(imports);
    for (const group of world.shape.exports) expect(Object.keys(exports[group.key] as object).sort()).toEqual([...group.functions.map((f) => f.jsName), ...group.resources.map((r) => r.jsName)].sort());
  });
});
