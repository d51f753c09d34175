/**
 * @module Derivatives data: ticker, funding, open interest, long/short ratio and new
 * liquidations, refreshed over REST every five minutes per symbol and published as events. What
 * the exchange lacks is simply absent ("unavailable" to the indicators that need it). An exchange
 * that streams liquidations gets them from its supervised stream instead (`streaming.ts`).
 */
import { Effect } from "effect"
import type { ExchangeSession } from "./exchange-session.ts"
import type { MarketEvents } from "./market-events.ts"
import type { SymbolState } from "./symbol-state.ts"

/** Funding, open interest, long/short ratio and liquidations refresh every five minutes. */
const DERIVATIVES_EVERY_MS = 5 * 60_000

export const refreshDerivatives = (session: ExchangeSession, events: MarketEvents, state: SymbolState) =>
  Effect.gen(function* () {
    const { adapter, call } = session
    const now = session.now()
    if (now - state.derivativesAt < DERIVATIVES_EVERY_MS || state.removed) return
    state.derivativesAt = now
    const { symbol } = state
    const optional = <A>(operation: string, f: () => Promise<A>) => Effect.option(call(operation, symbol, f, 10_000))
    const ticker = yield* optional("fetchTicker", () => adapter.fetchTicker(symbol))
    if (ticker._tag === "Some") yield* events.ticker(symbol, ticker.value)
    const has = adapter.has
    const funding =
      has.fetchFundingRate && adapter.fetchFundingRate
        ? yield* optional("fetchFundingRate", () => adapter.fetchFundingRate!(symbol))
        : undefined
    const oi =
      has.fetchOpenInterest && adapter.fetchOpenInterest
        ? yield* optional("fetchOpenInterest", () => adapter.fetchOpenInterest!(symbol))
        : undefined
    const ratio =
      has.fetchLongShortRatio && adapter.fetchLongShortRatio
        ? yield* optional("fetchLongShortRatio", () => adapter.fetchLongShortRatio!(symbol))
        : undefined
    const since = state.lastLiquidationTime
    const liquidations =
      has.fetchLiquidations && adapter.fetchLiquidations && has.watchLiquidations !== true
        ? yield* optional("fetchLiquidations", () =>
            adapter.fetchLiquidations!(symbol, since === undefined ? undefined : since + 1),
          )
        : undefined
    const fresh =
      liquidations?._tag === "Some" ? liquidations.value.filter((l) => since === undefined || l.time > since) : []
    if (fresh.length > 0) state.lastLiquidationTime = fresh[fresh.length - 1]!.time
    const payload = {
      symbol,
      time: now,
      ...(funding?._tag === "Some" ? { fundingRate: funding.value } : {}),
      ...(oi?._tag === "Some" ? { openInterest: oi.value } : {}),
      ...(ratio?._tag === "Some" ? { longShortRatio: ratio.value.ratio } : {}),
      ...(fresh.length > 0
        ? { liquidations: fresh.map((l) => ({ time: l.time, side: l.side, amount: l.amount, price: l.price })) }
        : {}),
    }
    if (Object.keys(payload).length > 2) yield* events.derivatives(payload)
  })
