/**
 * What `witgen build` was given: a core wasm module to wrap, or a JavaScript
 * module to build with ComponentizeJS. Wasm is told by its magic bytes, then
 * JavaScript by its extension; anything else is refused with what was expected,
 * so a TypeScript file or a typo'd path never reaches a tool that fails less
 * clearly.
 */
import { extname } from 'node:path';
import { BuildError } from './errors.js';

export type BuildInputKind = 'core-wasm' | 'javascript';

const JS_EXTENSIONS: readonly string[] = ['.js', '.mjs'];

/** Extensions of files that must be compiled to JavaScript first, with the hint for each. */
const NEEDS_COMPILING: Readonly<Record<string, string>> = {
  '.ts': 'compile it to one JavaScript module first (tsc, esbuild...), then build the .js file',
  '.mts': 'compile it to one JavaScript module first (tsc, esbuild...), then build the .mjs file',
  '.cjs': 'ComponentizeJS takes an ES module (import/export), not CommonJS; use a .js or .mjs file',
};

export function hasWasmMagic(bytes: Uint8Array): boolean {
  return bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

/** `path` names the file only for its extension and for the message. */
export function detectBuildInput(path: string, bytes: Uint8Array): BuildInputKind {
  if (hasWasmMagic(bytes)) return 'core-wasm';
  const extension = extname(path).toLowerCase();
  if (JS_EXTENSIONS.includes(extension)) return 'javascript';
  // A .wasm file without the magic goes to the core-module reader, which says what is wrong with it.
  if (extension === '.wasm') return 'core-wasm';
  const hint = NEEDS_COMPILING[extension];
  throw new BuildError(
    'BUILD_INPUT',
    `cannot build ${path}: expected a core WebAssembly module or a JavaScript ES module (${JS_EXTENSIONS.join(', ')}), ` +
      `found ${extension === '' ? 'a file without an extension' : `a ${extension} file`} that is not WebAssembly` +
      (hint === undefined ? '' : `; ${hint}`),
  );
}
