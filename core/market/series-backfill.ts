/**
 * @module Series and backfill: which closed candles of a series are new (the cursor), fetching
 * them over REST (a joining symbol's history to the configured depth, then what closed since),
 * and publishing them — history too, so a recording holds everything a series was built from.
 */
import { Effect } from "effect"
import type { VirtuosoConfig } from "../config/index.ts"
import type { ExchangeSession } from "./exchange-session.ts"
import type { MarketEvents } from "./market-events.ts"
import { TIMEFRAME_MS, type Candle, type Timeframe } from "../market-schema/index.ts"
import { closedAfter } from "./series-tracker.ts"
import type { SymbolState } from "./symbol-state.ts"

/** The largest OHLCV page exchanges commonly serve (Binance and Bybit: 1000). */
const MAX_PAGE = 1000

export interface SeriesBackfill {
  /** Publishes the closed candles newer than the series' cursor and advances it. */
  readonly appendClosed: (
    state: SymbolState,
    tf: Timeframe,
    closed: ReadonlyArray<Candle>,
    backfill?: boolean,
  ) => Effect.Effect<void>
  /** Fetches what closed since the cursor (the whole configured depth the first time) and publishes it. */
  readonly fetchSeries: (state: SymbolState, tf: Timeframe) => Effect.Effect<void, Error>
}

export const makeSeriesBackfill = (
  config: VirtuosoConfig,
  session: ExchangeSession,
  events: MarketEvents,
): SeriesBackfill => {
  const { counters, call, adapter } = session

  const appendClosed: SeriesBackfill["appendClosed"] = (state, tf, closed, backfill = false) =>
    Effect.suspend(() => {
      // A dropped symbol publishes nothing: late fetches and stream updates go nowhere.
      if (state.removed) return Effect.void
      const cursor = state.cursors.get(tf)!
      const fresh: Array<Candle> = []
      for (const candle of closed) {
        if (candle.time <= cursor.lastClosed) {
          counters.duplicates++
          continue
        }
        cursor.lastClosed = candle.time
        cursor.version++
        counters.candlesAppended++
        fresh.push(candle)
      }
      return events.candles(state.symbol, tf, fresh, backfill)
    })

  const fetchSeries = Effect.fnUntraced(function* (state: SymbolState, tf: Timeframe) {
    const cursor = state.cursors.get(tf)!
    const step = TIMEFRAME_MS[tf]
    const depth = config.timeframes[tf]!.candles
    const first = !Number.isFinite(cursor.lastClosed)
    const since = first ? undefined : cursor.lastClosed + step
    const detail = `${state.symbol} ${tf}`
    // One extra candle: the newest is still open and is dropped.
    const limit = Math.min(depth + 1, MAX_PAGE)
    let fetched = yield* call("fetchOHLCV", detail, () => adapter.fetchOHLCV(state.symbol, tf, since, limit), 30_000, {
      limit,
    })
    const oldest = fetched[0]
    if (since === undefined && depth + 1 > MAX_PAGE && oldest !== undefined && fetched.length >= MAX_PAGE) {
      // Deeper than one page (1m × 1000 plus the open one): the rest ends where the newest page
      // begins, so it is anchored on the exchange's own times, not our clock. Best effort.
      const missing = depth + 1 - fetched.length
      const older = yield* call(
        "fetchOHLCV",
        detail,
        () => adapter.fetchOHLCV(state.symbol, tf, oldest.time - missing * step, missing),
        30_000,
        { limit: missing },
      ).pipe(Effect.orElseSucceed((): ReadonlyArray<Candle> => []))
      fetched = [...older.filter((c) => c.time < oldest.time), ...fetched]
    }
    const fresh = closedAfter(cursor, fetched, step, session.now() + session.closeOffset)
    counters.duplicates += fresh.duplicates
    counters.malformed += fresh.malformed
    if (fresh.gapFrom !== undefined) counters.gapsBackfilled++
    yield* appendClosed(state, tf, fresh.closed, first)
  })

  return { appendClosed, fetchSeries }
}
