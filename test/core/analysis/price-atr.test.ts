import { describe, expect, test } from "bun:test"
import { makePriceAtr, priceAndAtrOf, stepPriceAtr } from "../../../core/analysis/price-atr.ts"
import * as ta from "../../../core/ta/index.ts"
import { loadCandles } from "../../plugins/indicators/support.ts"

describe("the price and ATR a confluence event carries", () => {
  test("kept candle by candle, equal to core/ta's ATR(14) over the whole history at every candle", () => {
    for (const name of ["btcusdt-1m", "ltcusdt-1m"] as const) {
      const c = loadCandles(name)
      const want = ta.atr(c.high, c.low, c.close, { period: 14 })
      const s = makePriceAtr()
      expect(priceAndAtrOf(s)).toEqual({ price: null, atr: null })
      for (let i = 0; i < c.close.length; i++) {
        stepPriceAtr(s, c.high[i]!, c.low[i]!, c.close[i]!)
        const { price, atr } = priceAndAtrOf(s)
        expect(price).toBe(c.close[i]!)
        if (Number.isNaN(want[i]!)) expect(atr).toBeNull()
        else expect(Math.abs(atr! - want[i]!)).toBeLessThanOrEqual(1e-9 * (1 + want[i]!))
      }
    }
  })
})
