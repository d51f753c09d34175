/**
 * @module ScoreHistory: the recent confluence scores of every symbol × timeframe, in memory.
 *
 * The engine keeps only the latest score; the symbol page wants the score line under the
 * candles. Each series is a ring of at most `pointsPerSeries` points (one per candle time: a
 * re-score of the same candle replaces its point), and at most `maxSeries` series are kept, the
 * least recently written dropped first — so memory stays bounded whatever the symbol churn.
 * A timeframe's line holds no more points than the candles kept for it (`depth`): the page draws
 * the line under those candles. Points are held as columns (score-ring.ts).
 */
import type { ConfluenceSummary, SymbolConfluence } from "../../analysis/index.ts"
import type { ScorePoint } from "./deps.ts"
import { ScoreRing } from "./score-ring.ts"

export interface ScoreHistoryOptions {
  /** @default 1000 */
  readonly pointsPerSeries?: number
  /** @default 2048 */
  readonly maxSeries?: number
  /** Points per series of a timeframe (`"1m"` ...), when fewer than `pointsPerSeries`. */
  readonly depth?: Readonly<Partial<Record<string, number>>>
}

export class ScoreHistory {
  private readonly series = new Map<string, ScoreRing>()
  private readonly pointsPerSeries: number
  private readonly maxSeries: number
  private readonly depth: Readonly<Partial<Record<string, number>>>

  constructor(options: ScoreHistoryOptions = {}) {
    this.pointsPerSeries = Math.max(1, options.pointsPerSeries ?? 1000)
    this.maxSeries = Math.max(1, options.maxSeries ?? 2048)
    this.depth = options.depth ?? {}
  }

  private newRing(timeframe: string): ScoreRing {
    return new ScoreRing(Math.max(1, Math.min(this.pointsPerSeries, this.depth[timeframe] ?? Number.POSITIVE_INFINITY)))
  }

  record(symbol: string, timeframe: string, point: ScorePoint) {
    if (!Number.isFinite(point.time)) return
    const key = `${symbol}|${timeframe}`
    let ring = this.series.get(key)
    if (ring === undefined) {
      if (this.series.size >= this.maxSeries) this.series.delete(this.series.keys().next().value!)
      ring = this.newRing(timeframe)
    } else {
      this.series.delete(key) // re-inserted below: Map order is least recently written first
    }
    this.series.set(key, ring)
    ring.push(point)
  }

  /** The roll-up as timeframe "all", and each timeframe result present. */
  recordSymbol(confluence: SymbolConfluence) {
    this.record(confluence.symbol, "all", {
      time: confluence.time,
      score: confluence.score,
      components: confluence.components,
    })
    for (const result of Object.values(confluence.results)) {
      if (result === undefined) continue
      const components: Record<string, number | null> = {}
      for (const [name, component] of Object.entries(result.components)) components[name] = component.score
      this.record(confluence.symbol, result.timeframe, { time: result.time, score: result.score, components })
    }
  }

  /**
   * Stored roll-ups, oldest stored first, under what is held, as the "all" series: the overall
   * score and components. A candle is scored again when more of its inputs arrive, so one time can
   * be stored several times: the last one stored is what the engine showed. The compact event has
   * no per-timeframe times or components, so the timeframe series start with this process.
   */
  seed(summaries: ReadonlyArray<ConfluenceSummary>) {
    const bySeries = new Map<string, { symbol: string; timeframe: string; points: Map<number, ScorePoint> }>()
    const add = (symbol: string, timeframe: string, point: ScorePoint) => {
      const key = `${symbol}|${timeframe}`
      let entry = bySeries.get(key)
      if (entry === undefined) bySeries.set(key, (entry = { symbol, timeframe, points: new Map() }))
      entry.points.set(point.time, point)
    }
    for (const s of summaries) {
      if (!Number.isFinite(s.time)) continue
      add(s.symbol, "all", { time: s.time, score: s.score, components: s.components })
    }
    for (const { symbol, timeframe, points } of bySeries.values()) {
      const key = `${symbol}|${timeframe}`
      let ring = this.series.get(key)
      if (ring === undefined) {
        if (this.series.size >= this.maxSeries) this.series.delete(this.series.keys().next().value!)
        this.series.set(key, (ring = this.newRing(timeframe)))
      }
      ring.merge([...points.values()])
    }
  }

  read(symbol: string, timeframe: string, limit: number): ReadonlyArray<ScorePoint> {
    return this.series.get(`${symbol}|${timeframe}`)?.newest(limit) ?? []
  }

  get seriesCount() {
    return this.series.size
  }
}
