/**
 * The bytes of a component source: bytes, an ArrayBuffer, a file path or a
 * `file:` URL.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ComponentInputError } from './errors.js';

export type BinarySource = Uint8Array | ArrayBuffer | string | URL;

export async function readSource(source: BinarySource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  let path: string;
  if (source instanceof URL) {
    if (source.protocol !== 'file:') {
      throw new ComponentInputError('COMPONENT_SOURCE', `expected a file: URL for the component, found ${source.protocol} (${source.href})`);
    }
    path = fileURLToPath(source);
  } else if (typeof source === 'string') {
    path = source.startsWith('file:') ? fileURLToPath(source) : source;
  } else {
    throw new ComponentInputError(
      'COMPONENT_SOURCE',
      `expected the component as a Uint8Array, ArrayBuffer, file path, file: URL or compiled component, found ${typeof source}`,
    );
  }
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ComponentInputError('COMPONENT_SOURCE', `cannot read the component at ${path}: ${detail}`, { cause: error });
  }
}
