/**
 * @module MarketEvents: the one place market inputs leave MarketData, as bus events. Analysis
 * reads nothing else, so what the store records is exactly what was scored.
 *
 * Order books are thinned here: the top `levels` of each side, at most every `everyMs` per
 * symbol, sooner when the mid price moved `changeBps` since the last published book. A book
 * that is not published never reaches an indicator.
 *
 * Numbers JSON cannot carry (NaN, ±Infinity) stop here: the store and the Redis transport write
 * JSON, which turns them into null, so Analysis would score one value and a replay of the
 * recording another. A candle, book level or trade holding one is left out; a ticker or
 * derivatives update holding one in a required place is not published (optional fields that are
 * not finite are left off).
 */
import { Effect } from "effect"
import type { VirtuosoConfig } from "../config/index.ts"
import { EventBus, makeEvent, type EventType, type PayloadOf } from "../events/index.ts"
import type { Candle, OrderBook, Ticker, Timeframe, Trade } from "../market-schema/index.ts"

export type BookOptions = VirtuosoConfig["exchange"]["book"]

const finite = Number.isFinite
const finiteCandle = (c: Candle): boolean =>
  finite(c.time) && finite(c.open) && finite(c.high) && finite(c.low) && finite(c.close) && finite(c.volume)
const finiteLevel = (level: readonly [number, number]): boolean => finite(level[0]) && finite(level[1])
const finiteTrade = (t: Trade): boolean => finite(t.time) && finite(t.price) && finite(t.amount)
/** Whether every number anywhere in `value` is finite. */
const allFinite = (value: unknown): boolean => {
  if (typeof value === "number") return finite(value)
  if (typeof value !== "object" || value === null) return true
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (!allFinite(v)) return false
  return true
}
/** Keeps the items that pass; the same array when all do (the common case allocates nothing). */
const keep = <A>(items: ReadonlyArray<A>, ok: (a: A) => boolean): ReadonlyArray<A> =>
  items.every(ok) ? items : items.filter(ok)

const mid = (book: OrderBook): number | undefined => {
  const bid = book.bids[0]?.[0]
  const ask = book.asks[0]?.[0]
  return bid === undefined || ask === undefined ? undefined : (bid + ask) / 2
}

export interface MarketEvents {
  /** Closed candles of one series, oldest first; `backfill` marks the history of a joining symbol. */
  readonly candles: (
    symbol: string,
    timeframe: Timeframe,
    candles: ReadonlyArray<Candle>,
    backfill: boolean,
  ) => Effect.Effect<void>
  readonly book: (symbol: string, book: OrderBook, now: number) => Effect.Effect<void>
  readonly trades: (symbol: string, trades: ReadonlyArray<Trade>) => Effect.Effect<void>
  readonly ticker: (symbol: string, ticker: Ticker) => Effect.Effect<void>
  readonly derivatives: (payload: Omit<PayloadOf<"market.derivatives">, "exchange">) => Effect.Effect<void>
  readonly symbols: (symbols: ReadonlyArray<string>) => Effect.Effect<void>
  readonly stream: (payload: PayloadOf<"stream.changed">) => Effect.Effect<void>
  /** Forgets a symbol's book cadence (it left the tracked set). */
  readonly forget: (symbol: string) => void
}

export const makeMarketEvents = (exchange: string, options: BookOptions) =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    const lastBook = new Map<string, { at: number; mid: number | undefined }>()

    const publish = <T extends EventType>(type: T, payload: PayloadOf<T>) =>
      makeEvent(type, payload, { source: "market" }).pipe(
        Effect.flatMap((event) => bus.publish(event)),
        Effect.catch((error) => Effect.logWarning(`${type} not published: ${String(error)}`)),
      )

    const events: MarketEvents = {
      candles: (symbol, timeframe, all, backfill) => {
        const candles = keep(all, finiteCandle)
        if (candles.length === 0) return Effect.void
        // Live closes one by one (each is scored); history in one event (scored once, at its end).
        if (!backfill)
          return Effect.forEach(
            candles,
            (candle) => publish("market.candle.closed", { symbol, timeframe, exchange, candle }),
            { discard: true },
          )
        return publish("market.candles", { symbol, timeframe, exchange, candles: [...candles], backfill })
      },
      book: (symbol, whole, now) =>
        Effect.suspend(() => {
          if (!finite(whole.time)) return Effect.void
          const book = { ...whole, bids: keep(whole.bids, finiteLevel), asks: keep(whole.asks, finiteLevel) }
          const last = lastBook.get(symbol)
          const m = mid(book)
          const moved =
            last?.mid !== undefined && m !== undefined && Math.abs(m / last.mid - 1) * 10_000 >= options.changeBps
          if (last !== undefined && now - last.at < options.everyMs && !moved) return Effect.void
          lastBook.set(symbol, { at: now, mid: m })
          return publish("market.orderbook", {
            symbol,
            exchange,
            time: book.time,
            bids: book.bids.slice(0, options.levels).map(([p, a]) => [p, a] as [number, number]),
            asks: book.asks.slice(0, options.levels).map(([p, a]) => [p, a] as [number, number]),
          })
        }),
      trades: (symbol, all) => {
        const trades = keep(all, finiteTrade)
        return trades.length === 0 ? Effect.void : publish("market.trades", { symbol, exchange, trades: [...trades] })
      },
      ticker: (symbol, t) =>
        !finite(t.time) || !finite(t.last)
          ? Effect.void
          : publish("market.ticker", {
              symbol,
              exchange,
              time: t.time,
              last: t.last,
              ...(t.bid === undefined || !finite(t.bid) ? {} : { bid: t.bid }),
              ...(t.ask === undefined || !finite(t.ask) ? {} : { ask: t.ask }),
              ...(t.quoteVolume === undefined || !finite(t.quoteVolume) ? {} : { quoteVolume: t.quoteVolume }),
              ...(t.percentage === undefined || !finite(t.percentage) ? {} : { percentage: t.percentage }),
            }),
      derivatives: (payload) =>
        allFinite(payload) ? publish("market.derivatives", { ...payload, exchange }) : Effect.void,
      symbols: (symbols) => publish("market.symbols", { exchange, symbols: [...symbols] }),
      stream: (payload) => publish("stream.changed", payload),
      forget: (symbol) => void lastBook.delete(symbol),
    }
    return events
  })
