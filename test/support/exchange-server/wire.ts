/**
 * @module What the Binance and Bybit REST wire formats share: the reply type, the ccxt markets
 * fixture's record shape, instruments split by API family, and number formatting (both
 * exchanges send prices and sizes as decimal strings).
 */

export type RestResult = { status: number; body: unknown } | undefined

/** One market of a ccxt markets fixture; `info` is the exchange's own instrument record. */
export interface MarketFixture {
  readonly type: string
  readonly linear?: boolean
  readonly inverse?: boolean
  readonly info: Record<string, unknown> | null
}

export type MarketsFixture = Readonly<Record<string, MarketFixture>>

/** Raw instrument records by API family. */
export interface Instruments {
  readonly spot: Array<Record<string, unknown>>
  readonly linear: Array<Record<string, unknown>>
  readonly inverse: Array<Record<string, unknown>>
}

/** Splits a fixture's instrument records into spot, linear and inverse perpetuals. */
export const instrumentsByFamily = (fixture: MarketsFixture): Instruments => {
  const out: Instruments = { spot: [], linear: [], inverse: [] }
  for (const m of Object.values(fixture)) {
    if (!m.info) continue
    if (m.type === "spot") out.spot.push(m.info)
    else if (m.type === "swap" && m.linear) out.linear.push(m.info)
    else if (m.type === "swap" && m.inverse) out.inverse.push(m.info)
  }
  return out
}

export const str = (n: number) => String(n)

/** The first `limit` levels of one book side as `[price, size]` strings. */
export const bookLevels = (levels: Array<[number, number]>, limit: number) =>
  levels.slice(0, limit).map(([p, a]) => [str(p), str(a)])
