/**
 * Worker thread for printer.test.ts: asks wasm-tools (through jco) how it sees
 * one world of some WIT source — a dummy core module for the world, made into
 * a component, printed back as WIT. It runs in a worker because wasm-tools can
 * spend minutes on some inputs and a call cannot be interrupted otherwise.
 *
 * in:  { id, witSource, world } or { id, witPath, world } (a file or directory;
 *      preview2-shim >= 0.26 grants no filesystem access by default, so the
 *      path is preopened first)
 * out: { id, wit } or { id, error }
 */
import { parentPort } from 'node:worker_threads';
import { componentEmbed, componentNew, componentWit } from '@bytecodealliance/jco';
import { _addPreopen } from '@bytecodealliance/preview2-shim/filesystem';

if (!parentPort) throw new Error('jco-world-worker must run in a worker thread');
const port = parentPort;

const preopened = new Set();

port.on('message', async ({ id, witSource, witPath, world }) => {
  try {
    if (witPath !== undefined && !preopened.has(witPath)) {
      _addPreopen(witPath, witPath);
      preopened.add(witPath);
    }
    const module = await componentEmbed({
      dummy: true,
      ...(witPath !== undefined ? { witPath } : { witSource }),
      world,
      features: { tag: 'list', val: ['active'] },
    });
    port.postMessage({ id, wit: await componentWit(await componentNew(module)) });
  } catch (error) {
    port.postMessage({ id, error: String(error) });
  }
});
