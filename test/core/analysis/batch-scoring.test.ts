/**
 * Analysis scores a batch of market events in one pass (one declared-inputs call, one host pass
 * per symbol) yet must publish exactly what handling the events one at a time publishes: the same
 * confluence events, in the same order, with the same numbers. The batch below interleaves what
 * forces an early scoring pass: a book and a tape for a symbol with pending scores, two candles of
 * one series, a symbol scored for the first time, and the tracked set changing mid-batch; and
 * derivatives data for symbols with pending scores, which does not (the pending scores keep the
 * data they read), followed by a book or by a candle of another timeframe, which do.
 */
import { describe, expect, test } from "bun:test"
import { Effect, Exit, Layer, References, Scope } from "effect"
import { fileURLToPath } from "node:url"
import { Analysis } from "../../../core/analysis/index.ts"
import { AppConfig, parseConfig } from "../../../core/config/index.ts"
import { EventBus, makeEvent, type PayloadOf, type VirtuosoEvent } from "../../../core/events/index.ts"
import { ResidentCandles } from "../../../core/market/index.ts"
import { PluginHost, type Timeframe } from "../../../core/plugins/index.ts"
import { Kernels } from "../../../core/wasm/index.ts"
import { loadCandles, syntheticBook, syntheticTrades } from "../../plugins/indicators/support.ts"
import { eventually } from "../../support/eventually.ts"

const ROOT = fileURLToPath(new URL("../../..", import.meta.url))
const FRAMES: ReadonlyArray<readonly [Timeframe, number]> = [
  ["1m", 60_000],
  ["5m", 300_000],
  ["30m", 1_800_000],
  ["4h", 14_400_000],
]
const SYMBOLS = ["AAA/USDT", "BBB/USDT", "CCC/USDT"]
const src = loadCandles("btcusdt-1m")
const HISTORY = 240

type Publish = { readonly type: VirtuosoEvent["type"]; readonly payload: unknown }
const candleAt = (i: number, time: number) => ({
  time,
  open: src.open[i]!,
  high: src.high[i]!,
  low: src.low[i]!,
  close: src.close[i]!,
  volume: src.volume[i]!,
})
const history = (s: number, step: number) => Array.from({ length: HISTORY }, (_, i) => candleAt(s * 300 + i, i * step))
const closed = (s: number, tf: Timeframe, k: number): Publish => {
  const step = FRAMES.find(([f]) => f === tf)![1]
  return {
    type: "market.candle.closed",
    payload: { symbol: SYMBOLS[s]!, timeframe: tf, candle: candleAt(s * 300 + HISTORY + k, (HISTORY + k) * step) },
  }
}
const book = (s: number, end: number): Publish => {
  const b = syntheticBook(src, end, { seed: s + end })
  return {
    type: "market.orderbook",
    payload: {
      symbol: SYMBOLS[s]!,
      time: b.time,
      bids: b.bids.map(([p, a]) => [p, a]),
      asks: b.asks.map(([p, a]) => [p, a]),
    },
  }
}
const derivatives = (s: number, k: number): Publish => ({
  type: "market.derivatives",
  payload: {
    symbol: SYMBOLS[s]!,
    time: 1_000 + k,
    fundingRate: { symbol: SYMBOLS[s]!, time: 1_000 + k, rate: (k % 3) * 0.0004 - 0.0003 },
    openInterest: { symbol: SYMBOLS[s]!, time: 1_000 + k, amount: 5_000 + 700 * k },
    longShortRatio: 0.6 + 0.3 * k,
  },
})
const tape = (s: number, end: number): Publish => ({
  type: "market.trades",
  payload: { symbol: SYMBOLS[s]!, trades: [...syntheticTrades(src, end, { seed: s })] },
})

/** Symbols 0 and 1 served with history; symbol 2 gets its history but is not served yet. */
const setup: ReadonlyArray<Publish> = [
  ...SYMBOLS.flatMap((symbol, s) => [
    book(s, 900 + s),
    tape(s, 900 + s),
    ...FRAMES.filter(([tf]) => s < 2 || tf !== "4h").map(([timeframe, step]) => ({
      type: "market.candles" as const,
      payload: { symbol, timeframe, candles: history(s, step), backfill: true },
    })),
  ]),
  { type: "market.symbols", payload: { symbols: SYMBOLS.slice(0, 2) } },
]

const mixed: ReadonlyArray<Publish> = [
  closed(0, "1m", 0),
  closed(1, "1m", 0),
  closed(0, "5m", 0),
  derivatives(0, 1), // symbol 0 has pending scores: they keep the market data they read
  derivatives(0, 2),
  book(0, 1000), // symbol 0 has pending scores: they are computed with the old book first
  closed(0, "30m", 0),
  closed(1, "1m", 1), // the same series again
  tape(1, 1001),
  closed(1, "4h", 0),
  {
    type: "market.candles",
    payload: { symbol: SYMBOLS[2]!, timeframe: "4h", candles: history(2, 14_400_000), backfill: true },
  }, // symbol 2 complete: all its timeframes are scored (not served yet)
  closed(2, "1m", 0),
  { type: "market.symbols", payload: { symbols: SYMBOLS } }, // symbol 2 joins: its score goes out
  closed(0, "1m", 1),
  closed(2, "5m", 0),
  closed(1, "5m", 0),
  derivatives(1, 3),
  closed(1, "30m", 0), // symbol 1's pending 5m score reads the old market data, this one the new
  derivatives(1, 4),
]

/**
 * A burst larger than one bus batch (500 events): symbol 0's four candles, a run of symbol 1's
 * tapes (which touch no pending score), then symbol 1's four candles. The bus hands it over in two
 * batches, back to back; Analysis scores it in one pass.
 */
const burst: ReadonlyArray<Publish> = [
  ...FRAMES.map(([tf]) => closed(0, tf, 0)),
  ...Array.from({ length: 600 }, (_, k) => tape(1, 1000 + (k % 50))),
  ...FRAMES.map(([tf]) => closed(1, tf, 0)),
]

const run = async (oneByOne: boolean, batch: ReadonlyArray<Publish> = mixed) => {
  const config = parseConfig({
    symbols: { static: SYMBOLS, top: 0 },
    http: { enabled: false },
    plugins: { watch: false },
    signals: { enabled: false },
  })
  const layer = Analysis.layer.pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        PluginHost.layer({ root: ROOT, folders: ["plugins/indicators"], watch: false, budgetMs: 1000 }),
        ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)),
        EventBus.layer,
      ),
    ),
    Layer.provide(Layer.mergeAll(Layer.succeed(AppConfig, config), Layer.succeed(References.MinimumLogLevel, "Error"))),
  )
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const get = <S>(key: { key: string }) => context.mapUnsafe.get(key.key) as S
  const analysis = get<Analysis["Service"]>(Analysis)
  const bus = get<EventBus["Service"]>(EventBus)
  const host = get<PluginHost["Service"]>(PluginHost)
  const seen: Array<PayloadOf<"analysis.confluence">> = []
  await Effect.runPromise(
    bus
      .subscribe("analysis.confluence", (e) => Effect.sync(() => void seen.push(e.payload)))
      .pipe(Scope.provide(scope)),
  )
  const events = (list: ReadonlyArray<Publish>) =>
    Effect.runPromise(Effect.all(list.map((p) => makeEvent(p.type, p.payload as never, { source: "market" }))))
  const cycles = async () => (await Effect.runPromise(analysis.stats)).cycles
  const settle = (count: number) =>
    eventually(`${count} analysis cycles`, cycles, (n) => n >= count, { timeoutMs: 30_000, intervalMs: 1 })
  for (const e of await events(setup)) await Effect.runPromise(bus.publish(e))
  await settle(setup.length)
  await Effect.runPromise(analysis.awaitScores)
  const before = (await Effect.runPromise(host.inputStats)).computeCalls
  const scoredBefore = seen.length
  if (oneByOne) {
    let n = setup.length
    for (const e of await events(batch)) {
      await Effect.runPromise(bus.publish(e))
      await settle(++n)
    }
  } else {
    await Effect.runPromise(bus.publishAll(await events(batch)))
    await settle(setup.length + batch.length)
  }
  // Every score the bus accepted has reached this subscriber: the last batch's events are
  // delivered after its handler returned.
  const published = async () => (await Effect.runPromise(bus.stats)).published["analysis.confluence"]
  await eventually(
    "every published score delivered",
    async () => ({ seen: seen.length, published: await published() }),
    (n) => n.seen > scoredBefore && n.seen === n.published,
    { intervalMs: 1 },
  )
  const calls = (await Effect.runPromise(host.inputStats)).computeCalls - before
  await Effect.runPromise(Scope.close(scope, Exit.void))
  return { published: seen.slice(scoredBefore), calls }
}

describe("Analysis: a batch of market events", () => {
  test("publishes what one-at-a-time handling publishes, in order, with fewer declared-input calls", async () => {
    const single = await run(true)
    const batched = await run(false)
    // One event per scoring candle event (symbol 2's first scoring went out when it joined).
    expect(single.published.map((p) => p.symbol)).toEqual([
      "AAA/USDT",
      "BBB/USDT",
      "AAA/USDT",
      "AAA/USDT",
      "BBB/USDT",
      "BBB/USDT",
      "CCC/USDT",
      "AAA/USDT",
      "CCC/USDT",
      "BBB/USDT",
      "BBB/USDT",
    ])
    expect(batched.published).toEqual(single.published)
    expect(batched.calls).toBeLessThan(single.calls)
  }, 120_000)

  test("a burst the bus hands over in two batches is scored in one pass, as one at a time would", async () => {
    const single = await run(true, burst)
    const batched = await run(false, burst)
    expect(single.published.map((p) => p.symbol)).toEqual([
      ...FRAMES.map(() => "AAA/USDT"),
      ...FRAMES.map(() => "BBB/USDT"),
    ])
    expect(batched.published).toEqual(single.published)
    // One declared-inputs call: one scoring pass for both batches.
    expect(batched.calls).toBe(1)
  }, 120_000)
})
