/**
 * Test helper: Debian's clang for wasm32-wasi guests, and whether it can
 * build reactors here (tests that need it are skipped with that reason).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const CLANG = process.env['CLANG'] ?? 'clang';

/** Runs clang for wasm32-wasi with `args`; null on success, else its stderr. */
export function clangWasm(args: readonly string[]): string | null {
  try {
    execFileSync(CLANG, ['--target=wasm32-wasi', ...args], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
  }
}

/** Why clang cannot build a wasm32-wasi reactor using libc (probed in `scratch`), or null when it can. */
export function reactorToolchainProblem(scratch: string): string | null {
  const probe = path.join(scratch, 'probe.c');
  writeFileSync(probe, '#include <stdio.h>\n#include <stdlib.h>\nint probe(int n) { free(malloc((size_t) n)); return printf("%d", n); }\n');
  const stderr = clangWasm(['-mexec-model=reactor', '-Wl,--no-entry', probe, '-o', path.join(scratch, 'probe.wasm')]);
  return stderr === null ? null : `clang cannot build wasm32-wasi reactors here: ${stderr.split('\n')[0] ?? ''}`;
}
