/**
 * Replays real candles through every built-in plugin (synthetic books, trades and exchange data
 * derived from the same candles where the fixtures have none) and folds each step with the
 * confluence fold, collecting per-component and confluence scores. Shared by the distribution
 * test and `bench:confluence`.
 */
import { foldConfluence } from "../../../core/analysis/confluence/index.ts"
import type { PluginScore } from "../../../core/analysis/confluence/index.ts"
import { COMPONENTS, type CandleColumns, type Component } from "../../../core/plugins/sdk.ts"
import {
  type AnyPlugin,
  contextFor,
  loadCandles,
  momentumZ,
  percentile,
  resample,
  syntheticBook,
  syntheticMarket,
  syntheticTrades,
  window,
} from "./support.ts"

export type Series = "btcusdt-1m" | "ltcusdt-1m"

export interface ReplayPoint {
  readonly series: string
  readonly end: number
  /** Close-to-close move of the last 30 candles in random-walk units (σ·√30). */
  readonly trendZ: number
  readonly components: Readonly<Record<Component, number | null>>
  readonly confluence: number | null
}

/** The fixtures at 1m and resampled to 5m: the data sets replayed. */
export const replaySets = (): ReadonlyArray<{ readonly name: string; readonly candles: CandleColumns }> => {
  const out: Array<{ name: string; candles: CandleColumns }> = []
  for (const s of ["btcusdt-1m", "ltcusdt-1m"] as const) {
    const c = loadCandles(s)
    out.push({ name: s, candles: c }, { name: s.replace("-1m", "-5m"), candles: resample(c, 5) })
  }
  return out
}

/** Plugin outcomes for one step, as the host would hand them to the fold. */
export const evaluateAll = (
  plugins: ReadonlyArray<AnyPlugin>,
  c: CandleColumns,
  end: number,
  span = 300,
): Array<PluginScore> => {
  const parts = {
    candles: window(c, end, span),
    orderbook: syntheticBook(c, end),
    trades: syntheticTrades(c, end),
    market: syntheticMarket(c, end),
  }
  return plugins.map((p) => {
    const r = p.compute(contextFor(p, parts))
    return {
      name: p.name,
      component: p.component,
      weight: p.weight ?? 1,
      status: r.score === null ? "unavailable" : "ok",
      score: r.score,
      values: r.values ?? {},
      ...(r.reason === undefined ? {} : { reason: r.reason }),
    }
  })
}

export const replay = (
  plugins: ReadonlyArray<AnyPlugin>,
  options: { step?: number; warmup?: number } = {},
): Array<ReplayPoint> => {
  const { step = 3, warmup = 60 } = options
  const points: Array<ReplayPoint> = []
  for (const set of replaySets()) {
    const c = set.candles
    const stride = set.name.endsWith("-5m") ? 1 : step
    for (let end = warmup; end <= c.close.length; end += stride) {
      const outcomes = evaluateAll(plugins, c, end)
      const folded = foldConfluence(outcomes, { timeframe: "1m", time: c.time[end - 1] })
      const components = {} as Record<Component, number | null>
      for (const comp of COMPONENTS) components[comp] = folded.components[comp].score
      points.push({ series: set.name, end, trendZ: momentumZ(c, end, 30), components, confluence: folded.score })
    }
  }
  return points
}

export interface Distribution {
  readonly n: number
  readonly p5: number
  readonly p25: number
  readonly p50: number
  readonly p75: number
  readonly p95: number
  /** Share of the scores inside [45, 55]. */
  readonly nearNeutral: number
}

export const distribution = (scores: ReadonlyArray<number | null>): Distribution => {
  const v = scores.filter((x): x is number => x !== null && Number.isFinite(x))
  const near = v.filter((x) => x >= 45 && x <= 55).length
  return {
    n: v.length,
    p5: percentile(v, 5),
    p25: percentile(v, 25),
    p50: percentile(v, 50),
    p75: percentile(v, 75),
    p95: percentile(v, 95),
    nearNeutral: v.length === 0 ? Number.NaN : near / v.length,
  }
}

/** A printable table: one row per component and the confluence. */
export const formatDistributions = (title: string, points: ReadonlyArray<ReplayPoint>): string => {
  const rows = [
    ...COMPONENTS.map((c) => [c, distribution(points.map((p) => p.components[c]))] as const),
    ["confluence", distribution(points.map((p) => p.confluence))] as const,
  ]
  const f = (x: number) => x.toFixed(1).padStart(6)
  const lines = [
    `${title} (${points.length} steps)`,
    `${"component".padEnd(16)}     n     p5    p25    p50    p75    p95  in45-55`,
  ]
  for (const [name, d] of rows) {
    lines.push(
      `${name.padEnd(16)}${String(d.n).padStart(6)}${f(d.p5)}${f(d.p25)}${f(d.p50)}${f(d.p75)}${f(d.p95)}` +
        `  ${(d.nearNeutral * 100).toFixed(1).padStart(5)}%`,
    )
  }
  return lines.join("\n")
}
