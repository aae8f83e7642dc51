/**
 * The WASI preview1 adapters that ship inside jco: a core module importing
 * `wasi_snapshot_preview1` becomes a component only together with one of
 * them. A module exporting `_start` is a command; anything else a reactor.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export type AdapterKind = 'reactor' | 'command';

export async function loadPreview1Adapter(kind: AdapterKind): Promise<Uint8Array> {
  const jco = await import('@bytecodealliance/jco');
  const url = kind === 'command' ? jco.preview1AdapterCommandPath() : jco.preview1AdapterReactorPath();
  return new Uint8Array(await readFile(fileURLToPath(url)));
}
