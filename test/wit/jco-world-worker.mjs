/**
 * Worker thread for the wasm-tools harness (wasm-tools.ts): asks wasm-tools
 * (through jco) about some WIT source. It runs in a worker because wasm-tools
 * can spend minutes on some inputs, and a panic leaves jco's instance unusable;
 * neither can be undone inside one thread.
 *
 * in:  { id, witSource | witPath, world?, features?, print? }
 *      witPath is a file or directory (preview2-shim >= 0.26 grants no
 *      filesystem access by default, so the path is preopened first);
 *      features is `'all'` or a list of feature names (default ['active']);
 *      print (default true) turns the embedded world into a component and
 *      prints it back as WIT; without it the answer is only whether
 *      wasm-tools resolved the text and embedded the world.
 * out: { id, wit } (print), { id, ok: true } (no print) or { id, error }
 */
import { parentPort } from 'node:worker_threads';
import { componentEmbed, componentNew, componentWit } from '@bytecodealliance/jco';
import { _addPreopen } from '@bytecodealliance/preview2-shim/filesystem';

if (!parentPort) throw new Error('jco-world-worker must run in a worker thread');
const port = parentPort;

const preopened = new Set();

port.on('message', async ({ id, witSource, witPath, world, features = ['active'], print = true }) => {
  try {
    if (witPath !== undefined && !preopened.has(witPath)) {
      _addPreopen(witPath, witPath);
      preopened.add(witPath);
    }
    const module = await componentEmbed({
      dummy: true,
      ...(witPath !== undefined ? { witPath } : { witSource }),
      ...(world !== undefined ? { world } : {}),
      features: features === 'all' ? { tag: 'all' } : { tag: 'list', val: features },
    });
    if (!print) {
      port.postMessage({ id, ok: true });
      return;
    }
    port.postMessage({ id, wit: await componentWit(await componentNew(module)) });
  } catch (error) {
    port.postMessage({ id, error: String(error) });
  }
});
