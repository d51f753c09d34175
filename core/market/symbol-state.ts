/**
 * @module What MarketData keeps per symbol beside the candles: book, trades, derivatives data.
 * Every collection is bounded.
 */
import { Effect } from "effect"
import type { Liquidation, MarketContext } from "../plugins/sdk.ts"
import type { ExchangeAdapter } from "../plugins/exchange-adapter.ts"
import type { OpenInterest, OrderBook, Timeframe, Trade } from "../market-schema/index.ts"
import type { SeriesCursor } from "./series-tracker.ts"

/** Funding, open interest, long/short ratio and liquidations refresh every five minutes. */
export const DERIVATIVES_EVERY_MS = 5 * 60_000
const OPEN_INTEREST_HISTORY = 288
const LIQUIDATION_HISTORY = 500

export interface SymbolState {
  readonly symbol: string
  readonly series: Map<Timeframe, { readonly id: number; readonly cursor: SeriesCursor }>
  orderbook?: OrderBook
  /** Oldest first: the last five minutes (`TAPE_MS`), at most the configured number. */
  trades: Array<Trade>
  readonly tradeIds: Set<string>
  market: MarketContext
  derivativesAt: number
  /** Backfilled: its data is served (snapshots, `symbols`) and polled or streamed. */
  live: boolean
  /** Left the tracked set: its series are freed, so nothing may append to them any more. */
  removed: boolean
}

/** The tape the order-flow indicators read: the last five minutes of trades. */
export const TAPE_MS = 5 * 60_000

/**
 * Appends trades not seen before (by id), keeping those within `TAPE_MS` of the newest and at
 * most `limit` (a busy market's five minutes can be many thousand trades).
 */
export const pushTrades = (state: SymbolState, trades: ReadonlyArray<Trade>, limit: number): void => {
  for (const trade of trades) {
    if (state.tradeIds.has(trade.id)) continue
    state.tradeIds.add(trade.id)
    state.trades.push(trade)
  }
  const tape = state.trades
  let newest = -Infinity
  for (let i = Math.max(0, tape.length - trades.length); i < tape.length; i++) if (tape[i]!.time > newest) newest = tape[i]!.time
  let drop = Math.max(0, tape.length - limit)
  while (drop < tape.length && tape[drop]!.time < newest - TAPE_MS) drop++
  if (drop > 0) for (const old of tape.splice(0, drop)) state.tradeIds.delete(old.id)
}

/** One guarded exchange request: `operation` names the endpoint (its breaker), `detail` the subject. */
export type Call = <A>(operation: string, detail: string, f: () => Promise<A>, timeoutMs: number) => Effect.Effect<A, Error>

/** Refreshes what the exchange supports; what it lacks stays absent ("unavailable"). */
export const refreshDerivatives = (adapter: ExchangeAdapter, state: SymbolState, now: number, call: Call) =>
  Effect.gen(function* () {
    if (now - state.derivativesAt < DERIVATIVES_EVERY_MS) return
    state.derivativesAt = now
    const { symbol } = state
    const next: { -readonly [K in keyof MarketContext]: MarketContext[K] } = { ...state.market }
    const ticker = yield* Effect.option(call("fetchTicker", symbol, () => adapter.fetchTicker(symbol), 10_000))
    if (ticker._tag === "Some") next.ticker = ticker.value
    if (adapter.has.fetchFundingRate && adapter.fetchFundingRate) {
      const funding = yield* Effect.option(call("fetchFundingRate", symbol, () => adapter.fetchFundingRate!(symbol), 10_000))
      if (funding._tag === "Some") next.fundingRate = funding.value
    }
    if (adapter.has.fetchOpenInterest && adapter.fetchOpenInterest) {
      const oi = yield* Effect.option(call("fetchOpenInterest", symbol, () => adapter.fetchOpenInterest!(symbol), 10_000))
      if (oi._tag === "Some") next.openInterest = [...(state.market.openInterest ?? []), oi.value].slice(-OPEN_INTEREST_HISTORY) as ReadonlyArray<OpenInterest>
    }
    if (adapter.has.fetchLongShortRatio && adapter.fetchLongShortRatio) {
      const ratio = yield* Effect.option(call("fetchLongShortRatio", symbol, () => adapter.fetchLongShortRatio!(symbol), 10_000))
      if (ratio._tag === "Some") next.longShortRatio = ratio.value.ratio
    }
    if (adapter.has.fetchLiquidations && adapter.fetchLiquidations) {
      const since = state.market.liquidations?.at(-1)?.time
      const fresh = yield* Effect.option(call("fetchLiquidations", symbol, () => adapter.fetchLiquidations!(symbol, since === undefined ? undefined : since + 1), 10_000))
      if (fresh._tag === "Some") next.liquidations = [...(state.market.liquidations ?? []), ...fresh.value].slice(-LIQUIDATION_HISTORY) as ReadonlyArray<Liquidation>
    }
    state.market = next
  })
