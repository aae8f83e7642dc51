/**
 * WASI permissions through generated TypeScript bindings (issue 4): the
 * wasi-probe component (guests/c/wasi-probe) instantiated by the module
 * `generateTsHost` writes for its world, with and without `options.wasi`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTsHost } from '../../src/codegen/ts-host/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import type { WasiOptions } from '../../src/runtime/wasi/options.js';
import { repoRoot } from '../cli/run-cli.js';

interface ProbeExports {
  readFile(path: string): string;
  getEnv(name: string): string | undefined;
  print(msg: string): void;
}
interface ProbeBindings {
  instantiate(source: Uint8Array, imports: object, options?: { wasi?: WasiOptions }): Promise<ProbeExports>;
}

// Inside the repo so the generated module's relative import of the runtime source resolves under vitest.
const cache = join(repoRoot, '.witgen-cache');

describe('WASI permissions through generated bindings (wasi-probe world)', () => {
  let dir: string;
  let bindings: ProbeBindings;
  const bytes = readFileSync(join(repoRoot, 'guests/c/wasi-probe/wasi-probe.component.wasm'));

  beforeAll(async () => {
    mkdirSync(cache, { recursive: true });
    dir = mkdtempSync(join(cache, 'wasi-bindings-'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'note.txt'), 'granted note');
    const loaded = loadWit(join(repoRoot, 'guests/c/wasi-probe/wasi-probe.wit'));
    const runtimeImport = relative(dir, join(repoRoot, 'src/runtime/index.js')).split('\\').join('/');
    const { files } = generateTsHost(loaded.resolve, selectWorld(loaded, 'wasi-probe'), { runtimeImport });
    const file = files[0];
    writeFileSync(join(dir, 'wasi-probe.ts'), file?.content ?? '');
    bindings = (await import(join(dir, 'wasi-probe.ts'))) as ProbeBindings;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a guest cannot read a file or an env var it was not granted', async () => {
    const probe = await bindings.instantiate(bytes, {});
    expect(() => probe.readFile('/data/note.txt')).toThrow(expect.objectContaining({ payload: 'Capabilities insufficient' }));
    expect(probe.getEnv('HOME')).toBeUndefined();
  });

  it('reads what it was granted; output reaches the host callback', async () => {
    const out: Uint8Array[] = [];
    const probe = await bindings.instantiate(bytes, {}, {
      wasi: { env: { HOME: '/home/guest' }, preopens: { '/data': join(dir, 'data') }, stdout: (chunk) => out.push(chunk) },
    });
    expect(probe.readFile('/data/note.txt')).toBe('granted note');
    expect(probe.getEnv('HOME')).toBe('/home/guest');
    probe.print('to the host');
    expect(Buffer.concat(out).toString('utf8')).toBe('to the host\n');
  });
});
