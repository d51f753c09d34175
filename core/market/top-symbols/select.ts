/**
 * @module Which symbols to track: pure ranking of 24h tickers with filters and hysteresis.
 *
 * - Eligible: quote currency matches (`BASE/USDT`, or `BASE/USDT:USDT` for perpetuals), 24h quote
 *   turnover ≥ `minQuoteVolume`, not excluded.
 * - Ranked by turnover (ties by symbol, so the order is stable).
 * - Hysteresis, two ways: a symbol already tracked stays while it ranks within `keepRank`
 *   (default top + 25 %) and still passes the turnover floor at `1 - volumeBand` of it; and a
 *   symbol added less than `minHoldMs` ago is not dropped for rank alone. So a symbol near the cut
 *   does not flap in and out on every refresh.
 * - `static` and `include` are always tracked (static even if excluded; include unless excluded).
 */
import type { Ticker } from "../../market-schema/index.ts"

export interface TopSymbolsOptions {
  readonly quote: string
  readonly minQuoteVolume: number
  readonly top: number
  readonly static: ReadonlyArray<string>
  readonly include: ReadonlyArray<string>
  readonly exclude: ReadonlyArray<string>
  readonly refreshMs: number
  /** Incumbents stay while ranked within this (default: ceil(top × 1.25)). */
  readonly keepRank?: number
  /** Incumbents stay while turnover ≥ minQuoteVolume × (1 - volumeBand). @default 0.2 */
  readonly volumeBand?: number
  /** A newly added symbol is kept at least this long unless it becomes ineligible. @default 2 × refreshMs */
  readonly minHoldMs?: number
}

export interface Selection {
  /** Everything tracked: static, then include, then the ranked ones in rank order. */
  readonly symbols: ReadonlyArray<string>
  /** The ranked part only (what hysteresis applies to). */
  readonly ranked: ReadonlyArray<string>
  readonly added: ReadonlyArray<string>
  readonly removed: ReadonlyArray<string>
  /** When each ranked symbol joined (for `minHoldMs`). */
  readonly since: ReadonlyMap<string, number>
}

export const EMPTY_SELECTION: Selection = { symbols: [], ranked: [], added: [], removed: [], since: new Map() }

/** "BTC/USDT" and "BTC/USDT:USDT" → "USDT". */
const quoteOf = (symbol: string): string | undefined => symbol.split(":")[0]!.split("/")[1]

export const selectTopSymbols = (
  tickers: ReadonlyArray<Ticker>,
  options: TopSymbolsOptions,
  previous: Selection,
  now: number,
): Selection => {
  const exclude = new Set(options.exclude)
  const pinned = [...new Set([...options.static, ...options.include.filter((s) => !exclude.has(s))])]
  const pinnedSet = new Set(pinned)
  const band = options.volumeBand ?? 0.2
  const keepRank = options.keepRank ?? Math.ceil(options.top * 1.25)
  const minHold = options.minHoldMs ?? 2 * options.refreshMs

  const turnover = new Map<string, number>()
  for (const t of tickers) {
    if (quoteOf(t.symbol) !== options.quote || exclude.has(t.symbol) || pinnedSet.has(t.symbol)) continue
    const v = t.quoteVolume
    if (v === undefined || !Number.isFinite(v)) continue
    turnover.set(t.symbol, Math.max(turnover.get(t.symbol) ?? 0, v))
  }
  const ranked = [...turnover.entries()]
    .filter(([, v]) => v >= options.minQuoteVolume * (1 - band))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  const rankOf = new Map(ranked.map(([s], i) => [s, i + 1]))

  const kept: Array<string> = []
  for (const s of previous.ranked) {
    const rank = rankOf.get(s)
    if (rank === undefined) continue // gone, excluded or far below the floor: ineligible
    const held = now - (previous.since.get(s) ?? -Infinity) < minHold
    if (rank <= keepRank || held) kept.push(s)
  }
  const keptSet = new Set(kept)
  const chosen = [...kept]
  for (const [s, v] of ranked) {
    if (chosen.length >= options.top) break
    // newcomers need the full floor; only incumbents get the band
    if (!keptSet.has(s) && v >= options.minQuoteVolume) chosen.push(s)
  }
  // Too many incumbents (top shrank, or held ones): drop the worst ranked first.
  chosen.sort((a, b) => rankOf.get(a)! - rankOf.get(b)!)
  const final = chosen.slice(0, Math.max(options.top, 0))

  const since = new Map<string, number>()
  for (const s of final) since.set(s, previous.since.get(s) ?? now)
  const symbols = [...pinned, ...final]
  const before = new Set(previous.symbols)
  const after = new Set(symbols)
  return {
    symbols,
    ranked: final,
    added: symbols.filter((s) => !before.has(s)),
    removed: previous.symbols.filter((s) => !after.has(s)),
    since,
  }
}
