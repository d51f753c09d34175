/**
 * @module Polling: one REST round for a symbol — the order book, new trades, derivatives when
 * due, then what closed on every timeframe — each published as it arrives. Used for the first
 * backfill of every symbol, and on exchanges without websockets every `pollMs`.
 *
 * A round asks for a timeframe's candles only when one can have closed since its last (see
 * `candlesDue`): a 4h series polled every second would otherwise cost 14,400 requests — each a
 * guarded call, its garbage and a share of the rate budget — per candle it gains.
 */
import { Effect } from "effect"
import { refreshDerivatives } from "./derivatives.ts"
import type { ExchangeSession } from "./exchange-session.ts"
import type { MarketEvents } from "./market-events.ts"
import { TIMEFRAME_MS, type Timeframe } from "../market-schema/index.ts"
import type { SeriesBackfill } from "./series-backfill.ts"
import { freshTrades, type SymbolState } from "./symbol-state.ts"

/**
 * Whether fetching `tf` can bring a newly closed candle: always for a series not backfilled yet
 * and for the shortest timeframe; for a longer one once its next candle's period has ended —
 * by the exchange's clock as far as we know it (`exchangeNow`), or as the shortest series' newest
 * closed candle proves (exchanges whose candle times are not on our clock, like the simulator's).
 * Timeframes are whole minutes on epoch boundaries, so a longer candle closes with a shorter one.
 * A failed fetch leaves its cursor behind, so the next round asks again.
 */
export const candlesDue = (state: SymbolState, tf: Timeframe, shortest: Timeframe, exchangeNow: number): boolean => {
  const last = state.cursors.get(tf)!.lastClosed
  if (tf === shortest || !Number.isFinite(last)) return true
  const nextClose = last + 2 * TIMEFRAME_MS[tf]
  const proven = state.cursors.get(shortest)!.lastClosed + TIMEFRAME_MS[shortest]
  return nextClose <= exchangeNow || nextClose <= proven
}

export const makePolling = (
  session: ExchangeSession,
  events: MarketEvents,
  series: SeriesBackfill,
  timeframes: ReadonlyArray<Timeframe>,
  /** Levels a side asked for: what a published book keeps (`exchange.book.levels`), no more. */
  bookLevels: number,
) => {
  const shortest = timeframes.reduce((a, b) => (TIMEFRAME_MS[b] < TIMEFRAME_MS[a] ? b : a), timeframes[0]!)
  // Shortest first: its newest candle is what proves a longer one closed in the same round.
  const order = [shortest, ...timeframes.filter((tf) => tf !== shortest)]
  return Effect.fnUntraced(function* (state: SymbolState) {
    const { adapter, call } = session
    const book = yield* call(
      "fetchOrderBook",
      state.symbol,
      () => adapter.fetchOrderBook(state.symbol, bookLevels),
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
    for (const tf of order) {
      if (!candlesDue(state, tf, shortest, session.now() + session.closeOffset)) continue
      // A failed fetch is already logged and counted by `call`; the next poll retries it.
      yield* series.fetchSeries(state, tf).pipe(Effect.catch(() => Effect.void))
    }
    yield* session.polled
  })
}
