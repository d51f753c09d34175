/**
 * bench:confluence — Analysis as the engine runs it: the real `Analysis` layer (a subscriber to
 * the market events the bench publishes), the real PluginHost over every built-in indicator
 * (declared inputs advanced in the resident WASM engine), the real EventBus and EventStore
 * (SQLite file, group commit, the market events recorded), so each measured cycle includes
 * scoring, folding, the roll-up and committing the cycle's `analysis.confluence` events; the
 * SignalEngine and HTTP are off. Market data comes from the real BTC/LTC fixtures at per-symbol
 * offsets, published as MarketData publishes them (history, then one closed candle per series
 * per round) with one synthetic book, tape and derivatives set per symbol; Analysis keeps them
 * in ResidentCandles (WASM memory).
 *
 * Scenarios (median of ≥ 7 rounds: from publishing a round's candle events, built beforehand,
 * until Analysis has scored every one of them and the store has committed their confluence
 * events and the bus delivered them; a "cycle" below is one such round):
 *   A. 200 symbols × 4 timeframes, one new candle on every series (800 series scored)  target < 10 ms
 *   B. 1,000 symbols, one new closed 1m candle each (1,000 series scored)             target < 5 ms
 * Then where a cycle's time goes: every plugin's cost per cycle (the host's mean µs per call ×
 * calls per cycle), the rest of the cycle, declared-input WASM calls and store transactions per
 * cycle, and the compact event's size and the store's bytes per event (→ MB/day at 200 symbols,
 * one 1m candle per minute). BENCH_ONLY=A|B runs one scenario; BENCH_CYCLES sets the count;
 * BENCH_PLUGINS=floor measures the same cycles with one constant plugin instead of the built-ins.
 */ import { Database } from "bun:sqlite"
import { Effect } from "effect"
import { rmSync } from "node:fs"
import { PluginHost } from "../../core/plugins/index.ts"
import type { Timeframe } from "../../core/plugins/sdk.ts"
import { EventStore } from "../../core/store/index.ts"
import { ALL_FRAMES, FLOOR, floorDir, hostTime, mean, median, ONE_MINUTE, open } from "./support/analysis-bench.ts"

const CYCLES = Math.max(7, Number(process.env.BENCH_CYCLES ?? 9))
const ONLY = process.env.BENCH_ONLY

/** Plugin cost per cycle on this scenario: mean µs/call × calls per cycle (calls since `before`). */
const pluginCosts = async (host: PluginHost["Service"], before: Map<string, number>, cycles: number) =>
  (await Effect.runPromise(host.list))
    .filter((p) => p.kind === "indicator")
    .map((p) => {
      const calls = (p.calls - (before.get(p.name) ?? 0)) / cycles
      return { name: p.name, calls, micros: p.meanMicros, ms: (p.meanMicros * calls) / 1000 }
    })
    .sort((a, b) => b.ms - a.ms)
const callCounts = async (host: PluginHost["Service"]) =>
  new Map((await Effect.runPromise(host.list)).map((p) => [p.name, p.calls]))

const lines: Array<string> = [
  `bench:confluence — Analysis cycles with the event store on, median of ${CYCLES} cycles (after 3 warm-up cycles)` +
    (FLOOR ? "; BENCH_PLUGINS=floor: one constant plugin instead of the built-ins" : ""),
]
const report = async (label: string, n: number, frames: ReadonlySet<Timeframe>, expect: number, target: number) => {
  const bench = await open(n)
  const host = bench.context<PluginHost["Service"]>(PluginHost)
  const store = bench.context<EventStore["Service"]>(EventStore)
  await bench.measure(frames, expect, 3)
  const calls = await callCounts(host)
  const storeBefore = await Effect.runPromise(store.stats)
  const inputsBefore = await Effect.runPromise(host.inputStats)
  const cpu0 = process.cpuUsage()
  const host0 = { ...hostTime }
  const times = await bench.measure(frames, expect, CYCLES)
  const cpu = process.cpuUsage(cpu0)
  const advanceMs = (hostTime.advance - host0.advance) / CYCLES
  const evaluateMs = (hostTime.evaluate - host0.evaluate) / CYCLES
  const inputsAfter = await Effect.runPromise(host.inputStats)
  const storeAfter = await Effect.runPromise(store.stats)
  // After the store's stats are read: its extra commits are not the cycles'.
  const commitMs = await bench.commitTime(expect)
  const costs = await pluginCosts(host, calls, CYCLES)
  const m = median(times)
  const pluginMs = costs.reduce((t, c) => t + c.ms, 0)
  const perCycle = (a: number, b: number) => (a - b) / CYCLES
  const storeMs = perCycle(storeAfter.commitSeconds, storeBefore.commitSeconds) * 1000
  lines.push(
    `  ${label}: ${m.toFixed(2)} ms   target < ${target} ms: ${m < target ? "met" : "NOT met"}`,
    `    cycles (ms): ${times.map((t) => t.toFixed(1)).join(", ")}`,
    `    store: ${perCycle(storeAfter.committed, storeBefore.committed)} events (market events included) in ` +
      `${perCycle(storeAfter.transactions, storeBefore.transactions)} transactions per cycle; ` +
      `declared inputs: ${perCycle(inputsAfter.computeCalls, inputsBefore.computeCalls)} WASM calls per cycle`,
    `    process CPU ${((cpu.user + cpu.system) / 1000 / CYCLES).toFixed(1)} ms per cycle ` +
      "(everything: also building the rounds' events and recording them, which may fall between timed rounds)",
    "    where a cycle goes (means per cycle): " +
      `declared inputs advanced ${advanceMs.toFixed(2)} ms, host plugin pass ${evaluateMs.toFixed(2)} ms ` +
      `(plugin calls ${pluginMs.toFixed(2)} ms of it, host-timed; each symbol's folds and roll-ups, made as ` +
      `its outcomes come in, too), the rest ` +
      `${(mean(times) - advanceMs - evaluateMs).toFixed(2)} ms (market picture, events, bus, ` +
      `store: its transactions took ${storeMs.toFixed(2)} ms per cycle, the recorder's market rows ` +
      "included, some between rounds); " +
      `committing ${expect} confluence events alone: ${commitMs.toFixed(2)} ms`,
    "    per plugin:  ms/cycle   µs/call   calls/cycle",
    ...costs.map(
      (c) =>
        `      ${c.name.padEnd(28)}${c.ms.toFixed(2).padStart(7)}${c.micros.toFixed(2).padStart(10)}` +
        `${c.calls.toFixed(0).padStart(12)}`,
    ),
  )
  return bench
}

const a =
  ONLY === "B"
    ? undefined
    : await report("A. 200 symbols × 4 timeframes, every series changed", 200, ALL_FRAMES, 800, 10)
if (a) {
  // Event size and store bytes per event, from the file A wrote.
  const db = new Database(a.path, { readonly: true })
  const row = db
    .query("SELECT count(*) AS n, avg(length(payload)) AS bytes FROM events WHERE type = 'analysis.confluence'")
    .get() as { n: number; bytes: number }
  const total = db.query("SELECT count(*) AS n FROM events").get() as { n: number }
  // The events table and its indexes only (market inputs are recorded in a table of their own).
  const pages = db
    .query(
      "SELECT SUM(pgsize) AS size FROM dbstat WHERE name = 'events' OR name LIKE 'events\\_%' ESCAPE '\\' " +
        "OR name LIKE 'sqlite_autoindex_events%'",
    )
    .get() as { size: number }
  db.close()
  const perEvent = pages.size / total.n
  lines.push(
    `    analysis.confluence payload: ${row.bytes.toFixed(0)} bytes JSON on average (${row.n} stored); ` +
      `events table ${(pages.size / 2 ** 20).toFixed(1)} MiB for ${total.n} events = ` +
      `${perEvent.toFixed(0)} bytes per ` +
      `event with indexes → ${((perEvent * 200 * 1440) / 1e6).toFixed(0)} MB/day at 200 symbols, one 1m candle ` +
      "per minute (target ≤ 300)",
  )
}
await a?.close()
const b =
  ONLY === "A" ? undefined : await report("B. 1,000 symbols, one new closed 1m candle each", 1000, ONE_MINUTE, 1000, 5)
await b?.close()
rmSync(floorDir, { recursive: true, force: true })
process.stdout.write(`${lines.join("\n")}\n`)
