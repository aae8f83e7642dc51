/**
 * WASI 0.2 for components, deny-by-default, on @bytecodealliance/preview2-shim.
 *
 * The shim keeps one process-wide configuration (`_setEnv`, `_setArgs`,
 * `_setPreopens`, process stdio) and serves the host's environment, arguments
 * and stdio unless told otherwise. witgen never touches those globals: every
 * call of `wasiImportsFor` builds a fresh set of import objects closed over
 * its own grants, reusing only the shim's stateless parts (resource classes,
 * clocks, randomness, the filesystem through `createFilesystem`); stdio are
 * witgen's own streams (streams.ts), except an inherited stdin, which is the
 * shim's reader of the process's stdin. Two instances with different grants
 * therefore never see each other's.
 *
 * What a guest gets without grants:
 * - environment: no variables, no arguments, no initial cwd;
 * - filesystem: no preopened directories (so no path resolves);
 * - stdin: empty (end of stream at once); stdout/stderr: writes succeed and
 *   are discarded;
 * - clocks and random: every call throws `WasiDeniedError` (a trap for the
 *   guest call), since a fake clock or fake randomness would be silently wrong;
 * - exit: always served, as a thrown `WasiExit` (never `process.exit`);
 * - terminals: none; io (streams, poll, error): served;
 * - http: the types are served; every outgoing request fails with the error
 *   code `HTTP-request-denied` unless `http` is granted.
 * Interfaces outside that list (sockets, config...)
 * and versions other than 0.2.x are not served: the import check reports them
 * as missing.
 */
import { WasiDeniedError, WasiExit, type DeniableCapability } from './errors.js';
import { wasiGrants, type WasiGrants, type WasiOptions, type WasiOutput } from './options.js';
import { nodeShim, preloadShim, type NodeShim } from './shim.js';
import { streamClasses } from './streams.js';

export type { WasiOptions, WasiOutput } from './options.js';

type InterfaceImports = Record<string, unknown>;

/** The per-call state the interface factories share: one stdio and one filesystem per grant set. */
class Preview2Host {
  #stdin: unknown;
  #stdout: unknown;
  #stderr: unknown;
  #filesystem: ReturnType<NodeShim['filesystem']['createFilesystem']> | undefined;

  constructor(
    readonly grants: WasiGrants,
    readonly shim: NodeShim,
  ) {}

  stdin(): unknown {
    const { stdin } = this.grants;
    this.#stdin ??= stdin === 'inherit' ? this.shim.cli.stdin.getStdin() : new (streamClasses().BytesInputStream)(stdin);
    return this.#stdin;
  }

  stdout(): unknown {
    this.#stdout ??= outputStream(this.grants.stdout, process.stdout);
    return this.#stdout;
  }

  stderr(): unknown {
    this.#stderr ??= outputStream(this.grants.stderr, process.stderr);
    return this.#stderr;
  }

  filesystem(): ReturnType<NodeShim['filesystem']['createFilesystem']> {
    if (this.#filesystem === undefined) {
      const fs = this.shim.filesystem.createFilesystem({
        preopens: Object.fromEntries(this.grants.preopens.map((p) => [p.guestPath, p.hostPath])),
      });
      for (const [descriptor] of (fs.preopens['getDirectories'] as () => [object, string][])()) {
        // The shim's preopen descriptors answer get-flags with `undefined`
        // (jco's bindings coerce it to no flags; a runtime that checks host
        // results rejects it). A preopen is a readable, mutable directory.
        Object.defineProperty(descriptor, 'getFlags', { value: preopenFlags });
      }
      this.#filesystem = fs;
    }
    return this.#filesystem;
  }
}

/**
 * The guest's stdout/stderr. 'inherit' writes to the host process's stream
 * directly (as the shim's own stdio streams do), through witgen's stream
 * rather than the shim's process-wide one: that one is shared by every
 * instance, and a guest dropping it would dispose it for all of them.
 */
function outputStream(grant: WasiOutput | undefined, processStream: NodeJS.WriteStream): unknown {
  const sink = grant === 'inherit' ? (bytes: Uint8Array) => void processStream.write(bytes) : (grant ?? discard);
  return new (streamClasses().SinkOutputStream)(sink);
}

function discard(): void {}

/** wasi:filesystem/types `descriptor-flags` of a preopened directory. */
function preopenFlags(): Record<string, boolean> {
  return {
    read: true,
    write: false,
    fileIntegritySync: false,
    dataIntegritySync: false,
    requestedWriteSync: false,
    mutateDirectory: true,
  };
}

/** An interface whose every function throws `WasiDeniedError`, naming the function the guest called. */
function deniedInterface(capability: DeniableCapability, iface: string, functions: Record<string, string>): InterfaceImports {
  const imports: InterfaceImports = {};
  for (const [jsName, witName] of Object.entries(functions)) {
    imports[jsName] = () => {
      throw new WasiDeniedError(capability, `${iface}.${witName}`);
    };
  }
  return imports;
}

/** Grants-gated: the shim's interface when granted, a denying one otherwise. */
function gated(
  capability: DeniableCapability,
  iface: string,
  granted: (shim: NodeShim) => InterfaceImports,
  functions: Record<string, string>,
): (host: Preview2Host) => InterfaceImports {
  // Denying interfaces hold no state: one frozen object serves every instance.
  let denied: InterfaceImports | undefined;
  return (host) => (host.grants[capability] ? granted(host.shim) : (denied ??= Object.freeze(deniedInterface(capability, iface, functions))));
}

interface ExitStatus {
  readonly tag: 'ok' | 'err';
}

/** wasi:cli/exit: the guest's exit becomes a thrown `WasiExit`, never `process.exit`. Stateless, so shared. */
const EXIT: InterfaceImports = Object.freeze({
  exit: (status: ExitStatus): never => {
    throw new WasiExit(status.tag === 'err' ? 1 : 0);
  },
  exitWithCode: (code: number): never => {
    throw new WasiExit(code);
  },
});

/**
 * wasi:http/outgoing-handler without the `http` grant: every request fails with the error code the
 * interface defines for it, which the guest sees as an ordinary failed request (a JS guest's
 * `fetch` rejects) rather than a trap. Thrown with `payload`: the `err` of a result-returning import.
 */
const HTTP_DENIED: InterfaceImports = Object.freeze({
  handle: (): never => {
    throw Object.assign(new Error('wasi:http/outgoing-handler.handle: the host did not grant http'), {
      payload: { tag: 'HTTP-request-denied' },
    });
  },
});

const NO_TERMINAL_STDIN: InterfaceImports = Object.freeze({ getTerminalStdin: (): undefined => undefined });
const NO_TERMINAL_STDOUT: InterfaceImports = Object.freeze({ getTerminalStdout: (): undefined => undefined });
const NO_TERMINAL_STDERR: InterfaceImports = Object.freeze({ getTerminalStderr: (): undefined => undefined });

/** `package/interface` → the import object of that interface for one grant set. */
const INTERFACES: Readonly<Record<string, (host: Preview2Host) => InterfaceImports>> = {
  'cli/environment': (host) => ({
    getEnvironment: (): [string, string][] => host.grants.env.map(([key, value]) => [key, value]),
    getArguments: (): string[] => [...host.grants.args],
    initialCwd: (): undefined => undefined,
  }),
  'cli/exit': () => EXIT,
  'cli/stdin': (host) => ({ getStdin: () => host.stdin() }),
  'cli/stdout': (host) => ({ getStdout: () => host.stdout() }),
  'cli/stderr': (host) => ({ getStderr: () => host.stderr() }),
  'cli/terminal-input': (host) => ({ TerminalInput: host.shim.cli.terminalInput.TerminalInput }),
  'cli/terminal-output': (host) => ({ TerminalOutput: host.shim.cli.terminalOutput.TerminalOutput }),
  'cli/terminal-stdin': () => NO_TERMINAL_STDIN,
  'cli/terminal-stdout': () => NO_TERMINAL_STDOUT,
  'cli/terminal-stderr': () => NO_TERMINAL_STDERR,
  'clocks/wall-clock': gated('clocks', 'wasi:clocks/wall-clock', (shim) => shim.clocks.wallClock, { now: 'now', resolution: 'resolution' }),
  'clocks/monotonic-clock': gated('clocks', 'wasi:clocks/monotonic-clock', (shim) => shim.clocks.monotonicClock, {
    now: 'now',
    resolution: 'resolution',
    subscribeInstant: 'subscribe-instant',
    subscribeDuration: 'subscribe-duration',
  }),
  'filesystem/types': (host) => host.filesystem().types,
  'filesystem/preopens': (host) => host.filesystem().preopens,
  'http/types': (host) => host.shim.http.types,
  'http/outgoing-handler': (host) => (host.grants.http ? host.shim.http.outgoingHandler : HTTP_DENIED),
  'io/error': (host) => host.shim.io.error,
  'io/poll': (host) => host.shim.io.poll,
  'io/streams': (host) => host.shim.io.streams,
  'random/random': gated('random', 'wasi:random/random', (shim) => shim.random.random, {
    getRandomBytes: 'get-random-bytes',
    getRandomU64: 'get-random-u64',
  }),
  'random/insecure': gated('random', 'wasi:random/insecure', (shim) => shim.random.insecure, {
    getInsecureRandomBytes: 'get-insecure-random-bytes',
    getInsecureRandomU64: 'get-insecure-random-u64',
  }),
  'random/insecure-seed': gated('random', 'wasi:random/insecure-seed', (shim) => shim.random.insecureSeed, { insecureSeed: 'insecure-seed' }),
};

/** `wasi:cli/stdout@0.2.3` → `cli/stdout`, when it names a WASI 0.2 interface (or carries no version). */
function servedInterface(name: string): string | undefined {
  const match = /^wasi:([a-z][a-z0-9-]*)\/([a-z][a-z0-9-]*)(?:@(\d+)\.(\d+)\.\d+(?:-[0-9A-Za-z.-]+)?)?$/.exec(name);
  if (match === null) return undefined;
  const [, pkg, iface, major, minor] = match;
  if (major !== undefined && !(major === '0' && minor === '2')) return undefined;
  return `${pkg}/${iface}`;
}

/** Whether `wasiImportsFor` serves the import `name` (a WASI 0.2 interface witgen implements). */
export function isServedWasiImport(name: string): boolean {
  const key = servedInterface(name);
  return key !== undefined && key in INTERFACES;
}

/**
 * The WASI import objects for the import names of one component instance,
 * keyed by those names exactly as given (e.g. `wasi:cli/stdout@0.2.3`).
 * Names that are not WASI 0.2 interfaces witgen serves are left out.
 * Call once per instance: the result holds that instance's stdio and
 * filesystem state. Throws a `WASI_BAD_OPTIONS` WasiError for bad grants.
 */
export function wasiImportsFor(names: readonly string[], grants: WasiOptions = {}): Record<string, Record<string, unknown>> {
  const host = new Preview2Host(wasiGrants(grants), nodeShim());
  const imports: Record<string, Record<string, unknown>> = {};
  for (const name of names) {
    const key = servedInterface(name);
    const make = key === undefined ? undefined : INTERFACES[key];
    if (make !== undefined) imports[name] = make(host);
  }
  return imports;
}

/**
 * Loads preview2-shim ahead of the first `wasiImportsFor` call. Optional on
 * Node.js >= 20.19 (the shim is then loaded synchronously on first use);
 * needed before that, where a synchronous load of the ES module fails with
 * `WASI_SHIM_UNAVAILABLE`. Async hosts (e.g. an async `instantiate`) call it.
 */
export async function preloadWasi(): Promise<void> {
  await preloadShim();
}
