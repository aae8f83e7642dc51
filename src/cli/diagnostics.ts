/**
 * How the CLI reports failures: a typed library error (anything with a stable
 * `code`, such as `WitError`) prints its own rendering, never a stack trace;
 * filesystem errors print their message; anything else is a bug in witgen and
 * says so (with the stack only when WITGEN_DEBUG is set).
 */
import pc from 'picocolors';
import { WitError } from '../wit/errors.js';

/** Renders `error` for the terminal; `color` paints the leading `error:` red. */
export function formatError(error: unknown, color: boolean): string {
  const paint = pc.createColors(color);
  const label = paint.bold(paint.red('error:'));
  if (error instanceof WitError) return error.render().replace(/^error:/, label);
  if (isSystemError(error)) return `${label} ${error.message}`;
  const detail = error instanceof Error ? error.message : String(error);
  const stack = process.env['WITGEN_DEBUG'] && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `${label} internal error in witgen: ${detail}${stack}`;
}

/** Node's filesystem and OS errors carry a string `code` like `ENOENT`. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
