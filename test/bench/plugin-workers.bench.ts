/**
 * bench:plugin-workers — what worker isolation costs, inline vs worker, in one run.
 *
 *   bun run bench:plugin-workers
 *
 * A. The plugin pass of an Analysis cycle (only that: no market state, folds, roll-ups, events or
 *    store — the whole cycle is bench:plugin-workers-cycle): every built-in indicator over 200
 *    symbols × 4 timeframes (1m/5m/30m/4h with 1000/300/200/200 candles; real fixture candles at
 *    per-symbol offsets, a synthetic 25-level book, 400 trades and derivatives data per symbol).
 *    Declared inputs advanced once, then one `evaluateBatch` over every symbol, as the Analysis
 *    loop does, so the worker host sends one batch per worker. Hosts: `isolation: "inline"` (the
 *    default) and `isolation: "worker"` with the default pool size. The scores of both are compared.
 * B. Per-call overhead: 24 trivial plugins (compute returns a constant), same 800 contexts, run
 *    inline and in workers; (worker − inline) / calls is the crossing's cost per plugin call.
 * C. Round trip of one lone `evaluate` (one context, 24 trivial plugins): one batch's latency.
 * D. The plugin pass of A while every window moves on by one candle per cycle (a new
 *    `candlesVersion` each time), as Analysis's windows do: declared inputs take the new candle, the worker host
 *    writes it into the arena and each worker copies the windows that changed. Both hosts score
 *    the same state each round; their outcomes are compared after the timed rounds.
 *
 * Medians of 25 interleaved runs after 80 warm-ups of each (A, B; 3 for C); wall time, and this
 * process's CPU time (all threads, workers included), split by thread kind (host thread, plugin
 * workers, runtime helpers: JIT, GC, allocator) as the mean per cycle. The load average before
 * and after the timed runs is printed: on a shared machine wall times follow it, the ratios
 * within one run less so, CPU per thread least.
 */
import { Effect, Layer, ManagedRuntime, References } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import {
  COMPONENTS,
  PluginHost,
  type BaseContext,
  type IndicatorOutcome,
  type PluginHostOptions,
} from "../../core/plugins/index.ts"
import type { Timeframe } from "../../core/plugins/sdk.ts"
import {
  loadCandles,
  syntheticBook,
  syntheticMarket,
  syntheticTrades,
  ta,
  window,
} from "../plugins/indicators/support.ts"
import { addThreadCpu, threadCpu, threadLine } from "./support/thread-cpu.ts"

const SYMBOLS = 200
const TIMEFRAMES: ReadonlyArray<readonly [Timeframe, number]> = [
  ["1m", 1000],
  ["5m", 300],
  ["30m", 200],
  ["4h", 200],
]
/** Enough that a burst of other work on a shared machine moves a few runs, not the median. */
const RUNS = 25
/**
 * Warm-up cycles per variant before timing. Each plugin worker is a VM of its own that compiles
 * every plugin's code itself: a cycle's plugins take some 260 optimizing (FTL) compiles across
 * the host and two workers, ~35 ms of compiler CPU each, and on 2 cores that work is still
 * running after 20 cycles (measured: runtime threads 62 ms CPU per worker cycle after 20 warm-ups,
 * 12 after 80). An engine runs thousands of cycles, so timing starts once the compiles are done.
 */
const WARMUP = 80
const ROOT = join(import.meta.dir, "../..")

const series = [loadCandles("btcusdt-1m"), loadCandles("ltcusdt-1m")]
const symbols: Array<Array<BaseContext>> = []
for (let s = 0; s < SYMBOLS; s++) {
  const src = series[s % 2]
  const end = Math.min(src.close.length, 1000 + ((s * 37) % (src.close.length - 1000)))
  const book = syntheticBook(src, end, { seed: s })
  const trades = syntheticTrades(src, end, { seed: s })
  const market = syntheticMarket(src, end, { seed: s })
  symbols.push(
    TIMEFRAMES.map(([timeframe, n]) => ({
      symbol: `SYM${s}/USDT`,
      timeframe,
      candles: window(src, end, n),
      ta,
      orderbook: book,
      trades,
      market,
      // As Analysis stamps its contexts: these candles never change, so one stamp throughout.
      candlesVersion: 1,
    })),
  )
}
const all = symbols.flat()

/** D: windows that end `slid` candles later than where they started, stamped accordingly. */
const SLIDE = WARMUP + RUNS + 2
const slideEnds = symbols.map((_, s) => {
  const len = series[s % 2].close.length
  return 1000 + ((s * 37) % (len - 1000 - SLIDE))
})
let slid = 0
const slidAt = (): Array<Array<BaseContext>> =>
  symbols.map((ctxs, s) =>
    ctxs.map((c, t) => ({
      ...c,
      candles: window(series[s % 2], slideEnds[s] + slid, TIMEFRAMES[t][1]),
      candlesVersion: 1 + slid,
    })),
  )
let sliding = slidAt()
const slide = () => {
  slid++
  sliding = slidAt()
}

const trivial = mkdtempSync(join(tmpdir(), "virtuoso-bench-workers-"))
let k = 0
for (const component of COMPONENTS) {
  for (let i = 0; i < 4; i++, k++) {
    writeFileSync(
      join(trivial, `p${k}.ts`),
      `export default { apiVersion: 1, kind: "indicator", name: "p${k}", component: "${component}", lookback: 10,\n` +
        `  compute(ctx) { return { score: ${30 + k}, values: { last: ctx.candles.close.at(-1) } } } }\n`,
    )
  }
}
const TRIVIAL = k

const hostOf = async (options: PluginHostOptions) => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      PluginHost.layer({ root: ROOT, watch: false, budgetMs: 1000, ...options }),
      Layer.succeed(References.MinimumLogLevel, "Error"),
    ),
  )
  return {
    runtime,
    host: await runtime.runPromise(
      Effect.gen(function* () {
        return yield* PluginHost
      }),
    ),
  }
}
const builtIns = { folders: ["plugins/indicators"] }
const inline = await hostOf({ ...builtIns, isolation: "inline" })
const worker = await hostOf({ ...builtIns, isolation: "worker" })
const trivialInline = await hostOf({ folders: [trivial], ownedFolders: [trivial] })
const trivialWorker = await hostOf({ folders: [trivial] })

type Hosted = Awaited<ReturnType<typeof hostOf>>
/** The plugin pass of one Analysis cycle: advance the declared inputs, then every symbol in one call. */
const cycle = (h: Hosted) => () =>
  h.runtime.runPromise(
    Effect.gen(function* () {
      yield* h.host.advanceInputs(all)
      return yield* h.host.evaluateBatch(symbols)
    }),
  )
const lone = (h: Hosted) => () => h.runtime.runPromise(h.host.evaluate(all[0]))
/** D's cycle: the same as A's over the windows as they stand after the last slide. */
const slidingCycle = (h: Hosted) => () =>
  h.runtime.runPromise(
    Effect.gen(function* () {
      yield* h.host.advanceInputs(sliding.flat())
      return yield* h.host.evaluateBatch(sliding)
    }),
  )

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]

/** `step` runs before each round (warm-up or timed) of the variants, outside the timing. */
const timeAll = async (
  variants: ReadonlyArray<() => Promise<unknown>>,
  runs = RUNS,
  warmup = WARMUP,
  step = () => {},
) => {
  for (let i = 0; i < warmup; i++) {
    step()
    for (const f of variants) await f()
  }
  const wall = variants.map(() => [] as Array<number>)
  const cpu = variants.map(() => [] as Array<number>)
  const threads = variants.map(() => new Map<string, number>())
  for (let r = 0; r < runs; r++) {
    step()
    for (let v = 0; v < variants.length; v++) {
      const t = threadCpu()
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      await variants[v]()
      wall[v].push(performance.now() - t0)
      const c = process.cpuUsage(c0)
      cpu[v].push((c.user + c.system) / 1000)
      addThreadCpu(threads[v], t, runs)
    }
  }
  return variants.map((_, v) => [median(wall[v]), median(cpu[v]), threadLine(threads[v])] as const)
}

type Outcomes = ReadonlyArray<ReadonlyArray<ReadonlyArray<IndicatorOutcome>>>
/** The two hosts must agree: same plugins, same scores (the worker path changes where, not what). */
const agree = (a: Outcomes, b: Outcomes): number => {
  let compared = 0
  for (let s = 0; s < a.length; s++) {
    for (let t = 0; t < a[s].length; t++) {
      for (let p = 0; p < a[s][t].length; p++) {
        const x = a[s][t][p]
        const y = b[s][t][p]
        if (x.name !== y.name || x.status !== y.status || !Object.is(x.score, y.score)) {
          throw new Error(
            `inline and worker disagree on ${x.name} for ${all[s * 4 + t].symbol} ${all[s * 4 + t].timeframe}: ` +
              `${x.status} ${x.score} vs ${y.status} ${y.score} ${y.error ?? ""}`,
          )
        }
        compared++
      }
    }
  }
  return compared
}
const compared = agree(await cycle(inline)(), await cycle(worker)())

const load = loadavg()[0]
const [[ai, aic, ait], [aw, awc, awt]] = await timeAll([cycle(inline), cycle(worker)])
const [[bi, bic, bit], [bw, bwc, bwt]] = await timeAll([cycle(trivialInline), cycle(trivialWorker)])
const [[ci], [cw]] = await timeAll([lone(trivialInline), lone(trivialWorker)], 101, 3)
const [[di, dic, dit], [dw, dwc, dwt]] = await timeAll(
  [slidingCycle(inline), slidingCycle(worker)],
  RUNS,
  WARMUP,
  slide,
)
const slidCompared = agree(await slidingCycle(inline)(), await slidingCycle(worker)())

// Trivial plugin calls per cycle: every outcome of one cycle that was an actual call.
const perCycle = (await cycle(trivialInline)()).flat(2).filter((o) => o.status === "ok").length
const pct = (x: number, y: number) => `${x >= y ? "+" : ""}${(((x - y) / y) * 100).toFixed(0)} %`
const workersNow = (await worker.runtime.runPromise(worker.host.list)).filter((r) => r.isolation === "worker").length
const ms = (wall: number, cpu: number, threads: string) =>
  `${wall.toFixed(1)} ms / ${cpu.toFixed(1)} ms CPU   [${threads}]`
const perCall = (x: number) => `${((x * 1000) / perCycle).toFixed(2)} µs/call`
const pool = Math.min(8, availableParallelism())
console.log(
  `bench:plugin-workers — ${availableParallelism()} cores, load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}, ` +
    `pool size ${pool}, ` +
    `medians of ${RUNS} interleaved runs after ${WARMUP} warm-ups (wall / CPU; CPU ms per cycle by thread)`,
)
console.log(
  `A. plugin pass of an Analysis cycle (inputs + one evaluateBatch), ${workersNow} built-ins × ${SYMBOLS} ` +
    `symbols × ${TIMEFRAMES.length} timeframes (${compared} outcomes, identical in both hosts)`,
)
console.log(`   inline   ${ms(ai, aic, ait)}`)
console.log(`   worker   ${ms(aw, awc, awt)}   (wall ${pct(aw, ai)}, CPU ${pct(awc, aic)}; target ≤ +20 % wall)`)
console.log(`B. ${TRIVIAL} trivial plugins × ${all.length} contexts (${Math.round(perCycle)} calls per cycle)`)
console.log(`   inline   ${ms(bi, bic, bit)}   = ${perCall(bi)}`)
console.log(
  `   worker   ${ms(bw, bwc, bwt)}   = ${perCall(bw)}; overhead ${perCall(bw - bi)} wall, ${perCall(bwc - bic)} CPU`,
)
console.log(
  `C. one lone evaluate (1 context, ${TRIVIAL} plugins), median of 101: ` +
    `inline ${(ci * 1000).toFixed(0)} µs, worker round trip ${(cw * 1000).toFixed(0)} µs`,
)

console.log(
  `D. A's plugin pass with every window one candle further each cycle (${slid} slides; ${slidCompared} outcomes ` +
    "identical in both hosts after them)",
)
console.log(`   inline   ${ms(di, dic, dit)}`)
console.log(`   worker   ${ms(dw, dwc, dwt)}   (wall ${pct(dw, di)}, CPU ${pct(dwc, dic)})`)

for (const h of [inline, worker, trivialInline, trivialWorker]) await h.runtime.dispose()
rmSync(trivial, { recursive: true, force: true })
