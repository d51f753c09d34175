/**
 * The engine's memory per tracked symbol, on the real process (`core/main.ts`) over the simulated
 * exchange with the event store on: an engine tracking 200 symbols (4 timeframes, books, the
 * trade tape, scores) and one tracking 10 run side by side; once both have scored every symbol
 * and settled, their resident memory is sampled for a while.
 *
 * RSS is a garbage-collection sawtooth whose peaks are garbage not yet collected, so each engine
 * is judged by its lowest sample in a window (what the collector leaves). Asserted: the larger
 * engine holds at most 1 MiB more per added symbol, and its floor does not keep rising from the
 * first half of the window to the second. The sim runs at a quarter of the default speed and is
 * polled every second so that a loaded two-core machine keeps up with 200 symbols (a backlog in
 * the bus would be measured as memory; samples taken during one are left out). The 5-minute
 * figures at default speed come from `bun run bench:memory`.
 */
import { afterAll, expect, test } from "bun:test"
import { existsSync, readFileSync, rmSync } from "node:fs"
import { eventually } from "../support/eventually.ts"
import { type EngineProcess, startEngine } from "../support/engine-process.ts"

const BASE = 10
const LARGE = 200
const MiB = 2 ** 20
const MINUTE = 60_000
/** Per added symbol, the bound the engine is held to. */
const PER_SYMBOL = 1 * MiB
/**
 * Measured in the larger engine's progress (simulated minutes it has scored since every symbol
 * had a score), not in wall time, so a slow machine gets a longer window rather than a shorter
 * one: minutes to settle, then the sampled window (two halves).
 */
const SETTLE_MINUTES = 3
const WINDOW_MINUTES = 8
const SAMPLE_EVERY_MS = 500
/**
 * Samples taken while more market events than this wait for Analysis are left out: a backlog is
 * a throughput matter (bounded by the bus's lane capacity) and would be measured as memory.
 */
const MAX_BACKLOG = 1_000
/**
 * How far the larger engine's floor may rise from the first half of the window to the second.
 * Generous: the collector returns memory in steps that can be longer than the window (a rise of
 * 15% within it has been seen on a loaded machine); this catches runaway growth, and the
 * 5-minute slope comes from the bench.
 */
const RISE_TOLERANCE = 0.25

const rssOf = (pid: number): number => {
  if (existsSync(`/proc/${pid}/status`)) {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    if (match !== null) return Number(match[1]) * 1024
  }
  const ps = Bun.spawnSync(["ps", "-o", "rss=", "-p", String(pid)])
  return Number(ps.stdout.toString().trim()) * 1024
}

const symbolName = (i: number) => `M${String(i).padStart(3, "0")}/USDT`
const configFor = (symbols: number) => ({
  symbols: { static: Array.from({ length: symbols }, (_, i) => symbolName(i)), top: 0 },
  exchange: { speed: 0.25, pollMs: 1000 },
  plugins: { watch: false },
})

const engines: Array<EngineProcess> = []
afterAll(async () => {
  for (const engine of engines) {
    await engine.stop()
    rmSync(engine.dir, { recursive: true, force: true })
  }
})

const scoredAll = (engine: EngineProcess, symbols: number) =>
  eventually(
    `scores for all ${symbols} symbols`,
    async () => (await engine.get<{ count: number }>("/v1/confluence?timeframe=all")).body.count,
    (count) => count === symbols,
    { timeoutMs: 150_000, intervalMs: 2_000 },
  )

/** Market events waiting for Analysis in the engine's bus (a backlog when it falls behind). */
const analysisBacklog = async (engine: EngineProcess): Promise<number> => {
  const text = await (await fetch(`${engine.url}/metrics`)).text()
  return Number(/virtuoso_bus_subscriber_queue_depth\{subscriber="analysis"\} (\d+)/.exec(text)?.[1] ?? 0)
}

/** The candle time of the newest roll-up score of the larger engine's last symbol. */
const scoredUpTo = async (engine: EngineProcess): Promise<number> => {
  const symbol = symbolName(LARGE - 1).replace("/", "-")
  const { body } = await engine.get<{ items: Array<{ time: number }> }>(`/v1/confluence/${symbol}?timeframe=all`)
  return Math.max(...body.items.map((item) => item.time))
}

test(`the engine holds at most 1 MiB per tracked symbol (${BASE} vs ${LARGE} symbols), no more over time`, async () => {
  const [base, large] = await Promise.all([startEngine(configFor(BASE), 60_000), startEngine(configFor(LARGE), 60_000)])
  engines.push(base, large)
  await Promise.all([scoredAll(base, BASE), scoredAll(large, LARGE)])
  const start = await scoredUpTo(large)
  const progressed = (minutes: number, what: string, sample?: (at: number) => Promise<void>) =>
    eventually(
      what,
      async () => {
        const at = await scoredUpTo(large)
        await sample?.(at)
        return at
      },
      (at) => at >= start + minutes * MINUTE,
      { timeoutMs: 150_000, intervalMs: SAMPLE_EVERY_MS },
    )
  await progressed(SETTLE_MINUTES, `${SETTLE_MINUTES} more scored minutes to settle`)

  const samples: Array<{ at: number; base: number; large: number }> = []
  let behind = 0
  await progressed(SETTLE_MINUTES + WINDOW_MINUTES, `a window of ${WINDOW_MINUTES} scored minutes`, async (at) => {
    const sample = { at, base: rssOf(base.pid), large: rssOf(large.pid) }
    if ((await analysisBacklog(large)) <= MAX_BACKLOG) samples.push(sample)
    else behind++
  })
  const middle = start + (SETTLE_MINUTES + WINDOW_MINUTES / 2) * MINUTE
  const floor = (half: "first" | "second", key: "base" | "large") =>
    Math.min(...samples.filter((s) => (half === "first" ? s.at < middle : s.at >= middle)).map((s) => s[key]))
  const first = floor("first", "large")
  const last = floor("second", "large")
  const perSymbol = (last - floor("second", "base")) / (LARGE - BASE)
  const report =
    `RSS floor: ${BASE} symbols ${(floor("second", "base") / MiB).toFixed(0)} MiB, ` +
    `${LARGE} symbols ${(first / MiB).toFixed(0)} → ${(last / MiB).toFixed(0)} MiB; ` +
    `${(perSymbol / MiB).toFixed(2)} MiB per added symbol ` +
    `(${samples.length} samples, ${behind} left out with a backlog)`
  console.log(report)
  expect({ report, perSymbolWithinBound: perSymbol <= PER_SYMBOL }).toEqual({ report, perSymbolWithinBound: true })
  expect({ report, flat: last <= first * (1 + RISE_TOLERANCE) }).toEqual({ report, flat: true })
}, 300_000)
