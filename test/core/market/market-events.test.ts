/**
 * MarketEvents keeps numbers JSON cannot carry off the bus: what Analysis scores is what the
 * store records and a replay reads back (JSON would turn NaN into null).
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { EventBus, type VirtuosoEvent } from "../../../core/events/index.ts"
import { makeMarketEvents } from "../../../core/market/market-events.ts"

const S = "BTC/USDT"
const candle = (time: number, close: number) => ({ time, open: 1, high: 2, low: 0.5, close, volume: 3 })
const trade = (id: string, price: number) => ({ id, time: 1000, price, amount: 1, side: "buy" as const })

const published = (use: (m: Effect.Success<ReturnType<typeof makeMarketEvents>>) => Effect.Effect<void>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = yield* EventBus
        const seen: Array<VirtuosoEvent> = []
        yield* bus.subscribe("market.*", (e) => Effect.sync(() => void seen.push(e)), { name: "seen" })
        yield* use(yield* makeMarketEvents("sim", { levels: 2, everyMs: 0, changeBps: 0 }))
        yield* bus.drain("1 second")
        return seen
      }),
    ).pipe(Effect.provide(EventBus.layerTest)),
  )

describe("market events", () => {
  test("candles, book levels and trades that hold NaN or Infinity are left out; the rest go out", async () => {
    const seen = await published((m) =>
      Effect.all([
        m.candles(S, "1m", [candle(0, 1), candle(60_000, Number.NaN), candle(120_000, 2)], true),
        m.book(
          S,
          {
            symbol: S,
            time: 5,
            bids: [
              [Number.NaN, 1],
              [9, 1],
              [8, Infinity],
              [7, 1],
            ],
            asks: [[11, 1]],
          },
          5,
        ),
        m.trades(S, [trade("a", 10), trade("b", Number.NaN)]),
        m.trades(S, [trade("c", Number.NaN)]),
        m.ticker(S, { symbol: S, time: 5, last: 10, bid: Number.NaN, ask: 10.1 }),
        m.ticker(S, { symbol: S, time: 6, last: Number.NaN }),
        m.derivatives({ symbol: S, time: 5, longShortRatio: Number.NaN }),
        m.derivatives({ symbol: S, time: 6, longShortRatio: 1.2 }),
      ]),
    )
    const by = (type: string) => seen.filter((e) => e.type === type).map((e) => e.payload)
    expect(
      by("market.candles").map((p) => (p as { candles: Array<{ time: number }> }).candles.map((c) => c.time)),
    ).toEqual([[0, 120_000]])
    expect(by("market.orderbook")).toMatchObject([
      {
        bids: [
          [9, 1],
          [7, 1],
        ],
        asks: [[11, 1]],
      },
    ])
    expect(by("market.trades").map((p) => (p as { trades: Array<{ id: string }> }).trades.map((t) => t.id))).toEqual([
      ["a"],
    ])
    expect(by("market.ticker")).toEqual([{ symbol: S, exchange: "sim", time: 5, last: 10, ask: 10.1 }])
    expect(by("market.derivatives")).toMatchObject([{ time: 6, longShortRatio: 1.2 }])
    // Everything that went out survives JSON unchanged.
    for (const e of seen) expect(JSON.parse(JSON.stringify(e.payload))).toEqual(e.payload)
  })
})
