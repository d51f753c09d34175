/**
 * @module Streaming: a symbol's supervised websocket streams (candles per timeframe, book,
 * trades, liquidations where the exchange streams them; backoff, staleness and REST fallback in
 * `streams/`), each update published as it arrives (liquidations as `market.derivatives`), and
 * the supervisor's state changes published as `stream.changed`.
 */
import { Effect, PubSub, type Scope } from "effect"
import type { VirtuosoConfig } from "../config/index.ts"
import { CandleSeries } from "./candles/index.ts"
import type { ExchangeSession } from "./exchange-session.ts"
import type { MarketEvents } from "./market-events.ts"
import { TIMEFRAME_MS, type Timeframe } from "../market-schema/index.ts"
import type { SeriesBackfill } from "./series-backfill.ts"
import { symbolStreams, type StreamEvent, type StreamSupervisor } from "./streams/index.ts"
import { freshTrades, type SymbolState } from "./symbol-state.ts"

export const makeStreaming =
  (
    config: VirtuosoConfig,
    session: ExchangeSession,
    events: MarketEvents,
    series: SeriesBackfill,
    supervisor: StreamSupervisor["Service"],
    timeframes: ReadonlyArray<Timeframe>,
  ) =>
  (state: SymbolState) =>
    Effect.gen(function* () {
      const { counters, alive } = session
      const { specs } = symbolStreams(session.adapter, state.symbol, {
        timeframes,
        depth: Object.fromEntries(timeframes.map((tf) => [tf, config.timeframes[tf]!.candles])),
        bookLevels: config.exchange.book.levels,
        clockSkewMs: () => session.closeOffset,
        series: (tf) =>
          CandleSeries.after(TIMEFRAME_MS[tf], config.timeframes[tf]!.candles, state.cursors.get(tf)!.lastClosed),
        // REST fallback polls and gap backfills share the exchange's guard (budget, breakers).
        rest: (operation, run) => session.guarded(operation, run),
        onClosedCandles: (_symbol, tf, closed) => Effect.andThen(series.appendClosed(state, tf, closed), alive),
        onOrderBook: (_symbol, book) =>
          Effect.andThen(state.removed ? Effect.void : events.book(state.symbol, book, session.now()), alive),
        onTrades: (_symbol, trades) =>
          Effect.andThen(state.removed ? Effect.void : events.trades(state.symbol, freshTrades(state, trades)), alive),
        onLiquidations: (_symbol, liquidations) =>
          Effect.andThen(
            Effect.suspend(() => {
              if (state.removed) return Effect.void
              state.lastLiquidationTime = Math.max(state.lastLiquidationTime ?? -Infinity, liquidations.at(-1)!.time)
              const rows = liquidations.map((l) => ({ time: l.time, side: l.side, amount: l.amount, price: l.price }))
              return events.derivatives({ symbol: state.symbol, time: session.now(), liquidations: rows })
            }),
            alive,
          ),
        onCandleStats: (_symbol, _tf, st) =>
          Effect.sync(() => {
            counters.duplicates += st.duplicates
            counters.malformed += st.malformed
            counters.gapsBackfilled += st.gapsBackfilled
          }),
      })
      for (const spec of specs) yield* supervisor.start(spec)
    })

const changeOf = (event: StreamEvent) => {
  switch (event._tag) {
    case "Data":
      return undefined
    case "Stale":
      return { state: "stale" as const, detail: event.action }
    case "Failed":
      return { state: "failed" as const, detail: `${event.reason}: ${event.message}` }
    case "Backoff":
      return { state: "backoff" as const, detail: `${event.delayMs} ms` }
    case "Fallback":
      return { state: "polling" as const, detail: event.why }
    case "Resumed":
      return { state: "resumed" as const }
    case "Stopped":
      return { state: "stopped" as const }
  }
}

/** Publishes every stream state change (not data) as `stream.changed`, for the scope's life. */
export const publishStreamChanges = (
  supervisor: StreamSupervisor["Service"],
  events: MarketEvents,
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    const subscription = yield* supervisor.subscribe
    yield* Effect.forever(
      Effect.gen(function* () {
        const event = yield* PubSub.take(subscription)
        const change = changeOf(event)
        if (change === undefined) return
        const symbol = event.key.slice(0, event.key.indexOf("|"))
        yield* events.stream({ stream: event.key, symbol, ...change })
      }),
    ).pipe(Effect.forkScoped)
  })
