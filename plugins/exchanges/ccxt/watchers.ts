/**
 * @module The ccxt.pro half of the adapter: `watch*` streams and their unsubscribes.
 *
 * ccxt.pro semantics hold: each call resolves with the next update, a dropped socket rejects the
 * pending call (a `NetworkError`), and the next call reconnects. A sequence gap in an order book
 * (Binance `U`/`u`, OKX `prevSeqId`) rejects with `InvalidNonce` and ccxt drops its copy of the
 * book, so the next watch starts from a fresh snapshot. Supervision lives in `core/market/streams`.
 */
import type { Candle, ExchangeAdapter, Liquidation, OrderBook, Timeframe, Trade } from "virtuoso/sdk"
import { toCandles, toLiquidations, toOrderBook, toTrades } from "./convert.ts"
import { streamDepth } from "./depth.ts"

export interface WatchContext {
  /** The ccxt.pro instance (its watch/unWatch methods are looked up per exchange). */
  readonly ex: Record<string, any>
  /** ccxt's `has[method]` is true or "emulated". */
  readonly exHas: (method: string) => boolean
  readonly now: () => number
  /** Resolves once markets are loaded and plain `ws://` is allowed. */
  readonly ready: () => Promise<void>
  /** The perpetual carrying a symbol's derivatives data ("BTC/USDT" → "BTC/USDT:USDT"). */
  readonly derivative: (symbol: string) => Promise<string>
}

type Stream = "ohlcv" | "orderbook" | "trades" | "liquidations"

/** Bybit's liquidation feeds name the liquidated position's side; the others the forced order's. */
const LIQUIDATION_SIDE: Readonly<Record<string, "order" | "position">> = { bybit: "position" }

export const ccxtWatchers = ({ ex, exHas, now, ready, derivative }: WatchContext): Partial<ExchangeAdapter> => {
  const watched = new Map<string, { ohlcv: Set<Timeframe>; trades: boolean; book: boolean; liquidations: boolean }>()
  const watchEntry = (symbol: string) => {
    let w = watched.get(symbol)
    if (!w) watched.set(symbol, (w = { ohlcv: new Set(), trades: false, book: false, liquidations: false }))
    return w
  }
  return {
    async watchOHLCV(symbol: string, timeframe: Timeframe): Promise<ReadonlyArray<Candle>> {
      await ready()
      watchEntry(symbol).ohlcv.add(timeframe)
      return toCandles(await ex.watchOHLCV(symbol, timeframe))
    },
    async watchOrderBook(symbol: string, limit = 50): Promise<OrderBook> {
      await ready()
      watchEntry(symbol).book = true
      const depth = streamDepth(ex.id, ex.markets?.[symbol]?.contract ? "swap" : "spot", limit)
      return toOrderBook(symbol, await ex.watchOrderBook(symbol, depth), now(), limit)
    },
    async watchTrades(symbol: string): Promise<ReadonlyArray<Trade>> {
      await ready()
      watchEntry(symbol).trades = true
      return toTrades(await ex.watchTrades(symbol))
    },
    async watchLiquidations(symbol: string): Promise<ReadonlyArray<Liquidation>> {
      await ready()
      const perp = await derivative(symbol)
      watchEntry(symbol).liquidations = true
      const rows = await ex.watchLiquidations(perp)
      return toLiquidations(rows, LIQUIDATION_SIDE[ex.id] ?? "order", ex.markets?.[perp]?.contractSize)
    },
    async unWatchStream(symbol: string, stream: Stream, timeframe?: Timeframe): Promise<void> {
      const w = watched.get(symbol)
      if (stream === "ohlcv" && timeframe && exHas("unWatchOHLCV")) {
        w?.ohlcv.delete(timeframe)
        await ex.unWatchOHLCV(symbol, timeframe)
      } else if (stream === "trades" && exHas("unWatchTrades")) {
        if (w) w.trades = false
        await ex.unWatchTrades(symbol)
      } else if (stream === "orderbook" && exHas("unWatchOrderBook")) {
        if (w) w.book = false
        await ex.unWatchOrderBook(symbol)
      } else if (stream === "liquidations" && exHas("unWatchLiquidations")) {
        if (w) w.liquidations = false
        await ex.unWatchLiquidations(await derivative(symbol))
      }
    },
    /** Closes every socket; ccxt rejects pending watches and reconnects on the next call. */
    async reconnect(): Promise<void> {
      await ex.close()
    },
    /** Unsubscribes every stream this adapter opened for `symbol` (best effort per stream). */
    async unWatch(symbol: string): Promise<void> {
      const w = watched.get(symbol)
      if (!w) return
      watched.delete(symbol)
      const jobs: Array<Promise<unknown>> = []
      let unsupported = false
      const job = (method: string, run: () => Promise<unknown>) =>
        exHas(method) ? jobs.push(run()) : (unsupported = true)
      for (const tf of w.ohlcv) job("unWatchOHLCV", () => ex.unWatchOHLCV(symbol, tf))
      if (w.trades) job("unWatchTrades", () => ex.unWatchTrades(symbol))
      if (w.book) job("unWatchOrderBook", () => ex.unWatchOrderBook(symbol))
      if (w.liquidations) job("unWatchLiquidations", () => derivative(symbol).then((p) => ex.unWatchLiquidations(p)))
      // Without ccxt unWatch support the only clean unsubscribe is a fresh connection: the
      // other streams resubscribe on their next watch (the supervisor counts a reconnect).
      if (unsupported) jobs.push(ex.close())
      const results = await Promise.allSettled(jobs)
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected")
      if (failed) throw failed.reason
    },
  }
}
