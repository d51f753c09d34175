/**
 * Shared set-up of the stream-supervisor suites: one local Binance server per file, adapters
 * closed after it, a seeded series with collectors for everything the streams deliver.
 */
import { afterAll, afterEach, beforeAll } from "bun:test"
import { Effect } from "effect"
import { CandleSeries } from "../../../../core/market/candles/index.ts"
import type { Candle, OrderBook, Trade } from "../../../../core/market-schema/index.ts"
import {
  StreamSupervisor,
  symbolStreams,
  type StreamStatus,
  type SymbolStreamsOptions,
} from "../../../../core/market/streams/index.ts"
import type { CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import type { ExchangeServer } from "../../../support/exchange-server/index.ts"
import { binanceAdapter, ioTick, startServer } from "./harness.ts"

export const M = 60_000

/** Registers the file's server lifecycle; returns accessors and the set-up helpers. */
export const supervisorSuite = () => {
  let server: ExchangeServer
  const adapters: Array<CcxtAdapter> = []
  beforeAll(async () => {
    server = await startServer()
  })
  // A failed test must not leave its faults armed for the next one.
  afterEach(() => server.faults.clear())
  afterAll(async () => {
    await Promise.all(adapters.map((a) => a.close()))
    await server.stop()
  })
  const adapter = (extra: Record<string, unknown> = {}) => {
    const a = binanceAdapter(server, extra)
    adapters.push(a)
    return a
  }

  /** Seeded 1m series plus collectors for everything the streams deliver. */
  const setup = (
    a: CcxtAdapter,
    symbol: string,
    opts: { book?: boolean; trades?: boolean; rest?: SymbolStreamsOptions["rest"] } = {},
  ) =>
    Effect.gen(function* () {
      const seed = yield* Effect.promise(() => a.fetchOHLCV(symbol, "1m", undefined, 50))
      const series = new CandleSeries(M, 1000)
      series.seed(seed, server.market.now)
      const closed: Array<Candle> = []
      const books: Array<OrderBook> = []
      const trades: Array<Trade> = []
      const stats: Array<{ gapsBackfilled: number; gaps: number }> = []
      const { specs } = symbolStreams(a, symbol, {
        timeframes: ["1m"],
        depth: { "1m": 1000 },
        series: () => series,
        ...(opts.rest ? { rest: opts.rest } : {}),
        onClosedCandles: (_s, _tf, cs) => Effect.sync(() => void closed.push(...cs)),
        onCandleStats: (_s, _tf, st) =>
          Effect.sync(() => void stats.push({ gapsBackfilled: st.gapsBackfilled, gaps: st.gaps.length })),
        ...(opts.book ? { onOrderBook: (_s: string, b: OrderBook) => Effect.sync(() => void books.push(b)) } : {}),
        ...(opts.trades
          ? { onTrades: (_s: string, t: ReadonlyArray<Trade>) => Effect.sync(() => void trades.push(...t)) }
          : {}),
      })
      const supervisor = yield* StreamSupervisor
      const sub = yield* supervisor.subscribe
      for (const spec of specs) yield* supervisor.start(spec)
      return { series, closed, books, trades, stats, supervisor, sub, specs }
    })

  /** Keep the server pushing until the stream's status satisfies `pred`. */
  const pumpUntilStatus = (
    ctx: { supervisor: StreamSupervisor["Service"] },
    key: string,
    pred: (s: StreamStatus) => boolean,
  ) =>
    Effect.gen(function* () {
      for (let i = 0; i < 200; i++) {
        const st = yield* ctx.supervisor.status(key)
        if (st && pred(st)) return st
        server.advance(1_000)
        yield* ioTick(10)
      }
      return yield* Effect.die(new Error(`status of ${key} never matched`))
    })
  return { server: () => server, adapter, setup, pumpUntilStatus }
}
