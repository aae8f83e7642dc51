/**
 * `buildJsGuest`: a JavaScript ES module + a WIT world → a component, built
 * with ComponentizeJS (the JS runs inside StarlingMonkey, snapshotted by
 * wizer; the same engine `jco componentize` drives).
 *
 * witgen loads and resolves the WIT itself and hands ComponentizeJS one WIT
 * document: every package printed into one text, the world's own package
 * first and the others (deps/) as nested `package a:b { ... }` blocks, with
 * the world named in full. ComponentizeJS cannot read WIT from disk here: it
 * reads `witPath` through preview2-shim, which grants no filesystem preopens
 * since 0.26 (that is why `jco componentize --wit` fails with "failed to get
 * path metadata").
 *
 * ComponentizeJS is loaded on the first call only: it is large, and most
 * users of witgen never build a JavaScript guest.
 */
import { loadWit, selectWorld, type LoadedWit, type WitOptions } from '../wit/load.js';
import type { WorldId } from '../wit/model.js';
import { BuildError } from './errors.js';
import { checkJsFeatures, DEFAULT_JS_FEATURES, JS_FEATURES, type JsFeature } from './js-features.js';
import { jsImportSpecifiers } from './js-imports.js';
import { cleanComponentizeMessage, isParseFailure, syntaxErrorDetail, unresolvedModule } from './js-messages.js';
import { embeddableWit } from './wit-text.js';

export interface JsBuildOptions {
  /** The guest: the text of one JavaScript ES module (bundle a multi-file guest first). */
  readonly source: string;
  /** The guest's file name, used in error messages (`plugin.js:3:7`); default `guest.js`. */
  readonly sourceName?: string;
  /** Loaded WIT, or a path to a `.wit` file or a WIT directory (with `deps/`). */
  readonly wit: LoadedWit | string;
  /** The world (`w` or `ns:pkg/w@version`); optional when the main package has one world. */
  readonly world?: string;
  /** ComponentizeJS engine features to keep; default `DEFAULT_JS_FEATURES` (`stdio` only). */
  readonly features?: readonly JsFeature[];
  /** Feature gates, used only when `wit` is a path. */
  readonly witOptions?: WitOptions;
}

export interface JsBuildResult {
  readonly component: Uint8Array;
  /** The features built in, in ComponentizeJS's order. */
  readonly features: readonly JsFeature[];
  /** The world built for, `ns:pkg/world@version`. */
  readonly world: string;
  /** The ComponentizeJS version that built it. */
  readonly componentizeVersion: string;
}

type ComponentizeModule = typeof import('@bytecodealliance/componentize-js');
type ComponentizeOptions = import('@bytecodealliance/componentize-js').ComponentizeOptions;

/** The options ComponentizeJS reads that its typings leave out or mark required. */
interface ComponentizeCall extends Omit<ComponentizeOptions, 'sourcePath'> {
  /** The name the source is written under in ComponentizeJS's work folder (and shown in its messages). */
  readonly sourceName: string;
}

export async function buildJsGuest(options: JsBuildOptions): Promise<JsBuildResult> {
  const loaded = typeof options.wit === 'string' ? loadWit(options.wit, options.witOptions) : options.wit;
  const worldId = selectWorld(loaded, options.world);
  const features = checkJsFeatures(options.features ?? DEFAULT_JS_FEATURES);
  const wit = embeddableWit(loaded.resolve, worldId);
  const sourceName = safeSourceName(options.sourceName ?? 'guest.js');

  const componentizeJs = await loadComponentize();
  const call: ComponentizeCall = {
    sourceName,
    worldName: wit.world,
    disableFeatures: JS_FEATURES.filter((feature) => !features.includes(feature)),
  };
  try {
    // The (source, witText, options) form: the only one that takes both the source and the WIT as text.
    const { component } = await componentizeJs.componentize(options.source, wit.source, asOptions(call));
    return { component: new Uint8Array(component), features, world: wit.world, componentizeVersion: componentizeJs.version };
  } catch (error) {
    throw buildFailure(error, { loaded, worldId, world: wit.world, source: options.source, sourceName });
  }
}

/**
 * The typings mark `sourcePath` required and leave out `sourceName`; with the
 * source given as text, ComponentizeJS writes it into its own work folder under
 * `sourceName` (a `sourcePath` would be overwritten with the source).
 */
function asOptions(call: ComponentizeCall): ComponentizeOptions {
  return call as unknown as ComponentizeOptions;
}

/**
 * ComponentizeJS splits the engine's start-up arguments at spaces and resolves
 * the name as a module path, so only a plain file name works there.
 */
function safeSourceName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const plain = base.replace(/[^A-Za-z0-9._-]/g, '-');
  return /\.m?js$/.test(plain) ? plain : `${plain === '' ? 'guest' : plain}.js`;
}

async function loadComponentize(): Promise<ComponentizeModule> {
  try {
    return await import('@bytecodealliance/componentize-js');
  } catch (error) {
    const wizer = `@bytecodealliance/wizer-${process.platform}-${process.arch}`;
    throw new BuildError(
      'BUILD_JS_UNAVAILABLE',
      `cannot load ComponentizeJS (@bytecodealliance/componentize-js), which builds JavaScript guests: ${firstLine(error)}\n` +
        `  hint: it runs the native wizer binary from ${wizer}, an optional dependency npm installs only on platforms ` +
        'wizer supports (and not with --omit=optional / --no-optional)',
    );
  }
}

interface FailureContext {
  readonly loaded: LoadedWit;
  readonly worldId: WorldId;
  readonly world: string;
  readonly source: string;
  readonly sourceName: string;
}

function buildFailure(error: unknown, context: FailureContext): BuildError {
  const raw = error instanceof Error ? error.message : String(error);
  const cleaned = cleanComponentizeMessage(raw);
  const parts = [cleaned];
  if (isParseFailure(raw)) {
    const detail = syntaxErrorDetail(context.source, context.sourceName);
    if (detail !== null) parts.push(detail);
  }
  const missing = unresolvedModule(raw);
  if (missing !== null) parts.push(`hint: ${importHint(missing, context)}`);
  const body = parts.join('\n').split('\n').map((line) => (line === '' ? line : `  ${line}`)).join('\n');
  return new BuildError('BUILD_JS_FAILED', `ComponentizeJS could not build ${context.sourceName} for world \`${context.world}\`:\n${body}`, [], cleaned);
}

function importHint(missing: string, context: FailureContext): string {
  const available = jsImportSpecifiers(context.loaded.resolve, context.worldId);
  const list = available.length === 0 ? 'the world imports nothing' : `it may import ${available.map((s) => `'${s}'`).join(', ')}`;
  return `the world has no import \`${missing}\`; ${list} (a world-level function by its WIT name, an interface by its full name with version)`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
