/**
 * bench:replay — replay speed through the live layers (bus → Analysis → SignalEngine) and the
 * store's recording cost, in one run:
 *
 *   R. a recording of 20 symbols × 1 h: per symbol the backfill history (1m × 1000, 5m × 300,
 *      30m × 200, 4h × 200, the default config), then every second a 20-level book and a trade
 *      batch, every minute a closed 1m candle (and 5m/30m when they close), every five minutes
 *      derivatives data — 145k events, as MarketData publishes them. Reported as base (1m)
 *      candles per second of replay, medians of 7 runs after 1 warm-up.
 *   C. the same candles without books, trades or derivatives: the candle-only replay it must not
 *      be slower than (same layers, same run).
 *   S. bytes on disk per event type when the recorder stores R (SQLite hot tier, after a
 *      checkpoint, and gzip day files of the warm tier), and the store's CPU time per event.
 *
 * The events are synthetic (a seeded random walk) so the bench needs no network and no sim run.
 */
import { Effect } from "effect"
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../core/config/index.ts"
import type { EventOf, VirtuosoEvent } from "../../core/events/index.ts"
import { driveEvents } from "../../core/replay/drive.ts"
import { EventStore } from "../../core/store/index.ts"
import { encodePayload } from "../../core/store/payload-codec.ts"

const SYMBOLS = Array.from({ length: 20 }, (_, i) => `S${i}/USDT`)
const MINUTES = 60
const START = Date.UTC(2026, 10, 30)
const config = parseConfig({ log: { level: "warn" }, signals: { longAt: 60, shortAt: 40 } })

let seed = 17
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647

type Candle = { time: number; open: number; high: number; low: number; close: number; volume: number }
const candleAt = (time: number, price: number): Candle => {
  const close = price * (1 + (random() - 0.5) * 0.004)
  return {
    time,
    open: price,
    high: Math.max(price, close) * 1.001,
    low: Math.min(price, close) * 0.999,
    close,
    volume: 10 + random() * 90,
  }
}

const recording = (full: boolean): Array<VirtuosoEvent> => {
  seed = 17
  const out: Array<VirtuosoEvent> = []
  let n = 0
  const id = () => `B${String(++n).padStart(9, "0")}`
  const push = <T extends VirtuosoEvent["type"]>(type: T, time: number, payload: EventOf<T>["payload"]) =>
    out.push({ id: id(), type, version: 1, time, source: "market", payload } as EventOf<T> as VirtuosoEvent)
  const price = new Map(SYMBOLS.map((s, i) => [s, 100 + i * 10]))
  push("market.symbols", START, { symbols: SYMBOLS })
  const depth = { "1m": 1000, "5m": 300, "30m": 200, "4h": 200 } as const
  const step = { "1m": 60_000, "5m": 300_000, "30m": 1_800_000, "4h": 14_400_000 } as const
  for (const symbol of SYMBOLS) {
    for (const tf of ["1m", "5m", "30m", "4h"] as const) {
      let p = price.get(symbol)!
      const candles: Array<Candle> = []
      for (let k = depth[tf]; k >= 1; k--) {
        const c = candleAt(START - k * step[tf], p)
        p = c.close
        candles.push(c)
      }
      push("market.candles", START, { symbol, timeframe: tf, candles, backfill: true })
    }
  }
  for (let m = 0; m < MINUTES; m++) {
    for (let s = 0; s < (full ? 60 : 1); s++) {
      const t = START + m * 60_000 + s * 1000
      for (const symbol of SYMBOLS) {
        if (!full) continue
        const mid = price.get(symbol)!
        // Prices on a 0.01 tick and sizes on a 0.001 lot, as exchanges quote books.
        const level = (price: number): [number, number] => [
          Math.round(price * 100) / 100,
          Math.round((1 + random() * 5) * 1000) / 1000,
        ]
        const bids = Array.from({ length: 20 }, (_, k) => level(mid * (1 - 0.0001 * (k + 1))))
        const asks = Array.from({ length: 20 }, (_, k) => level(mid * (1 + 0.0001 * (k + 1))))
        push("market.orderbook", t, { symbol, time: t, bids, asks })
        const trades = Array.from({ length: 5 }, (_, k) => ({
          id: `${symbol}-${t}-${k}`,
          time: t + k,
          price: mid,
          amount: random(),
          side: random() < 0.5 ? ("buy" as const) : ("sell" as const),
        }))
        push("market.trades", t, { symbol, trades })
      }
    }
    const close = START + (m + 1) * 60_000
    for (const symbol of SYMBOLS) {
      const c = candleAt(close - 60_000, price.get(symbol)!)
      price.set(symbol, c.close)
      push("market.candle.closed", close, { symbol, timeframe: "1m", candle: c })
      if (full && m % 5 === 0) {
        push("market.derivatives", close, {
          symbol,
          time: close,
          fundingRate: { symbol, time: close, rate: 0.0001 },
          longShortRatio: 1 + random(),
        })
      }
    }
  }
  return out
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const candles = SYMBOLS.length * MINUTES

const timeReplay = async (events: ReadonlyArray<VirtuosoEvent>) => {
  const t0 = performance.now()
  await Effect.runPromise(driveEvents(config, events))
  return (performance.now() - t0) / 1000
}

const full = recording(true)
const candleOnly = recording(false)
console.log(
  `recording R: ${full.length} events (${SYMBOLS.length} symbols × ${MINUTES} min, books and trades every second)`,
)
console.log(`recording C: ${candleOnly.length} events (candles only)`)
await timeReplay(full)
await timeReplay(candleOnly)
const r: Array<number> = []
const c: Array<number> = []
for (let i = 0; i < 7; i++) {
  r.push(await timeReplay(full))
  c.push(await timeReplay(candleOnly))
}
console.log(
  `R replay with books+trades: median ${median(r).toFixed(2)} s = ${Math.round(candles / median(r))} base candles/s (${Math.round(full.length / median(r))} events/s)`,
)
console.log(
  `C candle-only replay:       median ${median(c).toFixed(2)} s = ${Math.round(candles / median(c))} base candles/s`,
)
console.log(`R/C time ratio: ${(median(r) / median(c)).toFixed(2)}`)

// S: what recording R costs on disk and in CPU.
const dir = mkdtempSync(join(tmpdir(), "virtuoso-bench-replay-"))
try {
  const sizes = new Map<string, { events: number; bytes: number; stored: number }>()
  for (const e of full) {
    const s = sizes.get(e.type) ?? { events: 0, bytes: 0, stored: 0 }
    s.events++
    s.bytes += JSON.stringify(e.payload).length
    s.stored += encodePayload(e).length
    sizes.set(e.type, s)
  }
  const db = join(dir, "v.db")
  const cpu0 = process.cpuUsage()
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* EventStore
        for (let i = 0; i < full.length; i += 1000) yield* store.append(full.slice(i, i + 1000))
      }),
    ).pipe(
      Effect.provide(EventStore.layer({ path: db, hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" })),
    ),
  )
  const cpu = process.cpuUsage(cpu0)
  const hot = readdirSync(dir)
    .filter((f) => f.startsWith("v.db"))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0)
  // Warm tier: everything moved to day files (hot window 0 via a compaction far in the future).
  await Effect.runPromise(
    Effect.scoped(Effect.flatMap(EventStore, (s) => s.compact)).pipe(
      Effect.provide(EventStore.layer({ path: db, hot: "1 hours", warm: "36500 days", compactEvery: "36500 days" })),
    ),
  )
  const warmDir = join(dir, "warm")
  const warm = readdirSync(warmDir).reduce((n, f) => n + statSync(join(warmDir, f)).size, 0)
  const perEvent = hot / full.length
  console.log(
    `S store: ${full.length} events → SQLite ${(hot / 1e6).toFixed(1)} MB (${perEvent.toFixed(0)} B/event),` +
      ` warm gzip ${(warm / 1e6).toFixed(1)} MB (${(warm / full.length).toFixed(0)} B/event);` +
      ` store CPU ${(((cpu.user + cpu.system) / 1000 / full.length) * 1000).toFixed(1)} µs/event`,
  )
  for (const [type, s] of [...sizes].sort()) {
    console.log(
      `  ${type.padEnd(22)} ${String(s.events).padStart(7)} events, payload JSON ${(s.bytes / s.events).toFixed(0)} B/event,` +
        ` as stored ${(s.stored / s.events).toFixed(0)} B/event`,
    )
  }
  const perDay = (per: number) => (per * (full.length / MINUTES) * 60 * 24) / 1e9
  console.log(
    `  20 symbols × 24 h at this rate: hot ${perDay(perEvent).toFixed(2)} GB, warm ${perDay(warm / full.length).toFixed(2)} GB`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
