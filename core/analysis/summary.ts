/**
 * @module The compact `analysis.confluence` payload of a symbol's roll-up, and back. The event
 * carries numbers and directions only (it is stored once per symbol per cycle); the per-series
 * results with their plugin outcomes stay in Analysis's memory.
 */
import type { PayloadOf } from "../events/index.ts"
import { COMPONENTS, type Component, type Timeframe } from "../plugins/index.ts"
import {
  DEFAULT_NEUTRAL_BAND,
  interpretComponents,
  type SymbolConfluence,
  type TimeframeEntry,
} from "./confluence/index.ts"

export type ConfluenceSummary = PayloadOf<"analysis.confluence">

// The event is stored once per symbol per cycle, so its digits are most of the store's growth:
// scores (0–100) keep 4 decimals, shares and spreads (0–1) 6. Memory and the API keep full precision.
const score4 = (x: number) => Math.round(x * 1e4) / 1e4
const share6 = (x: number) => Math.round(x * 1e6) / 1e6
const nullable = (x: number | null, round: (x: number) => number) => (x === null ? null : round(x))

/**
 * The payload for a roll-up with a score (a symbol without one publishes nothing), with the
 * base timeframe's price and ATR when given.
 */
export const summaryOf = (
  c: SymbolConfluence & { readonly score: number },
  priced?: { readonly price: number | null; readonly atr: number | null },
): ConfluenceSummary => {
  const components: Record<string, number | null> = {}
  for (const name of COMPONENTS) components[name] = nullable(c.components[name], score4)
  const timeframes: ConfluenceSummary["timeframes"] = {}
  for (const tf of Object.keys(c.timeframes) as Array<Timeframe>) {
    const t = c.timeframes[tf]!
    timeframes[tf] = {
      score: nullable(t.score, score4),
      weight: share6(t.weight),
      configuredWeight: t.configuredWeight,
      direction: t.direction,
      partial: t.partial,
    }
  }
  const summary: ConfluenceSummary = {
    symbol: c.symbol,
    timeframe: "all",
    time: c.time,
    score: score4(c.score),
    direction: c.direction,
    agree: c.agree,
    consensus: nullable(c.consensus, share6),
    confidence: nullable(c.confidence, share6),
    components,
    timeframes,
    partial: c.partial,
    missing: [...c.missing],
  }
  if (priced !== undefined) {
    summary.price = priced.price
    summary.atr = priced.atr
  }
  return summary
}

/** Narrows a roll-up to one with a score (what `summaryOf` takes), without copying it. */
export const isScored = (c: SymbolConfluence): c is SymbolConfluence & { readonly score: number } => c.score !== null

/** The summary's component scores as a roll-up holds them: every component, null when absent. */
export const componentsOf = (s: ConfluenceSummary): Record<Component, number | null> => {
  const components = {} as Record<Component, number | null>
  for (const c of COMPONENTS) components[c] = s.components[c] ?? null
  return components
}

/**
 * A roll-up rebuilt from its summary, for readers that only have the event (another instance of
 * a cluster): the numbers as the event rounded them; `results` is empty, since the per-series detail stayed
 * with the instance that computed it.
 */
export const fromSummary = (s: ConfluenceSummary): SymbolConfluence => {
  const timeframes = s.timeframes as Partial<Record<Timeframe, TimeframeEntry>>
  const frames = Object.keys(timeframes) as Array<Timeframe>
  const components = componentsOf(s)
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
    interpretation: interpretComponents(
      s.score,
      frames.map((tf) => ({
        name: tf,
        score: timeframes[tf]!.score,
        weight: timeframes[tf]!.weight,
        enabled: true,
      })),
      DEFAULT_NEUTRAL_BAND,
    ),
  }
}
