/**
 * @module A symbol's confluence as the API shows it, built and serialised once per update.
 *
 * Analysis replaces a symbol's `SymbolConfluence` object whenever it re-scores the symbol, so the
 * object is the version: the snapshots and the JSON answer of `/v1/confluence/:symbol` are cached
 * against it (a WeakMap, so replaced versions are collected). A request then costs a lookup and a
 * write of a ready string, whatever the number of tracked symbols.
 */
import { interpretationOf, type SymbolConfluence } from "../analysis/index.ts"
import { type ConfluenceSnapshot, type SymbolSnapshots, toJson } from "./deps.ts"

/** One symbol's overall confluence as the API shows it: the roll-up ("all") plus each timeframe. */
export const snapshotsOf = (confluence: SymbolConfluence): ReadonlyArray<ConfluenceSnapshot> => {
  const overall: ConfluenceSnapshot = {
    symbol: confluence.symbol,
    timeframe: "all",
    score: confluence.score,
    components: confluence.components,
    time: confluence.time,
    details: {
      direction: confluence.direction,
      agree: confluence.agree,
      consensus: confluence.consensus,
      confidence: confluence.confidence,
      partial: confluence.partial,
      missing: confluence.missing,
      interpretation: confluence.interpretation,
      timeframes: toJson(confluence.timeframes),
    },
  }
  const perTimeframe = Object.values(confluence.results).flatMap(
    (result): Array<ConfluenceSnapshot> =>
      result === undefined
        ? []
        : [
            {
              symbol: confluence.symbol,
              timeframe: result.timeframe,
              score: result.score,
              components: Object.fromEntries(Object.entries(result.components).map(([name, c]) => [name, c.score])),
              time: result.time,
              details: {
                direction: result.direction,
                consensus: result.consensus,
                confidence: result.confidence,
                partial: result.partial,
                missing: result.missing,
                unavailable: result.unavailable,
                interpretation: interpretationOf(result),
              },
            },
          ],
  )
  return [overall, ...perTimeframe]
}

/** Snapshots and serialised answer per confluence version. */
export const makeSnapshotCache = () => {
  const cache = new WeakMap<SymbolConfluence, SymbolSnapshots>()
  return (confluence: SymbolConfluence): SymbolSnapshots => {
    let entry = cache.get(confluence)
    if (entry === undefined) {
      const items = snapshotsOf(confluence)
      entry = { items, body: JSON.stringify({ symbol: confluence.symbol, items, count: items.length }) }
      cache.set(confluence, entry)
    }
    return entry
  }
}
