import { describe, expect, test } from "bun:test"
import { EMPTY_SELECTION, selectTopSymbols, type TopSymbolsOptions } from "../../../../core/market/top-symbols/index.ts"
import type { Ticker } from "../../../../core/market-schema/index.ts"

const opts = (o: Partial<TopSymbolsOptions> = {}): TopSymbolsOptions => ({
  quote: "USDT",
  minQuoteVolume: 1_000_000,
  top: 3,
  static: [],
  include: [],
  exclude: [],
  refreshMs: 60_000,
  minHoldMs: 0,
  ...o,
})
const t = (symbol: string, quoteVolume: number): Ticker => ({ symbol, time: 0, last: 1, quoteVolume })

describe("selectTopSymbols", () => {
  test("ranks by 24h quote turnover, USDT quote only, ≥ $1M, top N", () => {
    const s = selectTopSymbols(
      [
        t("A/USDT", 5e6),
        t("B/USDT", 9e6),
        t("C/USDT", 2e6),
        t("D/USDT", 3e6),
        t("E/USDT", 0.5e6),
        t("F/BTC", 99e6),
        t("G/USDT:USDT", 8e6),
      ],
      opts(),
      EMPTY_SELECTION,
      0,
    )
    expect(s.ranked).toEqual(["B/USDT", "G/USDT:USDT", "A/USDT"])
    expect(s.added).toEqual(["B/USDT", "G/USDT:USDT", "A/USDT"])
  })

  test(
    "static always first (even when excluded or illiquid); " + "include unless excluded; exclude wins over ranking",
    () => {
      const s = selectTopSymbols(
        [t("A/USDT", 5e6), t("B/USDT", 9e6), t("X/USDT", 50e6)],
        opts({
          static: ["BTC/USDT", "X/USDT"],
          include: ["TINY/USDT", "B/USDT"],
          exclude: ["X/USDT", "B/USDT"],
          top: 2,
        }),
        EMPTY_SELECTION,
        0,
      )
      expect(s.symbols).toEqual(["BTC/USDT", "X/USDT", "TINY/USDT", "A/USDT"])
    },
  )

  test("hysteresis: an incumbent just below the cut stays; a newcomer needs the top N", () => {
    const first = selectTopSymbols(
      [t("A/USDT", 9e6), t("B/USDT", 8e6), t("C/USDT", 7e6), t("D/USDT", 6e6)],
      opts({ top: 3, keepRank: 4 }),
      EMPTY_SELECTION,
      0,
    )
    expect(first.ranked).toEqual(["A/USDT", "B/USDT", "C/USDT"])
    // D overtakes C slightly: C ranks 4th, still within keepRank → no churn
    const second = selectTopSymbols(
      [t("A/USDT", 9e6), t("B/USDT", 8e6), t("C/USDT", 6e6), t("D/USDT", 6.1e6)],
      opts({ top: 3, keepRank: 4 }),
      first,
      1,
    )
    expect(second.ranked).toEqual(["A/USDT", "B/USDT", "C/USDT"])
    expect(second.added).toEqual([])
    expect(second.removed).toEqual([])
    // C falls to 5th: out, the best newcomer in
    const third = selectTopSymbols(
      [t("A/USDT", 9e6), t("B/USDT", 8e6), t("C/USDT", 2e6), t("D/USDT", 6e6), t("E/USDT", 5e6)],
      opts({ top: 3, keepRank: 4 }),
      second,
      2,
    )
    expect(third.ranked).toEqual(["A/USDT", "B/USDT", "D/USDT"])
    expect(third.added).toEqual(["D/USDT"])
    expect(third.removed).toEqual(["C/USDT"])
  })

  test("hysteresis on the turnover floor: incumbents keep a 20 % band, newcomers need the full floor", () => {
    const first = selectTopSymbols([t("A/USDT", 1.1e6)], opts(), EMPTY_SELECTION, 0)
    expect(first.ranked).toEqual(["A/USDT"])
    const dip = selectTopSymbols([t("A/USDT", 0.9e6), t("B/USDT", 0.95e6)], opts(), first, 1)
    expect(dip.ranked).toEqual(["A/USDT"]) // A kept in the band, B (new) not admitted
    const gone = selectTopSymbols([t("A/USDT", 0.7e6)], opts(), dip, 2)
    expect(gone.removed).toEqual(["A/USDT"])
  })

  test("minHoldMs keeps a fresh symbol through one bad refresh", () => {
    const first = selectTopSymbols(
      [t("A/USDT", 5e6), t("B/USDT", 4e6)],
      opts({ top: 1, keepRank: 1, minHoldMs: 10_000 }),
      EMPTY_SELECTION,
      0,
    )
    const early = selectTopSymbols(
      [t("A/USDT", 3e6), t("B/USDT", 4e6)],
      opts({ top: 1, keepRank: 1, minHoldMs: 10_000 }),
      first,
      5_000,
    )
    expect(early.ranked).toEqual(["A/USDT"])
    const later = selectTopSymbols(
      [t("A/USDT", 3e6), t("B/USDT", 4e6)],
      opts({ top: 1, keepRank: 1, minHoldMs: 10_000 }),
      early,
      11_000,
    )
    expect(later.ranked).toEqual(["B/USDT"])
  })

  test("ties rank by symbol so the order is stable", () => {
    const s = selectTopSymbols(
      [t("B/USDT", 5e6), t("A/USDT", 5e6), t("C/USDT", 5e6)],
      opts({ top: 2 }),
      EMPTY_SELECTION,
      0,
    )
    expect(s.ranked).toEqual(["A/USDT", "B/USDT"])
  })
})
