/**
 * One cold measurement, run in a fresh Node process by run.mjs: how long the
 * first `loadWit` of the tree takes, with the library already imported.
 * Prints one JSON line: { importMs, firstMs }.
 */
const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/cold.mjs <wit-dir>');
const t0 = performance.now();
const { loadWit } = await import('../dist/index.js');
const t1 = performance.now();
loadWit(dir);
const t2 = performance.now();
process.stdout.write(`${JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1 })}\n`);
