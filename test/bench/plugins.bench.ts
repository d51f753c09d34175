/**
 * Plugin host overhead per indicator call, and the cost of one confluence fold.
 *
 *   bun run bench:plugins
 *
 * 24 trivial plugins (4 per component, compute returns a constant) in a temp folder. "direct"
 * calls the same compute functions in a plain loop; "host" is `PluginHost.evaluate` (breaker,
 * data-need and lookback checks, result validation, timing, stats); the difference divided by
 * the calls is the host's overhead per plugin call. The fold is timed as Analysis runs it (one
 * WASM `foldScores` call) beside the plain-TS reference. Medians of 7 repetitions, same run.
 */
import { Effect, References } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { foldConfluence, weightedMeanTs } from "../../core/analysis/confluence/index.ts"
import { COMPONENTS, PluginHost, type BaseContext, type IndicatorPlugin } from "../../core/plugins/index.ts"
import { inputsOf, makeInputEngine } from "../../core/plugins/inputs/index.ts"
import { getKernels } from "../../core/wasm/index.ts"
import * as ta from "../../core/ta/index.ts"

const REPS = 7
const CONTEXTS = 20_000
const PER_COMPONENT = 4

const dir = mkdtempSync(join(tmpdir(), "virtuoso-bench-plugins-"))
let k = 0
for (const component of COMPONENTS) {
  for (let i = 0; i < PER_COMPONENT; i++, k++) {
    writeFileSync(
      join(dir, `p${k}.ts`),
      `export default { apiVersion: 1, kind: "indicator", name: "p${k}", component: "${component}", lookback: 10, ` +
        `compute(ctx) { return { score: ${30 + k}, values: { last: ctx.candles.close[ctx.candles.close.length - 1] ` +
        `} } } }\n`,
    )
  }
}
const PLUGINS = k

const n = 200
const col = () => Float64Array.from({ length: n }, (_, i) => 100 + (i % 10))
const ctx: BaseContext = {
  symbol: "BTC/USDT",
  timeframe: "1m",
  ta,
  market: {},
  candles: {
    time: Float64Array.from({ length: n }, (_, i) => i * 60_000),
    open: col(),
    high: col(),
    low: col(),
    close: col(),
    volume: col(),
  },
}

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const program = Effect.gen(function* () {
  const host = yield* PluginHost
  const loaded = yield* host.indicators
  const plugins: ReadonlyArray<IndicatorPlugin> = loaded.map((l) => l.plugin)
  const params = loaded.map((l) => l.params)
  // The direct row hands each plugin its declared inputs read once, as the host would.
  const inputEngine = makeInputEngine(getKernels)
  const values = plugins.map((p, i) => inputEngine.read(ctx, inputsOf(p, params[i])))
  if (plugins.length !== PLUGINS) throw new Error(`expected ${PLUGINS} plugins, loaded ${plugins.length}`)

  const direct: Array<number> = []
  const hosted: Array<number> = []
  const foldWasm: Array<number> = []
  const foldTs: Array<number> = []
  let sink = 0
  const outcomes = yield* host.evaluate(ctx)
  for (let rep = 0; rep < REPS; rep++) {
    let t = performance.now()
    for (let c = 0; c < CONTEXTS; c++) {
      for (let p = 0; p < plugins.length; p++)
        sink += plugins[p].compute({ ...ctx, params: params[p], ...values[p] }).score ?? 0
    }
    direct.push(performance.now() - t)

    t = performance.now()
    for (let c = 0; c < CONTEXTS; c++) sink += (yield* host.evaluate(ctx)).length
    hosted.push(performance.now() - t)

    t = performance.now()
    for (let c = 0; c < CONTEXTS; c++) sink += foldConfluence(outcomes, { timeframe: "1m", time: 0 }).score!
    foldWasm.push(performance.now() - t)

    t = performance.now()
    for (let c = 0; c < CONTEXTS; c++)
      sink += foldConfluence(outcomes, { timeframe: "1m", time: 0, mean: weightedMeanTs }).score!
    foldTs.push(performance.now() - t)
  }
  const calls = CONTEXTS * PLUGINS
  const us = (ms: number, per: number) => ((ms * 1000) / per).toFixed(3)
  console.log(`plugins: ${PLUGINS}, contexts per rep: ${CONTEXTS}, reps: ${REPS} (medians)`)
  console.log(`direct compute loop      ${median(direct).toFixed(1)} ms  = ${us(median(direct), calls)} µs / call`)
  console.log(
    `PluginHost.evaluate      ${median(hosted).toFixed(1)} ms  = ${us(median(hosted), calls)} µs / call, ` +
      `${us(median(hosted), CONTEXTS)} µs / context`,
  )
  console.log(
    `host overhead            ${us(median(hosted) - median(direct), calls)} µs / plugin call (evaluate / direct = ` +
      `${(median(hosted) / median(direct)).toFixed(2)}×)`,
  )
  console.log(`foldConfluence (engine: one WASM call) ${us(median(foldWasm), CONTEXTS)} µs / context`)
  console.log(
    `foldConfluence (plain-TS reference) ${us(median(foldTs), CONTEXTS)} µs / context (WASM / TS = ` +
      `${(median(foldWasm) / median(foldTs)).toFixed(2)}×)`,
  )
  if (sink === 42) console.log("")
})

try {
  await Effect.runPromise(
    program.pipe(
      Effect.provide(PluginHost.layer({ folders: [dir], ownedFolders: [dir], watch: false, budgetMs: 1000 })),
      Effect.provideService(References.MinimumLogLevel, "Error"),
    ),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
