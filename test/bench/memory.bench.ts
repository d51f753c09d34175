/**
 * bench:memory — the engine's memory per tracked symbol, measured on the real process
 * (`core/main.ts`) over the simulated exchange at its default speed (one 1m candle per second):
 * RSS with 20 symbols and with 200 (4 timeframes, books, the trade tape, scores, the event store
 * on), from the moment every symbol is scored, sampled every 0.5 s for BENCH_MINUTES (default 5,
 * what the targets are stated for).
 * RSS is a GC sawtooth whose peaks are garbage not yet collected, so each minute reports the lowest
 * sample (what the collector leaves) and the highest, and the market events waiting for Analysis
 * at the minute's end (a backlog means the machine could not keep up, and is memory too). The
 * slope is that of the lowest samples over the minutes after the first. Targets: 200 symbols
 * < 300 MB and flat, 20 symbols < 150 MB, ≤ 1 MiB per added symbol. The suite's
 * test/e2e/engine-memory.test.ts asserts the per-symbol bound on a shorter run.
 *   bun run bench:memory
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { eventually } from "../support/eventually.ts"

const ROOT = resolve(import.meta.dir, "../..")
const MINUTES = Number(process.env.BENCH_MINUTES ?? 5)
const MiB = 2 ** 20

const rssOf = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
}

interface Minute {
  readonly low: number
  readonly high: number
  readonly backlog: number
}

const analysisBacklog = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}metrics`)).text()
  return Number(/virtuoso_bus_subscriber_queue_depth\{subscriber="analysis"\} (\d+)/.exec(text)?.[1] ?? 0)
}

/** Starts the engine on `n` sim symbols, waits until all are scored, samples its RSS. */
const engineRss = async (n: number): Promise<ReadonlyArray<Minute>> => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-memory-"))
  const config = join(dir, "virtuoso.config.json")
  writeFileSync(
    config,
    JSON.stringify({
      symbols: { static: Array.from({ length: n }, (_, i) => `M${String(i).padStart(3, "0")}/USDT`), top: 0 },
      http: { port: 0 },
      store: { path: join(dir, "events.db") },
      plugins: { watch: false },
      log: { level: "warn" },
    }),
  )
  const child = Bun.spawn([process.execPath, "core/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, VIRTUOSO_CONFIG: config, VIRTUOSO_LOG_LEVEL: "info" },
    stdout: "pipe",
    stderr: "pipe",
  })
  let log = ""
  void (async () => {
    for await (const chunk of child.stderr) log += new TextDecoder().decode(chunk)
  })()
  void (async () => {
    for await (const chunk of child.stdout) log += new TextDecoder().decode(chunk)
  })()
  try {
    const url = (await eventually(
      "the engine's URL",
      () => /http listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log)?.[1],
      (u) => u !== undefined,
      { timeoutMs: 60_000, intervalMs: 100 },
    ))!
    await eventually(
      `scores for all ${n} symbols`,
      async () => ((await (await fetch(`${url}v1/confluence?timeframe=all`)).json()) as { count: number }).count,
      (count) => count === n,
      { timeoutMs: 150_000, intervalMs: 500 },
    )
    // Lowest and highest sample per minute, in MiB.
    const minutes: Array<Minute> = []
    for (let m = 0; m < MINUTES; m++) {
      const samples: Array<number> = []
      for (let i = 0; i < 120; i++) {
        samples.push(rssOf(child.pid) / MiB)
        await Bun.sleep(500)
      }
      minutes.push({ low: Math.min(...samples), high: Math.max(...samples), backlog: await analysisBacklog(url) })
    }
    return minutes
  } finally {
    child.kill("SIGTERM")
    await child.exited
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Least-squares slope of the lowest samples, MiB per minute, over the minutes after the first. */
const slope = (minutes: ReadonlyArray<Minute>): number => {
  const ys = minutes.slice(1).map((m) => m.low)
  if (ys.length < 2) return 0
  const mx = (ys.length - 1) / 2
  const my = ys.reduce((a, b) => a + b, 0) / ys.length
  let num = 0
  let den = 0
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  })
  return num / den
}

const uptime = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")
const loadBefore = uptime()
const small = await engineRss(20)
const large = await engineRss(200)
const row = (n: number, minutes: ReadonlyArray<Minute>, target: number) =>
  `  ${String(n).padStart(3)} symbols, RSS per minute after all scored (lowest–highest MiB, backlog): ` +
  `${minutes.map((m) => `${m.low.toFixed(0)}–${m.high.toFixed(0)} (${m.backlog})`).join(", ")}\n` +
  `      last minute's lowest ${(minutes.at(-1)!.low * 1.048576).toFixed(0)} MB, target < ${target} MB: ` +
  `${minutes.at(-1)!.low * 1.048576 < target ? "met" : "NOT met"}; slope after the first minute ` +
  `${slope(minutes).toFixed(1)} MiB/min`
const perSymbol = (large.at(-1)!.low - small.at(-1)!.low) / 180
process.stdout.write(
  [
    `bench:memory — real engine process, sim exchange at its default speed (one 1m candle a second), ` +
      `store on, ${MINUTES} min of samples ` +
      `(load average before ${loadBefore}, after ${uptime()})`,
    row(20, small, 150),
    row(200, large, 300),
    `  growth per added symbol (lowest samples, last minute): ${perSymbol.toFixed(2)} MiB   ` +
      `target ≤ 1 MiB: ${perSymbol <= 1 ? "met" : "NOT met"}`,
  ].join("\n") + "\n",
)
