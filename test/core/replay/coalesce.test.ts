/**
 * Coalescing a recording's books and trades must leave Analysis's market picture exactly as the
 * full sequence builds it at every event that scores: the same book, the same tape (trimmed by
 * count and by age), the same derivatives context per symbol. Checked against Analysis's own
 * market state over a seeded sequence with out-of-order trade batches, tapes past their count
 * limit and their age window, and stretches longer than the coalescer holds.
 */
import { expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { makeMarketState, type MarketEvent } from "../../../core/analysis/market-state.ts"
import type { EventOf, VirtuosoEvent } from "../../../core/events/index.ts"
import { ResidentCandles } from "../../../core/market/index.ts"
import { makePictureCoalescer } from "../../../core/replay/coalesce.ts"
import { Kernels } from "../../../core/wasm/index.ts"

const SYMBOLS = ["A/USDT", "B/USDT", "C/USDT"]

let seed = 7
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
const pick = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(random() * xs.length)]!

/** Candle closes every `stretch` picture events; trade times step forward, now and then back. */
const sequence = (stretches: number, stretch: number): Array<VirtuosoEvent> => {
  seed = 7
  const out: Array<VirtuosoEvent> = []
  let n = 0
  let t = 1_000_000
  const event = <T extends VirtuosoEvent["type"]>(type: T, payload: EventOf<T>["payload"]) =>
    out.push({ id: `e${++n}`, type, version: 1, time: t, source: "test", payload } as EventOf<T> as VirtuosoEvent)
  for (let s = 0; s < stretches; s++) {
    for (let k = 0; k < stretch; k++) {
      t += Math.floor(random() * 2000)
      const symbol = pick(SYMBOLS)
      const r = random()
      if (r < 0.4) {
        const level = (d: number): [number, number] => [100 + d + random(), random()]
        event("market.orderbook", { symbol, time: t, bids: [level(-1)], asks: [level(1)] })
      } else if (r < 0.9) {
        // Most batches move forward; one in six is older than what came before it, and a few
        // trades lag their batch by about the tape's age window.
        const base = random() < 1 / 6 ? t - 2000 - Math.floor(random() * 20_000) : t
        const lag = () => (random() < 0.05 ? 290_000 + Math.floor(random() * 20_000) : 0)
        const trades = Array.from({ length: 1 + Math.floor(random() * 60) }, (_, i) => ({
          id: `${symbol}-${n}-${i}`,
          time: base + Math.floor(random() * 1000) - lag(),
          price: 100,
          amount: random(),
          side: random() < 0.5 ? ("buy" as const) : ("sell" as const),
        }))
        event("market.trades", { symbol, trades })
      } else if (r < 0.95) event("market.ticker", { symbol, time: t, last: 100 + random() })
      else {
        const openInterest = { symbol, time: t, amount: random() }
        event("market.derivatives", { symbol, time: t, openInterest, longShortRatio: random() })
      }
    }
    const candle = { time: t, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 }
    event("market.candle.closed", { symbol: pick(SYMBOLS), timeframe: "1m", candle })
  }
  return out
}

/** The market picture after each scoring event is applied (book, tape, context per symbol). */
const pictures = (events: Iterable<VirtuosoEvent>) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const state = makeMarketState(yield* ResidentCandles, { "1m": 50 })
        const seen: Array<string> = []
        for (const event of events) {
          state.apply(event as MarketEvent)
          if (event.type !== "market.candle.closed") continue
          const picture = [...state.symbols.values()]
            .map((s) => ({ symbol: s.symbol, book: s.orderbook, trades: s.tape.trades(), market: s.market }))
            .sort((a, b) => a.symbol.localeCompare(b.symbol))
          seen.push(JSON.stringify(picture))
        }
        return seen
      }),
    ).pipe(Effect.provide(ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)))),
  )

/** What the coalescer passes on for `events` (limit: events a stretch holds at most). */
const throughCoalescer = (events: Iterable<VirtuosoEvent>, limit?: number): Array<VirtuosoEvent> => {
  const coalescer = makePictureCoalescer(limit)
  const out: Array<VirtuosoEvent> = []
  for (const event of events) coalescer.push(event, out)
  coalescer.end(out)
  return out
}

test("the coalesced sequence builds the picture the full one builds at every candle", async () => {
  const full = sequence(12, 3000)
  const coalesced = [...throughCoalescer(full)]
  const [a, b] = await Promise.all([pictures(full), pictures(coalesced)])
  expect(a.length).toBe(12)
  expect(b).toEqual(a)
  // Tapes reached their count limit and dropped by age, so trimming was exercised.
  const last = JSON.parse(a.at(-1)!) as Array<{ trades: Array<unknown> }>
  expect(last.some((s) => s.trades.length === 1000)).toBe(true)
  // Most books and trade batches went: 3 symbols per stretch of ≤ 4096 held events.
  const books = (xs: ReadonlyArray<VirtuosoEvent>) => xs.filter((e) => e.type === "market.orderbook").length
  expect(books(coalesced)).toBeLessThan(books(full) / 20)
  expect(coalesced.length).toBeLessThan(full.length / 4)
  // The input's payloads are left as they were.
  expect([...throughCoalescer(full)].length).toBe(coalesced.length)
  expect(full.filter((e) => e.type === "market.trades").every((e) => e.payload.trades.length <= 60)).toBe(true)
})

test("a batch whose newest trade is older than an earlier batch's is not merged into it", async () => {
  // With the tape full, a merged batch would trim by the earlier batch's newest trade and drop
  // the 90 s trade that folding the batches one at a time keeps (it is within 5 min of 350 s).
  const trade = (time: number, i: number) => ({ id: `t${time}-${i}`, time, price: 1, amount: 1, side: "buy" as const })
  const first = [trade(400_000, 0), trade(90_000, 1), ...Array.from({ length: 998 }, (_, i) => trade(400_000, i + 2))]
  const events = [
    { id: "a", type: "market.trades", version: 1, time: 1, source: "test", payload: { symbol: "S", trades: first } },
    {
      id: "b",
      type: "market.trades",
      version: 1,
      time: 2,
      source: "test",
      payload: { symbol: "S", trades: [trade(350_000, 0)] },
    },
    {
      id: "c",
      type: "market.candle.closed",
      version: 1,
      time: 3,
      source: "test",
      payload: { symbol: "S", timeframe: "1m", candle: { time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 } },
    },
  ] satisfies Array<VirtuosoEvent>
  const [a, b] = await Promise.all([pictures(events), pictures(throughCoalescer(events))])
  expect(JSON.parse(a[0]!)[0].trades.some((t: { time: number }) => t.time === 90_000)).toBe(true)
  expect(b).toEqual(a)
})

test("it streams: at most the hold limit is read between two events passed on", () => {
  const coalescer = makePictureCoalescer(500)
  const ready: Array<VirtuosoEvent> = []
  let pulled = 0
  let out = 0
  let before = 0
  let widest = 0
  for (const e of sequence(2, 10_000)) {
    pulled++
    coalescer.push(e, ready)
    if (ready.length === 0) continue
    out += ready.length
    ready.length = 0
    widest = Math.max(widest, pulled - before)
    before = pulled
  }
  coalescer.end(ready)
  out += ready.length
  expect(pulled).toBe(20_002)
  expect(widest).toBeLessThanOrEqual(500)
  expect(widest).toBeGreaterThan(100)
  expect(out).toBeLessThan(pulled / 4)
})
