/** Superseded snapshots: a subscriber that fell behind keeps one queued book per symbol between its reads. */
import { describe, expect, test } from "bun:test"
import { Deferred, Effect } from "effect"
import { EventBus, makeEvent, type SubscribeOptions, type VirtuosoEvent } from "../../../core/events/index.ts"
import { runBus, ticker, trades } from "./support.ts"

const book = (mid: number, symbol = "BTC/USDT") =>
  makeEvent("market.orderbook", { symbol, time: mid, bids: [[mid - 1, 1]], asks: [[mid + 1, 1]] }, { source: "test" })
const candle = (time: number, symbol = "BTC/USDT") =>
  makeEvent(
    "market.candle.closed",
    { symbol, timeframe: "1m", candle: { time, open: 1, high: 1, low: 1, close: 1, volume: 1 } },
    { source: "test" },
  )
const symbols = () => makeEvent("market.symbols", { symbols: ["BTC/USDT"] }, { source: "test" })

const READERS: SubscribeOptions["supersede"] = { readers: ["market.candle.closed", "market.candles", "market.symbols"] }

const label = (e: VirtuosoEvent): string => {
  switch (e.type) {
    case "market.orderbook":
      return `book ${e.payload.symbol} ${e.payload.time}`
    case "market.ticker":
      return `ticker ${e.payload.symbol} ${e.payload.last}`
    case "market.candle.closed":
      return `candle ${e.payload.symbol} ${e.payload.candle.time}`
    default:
      return e.type
  }
}

/**
 * Publishes `events` while the subscriber is held busy on a first event, then lets it go;
 * returns the labels it handled after the first, in order, and its superseded count.
 */
const handled = (
  events: Effect.Effect<ReadonlyArray<VirtuosoEvent>>,
  options: Pick<SubscribeOptions, "supersede" | "capacity" | "accept"> = {},
) =>
  runBus(
    Effect.gen(function* () {
      const bus = yield* EventBus
      const gate = yield* Deferred.make<void>()
      const entered = yield* Deferred.make<void>()
      const seen: Array<string> = []
      const list = yield* events
      const done = yield* Deferred.make<void>()
      let first = true
      yield* bus.subscribe(
        "market.*",
        (e) =>
          Effect.gen(function* () {
            if (first) {
              first = false
              yield* Deferred.succeed(entered, undefined).pipe(Effect.andThen(Deferred.await(gate)))
              return
            }
            if (e.type === "market.trades") yield* Deferred.succeed(done, undefined)
            else seen.push(label(e))
          }),
        { name: "analysis", ...options },
      )
      yield* bus.publish(yield* ticker(0, "HOLD/USDT"))
      yield* Deferred.await(entered)
      for (const e of list) yield* bus.publish(e)
      // Not a snapshot nor a reader: handled last, it says everything before it was.
      yield* bus.publish(yield* trades(1, "END/USDT"))
      yield* Deferred.succeed(gate, undefined)
      yield* Deferred.await(done)
      const stats = yield* bus.stats
      return { seen, superseded: stats.subscribers.find((s) => s.name === "analysis")!.superseded }
    }),
  )

const all = (...events: Array<Effect.Effect<VirtuosoEvent>>) => Effect.all(events)

describe("superseded snapshots", () => {
  test("a newer book or ticker takes the queued one's place; other symbols and types keep theirs", async () => {
    const { seen, superseded } = await handled(
      all(book(1), ticker(10), book(1, "ETH/USDT"), book(2), ticker(11), book(3), book(2, "ETH/USDT")),
      { supersede: READERS },
    )
    expect(seen).toEqual(["book BTC/USDT 3", "ticker BTC/USDT 11", "book ETH/USDT 2"])
    expect(superseded).toBe(4)
  })

  test("a reader queued after a book keeps it: the reader sees that book, later ones merge after it", async () => {
    const { seen, superseded } = await handled(
      all(book(1), candle(60), book(2), book(3), candle(120, "ETH/USDT"), book(4)),
      { supersede: READERS },
    )
    expect(seen).toEqual(["book BTC/USDT 1", "candle BTC/USDT 60", "book BTC/USDT 4", "candle ETH/USDT 120"])
    expect(superseded).toBe(2)
  })

  test("a reader about no symbol (the tracked set) keeps every book queued before it", async () => {
    const { seen } = await handled(all(book(1), symbols(), book(2)), { supersede: READERS })
    expect(seen).toEqual(["book BTC/USDT 1", "market.symbols", "book BTC/USDT 2"])
  })

  test("a snapshot the subscriber does not accept never takes the place of one it does", async () => {
    // As a peer's book for a symbol this instance fetches itself (cluster mode): dropped on delivery.
    const foreign = (e: VirtuosoEvent) => e.type === "market.orderbook" && e.payload.time === 2
    const { seen, superseded } = await handled(all(book(1), book(2), ticker(10), book(3), book(2)), {
      supersede: READERS,
      accept: (e) => !foreign(e),
    })
    expect(seen).toEqual(["book BTC/USDT 3", "ticker BTC/USDT 10"])
    expect(superseded).toBe(1)
    // The newest book is foreign: the subscriber keeps its own older one (the recorder stores it too).
    const last = await handled(all(book(1), book(2)), { supersede: READERS, accept: (e) => !foreign(e) })
    expect(last.seen).toEqual(["book BTC/USDT 1"])
    expect(last.superseded).toBe(0)
  })

  test("without the option every book is delivered", async () => {
    const { seen, superseded } = await handled(all(book(1), book(2), book(3)))
    expect(seen).toEqual(["book BTC/USDT 1", "book BTC/USDT 2", "book BTC/USDT 3"])
    expect(superseded).toBe(0)
  })

  test("a full lane takes a superseding book without making the publisher wait", async () => {
    const { seen } = await handled(all(book(1), ticker(10), book(2), book(3)), { supersede: READERS, capacity: 3 })
    expect(seen).toEqual(["book BTC/USDT 3", "ticker BTC/USDT 10"])
  })
})
