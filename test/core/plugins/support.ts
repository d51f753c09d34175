/** Shared test helpers: a real layer run, and contexts over real Float64Array columns. */
import { Effect, References } from "effect"
import { fileURLToPath } from "node:url"
import { PluginHost, type BaseContext, type PluginHostOptions } from "../../../core/plugins/index.ts"

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url))

/**
 * A generous compute budget unless a test sets one: on a loaded machine a trivial call can be
 * preempted for a few ms, and only the budget tests should depend on timing.
 */
export const runHost = <A, E>(options: PluginHostOptions, program: Effect.Effect<A, E, PluginHost>) =>
  Effect.runPromise(
    program.pipe(
      // The host's own rules (checks, breaker, reload) on the inline path; worker isolation has its own tests.
      Effect.provide(
        PluginHost.layer({ root: ROOT, watch: false, budgetMs: 250, ownedFolders: options.folders, ...options }),
      ),
      // Load failures are logged as warnings on purpose; the tests assert on them instead.
      Effect.provideService(References.MinimumLogLevel, "Error"),
    ),
  )

export const candles = (n: number) => {
  const col = (v: number) => new Float64Array(n).fill(v)
  return {
    time: Float64Array.from({ length: n }, (_, i) => i * 60_000),
    open: col(100),
    high: col(101),
    low: col(99),
    close: col(100),
    volume: col(5),
  }
}

export const context = (symbol = "BTC/USDT", extra: Partial<BaseContext> = {}): BaseContext => ({
  symbol,
  timeframe: "1m",
  candles: candles(50),
  // The fixtures do not use ctx.ta; the real library is wired by core/analysis.
  ta: {} as BaseContext["ta"],
  market: {},
  ...extra,
})
