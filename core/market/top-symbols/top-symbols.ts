/**
 * @module TopSymbols: keeps the tracked-symbol set current — ranks `fetchTickers` every
 * `refreshMs` (see `select.ts` for the rules) and hands each change, as an added/removed diff,
 * to subscribers and to the optional `onChange` (MarketData starts/stops the symbol's streams
 * there, so a dropped symbol is unsubscribed cleanly).
 *
 * A failed refresh keeps the current set (never an empty one) and is retried on the next tick;
 * before the first success the set is the static list plus includes.
 */
import { Clock, Context, Duration, Effect, Layer, PubSub, Schedule, type Scope, Semaphore } from "effect"
import type { Collector } from "../../metrics/index.ts"
import type { ExchangeAdapter } from "../../plugins/exchange-adapter.ts"
import type { ExchangeError } from "../../resilience/index.ts"
import { classifyExchangeError } from "../streams/classify.ts"
import { EMPTY_SELECTION, selectTopSymbols, type Selection, type TopSymbolsOptions } from "./select.ts"

export interface SymbolsChange {
  readonly symbols: ReadonlyArray<string>
  readonly added: ReadonlyArray<string>
  readonly removed: ReadonlyArray<string>
}

interface TopSymbolsStats {
  readonly refreshes: number
  readonly failures: number
  readonly lastRefreshAt: number | undefined
  readonly lastError: string | undefined
}

export interface TopSymbolsHandle {
  readonly current: Effect.Effect<ReadonlyArray<string>>
  /** Refresh now (also what the timer runs). Fails only with the exchange error; the set is kept. */
  readonly refresh: Effect.Effect<SymbolsChange, ExchangeError>
  readonly subscribe: Effect.Effect<PubSub.Subscription<SymbolsChange>, never, Scope.Scope>
  readonly stats: Effect.Effect<TopSymbolsStats>
  /** Scrape-time samples (tracked-symbol count, refreshes, failures) for `Metrics.registerCollector`. */
  readonly samples: Collector
}

export interface TopSymbolsConfig {
  readonly adapter: ExchangeAdapter
  readonly options: TopSymbolsOptions
  /** Called with every non-empty change, before subscribers hear of it. */
  readonly onChange?: (change: SymbolsChange) => Effect.Effect<void>
}

/** Builds the handle and forks the refresh loop into the surrounding scope. */
export const makeTopSymbols = Effect.fn("TopSymbols.make")(function* (config: TopSymbolsConfig) {
  const { adapter, options } = config
  const changes = yield* PubSub.sliding<SymbolsChange>(64)
  yield* Effect.addFinalizer(() => PubSub.shutdown(changes))
  const pinned = selectTopSymbols([], options, EMPTY_SELECTION, yield* Clock.currentTimeMillis)
  let selection: Selection = pinned
  const stats = {
    refreshes: 0,
    failures: 0,
    lastRefreshAt: undefined as number | undefined,
    lastError: undefined as string | undefined,
  }
  const lock = yield* Semaphore.make(1)

  const announce = (change: SymbolsChange) =>
    Effect.gen(function* () {
      if (config.onChange) {
        yield* config
          .onChange(change)
          .pipe(Effect.catchCause((cause) => Effect.logWarning("TopSymbols: onChange failed", cause)))
      }
      yield* PubSub.publish(changes, change)
    })

  const refresh: Effect.Effect<SymbolsChange, ExchangeError> = Semaphore.withPermit(lock)(
    Effect.gen(function* () {
      const tickers = yield* Effect.tryPromise({
        try: () => adapter.fetchTickers(),
        catch: (e) => classifyExchangeError(e, "fetchTickers", adapter.id),
      }).pipe(
        Effect.tapError((e) =>
          Effect.sync(() => {
            stats.failures++
            stats.lastError = `${e.reason._tag}: ${e.message}`
          }),
        ),
      )
      const now = yield* Clock.currentTimeMillis
      selection = selectTopSymbols(tickers, options, selection, now)
      stats.refreshes++
      stats.lastRefreshAt = now
      const change = { symbols: selection.symbols, added: selection.added, removed: selection.removed }
      if (change.added.length > 0 || change.removed.length > 0) {
        yield* Effect.logInfo(
          `top symbols: +[${change.added.join(", ")}] -[${change.removed.join(", ")}] → ` +
            `${change.symbols.length} tracked`,
        )
        yield* announce(change)
      }
      return change
    }),
  )

  // The pinned symbols are tracked from the start, whatever the first refresh does.
  yield* announce({ symbols: pinned.symbols, added: pinned.symbols, removed: [] })
  yield* refresh.pipe(
    Effect.catch((e) =>
      Effect.logWarning(`top symbols refresh failed, keeping ${selection.symbols.length} symbols: ${e.message}`),
    ),
    Effect.repeat(Schedule.spaced(Duration.millis(options.refreshMs))),
    Effect.forkScoped,
  )

  return {
    current: Effect.sync(() => selection.symbols),
    refresh,
    subscribe: PubSub.subscribe(changes),
    stats: Effect.sync(() => ({ ...stats })),
    samples: Effect.sync(() => [
      {
        name: "virtuoso_market_tracked_symbols",
        type: "gauge" as const,
        help: "Symbols tracked now (static, include and top by turnover).",
        value: selection.symbols.length,
      },
      {
        name: "virtuoso_market_top_symbols_refreshes_total",
        type: "counter" as const,
        help: "Successful top-symbol refreshes.",
        value: stats.refreshes,
      },
      {
        name: "virtuoso_market_top_symbols_refresh_failures_total",
        type: "counter" as const,
        help: "Failed top-symbol refreshes (the tracked set was kept).",
        value: stats.failures,
      },
    ]),
  } satisfies TopSymbolsHandle
})

/** The service form, for programs that want `yield* TopSymbols`. */
class TopSymbols extends Context.Service<TopSymbols, TopSymbolsHandle>()("virtuoso/market/top-symbols/TopSymbols") {
  static readonly layerFor = (config: TopSymbolsConfig) => Layer.effect(TopSymbols, makeTopSymbols(config))
}
