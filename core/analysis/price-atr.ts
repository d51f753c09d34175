/**
 * @module The price and ATR(14) a confluence event carries for signal trade plans, kept
 * incrementally per series as its closed candles arrive: a few flops per candle instead of an ATR
 * over the whole resident window per score. The value is TA-Lib's ATR (Wilder; its first value
 * the mean of the first 14 true ranges) over every candle the series received since it started,
 * not only over the candles still resident.
 */

const ATR_PERIOD = 14

export interface PriceAtr {
  /** Candles seen since the series started. */
  count: number
  close: number
  /** Sum of the true ranges during warm-up, then unused. */
  sum: number
  /** NaN until `ATR_PERIOD` true ranges were seen. */
  atr: number
}

export const makePriceAtr = (): PriceAtr => ({ count: 0, close: Number.NaN, sum: 0, atr: Number.NaN })

/** One closed candle, in TA-Lib's operation order (TRANGE, then the SMA seed, then Wilder's step). */
export const stepPriceAtr = (s: PriceAtr, high: number, low: number, close: number, period = ATR_PERIOD): void => {
  if (s.count > 0) {
    const prev = s.close
    const tr = (high > prev ? high : prev) - (low < prev ? low : prev)
    if (s.count < period) s.sum += tr
    else if (s.count === period) s.atr = (s.sum + tr) / period
    else s.atr = (s.atr * (period - 1) + tr) / period
  }
  s.close = close
  s.count++
}

/** The newest close and ATR (null while the series has no candle / the ATR is warming up). */
export const priceAndAtrOf = (s: PriceAtr | undefined): { price: number | null; atr: number | null } =>
  s === undefined || s.count === 0
    ? { price: null, atr: null }
    : { price: s.close, atr: Number.isFinite(s.atr) ? s.atr : null }
