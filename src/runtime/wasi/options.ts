/**
 * What a host grants a WASI guest. Everything is denied unless granted here;
 * the same options drive the component path (preview2.ts) and the core-module
 * path (preview1.ts).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { WasiError } from './errors.js';

/** Where a guest's output stream goes: the host process's own stream, or a callback receiving each write. */
export type WasiOutput = 'inherit' | ((bytes: Uint8Array) => void);

export interface WasiOptions {
  /** Environment variables the guest sees. Default: none (the host's `process.env` is never passed). */
  readonly env?: Readonly<Record<string, string>>;
  /** Program arguments, `argv[0]` included if the guest expects one. Default: none. */
  readonly args?: readonly string[];
  /** Guest path → host directory. The guest may read and write below each directory and nowhere else. Default: none. */
  readonly preopens?: Readonly<Record<string, string>>;
  /** What the guest reads from stdin: these bytes, or the host's stdin. Default: empty (end of stream at once). */
  readonly stdin?: Uint8Array | 'inherit';
  /** Where stdout writes go. Default: discarded (writes succeed and go nowhere). */
  readonly stdout?: WasiOutput;
  /** Where stderr writes go. Default: discarded. */
  readonly stderr?: WasiOutput;
  /** Whether the guest may read the wall and monotonic clocks. Default: false (a read throws `WasiDeniedError`). */
  readonly clocks?: boolean;
  /** Whether the guest may get random bytes. Default: false (a request throws `WasiDeniedError`). */
  readonly random?: boolean;
  /**
   * Whether the guest may send HTTP requests (wasi:http/outgoing-handler). Default: false (every
   * request fails with the wasi:http error code `HTTP-request-denied`, which the guest can handle).
   */
  readonly http?: boolean;
}

/** A preopened directory: the path the guest names it by, and the absolute host path. */
export interface Preopen {
  readonly guestPath: string;
  readonly hostPath: string;
}

/** Options checked and copied, so later changes to the caller's objects do not reach a running guest. */
export interface WasiGrants {
  readonly env: readonly (readonly [string, string])[];
  readonly args: readonly string[];
  readonly preopens: readonly Preopen[];
  readonly stdin: Uint8Array | 'inherit';
  readonly stdout: WasiOutput | undefined;
  readonly stderr: WasiOutput | undefined;
  readonly clocks: boolean;
  readonly random: boolean;
  readonly http: boolean;
}

function bad(option: string, expected: string, found: string): WasiError {
  return new WasiError('WASI_BAD_OPTIONS', `WASI option \`${option}\`: expected ${expected}, found ${found}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return `a Uint8Array of ${value.length} bytes`;
  return typeof value === 'object' ? (Array.isArray(value) ? 'an array' : 'an object') : `${typeof value} ${String(value)}`;
}

function checkString(option: string, value: unknown, what: string): string {
  if (typeof value !== 'string') throw bad(option, what, describe(value));
  if (value.includes('\0')) throw bad(option, `${what} without NUL characters`, describe(value));
  return value;
}

function checkOutput(option: string, value: unknown): WasiOutput | undefined {
  if (value === undefined || value === 'inherit' || typeof value === 'function') return value as WasiOutput | undefined;
  throw bad(option, "'inherit' or a function (bytes: Uint8Array) => void", describe(value));
}

function checkBoolean(option: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw bad(option, 'a boolean', describe(value));
  return value;
}

function checkPreopen(guestPath: string, hostPath: unknown): Preopen {
  const option = `preopens[${JSON.stringify(guestPath)}]`;
  if (guestPath === '' || guestPath.includes('\0')) throw bad('preopens', 'non-empty guest paths without NUL', describe(guestPath));
  const host = resolve(checkString(option, hostPath, 'a host directory path'));
  let isDirectory: boolean;
  try {
    isDirectory = statSync(host).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw bad(option, 'an existing host directory', `${JSON.stringify(host)} (${code})`);
  }
  if (!isDirectory) throw bad(option, 'an existing host directory', `${JSON.stringify(host)}, which is not a directory`);
  return { guestPath, hostPath: host };
}

/** A `Record<string, string>`-shaped option: a plain object (or absent). */
function checkRecord(option: string, value: unknown, what: string): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw bad(option, what, describe(value));
  }
  return value as Readonly<Record<string, unknown>>;
}

/** Checks `options` and returns the grants; throws a `WASI_BAD_OPTIONS` WasiError naming the option at fault. */
export function wasiGrants(options: WasiOptions = {}): WasiGrants {
  if (typeof options !== 'object' || options === null) throw bad('wasi', 'an object of grants', describe(options));
  const env = Object.entries(checkRecord('env', options.env, 'an object of variable names to strings')).map(([key, value]): readonly [string, string] => {
    if (key === '' || key.includes('=') || key.includes('\0')) throw bad('env', 'variable names without `=` or NUL', describe(key));
    return [key, checkString(`env.${key}`, value, 'a string')];
  });
  const argsOption: unknown = options.args ?? [];
  if (!Array.isArray(argsOption)) throw bad('args', 'an array of strings', describe(argsOption));
  const args = argsOption.map((arg: unknown, i) => checkString(`args[${i}]`, arg, 'a string'));
  const preopens = Object.entries(checkRecord('preopens', options.preopens, 'an object of guest paths to host directories')).map(([guest, host]) => checkPreopen(guest, host));
  const stdin: unknown = options.stdin ?? new Uint8Array(0);
  if (stdin !== 'inherit' && !(stdin instanceof Uint8Array)) throw bad('stdin', "a Uint8Array or 'inherit'", describe(stdin));
  return {
    env,
    args,
    preopens,
    stdin: stdin === 'inherit' ? stdin : stdin.slice(),
    stdout: checkOutput('stdout', options.stdout),
    stderr: checkOutput('stderr', options.stderr),
    clocks: checkBoolean('clocks', options.clocks),
    random: checkBoolean('random', options.random),
    http: checkBoolean('http', options.http),
  };
}
