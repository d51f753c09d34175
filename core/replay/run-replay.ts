/**
 * @module The replay pipeline: the live analysis and signal path, one closed candle at a time.
 *
 * Same parts as the running engine — the real PluginHost over the same plugin folders (watch
 * off), resident WASM candle columns holding the timeframe's configured depth, `foldConfluence`
 * and `rollUpTimeframes` with the configured weights, `decide` and `buildSignal` with the
 * configured thresholds — driven by the input instead of an exchange. With `rollup`, the higher
 * timeframes are built from the base candles (aggregate.ts) and each is evaluated when one of
 * its candles closes, as Analysis evaluates changed series. Time is the data's time (see
 * replay-clock.ts), so the same input gives the same signals on every run.
 *
 * Candles are all the input has: plugins that need an order book, trades or derivatives data
 * report unavailable (the PluginHost decides that from their declared needs), and their
 * components drop out of the fold exactly as they do live when such data is missing.
 */
import { Clock, Effect, Layer } from "effect"
import { componentSelection, foldConfluence, rollUpTimeframes, type ConfluenceResult } from "../analysis/index.ts"
import type { VirtuosoConfig } from "../config/index.ts"
import { ResidentCandles } from "../market/index.ts"
import { TIMEFRAME_MS, type Candle, type Timeframe } from "../market-schema/index.ts"
import { PluginHost, type BaseContext, type Component } from "../plugins/index.ts"
import { buildSignal, decide, newRuleState, type Signal } from "../signals/index.ts"
import * as ta from "../ta/index.ts"
import { Kernels, type WasmLoadError } from "../wasm/index.ts"
import { makeAggregator, type Aggregator } from "./aggregate.ts"
import { makeReplayClock } from "./replay-clock.ts"
import type { PluginUsage, ReplayOptions, ReplayRun, TracePoint } from "./schema.ts"

/**
 * The per-call compute budget under replay. Live, a call over 5 ms counts as a failure; that is
 * wall time, which differs between runs and machines, so replay allows the config maximum and
 * keeps plugin verdicts a function of the data alone.
 */
export const REPLAY_BUDGET_MS = 10_000

interface UsageCounter {
  component: Component
  ok: number
  unavailable: number
  failed: number
  quarantined: number
  reasons: Map<string, number>
}

const usageRows = (usage: ReadonlyMap<string, UsageCounter>): ReadonlyArray<PluginUsage> =>
  [...usage.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, u]) => {
    let reason: string | null = null
    let most = 0
    for (const [text, count] of u.reasons) if (count > most) [reason, most] = [text, count]
    return { name, component: u.component, ok: u.ok, unavailable: u.unavailable, failed: u.failed, quarantined: u.quarantined, reason }
  })

/** "needs 15 candles, has 3" is the warm-up, not a data gap: group those under one reason. */
const reasonKey = (reason: string): string => (/^needs \d+ candles, has \d+$/.test(reason) ? "warm-up (needs more candles)" : reason)

const countGaps = (candles: ReadonlyArray<Candle>, step: number): number => {
  let gaps = 0
  for (let i = 1; i < candles.length; i++) gaps += Math.max(0, Math.round((candles[i]!.time - candles[i - 1]!.time) / step) - 1)
  return gaps
}

interface Series {
  readonly timeframe: Timeframe
  readonly id: number
  readonly aggregator?: Aggregator
}

/** The pipeline over one symbol; needs the host and the candle columns (see `runReplay`). */
const pipeline = (config: VirtuosoConfig, candles: ReadonlyArray<Candle>, options: ReplayOptions, setTime: (ms: number) => void) =>
  Effect.gen(function* () {
    const host = yield* PluginHost
    const resident = yield* ResidentCandles
    const base: Timeframe = options.timeframe
    const step = TIMEFRAME_MS[base]
    const { enabled: components, weights: componentWeights } = componentSelection(config.analysis)
    const frames = [base, ...options.rollup]
    // The roll-up sees the replayed timeframes with their configured weights (the base gets 1 if
    // the config does not track it), as the live roll-up does when other timeframes are missing.
    const timeframeWeights = Object.fromEntries(frames.map((tf) => [tf, config.timeframes[tf]?.weight ?? 1])) as Partial<Record<Timeframe, number>>
    const series: Array<Series> = frames.map((tf) => ({
      timeframe: tf,
      id: resident.addSeries(`${options.symbol}|${tf}`, config.timeframes[tf]?.candles ?? 1000),
      ...(tf === base ? {} : { aggregator: makeAggregator(base, tf) }),
    }))
    const perTimeframe = new Map<Timeframe, ConfluenceResult>()
    const rules = config.signals
    const state = newRuleState()
    const usage = new Map<string, UsageCounter>()
    const trace: Array<TracePoint> = []
    const signals: Array<{ index: number; signal: Signal }> = []
    const signalTimeframe = options.rollup.length > 0 ? "all" : base
    const perFrame = new Map<Timeframe, { candles: number; scored: number }>(frames.map((tf) => [tf, { candles: 0, scored: 0 }]))

    for (let i = 0; i < candles.length; i++) {
      const candle = candles[i]!
      setTime(candle.time + step)
      // The series this candle changed: the base always, a higher timeframe when it closes one.
      const ctxs: Array<BaseContext> = []
      for (const s of series) {
        const closed = s.aggregator === undefined ? [candle] : s.aggregator.push(candle)
        if (closed.length === 0) continue
        for (const c of closed) resident.append(s.id, c)
        ctxs.push({ symbol: options.symbol, timeframe: s.timeframe, candles: resident.columns(s.id), ta, market: {} })
      }
      // As Analysis does: one host pass over the symbol's changed timeframes, one fold each.
      const outcomes = yield* host.evaluateSymbol(ctxs, components)
      ctxs.forEach((ctx, k) => {
        for (const o of outcomes[k]!) {
          let u = usage.get(o.name)
          if (!u) usage.set(o.name, (u = { component: o.component, ok: 0, unavailable: 0, failed: 0, quarantined: 0, reasons: new Map() }))
          u[o.status]++
          const why = o.status === "ok" ? undefined : o.reason ?? o.error
          if (why !== undefined) u.reasons.set(reasonKey(why), (u.reasons.get(reasonKey(why)) ?? 0) + 1)
        }
        const time = ctx.candles.time[ctx.candles.time.length - 1]!
        const result = foldConfluence(outcomes[k]!, { timeframe: ctx.timeframe, time, weights: componentWeights })
        perTimeframe.set(ctx.timeframe, result)
        const counts = perFrame.get(ctx.timeframe)!
        counts.candles++
        if (result.score !== null) counts.scored++
      })
      const overall = rollUpTimeframes(options.symbol, perTimeframe, timeframeWeights)
      trace.push({ time: candle.time, close: candle.close, score: overall.score })
      if (overall.score === null || !rules.enabled) continue
      const decision = decide(state, { score: overall.score, time: overall.time, components: overall.components }, rules)
      if (!decision) continue
      // Price and ATR(14) from the base series, as the SignalEngine takes them.
      const columns = ctxs[0]!.candles
      const atr = columns.close.length > 14 ? ta.atr(columns.high, columns.low, columns.close, { period: 14 }).at(-1)! : Number.NaN
      const signal = buildSignal({
        confluence: overall, decision, timeframe: signalTimeframe, price: candle.close, atr: Number.isFinite(atr) ? atr : null, rules,
      })
      signals.push({ index: i, signal })
    }
    return { options, candles, trace, signals, plugins: usageRows(usage),
      timeframes: frames.map((tf) => ({ timeframe: tf, ...perFrame.get(tf)! })), gaps: countGaps(candles, step) } satisfies ReplayRun
  })

/**
 * Replays `candles` (closed, oldest first, one symbol and timeframe) through the live pipeline,
 * with `options.rollup` timeframes built from them and rolled up as live.
 * Builds its own PluginHost (config's folders and plugin settings, watch off) and candle
 * memory, and releases both when done.
 */
export const runReplay = (config: VirtuosoConfig, candles: ReadonlyArray<Candle>, options: ReplayOptions): Effect.Effect<ReplayRun, WasmLoadError> => {
  const clock = makeReplayClock(candles[0]?.time ?? 0)
  const layers = Layer.mergeAll(
    PluginHost.layer({
      extraFolders: config.plugins.folders,
      watch: false,
      budgetMs: REPLAY_BUDGET_MS,
      maxFailures: config.plugins.maxFailures,
      quarantineMs: config.plugins.quarantineMs,
      pluginConfig: config.plugins.config,
    }),
    ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)),
  )
  return pipeline(config, candles, options, clock.set).pipe(
    Effect.provide(layers),
    Effect.provideService(Clock.Clock, clock),
  )
}
