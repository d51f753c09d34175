/**
 * @module Polling: one REST round for a symbol — the order book, new trades, derivatives when
 * due, then what closed on every timeframe — each published as it arrives. Used for the first
 * backfill of every symbol, and on exchanges without websockets every `pollMs`.
 */
import { Effect } from "effect"
import { refreshDerivatives } from "./derivatives.ts"
import type { ExchangeSession } from "./exchange-session.ts"
import type { MarketEvents } from "./market-events.ts"
import type { Timeframe } from "../market-schema/index.ts"
import type { SeriesBackfill } from "./series-backfill.ts"
import { freshTrades, type SymbolState } from "./symbol-state.ts"

export const makePolling = (
  session: ExchangeSession,
  events: MarketEvents,
  series: SeriesBackfill,
  timeframes: ReadonlyArray<Timeframe>,
) =>
  Effect.fnUntraced(function* (state: SymbolState) {
    const { adapter, call } = session
    const book = yield* call(
      "fetchOrderBook",
      state.symbol,
      () => adapter.fetchOrderBook(state.symbol, 50),
      15_000,
    ).pipe(Effect.option)
    if (book._tag === "Some" && !state.removed) yield* events.book(state.symbol, book.value, session.now())
    const since = state.lastTradeTime
    const trades = yield* call(
      "fetchTrades",
      state.symbol,
      () => adapter.fetchTrades(state.symbol, since, 1000),
      15_000,
    ).pipe(Effect.option)
    if (trades._tag === "Some" && !state.removed) yield* events.trades(state.symbol, freshTrades(state, trades.value))
    yield* refreshDerivatives(session, events, state)
    // Candles last: a series is scored when its candles arrive, with the book, tape and
    // derivatives of this same round already in.
    for (const tf of timeframes) {
      // A failed fetch is already logged and counted by `call`; the next poll retries it.
      yield* series.fetchSeries(state, tf).pipe(Effect.catch(() => Effect.void))
    }
    yield* session.polled
  })
