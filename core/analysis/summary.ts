/**
 * @module The compact `analysis.confluence` payload of a symbol's roll-up, and back. The event
 * carries numbers and directions only (it is stored once per symbol per cycle); the per-series
 * results with their plugin outcomes stay in Analysis's memory.
 */
import type { PayloadOf } from "../events/index.ts"
import { COMPONENTS, type Component, type Timeframe } from "../plugins/index.ts"
import { DEFAULT_NEUTRAL_BAND, interpretComponents, type SymbolConfluence, type TimeframeEntry } from "./confluence/index.ts"

export type ConfluenceSummary = PayloadOf<"analysis.confluence">

/** The payload for a roll-up with a score (a symbol without one publishes nothing). */
export const summaryOf = (c: SymbolConfluence & { readonly score: number }): ConfluenceSummary => ({
  symbol: c.symbol,
  timeframe: "all",
  time: c.time,
  score: c.score,
  direction: c.direction,
  agree: c.agree,
  consensus: c.consensus,
  confidence: c.confidence,
  components: c.components,
  timeframes: c.timeframes,
  partial: c.partial,
  missing: [...c.missing],
})

/**
 * A roll-up rebuilt from its summary, for readers that only have the event (another instance of
 * a cluster): the numbers are the same; `results` is empty, since the per-series detail stayed
 * with the instance that computed it.
 */
export const fromSummary = (s: ConfluenceSummary): SymbolConfluence => {
  const timeframes = s.timeframes as Partial<Record<Timeframe, TimeframeEntry>>
  const frames = Object.keys(timeframes) as Array<Timeframe>
  const components = {} as Record<Component, number | null>
  for (const c of COMPONENTS) components[c] = s.components[c] ?? null
  return {
    symbol: s.symbol,
    score: s.score,
    components,
    direction: s.direction,
    agree: s.agree,
    consensus: s.consensus,
    confidence: s.confidence,
    timeframes,
    results: {},
    missing: s.missing,
    partial: s.partial,
    time: s.time,
    interpretation: interpretComponents(s.score, frames.map((tf) => ({
      name: tf, score: timeframes[tf]!.score, weight: timeframes[tf]!.weight, enabled: true,
    })), DEFAULT_NEUTRAL_BAND),
  }
}
