/**
 * How the CLI reports failures, never with a stack trace: a `WitError` prints
 * its located rendering; any other error with a string `code` (witgen's typed
 * errors such as BuildError or AbiError, Node's ENOENT...) prints its message;
 * anything else is a bug in witgen and says so (with the stack only when
 * WITGEN_DEBUG is set).
 */
import pc from 'picocolors';
import { WitError } from '../wit/errors.js';

/** Renders `error` for the terminal; `color` paints the leading `error:` red. */
export function formatError(error: unknown, color: boolean): string {
  const paint = pc.createColors(color);
  const label = paint.bold(paint.red('error:'));
  if (error instanceof WitError) return error.render().replace(/^error:/, label);
  if (hasCode(error)) return `${label} ${error.message}`;
  const detail = error instanceof Error ? error.message : String(error);
  const stack = process.env['WITGEN_DEBUG'] && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `${label} internal error in witgen: ${detail}${stack}`;
}

/** An expected failure: typed errors carry a stable string `code` (`BUILD_MISMATCH`, `ENOENT`...). */
function hasCode(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
