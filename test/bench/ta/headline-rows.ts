/**
 * @module The six headline indicators of `bench:ta`: each one's resident kernel, public API, TS
 * reference and library calls, and the last values that check the libraries compute TA-Lib's
 * definition (over the first CHECK candles).
 */
import { IndicatorsSync } from "@ixjb94/indicators"
import * as indicatorts from "indicatorts"
import * as ti from "technicalindicators"
import { ATR, BollingerBands, EMA, MACD, RSI, StochasticOscillator } from "trading-signals"
import * as ta from "../../../core/ta/index.ts"
import * as ref from "../../support/ta-reference/index.ts"
import { arr, close, high, hlc, k, low, O, R, S, T } from "./series.ts"
import { N } from "./timing.ts"

export const ix = new IndicatorsSync()
export const feed =
  <T>(make: () => { add(x: T): unknown }, xs: ReadonlyArray<T>) =>
  () => {
    const ind = make()
    for (let i = 0; i < xs.length; i++) ind.add(xs[i]!)
  }

export interface Row {
  readonly name: string
  readonly resident: () => void
  readonly copyIn: () => unknown
  readonly ts: () => unknown
  readonly libs: Readonly<Record<string, () => unknown>>
  /** TA-Lib's last value (core/ta) and each library's, over the first CHECK candles. */
  readonly talib: () => number
  readonly last: Readonly<Record<string, () => number>>
  /** Known definition differences, said next to the measured one. */
  readonly notes?: Readonly<Record<string, string>>
}

// The definition check runs every implementation on the same first CHECK candles.
export const CHECK = 5_000
export const cc = close.subarray(0, CHECK),
  hc = high.subarray(0, CHECK),
  lc = low.subarray(0, CHECK)
export const ac = { close: arr.close.slice(0, CHECK), high: arr.high.slice(0, CHECK), low: arr.low.slice(0, CHECK) }
export const hlcC = hlc.slice(0, CHECK)
export const lastOf =
  <T>(make: () => { add(x: T): unknown; getResult(): unknown }, xs: ReadonlyArray<T>, pick: (r: never) => number) =>
  () => {
    const ind = make()
    for (const x of xs) ind.add(x)
    return pick(ind.getResult() as never)
  }
export const at = <T>(xs: ReadonlyArray<T> | Float64Array, from = 1) => xs[xs.length - from] as T

export const rows: ReadonlyArray<Row> = [
  {
    name: "EMA(20)",
    resident: () => k.ema(R.close, O[0]!, 0, N, 20, S),
    copyIn: () => ta.ema(close, { period: 20 }),
    ts: () => ref.ema(close, { period: 20 }),
    libs: {
      indicatorts: () => indicatorts.ema(arr.close, { period: 20 }),
      "@ixjb94/indicators": () => ix.ema(arr.close, 20),
      "trading-signals": feed(() => new EMA(20), arr.close),
      technicalindicators: () => ti.EMA.calculate({ period: 20, values: arr.close }),
    },
    talib: () => at(ta.ema(cc, { period: 20 })),
    last: {
      indicatorts: () => at(indicatorts.ema(ac.close, { period: 20 })),
      "@ixjb94/indicators": () => at(ix.ema(ac.close, 20)),
      "trading-signals": lastOf(
        () => new EMA(20),
        ac.close,
        (r: number) => Number(r),
      ),
      technicalindicators: () => at(ti.EMA.calculate({ period: 20, values: ac.close })),
    },
  },
  {
    name: "RSI(14)",
    resident: () => k.rsi(R.close, O[0]!, 0, N, 14, S),
    copyIn: () => ta.rsi(close),
    ts: () => ref.rsi(close),
    libs: {
      indicatorts: () => indicatorts.rsi(arr.close, { period: 14 }),
      "@ixjb94/indicators": () => ix.rsi(arr.close, 14),
      "trading-signals": feed(() => new RSI(14), arr.close),
      technicalindicators: () => ti.RSI.calculate({ period: 14, values: arr.close }),
    },
    talib: () => at(ta.rsi(cc)),
    last: {
      indicatorts: () => at(indicatorts.rsi(ac.close, { period: 14 })),
      "@ixjb94/indicators": () => at(ix.rsi(ac.close, 14)),
      "trading-signals": lastOf(
        () => new RSI(14),
        ac.close,
        (r: number) => Number(r),
      ),
      technicalindicators: () => at(ti.RSI.calculate({ period: 14, values: ac.close })),
    },
    notes: { technicalindicators: "rounds RSI to 2 decimals" },
  },
  {
    name: "MACD(12,26,9)",
    resident: () => k.macd(R.close, O[0]!, O[1]!, O[2]!, 0, N, 12, 26, 9, S),
    copyIn: () => ta.macd(close),
    ts: () => ref.macd(close),
    libs: {
      indicatorts: () => indicatorts.macd(arr.close, { fast: 12, slow: 26, signal: 9 }),
      "@ixjb94/indicators": () => ix.macd(arr.close, 12, 26, 9),
      "trading-signals": feed(() => new MACD(new EMA(12), new EMA(26), new EMA(9)), arr.close),
      technicalindicators: () =>
        ti.MACD.calculate({
          values: arr.close,
          fastPeriod: 12,
          slowPeriod: 26,
          signalPeriod: 9,
          SimpleMAOscillator: false,
          SimpleMASignal: false,
        }),
    },
    // The signal line: it depends on every part of the definition (both EMAs and their seeds).
    talib: () => at(ta.macd(cc).signal),
    last: {
      indicatorts: () => at(indicatorts.macd(ac.close, { fast: 12, slow: 26, signal: 9 }).signalLine),
      "@ixjb94/indicators": () => at(ix.macd(ac.close, 12, 26, 9)[1]!),
      "trading-signals": lastOf(
        () => new MACD(new EMA(12), new EMA(26), new EMA(9)),
        ac.close,
        (r: { signal: number }) => Number(r.signal),
      ),
      technicalindicators: () =>
        at(
          ti.MACD.calculate({
            values: ac.close,
            fastPeriod: 12,
            slowPeriod: 26,
            signalPeriod: 9,
            SimpleMAOscillator: false,
            SimpleMASignal: false,
          }),
        ).signal!,
    },
  },
  {
    name: "BBANDS(20,2)",
    resident: () => k.bbands(R.close, O[0]!, O[1]!, O[2]!, 0, N, 20, 2, 2, S),
    copyIn: () => ta.bbands(close, { period: 20 }),
    ts: () => ref.bbands(close, { period: 20 }),
    libs: {
      indicatorts: () => indicatorts.bb(arr.close, { period: 20 }),
      "@ixjb94/indicators": () => ix.bbands(arr.close, 20, 2),
      "trading-signals": feed(() => new BollingerBands(20, 2), arr.close),
      technicalindicators: () => ti.BollingerBands.calculate({ period: 20, values: arr.close, stdDev: 2 }),
    },
    talib: () => at(ta.bbands(cc, { period: 20 }).upper),
    last: {
      indicatorts: () => at(indicatorts.bb(ac.close, { period: 20 }).upper),
      "@ixjb94/indicators": () => at(ix.bbands(ac.close, 20, 2)[2]!),
      "trading-signals": lastOf(
        () => new BollingerBands(20, 2),
        ac.close,
        (r: { upper: number }) => Number(r.upper),
      ),
      technicalindicators: () => at(ti.BollingerBands.calculate({ period: 20, values: ac.close, stdDev: 2 })).upper,
    },
  },
  {
    name: "ATR(14)",
    resident: () => k.atr(R.high, R.low, R.close, O[0]!, 0, 0, 0, N, 14, S),
    copyIn: () => ta.atr(high, low, close),
    ts: () => ref.atr(high, low, close),
    libs: {
      indicatorts: () => indicatorts.atr(arr.high, arr.low, arr.close, { period: 14 }),
      "@ixjb94/indicators": () => ix.atr(arr.high, arr.low, arr.close, 14),
      "trading-signals": feed(() => new ATR(14), hlc),
      technicalindicators: () => ti.ATR.calculate({ high: arr.high, low: arr.low, close: arr.close, period: 14 }),
    },
    talib: () => at(ta.atr(hc, lc, cc)),
    last: {
      indicatorts: () => at(indicatorts.atr(ac.high, ac.low, ac.close, { period: 14 }).atrLine),
      "@ixjb94/indicators": () => at(ix.atr(ac.high, ac.low, ac.close, 14)),
      "trading-signals": lastOf(
        () => new ATR(14),
        hlcC,
        (r: number) => Number(r),
      ),
      technicalindicators: () => at(ti.ATR.calculate({ high: ac.high, low: ac.low, close: ac.close, period: 14 })),
    },
    notes: { indicatorts: "ATR is an SMA of true range (TA-Lib: Wilder's smoothing)" },
  },
  {
    name: "STOCH(14,3,3)",
    resident: () => k.stoch(R.high, R.low, R.close, O[0]!, O[1]!, T[0]!, T[1]!, 0, N, 14, 3, 3, S),
    copyIn: () => ta.stoch(high, low, close, { fastKPeriod: 14 }),
    ts: () => ref.stoch(high, low, close, { fastKPeriod: 14 }),
    libs: {
      indicatorts: () => indicatorts.stoch(arr.high, arr.low, arr.close, { kPeriod: 14, dPeriod: 3 }),
      "@ixjb94/indicators": () => ix.stoch(arr.high, arr.low, arr.close, 14, 3, 3),
      "trading-signals": feed(() => new StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }), hlc),
      technicalindicators: () =>
        ti.Stochastic.calculate({ high: arr.high, low: arr.low, close: arr.close, period: 14, signalPeriod: 3 }),
    },
    talib: () => at(ta.stoch(hc, lc, cc, { fastKPeriod: 14 }).k),
    last: {
      indicatorts: () => at(indicatorts.stoch(ac.high, ac.low, ac.close, { kPeriod: 14, dPeriod: 3 }).k),
      "@ixjb94/indicators": () => at(ix.stoch(ac.high, ac.low, ac.close, 14, 3, 3)[0]!),
      "trading-signals": lastOf(
        () => new StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }),
        hlcC,
        (r: { stochK: number }) => Number(r.stochK),
      ),
      technicalindicators: () =>
        at(ti.Stochastic.calculate({ high: ac.high, low: ac.low, close: ac.close, period: 14, signalPeriod: 3 })).k,
    },
    notes: { indicatorts: "%K without slowing (raw %K)", technicalindicators: "%K without slowing (raw %K)" },
  },
]
