/**
 * @module A symbol's replay run read from what the live layers published: the score after each
 * base candle (the chart and the baseline), the signals with the candle they came on, and what
 * every plugin did (from the per-plugin results each confluence carries).
 */
import type { Candle, Timeframe } from "../market-schema/index.ts"
import { TIMEFRAME_MS } from "../market-schema/index.ts"
import type { Component } from "../plugins/index.ts"
import type { ConfluencePoint, DriveResult } from "./drive.ts"
import type { PluginUsage, ReplayOptions, ReplayRun, TracePoint } from "./schema.ts"

interface UsageCounter {
  component: Component
  ok: number
  unavailable: number
  failed: number
  quarantined: number
  reasons: Map<string, number>
}

/** "needs 15 candles, has 3" is the warm-up, not a data gap: group those under one reason. */
const reasonKey = (reason: string): string =>
  /^needs \d+ candles, has \d+$/.test(reason) ? "warm-up (needs more candles)" : reason

const usageRows = (usage: ReadonlyMap<string, UsageCounter>): ReadonlyArray<PluginUsage> =>
  [...usage.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, u]) => {
      // Reasons are counted as given and grouped here, once per distinct text rather than per outcome.
      const grouped = new Map<string, number>()
      for (const [text, count] of u.reasons) grouped.set(reasonKey(text), (grouped.get(reasonKey(text)) ?? 0) + count)
      let reason: string | null = null
      let most = 0
      for (const [text, count] of grouped) if (count > most) [reason, most] = [text, count]
      return {
        name,
        component: u.component,
        ok: u.ok,
        unavailable: u.unavailable,
        failed: u.failed,
        quarantined: u.quarantined,
        reason,
      }
    })

const countGaps = (candles: ReadonlyArray<Candle>, step: number): number => {
  let gaps = 0
  for (let i = 1; i < candles.length; i++)
    gaps += Math.max(0, Math.round((candles[i]!.time - candles[i - 1]!.time) / step) - 1)
  return gaps
}

export interface SymbolInput {
  readonly options: ReplayOptions
  /** The base timeframe's closed candles, oldest first. */
  readonly candles: ReadonlyArray<Candle>
  readonly frames: ReadonlyArray<Timeframe>
  /** Candles fed per timeframe. */
  readonly counts: ReadonlyMap<Timeframe, number>
}

/**
 * Reads each score in as the replay publishes it, keeping only counts and one score per base
 * candle: what the run needs, without holding every confluence until the end.
 */
export const makeSymbolTally = (options: ReplayOptions) => {
  const base = options.timeframe
  const usage = new Map<string, UsageCounter>()
  const scored = new Map<Timeframe, number>()
  // The score after each base candle: the last confluence whose base result is that candle.
  const scoreAt = new Map<number, number | null>()
  const add = (point: ConfluencePoint): void => {
    if (point.overall.symbol !== options.symbol) return
    const changed = point.overall.results[point.timeframe]
    if (changed !== undefined) {
      if (changed.score !== null) scored.set(point.timeframe, (scored.get(point.timeframe) ?? 0) + 1)
      for (const p of changed.outcomes) {
        let u = usage.get(p.name)
        if (!u)
          usage.set(
            p.name,
            (u = { component: p.component, ok: 0, unavailable: 0, failed: 0, quarantined: 0, reasons: new Map() }),
          )
        u[p.status]++
        const why = p.status === "ok" ? undefined : (p.reason ?? p.error)
        if (why !== undefined) u.reasons.set(why, (u.reasons.get(why) ?? 0) + 1)
      }
    }
    const baseTime = point.overall.results[base]?.time
    if (baseTime !== undefined) scoreAt.set(baseTime, point.overall.score)
  }
  return { add, usage, scored, scoreAt }
}

export type SymbolTally = ReturnType<typeof makeSymbolTally>

export const runOfSymbol = (tally: SymbolTally, result: DriveResult, input: SymbolInput): ReplayRun => {
  const { options, candles } = input
  const { usage, scored, scoreAt } = tally
  const index = new Map(candles.map((c, i) => [c.time, i]))
  const trace: Array<TracePoint> = candles.map((c) => ({
    time: c.time,
    close: c.close,
    score: scoreAt.get(c.time) ?? null,
  }))
  const signals = result.signals
    .filter((s) => s.symbol === options.symbol && index.has(s.time))
    .map((signal) => ({ index: index.get(signal.time)!, signal }))
  return {
    options,
    candles,
    trace,
    signals,
    plugins: usageRows(usage),
    timeframes: input.frames.map((tf) => ({
      timeframe: tf,
      candles: input.counts.get(tf) ?? 0,
      scored: scored.get(tf) ?? 0,
    })),
    gaps: countGaps(candles, TIMEFRAME_MS[options.timeframe]),
  }
}
