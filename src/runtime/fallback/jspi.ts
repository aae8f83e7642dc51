/**
 * jco 1.35's transpiled code passes every async-lifted export through
 * `WebAssembly.promising` when it instantiates, and wraps async host imports,
 * blocking waits and cancels in `new WebAssembly.Suspending(...)`: both are
 * JSPI, which Node 20 lacks. A callback-ABI export never suspends (jco's own
 * loop drives its callback), and for a callee that never reaches a
 * `Suspending` import `promising(f)` only means "call f, return a promise of
 * its result". So while jco instantiates on an engine without JSPI,
 * `WebAssembly.promising` is that; nothing stands in for `Suspending`, so a
 * component that needs to suspend still fails, and `explainJspiFailure` says
 * why. The global is put back as soon as the last overlapping instantiation
 * ends.
 */

type AnyFunction = (...args: unknown[]) => unknown;
const webAssembly = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;

let active = 0;

function promisingStandIn(f: AnyFunction): AnyFunction {
  return async (...args: unknown[]) => f(...args);
}

/** Runs jco's `instantiate` with a `promising` for callees that never suspend, when the engine has none. */
export async function withoutJspi<T>(instantiate: () => Promise<T>): Promise<T> {
  const install = active > 0 || webAssembly['promising'] === undefined;
  if (!install) return instantiate();
  if (active++ === 0) webAssembly['promising'] = promisingStandIn;
  try {
    return await instantiate();
  } finally {
    if (--active === 0) delete webAssembly['promising'];
  }
}

/** A sentence for a jco instantiation that failed for want of JSPI, or null for any other failure. */
export function explainJspiFailure(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  if (!/WebAssembly\.(Suspending|promising)\b/.test(message)) return null;
  return (
    `the component suspends (an async import, a blocking wait or a cancel), which jco runs only with JSPI ` +
    `(WebAssembly.Suspending), and this engine (Node ${process.versions.node}) has none; async exports with the ` +
    `callback ABI, streams and futures run without it (jco said: ${message})`
  );
}
