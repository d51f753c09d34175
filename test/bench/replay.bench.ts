/**
 * bench:replay — replay speed through the live layers (bus → Analysis → SignalEngine) and the
 * store's recording cost, in one run:
 *
 *   R. a recording of 20 symbols × 1 h: per symbol the backfill history (1m × 1000, 5m × 300,
 *      30m × 200, 4h × 200, the default config), then every second a 20-level book and a trade
 *      batch, every minute a closed 1m candle (and 5m/30m when they close), every five minutes
 *      derivatives data — 145k events, as MarketData publishes them. Reported as base (1m)
 *      candles per second of feeding (the layers' start-up — plugin loading, WASM — excluded;
 *      the total is printed beside it) and per CPU second of the process while feeding (start-up
 *      excluded; steadier on a shared machine), medians of 15 runs after 1 warm-up.
 *      Fed as recordings are (`driveRecording`: books superseded before the next score left out,
 *      trade batches merged where that keeps the tape, runs of up to 1 s of data time, which
 *      Analysis scores in one pass).
 *   C. the same candles without books, trades or derivatives: the candle-only replay it must not
 *      be slower than (same layers, same run).
 *   O. R fed one event at a time (`driveEvents`, as candle CSVs are), for the ratio.
 *   S. bytes on disk per event type when the recorder stores R (SQLite hot tier, after a
 *      checkpoint, and gzip day files of the warm tier), and the store's CPU time per event.
 *
 * The events are synthetic (a seeded random walk) so the bench needs no network and no sim run.
 */
import { Effect } from "effect"
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../core/config/index.ts"
import type { VirtuosoEvent } from "../../core/events/index.ts"
import { driveEvents } from "../../core/replay/drive.ts"
import { driveRecording } from "../../core/replay/drive-recording.ts"
import { EventStore } from "../../core/store/index.ts"
import { encodePayload } from "../../core/store/payload-codec.ts"
import { MINUTES, recording, SYMBOLS } from "./support/synthetic-recording.ts"

const config = parseConfig({ log: { level: "warn" }, signals: { longAt: 60, shortAt: 40 } })

/** Runs per variant (odd, for a median). */
const RUNS = 15
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const candles = SYMBOLS.length * MINUTES

/**
 * One replay: wall seconds in all, wall seconds feeding (layers' start-up excluded), and CPU
 * seconds of the process while feeding (from the first event read to the result, start-up
 * excluded: what a longer recording scales with).
 */
const timeReplay = async (events: ReadonlyArray<VirtuosoEvent>, oneAtATime = false) => {
  let feedCpu0: NodeJS.CpuUsage | undefined
  function* read() {
    feedCpu0 = process.cpuUsage()
    yield* events
  }
  const t0 = performance.now()
  const result = oneAtATime
    ? await Effect.runPromise(driveEvents(config, read()))
    : await Effect.runPromise(driveRecording(config, read()))
  const cpu = process.cpuUsage(feedCpu0)
  return { wall: (performance.now() - t0) / 1000, feed: result.feedMs / 1000, cpu: (cpu.user + cpu.system) / 1e6 }
}

const full = recording(true)
const candleOnly = recording(false)
console.log(
  `recording R: ${full.length} events (${SYMBOLS.length} symbols × ${MINUTES} min, books and trades every second)`,
)
console.log(`recording C: ${candleOnly.length} events (candles only)`)
await timeReplay(full)
await timeReplay(candleOnly)
const r: Array<{ wall: number; feed: number; cpu: number }> = []
const c: Array<{ wall: number; feed: number; cpu: number }> = []
const o: Array<{ wall: number; feed: number; cpu: number }> = []
for (let i = 0; i < RUNS; i++) {
  r.push(await timeReplay(full))
  c.push(await timeReplay(candleOnly))
  o.push(await timeReplay(full, true))
}
const report = (label: string, runs: typeof r, events: number) => {
  const wall = median(runs.map((x) => x.wall))
  const feed = median(runs.map((x) => x.feed))
  const cpu = median(runs.map((x) => x.cpu))
  console.log(
    `${label} median of ${RUNS}: ${wall.toFixed(2)} s in all, ${feed.toFixed(2)} s feeding = ` +
      `${Math.round(candles / feed)} base candles/s (${Math.round(events / feed)} events/s); ` +
      `CPU ${cpu.toFixed(2)} s = ` +
      `${Math.round(candles / cpu)} base candles per CPU second feeding`,
  )
  return feed
}
const rFeed = report("R replay with books+trades:", r, full.length)
const cFeed = report("C candle-only replay:      ", c, candleOnly.length)
const oFeed = report("R one event at a time:     ", o, full.length)
console.log(`R in runs vs one at a time: ${(oFeed / rFeed).toFixed(2)}× faster`)
console.log(
  `R/C feed time ratio: ${(rFeed / cFeed).toFixed(2)}; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
)

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
      `  ${type.padEnd(22)} ${String(s.events).padStart(7)} events, payload JSON ` +
        `${(s.bytes / s.events).toFixed(0)} B/event,` +
        ` as stored ${(s.stored / s.events).toFixed(0)} B/event`,
    )
  }
  const perDay = (per: number) => (per * (full.length / MINUTES) * 60 * 24) / 1e9
  console.log(
    `  20 symbols × 24 h at this rate: hot ${perDay(perEvent).toFixed(2)} GB, warm ` +
      `${perDay(warm / full.length).toFixed(2)} GB`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
