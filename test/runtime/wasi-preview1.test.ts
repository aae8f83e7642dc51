/**
 * WASI preview1 deny-by-default for core modules (CoreLinker.defineWasi,
 * src/runtime/wasi/preview1.ts) with a real wasi-libc command
 * (guests/legacy/c/wasi-probe, built by clang): what it can reach without
 * grants, with grants, and instances with different grants side by side.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreLinker, compileCoreModule, type CoreModule } from '../../src/runtime/core/linker.js';
import { WasiDeniedError, WasiExit } from '../../src/runtime/wasi/errors.js';
import type { WasiOptions } from '../../src/runtime/wasi/options.js';
import { readGuest } from '../guests/jco-host.js';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe('WASI preview1, deny-by-default (legacy wasi-probe command through CoreLinker)', () => {
  let module: CoreModule;
  let dir: string;

  beforeAll(async () => {
    module = await compileCoreModule(readGuest('guests/legacy/c/wasi-probe/wasi-probe.core.wasm'));
    dir = mkdtempSync(join(tmpdir(), 'witgen-wasi1-'));
    mkdirSync(join(dir, 'granted'));
    writeFileSync(join(dir, 'granted', 'hello.txt'), 'hello from the host\n');
    writeFileSync(join(dir, 'secret.txt'), 'not for the guest');
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'granted', 'escape'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the command once with `args` (argv[0] is added) and the other grants, capturing its output. */
  function run(args: readonly string[] | undefined, grants: WasiOptions = {}): Run {
    const out: Uint8Array[] = [];
    const err: Uint8Array[] = [];
    const linker = new CoreLinker().defineWasi({
      ...grants,
      ...(args === undefined ? {} : { args: ['wasi-probe', ...args] }),
      stdout: grants.stdout ?? ((bytes) => out.push(bytes)),
      stderr: grants.stderr ?? ((bytes) => err.push(bytes)),
    });
    const instance = linker.link(module).instantiate();
    let status = 0;
    try {
      instance.run();
    } catch (error) {
      if (!(error instanceof WasiExit)) throw error;
      status = error.exitCode;
    }
    return { status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  it('links every wasi_snapshot_preview1 import of a wasi-libc command', () => {
    expect(module.info.imports.every((imp) => imp.module === 'wasi_snapshot_preview1')).toBe(true);
    expect(() => new CoreLinker().defineWasi().link(module)).not.toThrow();
  });

  it('without grants: no arguments (the probe exits 2 through proc_exit)', () => {
    const result = run(undefined);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^usage: wasi-probe/);
  });

  it('without grants: no files, no environment, empty stdin', () => {
    expect(run(['read', '/etc/passwd'])).toEqual({ status: 1, stdout: '', stderr: 'Capabilities insufficient\n' });
    expect(run(['read', join(dir, 'secret.txt')]).stderr).toBe('Capabilities insufficient\n');
    expect(run(['env', 'PATH']).status).toBe(3);
    expect(run(['env', 'HOME']).status).toBe(3);
    expect(run(['stdin'])).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('without grants: clocks and random throw WasiDeniedError naming the function', () => {
    expect(() => run(['now'])).toThrow(WasiDeniedError);
    expect(() => run(['now'])).toThrow(/wasi_snapshot_preview1::clock_time_get.*did not grant clocks/);
    expect(() => run(['random'])).toThrow(expect.objectContaining({ code: 'WASI_DENIED', capability: 'random', func: 'wasi_snapshot_preview1::random_get' }));
    expect(() => run(['sleep', '1'])).toThrow(expect.objectContaining({ capability: 'clocks', func: 'wasi_snapshot_preview1::poll_oneoff' }));
  });

  it('with grants: clocks, sleep and random work', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const now = BigInt(run(['now'], { clocks: true }).stdout.trim());
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(BigInt(Date.now()) * 1_000_000n);
    const start = Date.now();
    expect(run(['sleep', '30'], { clocks: true }).status).toBe(0);
    expect(Date.now() - start).toBeGreaterThanOrEqual(25);
    const a = run(['random'], { random: true }).stdout;
    const b = run(['random'], { random: true }).stdout;
    expect(a).toMatch(/^[0-9a-f]{32}\n$/);
    expect(a).not.toBe(b);
  });

  it('stdout and stderr are discarded by default and reach the callback or the process when granted', () => {
    const seen: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array): boolean => {
      seen.push(Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
    try {
      const linker = new CoreLinker().defineWasi({ args: ['wasi-probe', 'print', 'dropped'] });
      linker.link(module).instantiate().run();
      expect(seen).toEqual([]);
      new CoreLinker().defineWasi({ args: ['wasi-probe', 'print', 'inherited'], stdout: 'inherit' }).link(module).instantiate().run();
    } finally {
      process.stdout.write = write;
    }
    expect(seen.join('')).toBe('inherited\n');
    expect(run(['print', 'hello ünïcödé'])).toEqual({ status: 0, stdout: 'hello ünïcödé\n', stderr: '' });
    expect(run(['eprint', 'to stderr'])).toEqual({ status: 0, stdout: '', stderr: 'to stderr' });
  });

  it('reads granted env, args and stdin', () => {
    const env = { GREETING: 'hi there', EMPTY: '' };
    expect(run(['env', 'GREETING'], { env }).stdout).toBe('hi there\n');
    expect(run(['env', 'EMPTY'], { env }).stdout).toBe('\n');
    expect(run(['env', 'PATH'], { env }).status).toBe(3);
    expect(run(['args', 'x', 'y z']).stdout).toBe('wasi-probe\nargs\nx\ny z\n');
    expect(run(['stdin'], { stdin: new TextEncoder().encode('line 1\nline 2') }).stdout).toBe('line 1\nline 2');
  });

  it('passes any granted environment and arguments through unchanged (random, unicode)', () => {
    const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,11}$/);
    const text = fc.string({ unit: 'grapheme', maxLength: 24 }).filter((t) => !t.includes('\0') && !t.includes('\n'));
    fc.assert(
      fc.property(name, text, fc.array(text, { maxLength: 4 }), (key, value, args) => {
        expect(run(['env', key], { env: { [key]: value } }).stdout).toBe(`${value}\n`);
        expect(run(['args', ...args]).stdout).toBe(['wasi-probe', 'args', ...args].map((a) => `${a}\n`).join(''));
      }),
      { numRuns: 25 },
    );
  });

  it('reads, writes, lists and removes below a preopened directory and nowhere else', () => {
    const grants = { preopens: { '/data': join(dir, 'granted') } };
    expect(run(['read', '/data/hello.txt'], grants)).toEqual({ status: 0, stdout: 'hello from the host\n', stderr: '' });
    expect(run(['read', 'data/hello.txt'], grants).stdout).toBe('hello from the host\n');
    expect(run(['read-from', '/data/hello.txt', '11'], grants).stdout).toBe('the host\n');
    expect(run(['read', '/data/missing.txt'], grants)).toEqual({ status: 1, stdout: '', stderr: 'No such file or directory\n' });
    expect(run(['write', '/data/out.txt', 'first'], grants).status).toBe(0);
    expect(run(['append', '/data/out.txt', ' second'], grants).status).toBe(0);
    expect(readFileSync(join(dir, 'granted', 'out.txt'), 'utf8')).toBe('first second');
    expect(run(['mkdir', '/data/sub'], grants).status).toBe(0);
    expect(run(['write', '/data/sub/inner.txt', 'inner'], grants).status).toBe(0);
    expect(run(['list', '/data'], grants).stdout.split('\n').filter(Boolean).sort()).toEqual(['escape', 'hello.txt', 'out.txt', 'sub']);
    expect(run(['read', '/data/sub/../sub/inner.txt'], grants).stdout).toBe('inner');
    expect(run(['rm', '/data/out.txt'], grants).status).toBe(0);
    expect(existsSync(join(dir, 'granted', 'out.txt'))).toBe(false);
    expect(run(['read', '/data/sub'], grants).stderr).toBe('Is a directory\n');
  });

  it('lists a directory larger than wasi-libc\'s readdir buffer (fd_readdir cookies)', () => {
    const big = join(dir, 'big');
    mkdirSync(big);
    const names = Array.from({ length: 300 }, (_, i) => `entry-${String(i).padStart(3, '0')}-${'x'.repeat(40)}`);
    for (const name of names) writeFileSync(join(big, name), '');
    const listed = run(['list', '/big'], { preopens: { '/big': big } }).stdout.split('\n').filter(Boolean);
    expect(listed.sort()).toEqual(names);
  });

  it('links, symlinks and sets times below a preopen; a symlink may not name a host path', () => {
    const work = join(dir, 'links');
    mkdirSync(work);
    writeFileSync(join(work, 'file.txt'), 'linked');
    const grants = { preopens: { '/w': work } };
    expect(run(['link', '/w/file.txt', '/w/hard.txt'], grants).status).toBe(0);
    expect(readFileSync(join(work, 'hard.txt'), 'utf8')).toBe('linked');
    expect(run(['symlink', 'file.txt', '/w/soft'], grants).status).toBe(0);
    expect(run(['readlink', '/w/soft'], grants).stdout).toBe('file.txt\n');
    expect(run(['read', '/w/soft'], grants).stdout).toBe('linked');
    expect(run(['symlink', join(dir, 'secret.txt'), '/w/abs'], grants).stderr).toBe('Operation not permitted\n');
    // A relative link climbing out may be created, but never followed.
    expect(run(['symlink', '../secret.txt', '/w/up'], grants).status).toBe(0);
    expect(run(['read', '/w/up'], grants).stderr).toBe('Capabilities insufficient\n');
    expect(run(['touch', '/w/file.txt', '1000000000'], grants).status).toBe(0);
    expect(run(['mtime', '/w/file.txt'], grants).stdout).toBe('1000000000\n');
  });

  it('refuses escapes from a preopen: .., symbolic links out, paths outside', () => {
    const grants = { preopens: { '/data': join(dir, 'granted') } };
    expect(run(['read', '/data/../secret.txt'], grants).stderr).toBe('Capabilities insufficient\n');
    expect(run(['read', '/data/sub/../../secret.txt'], grants).stderr).toBe('Capabilities insufficient\n');
    expect(run(['read', '/data/escape'], grants).stderr).toBe('Capabilities insufficient\n');
    expect(run(['write', '/data/escape', 'overwritten'], grants).stderr).toBe('Capabilities insufficient\n');
    expect(readFileSync(join(dir, 'secret.txt'), 'utf8')).toBe('not for the guest');
    expect(run(['read', '/secret.txt'], grants).stderr).toBe('Capabilities insufficient\n');
  });

  it('proc_exit becomes WasiExit with the status', () => {
    expect(run(['exit', '7']).status).toBe(7);
    expect(run(['exit', '0']).status).toBe(0);
  });

  it('keeps the state of instances with different grants apart', () => {
    const outA: Uint8Array[] = [];
    const linkerA = new CoreLinker().defineWasi({ args: ['p', 'stdin'], stdin: new TextEncoder().encode('for a'), stdout: (b) => outA.push(b) });
    const linkerB = new CoreLinker().defineWasi({ args: ['p', 'env', 'WHO'], env: { WHO: 'b' } });
    const a = linkerA.link(module).instantiate();
    const b = linkerB.link(module).instantiate();
    b.run();
    a.run();
    expect(Buffer.concat(outA).toString()).toBe('for a');
    // Two instances of one linker: each has its own stdin position.
    const outs: string[] = [];
    const shared = new CoreLinker().defineWasi({ args: ['p', 'stdin'], stdin: new TextEncoder().encode('same'), stdout: (bytes) => outs.push(Buffer.from(bytes).toString()) });
    const linked = shared.link(module);
    linked.instantiate().run();
    linked.instantiate().run();
    expect(outs).toEqual(['same', 'same']);
  });
});
