/**
 * The engine features ComponentizeJS can build into a JavaScript guest, and
 * which ones witgen keeps by default.
 *
 * ComponentizeJS keeps all five unless told otherwise. witgen keeps only
 * `stdio`: its runtime is deny-by-default, and a guest built with `clocks`
 * reads the monotonic clock on every export call, so a default ComponentizeJS
 * build fails on witgen (`WasiDeniedError`) unless the host grants clocks.
 * `stdio` costs the host nothing: without a `stdout`/`stderr` grant the
 * writes are discarded, and without the feature `console.log` prints nowhere.
 */
import { BuildError } from './errors.js';

export type JsFeature = 'stdio' | 'random' | 'clocks' | 'http' | 'fetch-event';

/** Every feature ComponentizeJS 0.22 knows, in its own order. */
export const JS_FEATURES: readonly JsFeature[] = ['stdio', 'random', 'clocks', 'http', 'fetch-event'];

/** What `buildJsGuest` keeps when no features are given. */
export const DEFAULT_JS_FEATURES: readonly JsFeature[] = ['stdio'];

/** What each feature gives the guest, for help texts and error messages. */
export const JS_FEATURE_USES: Readonly<Record<JsFeature, string>> = {
  stdio: 'console.log/console.error and uncaught errors to WASI stdout/stderr',
  random: 'Math.random() and crypto.getRandomValues() from wasi:random',
  clocks: 'Date.now() and performance.now() from wasi:clocks (read on every export call)',
  http: 'fetch() over wasi:http/outgoing-handler',
  'fetch-event': 'a fetch event handler exported as wasi:http/incoming-handler',
};

export function isJsFeature(name: string): name is JsFeature {
  return (JS_FEATURES as readonly string[]).includes(name);
}

/** Checks a feature list (from JS callers, whose types are not checked) and removes repeats. */
export function checkJsFeatures(features: readonly string[]): JsFeature[] {
  const unknown = features.filter((name) => !isJsFeature(name));
  if (unknown.length > 0) {
    throw new BuildError(
      'BUILD_INPUT',
      `unknown JavaScript guest feature ${unknown.map((name) => `\`${name}\``).join(', ')}: expected some of ${JS_FEATURES.join(', ')}`,
    );
  }
  return JS_FEATURES.filter((name) => features.includes(name));
}
