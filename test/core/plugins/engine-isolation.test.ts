/**
 * Worker isolation with the real engine: `bun core/main.ts` as a child process with a temp plugin
 * folder. While a plugin spins forever (and is given trial calls again and again), /health keeps
 * answering fast, every other plugin keeps scoring, the spinner is quarantined quickly, and
 * SIGTERM still exits 0. Then every hostile fixture at once, with scores flowing.
 */
import { describe, expect, test } from "bun:test"
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { availableParallelism, loadavg, setPriority } from "node:os"
import { join, resolve } from "node:path"
import type { PluginInfo } from "../../../core/plugins/index.ts"
import { startEngine, type EngineProcess } from "../../support/engine-process.ts"

const HOSTILE = resolve(import.meta.dir, "../../fixtures/plugins/hostile")
const BUDGET_MS = 50
/**
 * The acceptance limits. The engine's non-worker threads and this test's threads run at a raised
 * scheduling priority where the OS allows it (root or CAP_SYS_NICE; plugin workers stay at normal
 * priority: they are the load under test), so other work on a shared machine weighs less. The
 * time to quarantine is measured from the spinning call's own start to the engine's log line and
 * is never scaled. The health limit is 200 ms, except on a machine running more than 2 runnable threads per
 * core, even an engine without plugins (raised priority or not) answers /health in up to ~1 s —
 * what is measured there is the machine — so only there it is 1 s, and the run says so.
 */
const OVERLOADED = loadavg()[0] / availableParallelism() > 2
const HEALTH_MS = OVERLOADED ? 1000 : 200
if (OVERLOADED)
  console.warn(`load ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores: health limit ${HEALTH_MS} ms`)
const QUARANTINE_MS = 2 * BUDGET_MS + 1000
const PRIORITY = -10

/**
 * Sets the priority of every thread of `pid`; false if not allowed. Plugin worker threads
 * ("Worker") stay at normal priority: they are the load the engine must stay responsive under.
 * Threads started later inherit their starter's priority, so it is applied again while probing.
 */
const raisePriority = (pid: number, priority = PRIORITY): boolean => {
  let tids: Array<string>
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return false // not Linux, or the process is gone
  }
  for (const tid of tids) {
    try {
      const worker = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim() === "Worker"
      setPriority(Number(tid), worker ? 0 : priority)
    } catch (e) {
      if ((e as { code?: string }).code === "EACCES" || (e as { code?: string }).code === "EPERM") return false
      // the thread ended meanwhile
    }
  }
  return true
}
const prioritised = (engine: EngineProcess) => {
  if (!(raisePriority(engine.pid) && raisePriority(process.pid)))
    console.warn("no permission to raise the engine's scheduling priority: other load weighs as much as the engine")
  return engine
}

/** Local wall-clock ms since midnight, as the engine's log timestamps read. */
const sinceMidnight = (epochMs: number) => {
  const d = new Date(epochMs)
  return ((d.getHours() * 60 + d.getMinutes()) * 60 + d.getSeconds()) * 1000 + d.getMilliseconds()
}

const engineWith = (
  dir: string,
  plugins: ReadonlyArray<string>,
  quarantineMs: number,
  files: Readonly<Record<string, string>> = {},
) => {
  const folder = join(dir, "my-plugins")
  mkdirSync(folder, { recursive: true })
  for (const p of plugins) copyFileSync(join(HOSTILE, `${p}.ts`), join(folder, `${p}.ts`))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text)
  return startEngine({
    exchange: { speed: 20, pollMs: 100 },
    symbols: { static: ["BTC/USDT", "ETH/USDT"], top: 0 },
    plugins: { folders: [folder], watch: false, budgetMs: BUDGET_MS, quarantineMs, workers: 2 },
  })
}

const plugins = async (engine: EngineProcess) =>
  (await engine.get<{ items: Array<PluginInfo> }>("/v1/plugins")).body.items
const row = (rows: ReadonlyArray<PluginInfo>, name: string) => rows.find((r) => r.name === name)

/**
 * Probes `/health` every 50 ms for at least `ms` and on until the plugin rows show `progressed`
 * (30 s more at most, then it fails showing the rows), so a loaded machine is given the time the
 * evidence needs rather than a fixed window. Returns the slowest answer and the last rows; every
 * answer must be 200/503.
 */
const probeHealth = async (
  engine: EngineProcess,
  ms: number,
  progressed: (rows: ReadonlyArray<PluginInfo>) => boolean,
) => {
  const times: Array<number> = []
  const minimum = performance.now() + ms
  const deadline = minimum + 30_000
  for (;;) {
    raisePriority(engine.pid)
    const { ms: took, status } = await engine.get("/health")
    expect([200, 503]).toContain(status)
    times.push(took)
    if (performance.now() >= minimum) {
      const rows = await plugins(engine)
      if (progressed(rows)) return { slowest: Math.max(...times), rows }
      if (performance.now() > deadline) throw new Error(`no progress in 30 s past the window: ${JSON.stringify(rows)}`)
    }
    await Bun.sleep(50)
  }
}

/** `name` was called more often in `after` than in `before`. */
const calledMore = (before: ReadonlyArray<PluginInfo>, after: ReadonlyArray<PluginInfo>, name: string) =>
  row(after, name)!.calls > row(before, name)!.calls

describe("engine with a plugin that spins forever", () => {
  const title = "health answers within 200 ms, others keep scoring, spinner quarantined within 2 × budget + 1 s"
  test(`${title}, SIGTERM exits 0`, async () => {
    const { mkdtempSync } = await import("node:fs")
    const { tmpdir } = await import("node:os")
    const dir = mkdtempSync(join(tmpdir(), "virtuoso-spin-"))
    // A short quarantine, so the spinner gets a trial call (and spins again) every half second.
    // The spinner notes when each of its calls starts (wall clock, in its worker), so the time to
    // quarantine is measured from the call's start to the engine's own log line: neither this
    // process's view (pipe and polling delays) nor the engine's start-up counts.
    const starts = join(dir, "spin-starts")
    const engine = prioritised(
      await engineWith(dir, ["steady"], 500, {
        "spin.ts": `import { appendFileSync } from "node:fs"
export default {
  apiVersion: 1, kind: "indicator", name: "spin", component: "volume", lookback: 1,
  compute() {
    appendFileSync(${JSON.stringify(starts)}, Date.now() + "\\n")
    for (;;) {}
  },
}
`,
      }),
    )
    try {
      const quarantined = await engine.waitForLog(
        /\[(\d\d:\d\d:\d\d\.\d{3})\] WARN.*plugin quarantined: spin .*cut off after/,
      )
      const started = sinceMidnight(Number(readFileSync(starts, "utf8").split("\n")[0]))
      expect(quarantined - started).toBeLessThan(QUARANTINE_MS)
      expect(row(await plugins(engine), "spin")!.state).toBe("quarantined")

      const before = await plugins(engine)
      // The spinner keeps getting trial calls (and is cut off each time) while everyone else scores.
      const { slowest, rows: after } = await probeHealth(
        engine,
        3000,
        (rows) =>
          row(rows, "spin")!.errors > row(before, "spin")!.errors &&
          calledMore(before, rows, "steady") &&
          calledMore(before, rows, "technical-rsi"),
      )
      expect(slowest).toBeLessThan(HEALTH_MS)
      expect(row(after, "spin")!.errors).toBeGreaterThan(row(before, "spin")!.errors)
      expect(row(after, "spin")!.lastError).toMatch(/^cut off after \d+\+ ms, over the 50 ms budget/)
      expect(row(after, "steady")!.calls).toBeGreaterThan(row(before, "steady")!.calls)
      expect(row(after, "steady")).toMatchObject({ state: "active", isolation: "worker" })
      // A preempted thread can push even a trivial call past 50 ms on an overloaded machine.
      if (!OVERLOADED) expect(row(after, "steady")!.errors).toBe(0)
      expect(row(after, "technical-rsi")!.calls).toBeGreaterThan(row(before, "technical-rsi")!.calls)
      const scores = await engine.get<{ items: Array<{ symbol: string; score: number | null }> }>("/v1/confluence")
      expect([...new Set(scores.body.items.map((i) => i.symbol))].sort()).toEqual(["BTC/USDT", "ETH/USDT"])
      expect(scores.body.items.every((i) => typeof i.score === "number")).toBe(true)
    } finally {
      raisePriority(process.pid, 0)
      const { code, ms } = await engine.stop()
      expect(code).toBe(0)
      expect(ms).toBeLessThan(5000)
    }
  }, 60_000)
})

describe("engine with every hostile plugin at once", () => {
  test("each is contained and listed with its reason while scores keep flowing; SIGTERM exits 0", async () => {
    const { mkdtempSync } = await import("node:fs")
    const { tmpdir } = await import("node:os")
    const dir = mkdtempSync(join(tmpdir(), "virtuoso-hostile-"))
    const hostile = [
      "steady",
      "spin",
      "never-resolves",
      "allocates",
      "exits",
      "async-throw",
      "import-error",
      "top-level-hang",
      "pollutes-global",
      "pollutes-prototype",
      "writes-candles",
    ]
    const engine = prioritised(await engineWith(dir, hostile, 60_000))
    try {
      await engine.waitForLog(/\[(\d\d:\d\d:\d\d\.\d{3})\] INFO.*market data ready/)
      // Three consecutive failures quarantine the ones that are not cut off: wait for the last of them.
      for (const name of [
        "spin",
        "allocates",
        "exits",
        "never-resolves",
        "pollutes-global",
        "pollutes-prototype",
        "writes-candles",
      ]) {
        await engine.waitForLog(new RegExp(`\\[(\\d\\d:\\d\\d:\\d\\d\\.\\d{3})\\] WARN.*plugin quarantined: ${name} `))
      }
      await engine.waitForLog(/\[(\d\d:\d\d:\d\d\.\d{3})\] .*threw outside compute/)
      const before = await plugins(engine)
      const { slowest, rows } = await probeHealth(
        engine,
        1500,
        (now) => calledMore(before, now, "steady") && calledMore(before, now, "technical-rsi"),
      )
      expect(slowest).toBeLessThan(HEALTH_MS)
      const reason = (name: string) => row(rows, name)!.lastError ?? ""
      expect(reason("spin")).toMatch(/^cut off after \d+\+ ms, over the 50 ms budget \(worker replaced\)$/)
      expect(reason("allocates")).toMatch(/^cut off after|^grew the process's memory by \d+ MB|allocated \d+ MB/)
      expect(reason("exits")).toMatch(/plugin worker exited \(code 7/)
      expect(reason("never-resolves")).toBe("compute returned a Promise; compute must be synchronous")
      expect(reason("pollutes-global")).toContain("changed the global Math")
      expect(reason("pollutes-prototype")).toMatch(/^compute threw TypeError/)
      expect(reason("writes-candles")).toBe("wrote into ctx.candles; a plugin's inputs are read-only")
      expect(reason("async-throw")).toMatch(/^threw outside compute: .*thrown later, from a timer/)
      expect(row(rows, "import-error")).toMatchObject({ state: "failed" })
      expect(reason("import-error")).toContain("import failed")
      expect(row(rows, "top-level-hang")).toMatchObject({ state: "failed" })
      expect(reason("top-level-hang")).toContain("import did not finish within")
      // steady read intact candles every time (its sum is checked against the built-in's view below)
      // and kept scoring with the built-ins.
      expect(row(rows, "steady")!.state).toBe("active")
      if (!OVERLOADED) expect(row(rows, "steady")!.errors).toBe(0)
      expect(row(rows, "steady")!.calls).toBeGreaterThan(row(before, "steady")!.calls)
      expect(row(rows, "technical-rsi")!.calls).toBeGreaterThan(row(before, "technical-rsi")!.calls)
      const health = await engine.get<{ status: string; checks?: unknown }>("/health")
      expect(JSON.stringify(health.body)).toContain("quarantined")
      const scores = await engine.get<{ items: Array<{ symbol: string; score: number | null }> }>("/v1/confluence")
      expect(scores.body.items.length).toBeGreaterThan(0)
      expect(scores.body.items.every((i) => typeof i.score === "number")).toBe(true)
    } finally {
      raisePriority(process.pid, 0)
      const { code, ms } = await engine.stop()
      expect(code).toBe(0)
      expect(ms).toBeLessThan(5000)
    }
  }, 90_000)
})
