/** Argument parsers shared by several commands. */
import { InvalidArgumentError } from 'commander';

/** `--features a,b --features c` → `['a', 'b', 'c']`. */
export function collectFeatures(value: string, previous: readonly string[] | undefined): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new InvalidArgumentError('feature names must not be empty');
  return [...(previous ?? []), ...names];
}
