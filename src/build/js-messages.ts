/**
 * ComponentizeJS's failures, made readable: its messages carry the path of the
 * wizer binary, JS stack frames of ComponentizeJS itself, the guest's stack as
 * StarlingMonkey prints it and paths inside its temporary work folder. What is
 * left is what the guest's author needs: the JS error and where it is, plus
 * witgen's hint when a guest imports a module the world does not have.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** ComponentizeJS's message without its noise (see the module comment). */
export function cleanComponentizeMessage(message: string): string {
  const kept: string[] = [];
  let skipping: 'guest-stack' | 'rust-backtrace' | null = null;
  for (const rawLine of message.split('\n')) {
    const line = stripWorkFolder(rawLine.trimEnd());
    if (skipping !== null) {
      // A stack block ends at the first line that is not one of its frames.
      if (/^\s+\S/.test(line) || /^\s*\d+:/.test(line) || line === '') continue;
      skipping = null;
    }
    if (/^\s+at\s/.test(line)) continue; // a JS stack frame of ComponentizeJS or Node
    if (/^Failed to initialize component \(/.test(line)) continue; // names the wizer binary's path
    if (/^Unable to extract expected exports list$/.test(line)) continue; // the next line says which export
    if (/^note: run with `RUST_BACKTRACE/.test(line)) continue;
    if (line === 'Stack:') {
      skipping = 'guest-stack'; // the error line already gives the guest's file:line:col
      continue;
    }
    if (line === 'stack backtrace:') {
      skipping = 'rust-backtrace';
      continue;
    }
    kept.push(line.replace(/^Error: (?=")/, ''));
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** ComponentizeJS works in `<tmpdir>/<12 hex digits>/sources/`; a path there means the guest's own file. */
function stripWorkFolder(line: string): string {
  const prefix = `${tmpdir()}/`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return line.replace(new RegExp(`${prefix}[0-9a-f]{12}/sources/`, 'g'), '');
}

/** The module name in ComponentizeJS's "Error loading module" message, if that is the failure. */
export function unresolvedModule(message: string): string | null {
  return /Error loading module "([^"]+)"/.exec(message)?.[1] ?? null;
}

/** True when ComponentizeJS stopped because its parser rejected the JS source. */
export function isParseFailure(message: string): boolean {
  return /^failed to parse JS source/.test(message);
}

/**
 * Where and why the JS source does not parse, as Node's own parser reports it
 * (`node --check`, which parses without running anything). ComponentizeJS only
 * counts the errors its parser found. Returns null when Node is not the host or
 * accepts the source (then ComponentizeJS's count is all there is).
 */
export function syntaxErrorDetail(source: string, name: string): string | null {
  if (process.release.name !== 'node') return null;
  const dir = mkdtempSync(join(tmpdir(), 'witgen-js-check-'));
  try {
    // .mjs: Node parses it as an ES module whatever package.json says.
    const file = join(dir, 'guest.mjs');
    writeFileSync(file, source);
    const result = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 60_000 });
    if (result.status === 0 || typeof result.stderr !== 'string') return null;
    const lines: string[] = [];
    for (const line of result.stderr.split('\n')) {
      if (/^\s+at\s/.test(line) || /^Node\.js v/.test(line)) break;
      lines.push(line.split(file).join(name).trimEnd());
    }
    const detail = lines.join('\n').trim();
    return /SyntaxError/.test(detail) ? detail : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
