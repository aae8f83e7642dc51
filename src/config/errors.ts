/** Typed failures of finding, loading and applying a witgen config. */
export type ConfigErrorCode =
  /** No config file was found (or the one named does not exist). */
  | 'CONFIG_NOT_FOUND'
  /** The file could not be read, parsed or evaluated. */
  | 'CONFIG_LOAD'
  /** The config does not have the expected shape. */
  | 'CONFIG_INVALID'
  /** A world named in the config or on the command line does not exist. */
  | 'CONFIG_UNKNOWN_WORLD';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(message);
  }
}
