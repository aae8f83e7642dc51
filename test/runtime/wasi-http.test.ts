/**
 * wasi:http on witgen's component runtime (src/runtime/wasi/preview2.ts): a C
 * guest built on witgen's glue for a world importing
 * wasi:http/outgoing-handler@0.2.12 (the WIT jco ships), sending one GET.
 *
 * - Without the `http` grant every request fails with the interface's own
 *   error code `HTTP-request-denied`: the guest sees a failed request, not a
 *   trap, and nothing leaves the process.
 * - With `http: true` the request goes out through preview2-shim: to a real
 *   HTTP server (in a worker thread, since the guest call blocks the main
 *   thread while it waits), and to a closed port (connection refused).
 *
 * Skipped only when clang cannot build wasm32-wasi reactors (reason in the name).
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildComponent } from '../../src/build/index.js';
import { generateCGuest } from '../../src/codegen/c-guest/index.js';
import { compileComponent, type CompiledComponent } from '../../src/runtime/component/index.js';
import { loadWit, selectWorld } from '../../src/wit/load.js';
import { clangWasm, reactorToolchainProblem } from '../helpers/wasm-clang.js';
import { errorPayload } from '../helpers/result-error.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/wasi-http');
const builtinWit = path.resolve(here, '../../node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'witgen-wasi-http-'));
const problem = reactorToolchainProblem(scratch);
const skipped = problem === null ? '' : ` [SKIPPED: ${problem}]`;

interface Probe {
  getStatus(authority: string, path: string): number;
}

/** probe.wit with the WASI 0.2.12 packages jco ships as its deps; the guest compiled on witgen's glue. */
async function probeComponent(): Promise<CompiledComponent> {
  const witDir = path.join(scratch, 'wit');
  cpSync(path.join(fixtures, 'probe.wit'), path.join(witDir, 'probe.wit'));
  for (const pkg of readdirSync(builtinWit)) cpSync(path.join(builtinWit, pkg), path.join(witDir, 'deps', pkg), { recursive: true });
  const loaded = loadWit(witDir);
  const generated = generateCGuest(loaded.resolve, selectWorld(loaded, 'probe'));
  const glue = path.join(scratch, 'glue');
  cpSync(fixtures, glue, { recursive: true });
  for (const [file, text] of generated.files) writeFileSync(path.join(glue, file), text);
  const core = path.join(scratch, 'probe.core.wasm');
  const failure = clangWasm([
    '-mexec-model=reactor', '-Wl,--no-entry', '-O1', '-Wall', '-Wextra', '-Werror', `-I${glue}`,
    path.join(glue, generated.sourceName), path.join(glue, 'probe-guest.c'), '-o', core,
  ]);
  if (failure !== null) throw new Error(`the probe guest does not compile:\n${failure}`);
  const { component } = await buildComponent({ core: new Uint8Array(readFileSync(core)), wit: loaded });
  return compileComponent(component);
}

/** An HTTP server in a worker thread answering every request with `status` and the path echoed in a header. */
async function startServer(): Promise<{ port: number; stop: () => Promise<number> }> {
  const worker = new Worker(
    `const http = require('node:http');
     const { parentPort } = require('node:worker_threads');
     const server = http.createServer((req, res) => {
       const status = Number(new URL(req.url, 'http://x').searchParams.get('status') ?? '200');
       res.writeHead(status, { 'x-path': req.url }); res.end();
     });
     server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
    { eval: true },
  );
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { port, stop: () => worker.terminate() };
}

/** A port nothing listens on: bound, read, and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(problem !== null)(`wasi:http outgoing requests of a C guest on witgen's runtime${skipped}`, () => {
  let compiled: CompiledComponent;
  let server: { port: number; stop: () => Promise<number> };
  beforeAll(async () => {
    [compiled, server] = await Promise.all([probeComponent(), startServer()]);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs on witgen, serving wasi:http/types and wasi:http/outgoing-handler itself', () => {
    expect(compiled.engine).toBe('witgen');
    expect(compiled.importNames).toEqual(expect.arrayContaining(['wasi:http/types@0.2.12', 'wasi:http/outgoing-handler@0.2.12']));
  });

  it('without the http grant, every request fails with HTTP-request-denied and reaches no server', async () => {
    const probe = compiled.instantiateSync({}) as unknown as Probe;
    const status = await closedPort();
    expect(errorPayload(() => probe.getStatus(`127.0.0.1:${server.port}`, '/?status=200'))).toBe('HTTP-request-denied');
    expect(errorPayload(() => probe.getStatus(`127.0.0.1:${status}`, '/'))).toBe('HTTP-request-denied');
  });

  it('with http granted, the request reaches the server and the guest reads its status (property)', async () => {
    const probe = compiled.instantiateSync({}, { wasi: { http: true } }) as unknown as Probe;
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304), (status) => {
        expect(probe.getStatus(`127.0.0.1:${server.port}`, `/?status=${status}`)).toBe(status);
      }),
      { numRuns: 20 },
    );
  });

  it('with http granted, a closed port fails with connection-refused', async () => {
    const probe = compiled.instantiateSync({}, { wasi: { http: true } }) as unknown as Probe;
    const port = await closedPort();
    expect(errorPayload(() => probe.getStatus(`127.0.0.1:${port}`, '/'))).toBe('connection-refused');
  });

  it('grants stay per instance: a denied instance next to a granted one is still denied', async () => {
    const granted = compiled.instantiateSync({}, { wasi: { http: true } }) as unknown as Probe;
    const denied = compiled.instantiateSync({}) as unknown as Probe;
    expect(granted.getStatus(`127.0.0.1:${server.port}`, '/?status=201')).toBe(201);
    expect(errorPayload(() => denied.getStatus(`127.0.0.1:${server.port}`, '/?status=201'))).toBe('HTTP-request-denied');
  });

  it('rejects a malformed http grant, naming the option', () => {
    expect(() => compiled.instantiateSync({}, { wasi: { http: 'yes' as unknown as boolean } })).toThrow(
      /WASI option `http`: expected a boolean, found "yes"/,
    );
  });
});
