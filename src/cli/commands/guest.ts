/**
 * `witgen guest c <path> --world W --out DIR`: writes the C glue of a world
 * (`<world>.h`, `<world>.c`) for a guest written in C, and with `--skeleton`
 * a `<world>_impl.c` skeleton (empty bodies) of everything the guest must implement.
 *
 * `witgen guest ts <path> --world W --out DIR`: writes `<world>.d.ts`, the
 * declarations a TypeScript guest built with ComponentizeJS compiles against
 * (src/codegen/ts-guest).
 *
 * With `--abi legacy`, a plain `extern "C"` core module instead of a component:
 * `witgen guest c` writes only `<world>.h` and `witgen guest rust` writes
 * `<world>.rs` (src/codegen/legacy). Rust guests exist only for the legacy ABI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { collectFeatures } from '../options.js';
import { CGuestError, generateCGuest, type CGuestFiles } from '../../codegen/c-guest/index.js';
import { renderGuestSkeleton } from '../../codegen/c-guest/skeleton.js';
import {
  generateLegacyCHeader,
  generateLegacyRustModule,
  LegacyGuestError,
  type LegacyFile,
  type LegacyPlanOptions,
} from '../../codegen/legacy/index.js';
import { generateTsGuest } from '../../codegen/ts-guest/index.js';
import type { Resolve, WorldId } from '../../wit/model.js';
import { loadWit, selectWorld, type WitOptions } from '../../wit/load.js';

export interface GuestCOptions {
  /** The world; may be left out when the main package has exactly one. */
  readonly world?: string;
  readonly features?: readonly string[];
  readonly allFeatures?: boolean;
  readonly stringEncoding?: 'utf8' | 'utf16';
  /** Also produce `<world>_impl.c` with an empty implementation of every export. */
  readonly skeleton?: boolean;
  /** `K=V` pairs: C prefix V for the world entry named K. */
  readonly rename?: readonly string[];
  /** The world's name in C names and file names. */
  readonly renameWorld?: string;
  /** Export adapters drop borrows of imported resources after the call (`yes`/`no`, default no). */
  readonly autodropBorrows?: 'yes' | 'no';
  /** `component` (default): glue for a component; `legacy`: a header for a plain extern "C" core module. */
  readonly abi?: GuestAbi;
  /** Legacy ABI: the import module of the world's imports (default `env`). */
  readonly importModule?: string;
  /** Legacy ABI: `K=V` pairs giving WIT function K (or `iface#func`) the core symbol V. */
  readonly symbol?: readonly string[];
}

export type GuestAbi = 'component' | 'legacy';

export type GuestRustOptions = Pick<GuestCOptions, 'world' | 'features' | 'allFeatures' | 'abi' | 'importModule' | 'symbol'>;

/** Loads the WIT and generates the glue, without touching the filesystem otherwise. Throws WitError / CGuestError. */
export function guestC(path: string, options: GuestCOptions = {}): Map<string, string> {
  const witOptions: WitOptions = { features: options.features ?? [], allFeatures: options.allFeatures ?? false };
  const loaded = loadWit(path, witOptions);
  const worldId = selectWorld(loaded, options.world);
  if (options.abi === 'legacy') {
    const componentOnly = [
      options.skeleton === true ? '--skeleton' : null,
      options.stringEncoding === undefined ? null : '--string-encoding',
      (options.rename ?? []).length > 0 ? '--rename' : null,
      options.renameWorld === undefined ? null : '--rename-world',
      options.autodropBorrows === undefined ? null : '--autodrop-borrows',
    ].filter((o) => o !== null);
    if (componentOnly.length > 0) {
      throw new LegacyGuestError(
        'LEGACY_OPTION',
        `\`--abi legacy\` writes only <world>.h: expected none of ${componentOnly.join(', ')} (they apply to component glue)`,
      );
    }
    return legacyFiles(loaded.resolve, worldId, options, generateLegacyCHeader);
  }
  const renames = Object.fromEntries((options.rename ?? []).map(parseRename));
  const generated: CGuestFiles = generateCGuest(loaded.resolve, worldId, {
    renames,
    ...(options.stringEncoding === undefined ? {} : { stringEncoding: options.stringEncoding }),
    ...(options.renameWorld === undefined ? {} : { worldName: options.renameWorld }),
    autodropBorrows: options.autodropBorrows === 'yes',
  });
  const files = new Map(generated.files);
  if (options.skeleton) {
    const implName = generated.sourceName.replace(/\.c$/, '_impl.c');
    files.set(implName, renderGuestSkeleton(generated.headerName, generated.guestImplements));
  }
  return files;
}

/** The Rust module of a legacy guest (`<world>.rs`); any other ABI is a LEGACY_OPTION error. */
export function guestRust(path: string, options: GuestRustOptions = {}): Map<string, string> {
  if (options.abi !== 'legacy') {
    throw new LegacyGuestError(
      'LEGACY_OPTION',
      `witgen guest rust: expected \`--abi legacy\`, found ${options.abi === undefined ? 'no --abi' : `\`--abi ${options.abi}\``}: ` +
        'Rust guests are generated only for the legacy C ABI (for components, use wit-bindgen)',
    );
  }
  const loaded = loadWit(path, { features: options.features ?? [], allFeatures: options.allFeatures ?? false });
  return legacyFiles(loaded.resolve, selectWorld(loaded, options.world), options, generateLegacyRustModule);
}

function legacyFiles(
  resolve: Resolve,
  worldId: WorldId,
  options: GuestRustOptions,
  generate: (resolve: Resolve, worldId: WorldId, options: LegacyPlanOptions) => LegacyFile,
): Map<string, string> {
  const names = Object.fromEntries((options.symbol ?? []).map((pair) => parsePair(pair, '--symbol', 'just-add=add64')));
  const file = generate(resolve, worldId, {
    names,
    ...(options.importModule === undefined ? {} : { importModule: options.importModule }),
  });
  return new Map([[file.name, file.text]]);
}

export type GuestTsOptions = Pick<GuestCOptions, 'world' | 'features' | 'allFeatures'>;

/** The declarations of a ComponentizeJS guest (`<world>.d.ts`). Throws WitError / TsGuestError. */
export function guestTs(path: string, options: GuestTsOptions = {}): Map<string, string> {
  const loaded = loadWit(path, { features: options.features ?? [], allFeatures: options.allFeatures ?? false });
  const { files } = generateTsGuest(loaded.resolve, selectWorld(loaded, options.world));
  return new Map(files.map((file) => [file.path, file.content]));
}

/** Everything `witgen guest ts` does; returns the paths written. */
export function guestTsCommand(path: string, outDir: string, options: GuestTsOptions = {}): string[] {
  return writeFiles(guestTs(path, options), outDir);
}

/** Everything `witgen guest c` does: generates and writes the files into `outDir`; returns the paths written. */
export function guestCCommand(path: string, outDir: string, options: GuestCOptions = {}): string[] {
  return writeFiles(guestC(path, options), outDir);
}

/** Everything `witgen guest rust` does; returns the paths written. */
export function guestRustCommand(path: string, outDir: string, options: GuestRustOptions = {}): string[] {
  return writeFiles(guestRust(path, options), outDir);
}

function writeFiles(files: ReadonlyMap<string, string>, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of files) {
    const target = join(outDir, name);
    writeFileSync(target, text);
    written.push(target);
  }
  return written;
}

function parseRename(pair: string): [string, string] {
  const eq = pair.indexOf('=');
  if (eq <= 0 || eq === pair.length - 1) {
    throw new CGuestError('CGUEST_OPTION', `\`--rename ${pair}\` must have the form K=V (e.g. \`--rename ns:pkg/iface=mine\`)`);
  }
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

function parsePair(pair: string, option: string, example: string): [string, string] {
  const eq = pair.indexOf('=');
  if (eq <= 0 || eq === pair.length - 1) {
    throw new LegacyGuestError('LEGACY_OPTION', `\`${option} ${pair}\` must have the form K=V (e.g. \`${option} ${example}\`)`);
  }
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

function parseAbi(value: string): GuestAbi {
  if (value !== 'component' && value !== 'legacy') throw new InvalidArgumentError('expected component or legacy');
  return value;
}

function collectRenames(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseYesNo(value: string): 'yes' | 'no' {
  if (value !== 'yes' && value !== 'no') throw new InvalidArgumentError('expected yes or no');
  return value;
}

function parseEncoding(value: string): 'utf8' | 'utf16' {
  if (value !== 'utf8' && value !== 'utf16') {
    throw new InvalidArgumentError('expected utf8 or utf16 (compact-utf16 is not supported for C guests)');
  }
  return value;
}

interface GuestCCliOptions extends GuestCOptions {
  readonly out: string;
}

export function registerGuestCommand(program: Command): void {
  const guest = program.command('guest').description('generate guest-side glue code for a WIT world');
  guest
    .command('c')
    .description('write <world>.h and <world>.c: C types, import wrappers and export adapters (wit-bindgen C conventions)')
    .argument('<path>', 'a .wit file, or a directory of .wit files with an optional deps/ folder')
    .option('-w, --world <name>', 'the world (`w` or `ns:pkg/w@version`); optional if there is only one')
    .requiredOption('-o, --out <dir>', 'the directory to write the files into')
    .option('--string-encoding <encoding>', 'how strings are encoded: utf8 (default) or utf16; pass the same to `witgen build`', parseEncoding)
    .option('--rename <K=V>', 'use C prefix V for the interface K (`ns:pkg/iface@v` or a plain name); repeatable', collectRenames, [])
    .option('--rename-world <name>', "the world's name in C names and file names")
    .option('--autodrop-borrows <yes|no>', 'accepted for wit-bindgen compatibility; the glue works with guests written for either mode (it drops the borrows a guest leaves after an export returns)', parseYesNo)
    .option('--skeleton', 'also write <world>_impl.c, an empty implementation of every export')
    .option('--features <names>', 'enable @unstable features (comma-separated, repeatable)', collectFeatures, [])
    .option('--all-features', 'enable every @unstable feature')
    .option('--abi <abi>', 'component (default), or legacy: only <world>.h, for a plain extern "C" core module', parseAbi)
    .option('--import-module <name>', 'legacy ABI: the import module of the world imports (default env)')
    .option('--symbol <K=V>', 'legacy ABI: core symbol V for WIT function K (or iface#func); repeatable', collectRenames, [])
    .action((path: string, options: GuestCCliOptions) => {
      const written = guestCCommand(path, options.out, options);
      process.stdout.write(written.map((file) => `wrote ${file}\n`).join(''));
    });
  guest
    .command('rust')
    .description('with --abi legacy: write <world>.rs, the #[repr(C)] types, imports and export checks of a legacy Rust guest')
    .argument('<path>', 'a .wit file, or a directory of .wit files with an optional deps/ folder')
    .option('-w, --world <name>', 'the world (`w` or `ns:pkg/w@version`); optional if there is only one')
    .requiredOption('-o, --out <dir>', 'the directory to write the file into')
    .option('--abi <abi>', 'legacy (required: Rust guests are generated only for the legacy C ABI)', parseAbi)
    .option('--import-module <name>', 'the import module of the world imports (default env)')
    .option('--symbol <K=V>', 'core symbol V for WIT function K (or iface#func); repeatable', collectRenames, [])
    .option('--features <names>', 'enable @unstable features (comma-separated, repeatable)', collectFeatures, [])
    .option('--all-features', 'enable every @unstable feature')
    .action((path: string, options: GuestRustOptions & { readonly out: string }) => {
      const written = guestRustCommand(path, options.out, options);
      process.stdout.write(written.map((file) => `wrote ${file}\n`).join(''));
    });
  guest
    .command('ts')
    .description('write <world>.d.ts: TypeScript declarations for a JS/TS guest built with ComponentizeJS (jco componentize)')
    .argument('<path>', 'a .wit file, or a directory of .wit files with an optional deps/ folder')
    .option('-w, --world <name>', 'the world (`w` or `ns:pkg/w@version`); optional if there is only one')
    .requiredOption('-o, --out <dir>', 'the directory to write the file into')
    .option('--features <names>', 'enable @unstable features (comma-separated, repeatable)', collectFeatures, [])
    .option('--all-features', 'enable every @unstable feature')
    .action((path: string, options: GuestTsOptions & { readonly out: string }) => {
      const written = guestTsCommand(path, options.out, options);
      process.stdout.write(written.map((file) => `wrote ${file}\n`).join(''));
    });
}
