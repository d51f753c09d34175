/**
 * @module Replay end to end: candles from a CSV file or the event store → the live pipeline →
 * the evaluated report, its text table, JSON and SVG chart, and writing them to a folder.
 */
import { Effect } from "effect"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import type { VirtuosoConfig } from "../config/index.ts"
import type { Candle, Timeframe } from "../market-schema/index.ts"
import { EventStore } from "../store/index.ts"
import { rollupTimeframes } from "./aggregate.ts"
import { renderChart } from "./chart-svg.ts"
import { ReplayInputError } from "./errors.ts"
import { evaluateReplay } from "./evaluate.ts"
import { formatReport } from "./report-text.ts"
import { runReplay } from "./run-replay.ts"
import type { ReplayReport, ReplayRun } from "./schema.ts"
import { candlesFromStore, readCandleFile, resolveTimeframe } from "./sources.ts"

export interface ReplayOutput {
  readonly run: ReplayRun
  readonly report: ReplayReport
  /** The text table (stdout of the CLI). */
  readonly text: string
  /** The report as pretty JSON with a final newline. */
  readonly json: string
  readonly svg: string
}

export interface ReplaySettings {
  readonly symbol: string
  /** Checked against (or inferred from) the candles' spacing. */
  readonly timeframe?: Timeframe
  readonly horizons: ReadonlyArray<number>
  readonly source: string
  /** Also build the configured higher timeframes from the candles and roll them up, as live. */
  readonly rollup?: boolean
}

/** Runs the pipeline over candles already in memory and renders every output. */
export const replayCandles = (config: VirtuosoConfig, candles: ReadonlyArray<Candle>, settings: ReplaySettings) =>
  Effect.gen(function* () {
    if (candles.length === 0)
      return yield* new ReplayInputError({ message: `${settings.source}: no candles to replay` })
    const timeframe = yield* Effect.try({
      try: () => resolveTimeframe(candles, settings.timeframe, settings.source),
      catch: (e) => (e instanceof ReplayInputError ? e : new ReplayInputError({ message: String(e) })),
    })
    const rollup = settings.rollup === true ? rollupTimeframes(config, timeframe).build : []
    const run = yield* runReplay(config, candles, {
      symbol: settings.symbol,
      timeframe,
      rollup,
      horizons: settings.horizons,
      source: settings.source,
    })
    const report = evaluateReplay(run, config.signals)
    return {
      run,
      report,
      text: formatReport(report),
      json: `${JSON.stringify(report, null, 2)}\n`,
      svg: renderChart(report, run.trace),
    } satisfies ReplayOutput
  })

/** Replays a candle CSV (`timestamp,open,high,low,close,volume`, oldest first). */
export const replayFile = (config: VirtuosoConfig, path: string, settings: Omit<ReplaySettings, "source">) =>
  Effect.try({
    try: () => readCandleFile(path),
    catch: (e) => (e instanceof ReplayInputError ? e : new ReplayInputError({ message: `${path}: ${String(e)}` })),
  }).pipe(Effect.flatMap((candles) => replayCandles(config, candles, { ...settings, source: path })))

export interface StoreReplaySettings {
  readonly db: string
  readonly symbol: string
  readonly timeframe: Timeframe
  readonly from: number
  readonly to: number
  readonly horizons: ReadonlyArray<number>
  readonly rollup?: boolean
}

/**
 * Replays the stored `market.candle.closed` events of one series. The store is opened with
 * tiering far out (100 years), so reading it never moves or drops anyone's events.
 */
export const replayStore = (config: VirtuosoConfig, s: StoreReplaySettings) =>
  Effect.gen(function* () {
    if (s.db !== ":memory:" && !existsSync(s.db))
      return yield* new ReplayInputError({ message: `event store not found: ${s.db}` })
    const candles = yield* Effect.scoped(
      Effect.gen(function* () {
        const store = yield* EventStore
        return yield* candlesFromStore(store, s)
      }).pipe(
        Effect.provide(
          EventStore.layer({ path: s.db, hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" }),
        ),
      ),
    )
    const range = `${new Date(s.from).toISOString()} .. ${new Date(s.to).toISOString()}`
    if (candles.length === 0) {
      return yield* new ReplayInputError({
        message: `${s.db}: no stored ${s.symbol} ${s.timeframe} candles in ${range}`,
      })
    }
    return yield* replayCandles(config, candles, {
      symbol: s.symbol,
      timeframe: s.timeframe,
      horizons: s.horizons,
      source: `store:${s.db} ${range}`,
      ...(s.rollup === undefined ? {} : { rollup: s.rollup }),
    })
  })

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, "-")

/** Writes `replay-<symbol>-<tf>.json` and `.svg` into `dir`; returns their paths. */
export const writeOutputs = (dir: string, output: ReplayOutput): { json: string; svg: string } => {
  mkdirSync(dir, { recursive: true })
  const base = join(dir, `replay-${safeName(output.report.symbol)}-${output.report.timeframe}`)
  const paths = { json: `${base}.json`, svg: `${base}.svg` }
  writeFileSync(paths.json, output.json)
  writeFileSync(paths.svg, output.svg)
  return paths
}
