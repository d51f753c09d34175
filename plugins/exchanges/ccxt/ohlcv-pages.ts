/**
 * @module Candle requests deeper than one exchange page. ccxt caps the `limit` it sends at the
 * exchange's page size (OKX: 300 candles) and returns the newest page, so a backfill asking for
 * 1,000 one-minute candles would silently get 300. Here such a request becomes several pages:
 * the newest page first, then older ones ending where it begins (anchored on the exchange's own
 * candle times, never on our clock), or, with `since`, consecutive pages forward from it.
 */
import { type Candle, TIMEFRAME_MS, type Timeframe } from "virtuoso/sdk"

/** Candles per request where it is below what the engine asks for at once (1,000). */
const OHLCV_PAGE: Readonly<Record<string, number>> = { okx: 300 }

export const ohlcvPageSize = (exchangeId: string): number | undefined => OHLCV_PAGE[exchangeId]

type FetchPage = (since: number | undefined, limit: number) => Promise<ReadonlyArray<Candle>>

/** The newest `limit` candles (the open one included), or the `limit` from `since`, page by page. */
export const fetchCandlePages = async (
  fetchPage: FetchPage,
  options: {
    readonly timeframe: Timeframe
    readonly since: number | undefined
    readonly limit: number
    readonly page: number
  },
): Promise<Array<Candle>> => {
  const { limit, page, since } = options
  const step = TIMEFRAME_MS[options.timeframe]
  if (since === undefined) {
    let out = [...(await fetchPage(undefined, Math.min(page, limit)))]
    while (out.length > 0 && out.length < limit) {
      const want = Math.min(page, limit - out.length)
      const oldest = out[0]!.time
      const older = (await fetchPage(oldest - want * step, want)).filter((c) => c.time < oldest)
      if (older.length === 0) break // the exchange has nothing older
      out = [...older, ...out]
    }
    return out.slice(-limit)
  }
  const out: Array<Candle> = []
  let from = since
  while (out.length < limit) {
    const want = Math.min(page, limit - out.length)
    const fresh = (await fetchPage(from, want)).filter((c) => c.time >= from)
    out.push(...fresh)
    if (fresh.length < want) break // reached the newest candle
    from = fresh.at(-1)!.time + step
  }
  return out
}
