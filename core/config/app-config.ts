import { Context, Effect, Layer } from "effect"
import { ConfigError } from "./errors.ts"
import { loadConfig, parseConfig } from "./load.ts"
import type { VirtuosoConfig, VirtuosoConfigInput } from "./schema.ts"

/** The validated configuration of this process. */
export class AppConfig extends Context.Service<AppConfig, VirtuosoConfig>()("virtuoso/config/AppConfig") {
  /** Reads the config file and `VIRTUOSO_*` variables of this process. */
  static readonly layer = Layer.effect(
    AppConfig,
    Effect.tryPromise({
      try: () => loadConfig({ env: process.env, cwd: process.cwd(), argv: process.argv }),
      catch: (error) =>
        error instanceof ConfigError ? error : new ConfigError({ message: String(error), issues: [] }),
    }),
  )

  /** A config from an object (tests, embedding): defaults fill whatever is not given. */
  static readonly layerFrom = (input: VirtuosoConfigInput) =>
    Layer.effect(
      AppConfig,
      Effect.try({
        try: () => parseConfig(input),
        catch: (error) =>
          error instanceof ConfigError ? error : new ConfigError({ message: String(error), issues: [] }),
      }),
    )
}
