/**
 * @module What the local server serves per exchange: instruments from the ccxt markets fixtures
 * (one generated series per market key, e.g. "BTCUSDT", shared by every exchange's ids for it, so
 * the three exchanges quote the same prices) and the websocket protocols, most specific path first.
 */
import { binanceInstruments } from "./binance.ts"
import { binanceVenue } from "./binance-ws.ts"
import { bybitInstruments } from "./bybit.ts"
import { bybitVenue } from "./bybit-ws.ts"
import type { FaultSwitches } from "./faults.ts"
import type { GeneratedMarket } from "./market.ts"
import { okxInstruments, okxKey } from "./okx.ts"
import { okxVenue } from "./okx-ws.ts"
import type { MarketsFixture } from "./wire.ts"

export interface ExchangeFixtures {
  /** ccxt markets fixture for Binance (instruments served by `exchangeInfo`). */
  readonly binanceMarkets: MarketsFixture
  readonly bybitMarkets?: MarketsFixture
  readonly okxMarkets?: MarketsFixture
  /** Extra generated spot pairs beyond the fixture's seven, each with a perpetual (TopSymbols ranks them). */
  readonly extraSpot?: ReadonlyArray<{ base: string; quote: string; turnover?: number }>
}

export const exchanges = (market: GeneratedMarket, faults: FaultSwitches, options: ExchangeFixtures) => {
  const addSymbol = (id: string, base: string, quote: string) => {
    if (market.symbol(id)) return
    const extra = options.extraSpot?.find((e) => `${e.base}${e.quote}` === id)
    market.addSymbol({
      id,
      base,
      quote,
      basePrice: base === "BTC" ? 60_000 : base === "ETH" ? 3_000 : undefined,
      turnover: extra?.turnover,
    })
  }
  const binance = binanceInstruments(options.binanceMarkets, options.extraSpot ?? [])
  const bybit = bybitInstruments(options.bybitMarkets ?? {})
  for (const info of [...binance.spot, ...binance.linear, ...bybit.spot, ...bybit.linear]) {
    addSymbol(String(info.symbol), String(info.baseAsset ?? info.baseCoin), String(info.quoteAsset ?? info.quoteCoin))
  }
  const okx = okxInstruments(options.okxMarkets ?? {})
  for (const info of okx) {
    if (info.instType !== "SPOT" && info.instType !== "SWAP") continue
    const [base = "", quote = ""] = String(info.instId).split("-")
    addSymbol(okxKey(String(info.instId)), base, quote)
  }
  const okxSwaps = okx
    .filter((i) => i.instType === "SWAP" && i.ctType === "linear")
    .map((i) => ({ instId: String(i.instId), ctVal: Number(i.ctVal) }))
  const venues = [bybitVenue(market, faults), okxVenue(market, faults, okxSwaps), binanceVenue(market, faults)]
  return { binance, bybit, okx, venues }
}
