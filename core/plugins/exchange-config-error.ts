/**
 * @module The error an exchange plugin throws from `create` when its part of the config is
 * unusable. Plain `Error` (plugins are not Effect code); the message names the key, so the host
 * can report it as it stands.
 */
export class ExchangeConfigError extends Error {
  override readonly name: string = "ExchangeConfigError"
  /** `key` is relative to `exchange`, e.g. "timeouts" for `exchange.timeouts`. */
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`exchange.${key}: ${problem}`)
  }
}
