/**
 * Analysis keeps each symbol's tape as columns, filled from trade objects (live) or straight from
 * a store's packed batches (replay). What a plugin reads of it must be what it read when the tape
 * was an array of those trade objects trimmed by the tape rule (`pushArrayTape`):
 *
 * - the tape drops exactly the trades that rule drops (by age and by the limit), batch by batch;
 * - `ctx.trades` (made on demand) equals those objects — ids, order, window — for a plugin run
 *   inline and for a third-party plugin in a worker (the tape sent to it as columns, tails only
 *   after the first batch); live, the objects are the very ones that arrived;
 * - `ctx.tape`'s columns hold the same values.
 *
 * The recording goes through a real EventStore (hot rows folded into blocks, read back coalesced)
 * and the real market state; the worker is a real plugin worker.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime, References } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeMarketState, type MarketEvent } from "../../../core/analysis/market-state.ts"
import { contextOf } from "../../../core/analysis/plugin-context.ts"
import { pushTape, TAPE_MS } from "../../../core/analysis/tape.ts"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { ResidentCandles } from "../../../core/market/index.ts"
import type { Trade } from "../../../core/market-schema/index.ts"
import { callContext, shapeOf } from "../../../core/plugins/call-context.ts"
import { PluginHost } from "../../../core/plugins/index.ts"
import { TradeTape } from "../../../core/plugins/trade-tape.ts"
import { makePictureCoalescer } from "../../../core/replay/coalesce.ts"
import { recordedEvents } from "../../../core/replay/recorded.ts"
import { EventStore } from "../../../core/store/index.ts"
import { Kernels } from "../../../core/wasm/index.ts"
import { pushArrayTape } from "../../support/array-tape.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-tape-trades-"))
const plugins = join(dir, "plugins")
// A third-party plugin reading the trade objects: their count and a digest of them as JSON.
writeFileSync(join(dir, "package.json"), "{}")
Bun.spawnSync(["mkdir", "-p", plugins])
writeFileSync(
  join(plugins, "trades-digest.ts"),
  `export default { apiVersion: 1, kind: "indicator", name: "trades-digest", component: "orderflow", lookback: 1,
  needs: ["trades"],
  compute(ctx) {
    const text = JSON.stringify(ctx.trades)
    let h = 2166136261
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0
    return { score: 50, values: { count: ctx.trades.length, digest: h } }
  } }\n`,
)
const digest = (trades: ReadonlyArray<Trade>): number => {
  const text = JSON.stringify(trades)
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0
  return h
}

const resident = ManagedRuntime.make(ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)))
const worker = ManagedRuntime.make(
  Layer.mergeAll(
    PluginHost.layer({
      root: dir,
      folders: [plugins],
      ownedFolders: [],
      watch: false,
      budgetMs: 2000,
      isolation: "worker",
      workers: 1,
    }),
    Layer.succeed(References.MinimumLogLevel, "Error"),
  ),
)
afterAll(async () => {
  for (const r of [resident, worker]) await r.dispose()
  rmSync(dir, { recursive: true, force: true })
})

const START = Date.UTC(2026, 0, 1)
const SYMBOLS = ["AAA/USDT", "BBB/USDT"]

/**
 * Twenty minutes of two symbols: a trade batch every few seconds (AAA's ids strings sharing a
 * prefix, BBB's counted numbers), some batches older than the one before, a burst beyond the
 * tape's limit, trades as old as the tape's age window; a closed 1m candle per symbol a minute.
 */
const recording = (): Array<VirtuosoEvent> => {
  let seed = 7
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
  const out: Array<VirtuosoEvent> = []
  let n = 0
  let counted = 1_000_000_000
  const event = (type: VirtuosoEvent["type"], time: number, payload: unknown) =>
    out.push({ id: `E${String(++n).padStart(8, "0")}`, type, version: 1, time, source: "market", payload } as never)
  const history = Array.from({ length: 30 }, (_, k) => ({
    time: START - (30 - k) * 60_000,
    open: 100,
    high: 101,
    low: 99,
    close: 100,
    volume: 1,
  }))
  for (const symbol of SYMBOLS) event("market.candles", START, { symbol, timeframe: "1m", candles: history })
  for (let m = 0; m < 20; m++) {
    for (let s = 0; s < 60; s += 4) {
      const t = START + m * 60_000 + s * 1000
      for (const symbol of SYMBOLS) {
        const burst = m === 12 && s === 0 ? 1200 : 1 + Math.floor(random() * 40)
        const older = random() < 0.1 ? 5_000 + Math.floor(random() * 30_000) : 0
        const trades = Array.from({ length: burst }, (_, i) => ({
          id: symbol === "AAA/USDT" ? `${symbol}-${t}-${i}` : String(counted++),
          time: t - older + Math.floor(random() * 4000) - (random() < 0.03 ? TAPE_MS - 2000 : 0),
          price: Math.round((100 + random()) * 100) / 100,
          amount: Math.round(random() * 10_000) / 10_000,
          side: random() < 0.5 ? ("buy" as const) : ("sell" as const),
        }))
        event("market.trades", t, { symbol, trades })
      }
    }
    const close = START + (m + 1) * 60_000
    for (const symbol of SYMBOLS) {
      const candle = { time: close - 60_000, open: 100, high: 101, low: 99, close: 100, volume: 1 }
      event("market.candle.closed", close, { symbol, timeframe: "1m", candle })
    }
  }
  return out
}

/** Each symbol's tape by the array rule at every candle, over the events as recorded. */
const expected = (events: ReadonlyArray<VirtuosoEvent>): Array<ReadonlyArray<Trade>> => {
  const tapes = new Map<string, Array<Trade>>()
  const out: Array<ReadonlyArray<Trade>> = []
  for (const e of events) {
    if (e.type === "market.trades") {
      const tape = tapes.get(e.payload.symbol) ?? []
      pushArrayTape(tape, e.payload.trades)
      tapes.set(e.payload.symbol, tape)
    } else if (e.type === "market.candle.closed") out.push(tapes.get(e.payload.symbol)!.slice())
  }
  return out
}

const fields = (trades: ReadonlyArray<Trade>) => ({
  time: trades.map((t) => t.time),
  price: trades.map((t) => t.price),
  amount: trades.map((t) => t.amount),
  buy: trades.map((t): number => (t.side === "buy" ? 1 : 0)),
  buyAmount: trades.map((t) => (t.side === "buy" ? t.amount : 0)),
  sellAmount: trades.map((t) => (t.side === "buy" ? 0 : t.amount)),
})

/**
 * Feeds `events` to a real market state; at every candle, what a plugin reads of the symbol's
 * tape inline (`ctx.trades`, `ctx.tape`) and the worker plugin's digest of `ctx.trades`.
 */
const replay = async (events: Iterable<VirtuosoEvent>) => {
  const candles = await resident.runPromise(
    Effect.gen(function* () {
      return yield* ResidentCandles
    }),
  )
  const state = makeMarketState(candles, { "1m": 50 })
  const seen: Array<{ trades: ReadonlyArray<Trade>; columns: ReturnType<typeof fields>; worker: unknown }> = []
  for (const e of events) {
    state.apply(e as MarketEvent)
    if (e.type !== "market.candle.closed") continue
    const ctx = contextOf(candles, state.symbols.get(e.payload.symbol)!, "1m")
    const call = callContext(ctx, shapeOf(ctx), {}, { inputs: {}, history: {} })
    const tape = call.tape!
    const take = <T extends Float64Array | Int8Array>(a: T) => [...a.subarray(0, tape.length)]
    const columns = {
      time: take(tape.time),
      price: take(tape.price),
      amount: take(tape.amount),
      buy: take(tape.buy),
      buyAmount: take(tape.buyAmount),
      sellAmount: take(tape.sellAmount),
    }
    const [[outcomes]] = await worker.runPromise(Effect.flatMap(PluginHost, (h) => h.evaluateBatch([[ctx]])))
    const out = outcomes!.find((o) => o.name === "trades-digest")
    seen.push({ trades: call.trades!, columns, worker: out })
  }
  for (const symbol of SYMBOLS) state.remove(symbol)
  return seen
}

const keepAll = { hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" } as const

describe("the columns tape", () => {
  test("drops exactly what the array rule drops, batch by batch, by age and by the limit", () => {
    let seed = 3
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const tape = new TradeTape()
    const array: Array<Trade> = []
    let dropped = 0
    for (let step = 0; step < 400; step++) {
      const n = step % 97 === 0 ? 700 + Math.floor(random() * 900) : Math.floor(random() * 30)
      // Whole seconds, so trades often sit exactly at the age limit.
      const at = step * 3000 - (random() < 0.2 ? 1000 * Math.floor(random() * 400) : 0)
      const batch = Array.from({ length: n }, (_, i) => ({
        id: `${step}-${i}`,
        time: at + 1000 * Math.floor(random() * 5),
        price: 100 + random(),
        amount: random(),
        side: random() < 0.5 ? ("buy" as const) : ("sell" as const),
      }))
      const before = array.length + batch.length
      pushArrayTape(array, batch, 500)
      pushTape(tape, batch, 500)
      dropped += before - array.length
      // The very objects, in order.
      expect(tape.trades()).toEqual(array)
      for (let i = 0; i < array.length; i++) if (tape.trades()[i] !== array[i]) throw new Error(`trade ${i} differs`)
      expect(tape.dropped).toBe(dropped)
    }
    expect(dropped).toBeGreaterThan(5000)
    // At the edges: a trade exactly TAPE_MS before the batch's newest stays, one older goes; an
    // old trade behind a newer front one stays (trimming stops at the first trade it keeps).
    const edge = (times: ReadonlyArray<ReadonlyArray<number>>) => {
      const t = new TradeTape()
      for (const batch of times)
        pushTape(
          t,
          batch.map((time, i) => ({ id: `${time}-${i}`, time, price: 1, amount: 1, side: "buy" as const })),
        )
      return t.trades().map((x) => x.time)
    }
    expect(edge([[0, 1000], [TAPE_MS]])).toEqual([0, 1000, TAPE_MS])
    expect(edge([[0, 1000], [TAPE_MS + 1]])).toEqual([1000, TAPE_MS + 1])
    expect(edge([[5000, 0], [TAPE_MS + 2000]])).toEqual([5000, 0, TAPE_MS + 2000])
    // Every trade held is too old and so is the batch's first: the drop goes on into the batch.
    expect(edge([[0], [5000, TAPE_MS + 6000]])).toEqual([TAPE_MS + 6000])
  })

  test("from a store and live alike, ctx.trades is the array rule's tape, inline and in a worker", async () => {
    const events = recording()
    const want = expected(events)
    const path = join(dir, "v.db")
    const stored = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const store = yield* EventStore
          yield* store.append(events)
          yield* store.compact
          // Read as a replay reads a store: coalesced blocks, then the picture coalescer.
          const coalescer = makePictureCoalescer()
          const out: Array<VirtuosoEvent> = []
          for (const e of recordedEvents(store, {})) coalescer.push(e, out)
          coalescer.end(out)
          return out
        }),
      ).pipe(Effect.provide(EventStore.layer({ path, ...keepAll, foldAfter: 0 }))),
    )
    expect(stored.length).toBeLessThan(events.length)
    for (const [name, input] of [
      ["live", events],
      ["store", stored],
    ] as const) {
      const seen = await replay(input)
      expect(seen.length).toBe(want.length)
      for (let k = 0; k < want.length; k++) {
        const w = want[k]!
        const s = seen[k]!
        expect(JSON.stringify(s.trades)).toBe(JSON.stringify(w))
        expect(s.columns).toEqual(fields(w))
        expect(s.worker).toMatchObject({ status: "ok", values: { count: w.length, digest: digest(w) } })
        // Live, the trades are the objects that arrived.
        if (name === "live") for (let i = 0; i < w.length; i++) expect(s.trades[i]).toBe(w[i]!)
      }
    }
    // The burst filled the tape to its limit.
    expect(Math.max(...want.map((w) => w.length))).toBe(1000)
  }, 120_000)
})
