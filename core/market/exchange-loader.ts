/**
 * @module Creates the configured exchange adapter from its plugin and closes it with the scope.
 */
import { Effect } from "effect"
import type { VirtuosoConfig } from "../config/index.ts"
import type { ExchangePlugin } from "../plugins/sdk.ts"
import { redactMessage } from "../resilience/index.ts"
import { ExchangeUnavailableError } from "./errors.ts"
import type { ExchangeAdapter } from "../plugins/exchange-adapter.ts"

/**
 * The config handed to `create`: secrets stay `Redacted` (the plugin unwraps them where it
 * signs requests), and the host's clock is passed in so plugins never read wall time themselves.
 * `spend` is the host's rate budget, for requests the plugin makes on its own (see the SDK).
 */
export const pluginConfig = (
  exchange: VirtuosoConfig["exchange"],
  symbols: ReadonlyArray<string>,
  now: () => number,
  spend?: (cost: number) => Promise<void>,
) => ({
  ...exchange,
  symbols,
  now,
  ...(spend === undefined ? {} : { spend }),
})

export const acquireExchange = (
  plugin: ExchangePlugin,
  exchange: VirtuosoConfig["exchange"],
  symbols: ReadonlyArray<string>,
  now: () => number,
  spend?: (cost: number) => Promise<void>,
) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => (await plugin.create(pluginConfig(exchange, symbols, now, spend))) as ExchangeAdapter,
      catch: (cause) => new ExchangeUnavailableError({ exchange: plugin.name, reason: describe(cause) }),
    }),
    (adapter) =>
      Effect.promise(() => adapter.close().catch(() => undefined)).pipe(
        Effect.andThen(Effect.logDebug(`finalizer: exchange ${adapter.id} closed`)),
      ),
  )

/** Error text without anything that looks like a credential (the one redaction rule lives in resilience). */
export const describe = (cause: unknown): string =>
  redactMessage(cause instanceof Error ? cause.message : String(cause))
