#!/usr/bin/env node
/**
 * Builds the C guests in guests/c from source: C → core module with Debian's
 * clang (wasm32-wasi, reactor, no debug info, stripped), then core module →
 * component with `witgen build` (the built CLI in dist/, so run `npm run
 * build` first). The legacy guests in guests/legacy/c stop at the core module. The outputs are committed next to their sources so the test
 * suite runs on a machine with only Node.
 *
 *   node scripts/build-guests.mjs           rebuild and overwrite the committed binaries
 *   node scripts/build-guests.mjs [names]   only the named guests (`plugin`, `legacy-structs`, `legacy-rust-plugin`)
 *   node scripts/build-guests.mjs --check   rebuild into a temporary folder and fail
 *                                           (exit 1) if a committed binary differs
 *
 * CLANG overrides the compiler (default /usr/bin/clang, Debian's, whose
 * wasm32-wasi sysroot comes from the wasi-libc package).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const clang = process.env.CLANG ?? '/usr/bin/clang';

/**
 * Each guest: its folder under guests/c, the C sources (relative to that
 * folder), include folders, the WIT and world, and the components to make
 * (one per string encoding). `glue: 'witgen'` generates glue/ with
 * `witgen guest c` (committed too, so a reader sees what the guest compiles
 * against; a stale glue/ fails --check like a stale binary); `glue: 'source'`
 * means the folder's sources are complete as committed.
 */
const GUESTS = [
  {
    name: 'plugin',
    sources: ['plugin.c', 'glue/plugin.c'],
    includes: ['glue'],
    glue: 'witgen',
    wit: 'wit',
    world: 'plugin',
    components: [{ file: 'plugin.component.wasm', encoding: 'utf8' }],
  },
  {
    name: 'kinds',
    sources: ['kinds.c'],
    includes: [],
    glue: 'source',
    wit: 'guests/c/kinds/kinds.wit',
    world: 'kinds',
    components: [
      { file: 'kinds.component.wasm', encoding: 'utf8' },
      { file: 'kinds.utf16.component.wasm', encoding: 'utf16' },
      { file: 'kinds.latin1.component.wasm', encoding: 'compact-utf16' },
    ],
  },
  {
    // The same values through generated glue (utf8: the only encoding `witgen guest c` emits).
    name: 'kinds-bindgen',
    sources: ['guest.c', 'glue/kinds.c'],
    includes: ['glue'],
    glue: 'witgen',
    wit: 'guests/c/kinds-bindgen/kinds.wit',
    world: 'kinds',
    components: [{ file: 'kinds-bindgen.component.wasm', encoding: 'utf8' }],
  },
  {
    // Probes what a WASI host grants (files, env, args, stdio, clocks, random) through wasi-libc.
    name: 'wasi-probe',
    sources: ['wasi_probe_guest.c', 'glue/wasi_probe.c'],
    includes: ['glue'],
    glue: 'witgen',
    wit: 'guests/c/wasi-probe/wasi-probe.wit',
    world: 'wasi-probe',
    components: [{ file: 'wasi-probe.component.wasm', encoding: 'utf8' }],
  },
  {
    // The benchmark guest of bench/host.mjs (no WASI: it prints nothing).
    name: 'bench',
    sources: ['bench.c', 'glue/bench.c'],
    includes: ['glue'],
    glue: 'witgen',
    wit: 'guests/c/bench/bench.wit',
    world: 'bench',
    components: [{ file: 'bench.component.wasm', encoding: 'utf8' }],
  },
];

/**
 * Core-only legacy guests in guests/legacy/c: the seed programs, compiled to
 * a core module and never turned into a component (the core-module linker
 * runs them). Imports the C code leaves undefined stay module imports
 * (`--allow-undefined`) from `env`, as in the seeds. `model` is WASI's
 * execution model: `command` (`_start` calls main) or `reactor`
 * (`_initialize`, exports named in the source).
 */
const LEGACY_GUESTS = [
  { name: 'missing-import', sources: ['missing_import.c'], model: 'command', output: 'missing-import.core.wasm' },
  { name: 'long-test', sources: ['long_test.c'], model: 'reactor', output: 'long-test.core.wasm' },
  { name: 'structs', sources: ['structs.c'], model: 'reactor', output: 'structs.core.wasm' },
  { name: 'nested-pointers', sources: ['nested_pointers.c'], model: 'reactor', output: 'nested-pointers.core.wasm' },
  { name: 'wasi-probe', sources: ['wasi_probe.c'], model: 'command', output: 'wasi-probe.core.wasm' },
  { name: 'plugin', sources: ['plugin.c'], model: 'reactor', output: 'plugin.core.wasm' },
  { name: 'values', sources: ['values.c'], model: 'reactor', output: 'values.core.wasm' },
];

/**
 * Legacy Rust guests in guests/legacy/rust: a cdylib core module built by
 * Debian's rustc (RUSTC overrides /usr/bin/rustc; the rustup rustc has no
 * wasm32 target) for wasm32-wasi. `src/<world>.rs` is generated with
 * `witgen guest rust --abi legacy` and committed, checked like C glue.
 */
const RUST_LEGACY_GUESTS = [
  // `exports`: wasi-libc symbols to export as well — malloc/free, which a host uses to pass structs by pointer.
  { name: 'plugin', wit: 'wit', world: 'plugin', output: 'plugin.core.wasm', exports: ['malloc', 'free'] },
];
const rustc = process.env.RUSTC ?? '/usr/bin/rustc';
/** Reproducible: relative source paths (rustc runs in the guest folder), stripped, no debug info. */
const RUSTFLAGS = ['--edition', '2021', '--crate-type', 'cdylib', '--target', 'wasm32-wasi', '-C', 'opt-level=s', '-C', 'strip=symbols', '-C', 'debuginfo=0', '-C', 'panic=abort', '-D', 'warnings'];

/** Flags chosen for byte-identical output: no debug info, no build paths, stripped. */
const CFLAGS = ['--target=wasm32-wasi', '-O2', '-mexec-model=reactor', '-Wall', '-Wextra', '-Werror', '-g0'];
const LDFLAGS = ['-Wl,--no-entry', '-Wl,--strip-all'];

/**
 * clang runs `wasm-opt` after linking when it finds one on PATH, and under
 * `npm run` PATH starts with node_modules/.bin, where binaryen (a jco
 * dependency) puts its wasm-opt: the same command would then build other
 * bytes under npm than from a shell. clang gets a PATH without those folders.
 */
const clangEnv = {
  ...process.env,
  PATH: (process.env.PATH ?? '')
    .split(delimiter)
    .filter((folder) => !folder.endsWith(`${sep}node_modules${sep}.bin`))
    .join(delimiter),
};

function run(command, args, cwd, env = process.env) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env });
  if (result.error) throw new Error(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/**
 * Builds one guest in `work` (a scratch copy of its folder, so generated glue
 * never touches the committed tree before the build succeeds, and clang sees
 * the same relative paths wherever the build runs). Returns the built files,
 * relative to the guest folder.
 */
function buildGuest(guest, work) {
  const dir = join(root, 'guests', 'c', guest.name);
  for (const entry of readdirSync(dir)) {
    if (entry === 'glue' && guest.glue === 'witgen') continue;
    if (entry.endsWith('.wasm')) continue;
    cpSync(join(dir, entry), join(work, entry), { recursive: true });
  }
  const outputs = [];
  if (guest.glue === 'witgen') {
    mkdirSync(join(work, 'glue'));
    run(process.execPath, [cli, 'guest', 'c', join(root, guest.wit), '--world', guest.world, '--out', join(work, 'glue')], root);
    outputs.push(...readdirSync(join(work, 'glue')).sort().map((file) => join('glue', file)));
  }
  const core = `${guest.name}.core.wasm`;
  const includes = guest.includes.flatMap((folder) => ['-I', folder]);
  run(clang, [...CFLAGS, ...includes, ...LDFLAGS, '-o', core, ...guest.sources], work, clangEnv);
  outputs.push(core);
  for (const component of guest.components) {
    run(process.execPath, [cli, 'build', join(work, core), '--wit', join(root, guest.wit), '--world', guest.world, '--string-encoding', component.encoding, '-o', join(work, component.file)], root);
    outputs.push(component.file);
  }
  return { dir, outputs };
}

/** Builds one legacy guest in `work` (a scratch copy of its folder). Returns its folder and built file. */
function buildLegacyGuest(guest, work) {
  const dir = join(root, 'guests', 'legacy', 'c', guest.name);
  for (const entry of readdirSync(dir)) {
    if (!entry.endsWith('.wasm')) cpSync(join(dir, entry), join(work, entry), { recursive: true });
  }
  const cflags = CFLAGS.map((flag) => (flag === '-mexec-model=reactor' ? `-mexec-model=${guest.model}` : flag));
  const ldflags = ['-Wl,--strip-all', '-Wl,--allow-undefined', ...(guest.model === 'reactor' ? ['-Wl,--no-entry'] : [])];
  run(clang, [...cflags, ...ldflags, '-o', guest.output, ...guest.sources], work, clangEnv);
  return { dir, outputs: [guest.output] };
}

/** Builds one legacy Rust guest in `work`: regenerates src/<world>.rs, then rustc. Returns its folder and built files. */
function buildRustLegacyGuest(guest, work) {
  const dir = join(root, 'guests', 'legacy', 'rust', guest.name);
  for (const entry of readdirSync(dir)) {
    if (!entry.endsWith('.wasm')) cpSync(join(dir, entry), join(work, entry), { recursive: true });
  }
  run(process.execPath, [cli, 'guest', 'rust', join(root, guest.wit), '--world', guest.world, '--abi', 'legacy', '--out', join(work, 'src')], root);
  const crate = guest.name.replace(/-/g, '_');
  const exports = guest.exports.flatMap((name) => ['-C', `link-arg=--export=${name}`]);
  run(rustc, [...RUSTFLAGS, ...exports, '--crate-name', crate, '-o', guest.output, join('src', 'lib.rs')], work);
  return { dir, outputs: [join('src', `${guest.world.replace(/-/g, '_')}.rs`), guest.output] };
}

function sameBytes(a, b) {
  return existsSync(a) && existsSync(b) && Buffer.compare(readFileSync(a), readFileSync(b)) === 0;
}

function main() {
  const check = process.argv.includes('--check');
  if (!existsSync(cli)) throw new Error(`${relative(root, cli)} is missing: run \`npm run build\` first`);
  const stale = [];
  const builds = [
    ...GUESTS.map((guest) => ({ name: guest.name, build: (work) => buildGuest(guest, work) })),
    ...LEGACY_GUESTS.map((guest) => ({ name: `legacy-${guest.name}`, build: (work) => buildLegacyGuest(guest, work) })),
    ...RUST_LEGACY_GUESTS.map((guest) => ({ name: `legacy-rust-${guest.name}`, build: (work) => buildRustLegacyGuest(guest, work) })),
  ];
  // Names given on the command line (`legacy-rust-plugin`) restrict the run to those guests.
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  for (const { name, build } of builds.filter((b) => only.length === 0 || only.includes(b.name))) {
    const work = mkdtempSync(join(tmpdir(), `witgen-guest-${name}-`));
    try {
      const { dir, outputs } = build(work);
      for (const file of outputs) {
        const built = join(work, file);
        const committed = join(dir, file);
        if (check) {
          if (!sameBytes(built, committed)) stale.push(relative(root, committed));
        } else {
          mkdirSync(dirname(committed), { recursive: true });
          copyFileSync(built, committed);
          console.log(`built ${relative(root, committed)}`);
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  if (check) {
    if (stale.length > 0) {
      console.error(`stale guest binaries (run \`npm run build:guests\` and commit the result):\n${stale.map((s) => `  ${s}`).join('\n')}`);
      process.exit(1);
    }
    console.log('guest binaries are up to date');
  }
}

try {
  main();
} catch (error) {
  console.error(`build-guests: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
