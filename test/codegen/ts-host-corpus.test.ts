/**
 * Bindings for every world of wit-parser's corpus (enumerated at test time):
 * the generated modules type-check together under `tsc --strict` (one tsc
 * process over all of them), and the WIT text each module carries resolves
 * again to a world with the same host shape, which is what the runtime
 * relies on.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hostShape, type HostShape } from '../../src/abi/host-shape.js';
import { generateTsHost } from '../../src/codegen/ts-host/index.js';
import { loadWit, loadWitAsync, loadWitText, selectWorld } from '../../src/wit/load.js';
import type { Resolve, WorldEntry, WorldId } from '../../src/wit/model.js';
import { witTypeArb } from '../abi/wit-types.js';
import { repoRoot } from '../cli/run-cli.js';
import { corpusCases, corpusRoot } from '../helpers/wit-corpus.js';
import { isServedWasiImport } from '../../src/runtime/wasi/preview2.js';

const fixtures = fileURLToPath(new URL('../fixtures/ts-host', import.meta.url));

/** The shape as plain data: keys, function names, resource members. */
function shapeSummary(shape: HostShape): unknown {
  const group = (g: HostShape['imports'][number]) => ({
    key: g.key,
    witName: g.witName,
    functions: g.functions.map((f) => f.jsName),
    resources: g.resources.map((r) => [r.jsName, r.ctor?.jsName ?? null, r.methods.map((m) => m.jsName), r.statics.map((s) => s.jsName)]),
  });
  return {
    root: [group(shape.root.imports), group(shape.root.exports)],
    imports: shape.imports.map(group),
    exports: shape.exports.map(group),
  };
}

/**
 * Many corpus cases define interfaces but no world. So that their types are
 * generated too, the main package gets one more world (on a copy of the
 * Resolve) that imports every named interface and exports the package's own.
 */
function withEveryInterfaceWorld(original: Resolve, main: number | undefined): Resolve {
  const pkg = main === undefined ? undefined : original.packages[main];
  if (main === undefined || pkg === undefined || pkg.interfaces.size === 0) return original;
  const resolve = structuredClone(original);
  const named = resolve.interfaces.flatMap((iface, id) => (iface.name === null || iface.package === null ? [] : [id]));
  const entry = (id: number): WorldEntry => ({
    key: { kind: 'interface', id },
    item: { kind: 'interface', id, stability: { kind: 'unknown' } },
  });
  let name = 'every-interface';
  while (resolve.packages[main]?.worlds.has(name)) name += '-x';
  const worldId = resolve.worlds.length;
  resolve.worlds.push({
    name,
    imports: named.map(entry),
    exports: [...pkg.interfaces.values()].map(entry),
    package: main,
    docs: null,
    stability: { kind: 'unknown' },
  });
  resolve.packages[main]?.worlds.set(name, worldId);
  return resolve;
}

const out = mkdtempSync(join(tmpdir(), 'witgen-ts-host-corpus-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('TypeScript bindings for every corpus world', () => {
  const generated: string[] = [];

  it('finds the corpus', () => {
    expect(corpusCases().length).toBeGreaterThan(0);
  });

  for (const name of corpusCases()) {
    it(`${name}: generates every world; the carried WIT resolves to the same host shape`, async () => {
      const loaded = await loadWitAsync(join(corpusRoot, name), { features: ['active'] });
      const dir = join(out, name.replace(/\.wit$/, ''));
      mkdirSync(dir, { recursive: true });
      const resolve: Resolve = withEveryInterfaceWorld(loaded.resolve, loaded.main[0]);
      resolve.worlds.forEach((world, worldId: WorldId) => {
        const { files } = generateTsHost(resolve, worldId, { runtimeImport: '../runtime.js' });
        for (const file of files) {
          const path = join(dir, `${worldId}-${file.path}`);
          writeFileSync(path, file.content);
          generated.push(path);
        }
        const text = /const WIT = \[\n([\s\S]*?)\n\]\.join/.exec(files[0]?.content ?? '')?.[1];
        expect(text, world.name).toBeDefined();
        const witLines = (text ?? '').split('\n').map((l) => (JSON.parse(`"${l.trim().slice(1, -2).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string));
        const worldName = /world: '([^']*)',/.exec(files[0]?.content ?? '')?.[1] ?? '';
        const again = loadWitText(`${witLines.join('\n')}\n`);
        const againId = selectWorld(again, worldName);
        expect(shapeSummary(hostShape(again.resolve, againId)), `${name} ${worldName}`).toEqual(
          shapeSummary(hostShape(resolve, worldId)),
        );
      });
    });
  }

  it('kitchen.wit: bindings plus a host using them (classes, plain objects, expected type errors)', () => {
    const loaded = loadWit(join(fixtures, 'kitchen.wit'));
    const { files } = generateTsHost(loaded.resolve, selectWorld(loaded), { runtimeImport: '../runtime.js' });
    mkdirSync(join(out, 'kitchen'), { recursive: true });
    for (const file of files) writeFileSync(join(out, 'kitchen', file.path), file.content);
    copyFileSync(join(fixtures, 'kitchen-host.ts.txt'), join(out, 'kitchen', 'kitchen-host.ts'));
    generated.push(join(out, 'kitchen', 'kitchen-host.ts'));
  });

  it('random worlds (fixed seed): random nested types in imported and exported functions join the run', () => {
    const funcArb = fc.array(
      fc.record({ params: fc.array(witTypeArb(), { maxLength: 3 }), result: fc.option(witTypeArb(), { nil: null }) }),
      { minLength: 1, maxLength: 4 },
    );
    const dir = join(out, 'random');
    mkdirSync(dir, { recursive: true });
    fc.sample(funcArb, { seed: 20261125, numRuns: 40 }).forEach((funcs, n) => {
      const decls = funcs.flatMap((f) => [...f.params.flatMap((p) => p.decls), ...(f.result?.decls ?? [])]);
      const sigs = funcs.map((f, i) => {
        const params = f.params.map((p, j) => `p${j}: ${p.text}`).join(', ');
        return `  f${i}: func(${params})${f.result === null ? '' : ` -> ${f.result.text}`};`;
      });
      const text = ['package rnd:ts@0.1.0;', 'interface api {', ...decls.map((d) => `  ${d}`), ...sigs, '}'];
      text.push('world w {', '  import api;', '  export run: func(x: u32);', '}', 'world v {', '  export api;', '}', '');
      const loaded = loadWitText(text.join('\n'));
      for (const world of ['w', 'v']) {
        const file = generateTsHost(loaded.resolve, selectWorld(loaded, world), { runtimeImport: '../runtime.js' }).files[0];
        const path = join(dir, `${n}-${file?.path ?? ''}`);
        writeFileSync(path, file?.content ?? '');
        generated.push(path);
      }
    });
  });

  it('the WASI 0.2 worlds (jco\'s bundled WIT: wasi:http main package, the others in deps/) join the run', () => {
    const source = join(repoRoot, 'node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12');
    const tree = join(out, 'wasi-wit');
    mkdirSync(join(tree, 'deps'), { recursive: true });
    for (const pkg of readdirSync(source)) {
      const target = pkg === 'wasi-http' ? join(tree, 'http.wit') : join(tree, 'deps', `${pkg}.wit`);
      copyFileSync(join(source, pkg, 'package.wit'), target);
    }
    const loaded = loadWit(tree);
    const main = loaded.resolve.packages[loaded.main[0] ?? -1];
    expect([...(main?.worlds.keys() ?? [])]).toContain('proxy');
    mkdirSync(join(out, 'wasi'), { recursive: true });
    for (const worldId of main?.worlds.values() ?? []) {
      // As the CLI generates them: the WASI imports witgen's runtime serves are optional keys.
      const file = generateTsHost(loaded.resolve, worldId, { runtimeImport: '../runtime.js', servedImports: isServedWasiImport }).files[0];
      const path = join(out, 'wasi', file?.path ?? '');
      writeFileSync(path, file?.content ?? '');
      generated.push(path);
    }
  });

  it('examples/plugin: the committed host and bindings join the run', () => {
    const example = join(repoRoot, 'examples/plugin');
    mkdirSync(join(out, 'example/generated'), { recursive: true });
    copyFileSync(join(example, 'host.ts'), join(out, 'example/host.ts'));
    copyFileSync(join(example, 'generated/plugin.ts'), join(out, 'example/generated/plugin.ts'));
    generated.push(join(out, 'example/host.ts'));
  });

  it('all generated modules type-check under tsc --strict (one run)', () => {
    expect(generated.length).toBeGreaterThan(0);
    // The runtime's agreed signature (test/codegen/ts-host-runtime.test.ts checks the real runtime against it).
    copyFileSync(join(fixtures, 'runtime.d.ts'), join(out, 'runtime.d.ts'));
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023'],
        types: ['node'],
        typeRoots: [join(repoRoot, 'node_modules/@types')],
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        noUnusedLocals: true,
        // The example's bindings import `witgen/runtime`: here, the agreed signature.
        paths: { 'witgen/runtime': [join(out, 'runtime.d.ts')] },
        isolatedModules: true,
        noEmit: true,
        skipLibCheck: false,
      },
      include: ['**/*.ts'],
    };
    writeFileSync(join(out, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    // ES modules, as in a project that runs the bindings on Node (top-level await in the example host).
    writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', join(out, 'tsconfig.json')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 180_000);
});
