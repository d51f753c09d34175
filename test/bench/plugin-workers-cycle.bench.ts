/**
 * bench:plugin-workers-cycle — what worker isolation adds to the engine's whole Analysis cycle.
 *
 *   bun run bench:plugin-workers-cycle
 *
 * Two engines side by side in one process, each the world bench:confluence measures (scenario A):
 * the real Analysis layer, PluginHost over the 41 built-ins, bus and SQLite event store, 200
 * symbols × 4 timeframes fed the BTC/LTC fixtures, one new closed candle on every series per
 * round. A cycle is one round: from publishing its 800 candle events until Analysis has scored
 * every series (declared inputs advanced, plugins, folds, roll-ups) and the store has committed
 * and the bus delivered its confluence events. One engine runs the config's default
 * `plugins.isolation: "inline"`, the other `"worker"` (every built-in in the plugin worker pool,
 * default size). Rounds alternate between the two engines; both are fed the same candles, and the
 * confluence events of the last round are compared (they must be identical) and their payloads
 * hashed (sorted), so runs of two builds with the same BENCH_RUNS / BENCH_WARMUP can be compared.
 *
 * Medians of RUNS rounds each after WARMUP rounds each (the workers' VMs compile the plugins'
 * code themselves: timing starts once that is done); wall time, process CPU (all threads) per
 * round, and the mean CPU per round by thread kind. BENCH_RUNS / BENCH_WARMUP override. What
 * isolation adds per plugin call: the difference of the medians over the calls the worker
 * engine's plugins made per timed round (from their call counts; a symbol-scoped plugin is
 * called once per symbol). The plugin-only part of the same comparison: bench:plugin-workers.
 */
import { Effect } from "effect"
import { availableParallelism, loadavg } from "node:os"
import { createHash } from "node:crypto"
import { rmSync } from "node:fs"
import { PluginHost } from "../../core/plugins/index.ts"
import { ALL_FRAMES, floorDir, median, open } from "./support/analysis-bench.ts"
import { addThreadCpu, threadCpu, threadLine } from "./support/thread-cpu.ts"

const RUNS = Number(process.env.BENCH_RUNS ?? 25)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 60)
const SERIES = 800

const engines = [
  { label: "inline", bench: await open(200, { isolation: "inline" }) },
  { label: "worker", bench: await open(200, { isolation: "worker" }) },
] as const
for (const e of engines) await e.bench.measure(ALL_FRAMES, SERIES, 1)
const host = engines[1].bench.context<PluginHost["Service"]>(PluginHost)
const inWorkers = (await Effect.runPromise(host.list)).filter((p) => p.isolation === "worker").length

for (let r = 0; r < WARMUP; r++) for (const e of engines) await e.bench.measure(ALL_FRAMES, SERIES, 1)

/** Calls made so far by the worker engine's plugins. */
const callsSoFar = async () => (await Effect.runPromise(host.list)).reduce((n, p) => n + p.calls, 0)

const load = loadavg()[0]
const callsBefore = await callsSoFar()
const wall = engines.map(() => [] as Array<number>)
const cpu = engines.map(() => [] as Array<number>)
const threads = engines.map(() => new Map<string, number>())
for (let r = 0; r < RUNS; r++) {
  for (let v = 0; v < engines.length; v++) {
    const t = threadCpu()
    wall[v].push(...(await engines[v].bench.measure(ALL_FRAMES, SERIES, 1, cpu[v])))
    addThreadCpu(threads[v], t, RUNS)
  }
}
const callsPerRound = ((await callsSoFar()) - callsBefore) / RUNS

/** The last round's confluence events of both engines, as sets of payloads: they must be the same. */
const last = engines.map(
  (e) =>
    new Map(
      e.bench
        .recent()
        .slice(-SERIES)
        .map((ev) => [JSON.stringify(ev.payload), ev] as const),
    ),
)
let differ = 0
for (const k of last[0].keys()) if (!last[1].has(k)) differ++
const disagree = differ > 0 || last[0].size !== last[1].size
// A call cut off at the budget (a machine too loaded to finish it in 250 ms) scores without that
// plugin in one engine only: reported with the timings. Without a failed call, a difference is a bug.
const failed = await Promise.all(
  engines.map(async (e) => {
    const list = await Effect.runPromise(e.bench.context<PluginHost["Service"]>(PluginHost).list)
    const broken = list.filter((p) => p.errors > 0)
    return { errors: broken.reduce((n, p) => n + p.errors, 0), lastError: broken[0]?.lastError }
  }),
)
const failedCalls = failed[0]!.errors + failed[1]!.errors
if (disagree && failedCalls === 0)
  throw new Error(`inline and worker engines disagree on ${differ} of ${last[0].size} confluence events`)

// The same rounds (BENCH_RUNS, BENCH_WARMUP) feed the same candles, so two builds' hashes must match.
const payloadHash = createHash("sha256")
  .update([...last[0].keys()].sort().join("\n"))
  .digest("hex")
  .slice(0, 16)
const pct = (x: number, y: number) => `${x >= y ? "+" : ""}${(((x - y) / y) * 100).toFixed(0)} %`
const [wi, ww] = wall.map(median)
const [ci, cw] = cpu.map(median)
console.log(
  `bench:plugin-workers-cycle — ${availableParallelism()} cores, ` +
    `load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}, medians of ${RUNS} interleaved rounds each after ` +
    `${WARMUP} warm-ups (wall / process CPU; CPU ms per round by thread)`,
)
const agreement = disagree
  ? `${differ} of ${last[0].size} confluence events of the last round differ: ${failedCalls} plugin calls failed ` +
    `(inline ${failed[0]!.errors}, worker ${failed[1]!.errors}; "${failed.find((f) => f.errors > 0)!.lastError}"), ` +
    `so the payload hash is not comparable`
  : `${last[0].size} confluence events of the last round identical in both engines, payloads sha-256 ${payloadHash}`
console.log(
  `Full Analysis cycle, 200 symbols × 4 timeframes, one new candle per series, store on; ${inWorkers} built-ins ` +
    `in workers (${agreement})`,
)
console.log(`   inline   ${wi.toFixed(1)} ms / ${ci.toFixed(1)} ms CPU   [${threadLine(threads[0])}]`)
console.log(
  `   worker   ${ww.toFixed(1)} ms / ${cw.toFixed(1)} ms CPU   [${threadLine(threads[1])}]   ` +
    `(wall ${pct(ww, wi)}, CPU ${pct(cw, ci)}; target ≤ +20 % wall)`,
)
const perCall = (ms: number) => `${((ms * 1000) / callsPerRound).toFixed(2)} µs`
console.log(
  `   per plugin call (${Math.round(callsPerRound)} per round): isolation adds ${perCall(ww - wi)} wall, ` +
    `${perCall(cw - ci)} CPU`,
)
for (const e of engines) await e.bench.close()
rmSync(floorDir, { recursive: true, force: true })
