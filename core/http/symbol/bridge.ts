/**
 * @module The symbol page's deps from the running services: candles copied out of MarketData's
 * resident columns, score history from a `ScoreHistory` the bus feeds, contributions from the
 * latest confluence Analysis keeps.
 */
import type { Effect } from "effect"
import { type Analysis, type ConfluenceSummary, contributionsOf } from "../../analysis/index.ts"
import type { MarketData } from "../../market/index.ts"
import type { SymbolDeps, CandleBar, Contributor, SignalThresholds } from "./deps.ts"
import type { ScoreHistory } from "./score-history.ts"

export interface SymbolServices {
  readonly run: <A>(effect: Effect.Effect<A>) => Promise<A>
  readonly market?: MarketData["Service"] | undefined
  readonly analysis?: Analysis["Service"] | undefined
  readonly history: ScoreHistory
  /**
   * The symbol's stored roll-ups, newest first (the event store); read once per symbol, so the
   * score lines reach back before this process started.
   */
  readonly recorded?: ((symbol: string) => Promise<ReadonlyArray<ConfluenceSummary>>) | undefined
  readonly thresholds: SignalThresholds
}

export const symbolDeps = ({ run, market, analysis, history, thresholds, recorded }: SymbolServices): SymbolDeps => {
  const seeded = new Set<string>()
  const seedOnce = async (symbol: string) => {
    if (recorded === undefined || seeded.has(symbol)) return
    seeded.add(symbol)
    history.seed(await recorded(symbol))
  }
  return {
    ...(market === undefined || analysis === undefined
      ? {}
      : {
          candles: {
            timeframes: market.timeframes,
            read: async (symbol, timeframe, limit) => {
              // The candles Analysis scores (built from the market events).
              const candles = await run(analysis.candles(symbol, timeframe))
              if (candles === undefined) return (await run(market.symbols)).includes(symbol) ? [] : undefined
              // The columns are views of resident WASM memory: copy the values out now.
              const { time, open, high, low, close, volume } = candles
              const from = Math.max(0, time.length - limit)
              const bars: Array<CandleBar> = []
              for (let i = from; i < time.length; i++) {
                bars.push({
                  time: time[i]!,
                  open: open[i]!,
                  high: high[i]!,
                  low: low[i]!,
                  close: close[i]!,
                  volume: volume[i]!,
                })
              }
              return bars
            },
          },
        }),
    ...(analysis === undefined
      ? {}
      : {
          scores: {
            thresholds,
            history: async (symbol, timeframe, limit) => {
              await seedOnce(symbol)
              return history.read(symbol, timeframe, limit)
            },
            contributors: async (symbol, timeframe) => {
              const result = (await run(analysis.latestFor(symbol)))?.results[timeframe]
              if (result === undefined) return undefined
              const items: Array<Contributor> = Object.entries(result.components).flatMap(([component, c]) =>
                contributionsOf(result, component as keyof typeof result.components).map((p) => ({
                  name: p.name,
                  component,
                  status: p.status,
                  score: p.score,
                  weight: c.weight * p.weight,
                  contribution: p.contribution,
                  values: p.values,
                })),
              )
              // Largest pull away from neutral first; plugins without a score last.
              items.sort((a, b) => Math.abs(b.contribution ?? -1) - Math.abs(a.contribution ?? -1))
              return { time: result.time, score: result.score, items }
            },
          },
        }),
  }
}
