#!/usr/bin/env node
/**
 * Differential hunt of witgen's WIT front-end against wasm-tools (through
 * jco): bundles test/wit/differential-hunt.ts (with the wasm-tools worker
 * beside it) into .witgen-cache and runs it. Not part of CI; see that file
 * for the environment variables it reads.
 *
 *   node scripts/wit-differential.mjs
 *   DIFF_ONLY=hand DIFF_OUT=/tmp/diff.txt node scripts/wit-differential.mjs
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'tsup';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.witgen-cache', 'wit-differential');
mkdirSync(outDir, { recursive: true });
await build({
  config: false,
  entry: { 'differential-hunt': join(root, 'test/wit/differential-hunt.ts') },
  outDir,
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  splitting: false,
  dts: false,
  silent: true,
  external: ['@bytecodealliance/jco', '@bytecodealliance/preview2-shim'],
});
copyFileSync(join(root, 'test/wit/jco-world-worker.mjs'), join(outDir, 'jco-world-worker.mjs'));
process.env['WITGEN_ROOT'] = root;
await import(pathToFileURL(join(outDir, 'differential-hunt.js')).href);
