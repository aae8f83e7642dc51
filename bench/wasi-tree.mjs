/**
 * Lays out the WASI 0.2 WIT that ships inside jco as one WIT directory:
 * wasi:http is the main package, every other WASI package sits in deps/.
 * This is the layout both witgen (`loadWit`) and jco (`types`) read.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = 'wasi-http';

/** The folder holding jco's bundled WASI 0.2.12 WIT packages (one folder per package). */
export function wasiSourceDir() {
  // The package entry is <jco>/dist/api.js; the WIT lives in <jco>/lib/wit.
  const entry = fileURLToPath(import.meta.resolve('@bytecodealliance/jco'));
  return join(dirname(dirname(entry)), 'lib', 'wit', 'builtin', '0.2.12');
}

/** Creates the directory in the system temp folder and returns its path. */
export function createWasiTree() {
  const source = wasiSourceDir();
  const root = mkdtempSync(join(tmpdir(), 'witgen-bench-wasi-'));
  const deps = join(root, 'deps');
  mkdirSync(deps);
  for (const pkg of readdirSync(source)) {
    const from = join(source, pkg, 'package.wit');
    const name = pkg.replace(/^wasi-/, '');
    copyFileSync(from, pkg === MAIN ? join(root, `${name}.wit`) : join(deps, `${name}.wit`));
  }
  return root;
}
