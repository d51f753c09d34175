/** @module Catalogue entries of the volume group. */
import { type FunctionSpec, HLCV, MAX_PERIOD, outReal, period, single } from "./spec.ts"

export const VOLUME: ReadonlyArray<FunctionSpec> = [
  {
    name: "mfi",
    talib: "MFI",
    group: "volume",
    description: "Money flow index, 0..100; 0 if total flow < 1",
    inputs: HLCV,
    params: [period(14, 2, "window length")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "obv",
    talib: "OBV",
    group: "volume",
    description: "On-balance volume, starting at volume[0]",
    inputs: ["close", "volume"],
    params: [],
    outputs: single,
    talibOutputs: outReal,
    lookback: () => 0,
  },
  {
    name: "ad",
    talib: "AD",
    group: "volume",
    description: "Chaikin accumulation/distribution line",
    inputs: HLCV,
    params: [],
    outputs: single,
    talibOutputs: outReal,
    lookback: () => 0,
  },
  {
    name: "adosc",
    talib: "ADOSC",
    group: "volume",
    description: "Chaikin A/D oscillator: EMA(fast) − EMA(slow) of AD, both seeded with AD[0]",
    inputs: HLCV,
    params: [
      period(3, 2, "fast EMA period", "fastPeriod", "optInFastPeriod"),
      period(10, 2, "slow EMA period", "slowPeriod", "optInSlowPeriod"),
    ],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => Math.max(p.fastPeriod!, p.slowPeriod!) - 1,
  },
  {
    name: "vwap",
    talib: null,
    group: "volume",
    description:
      "Volume-weighted average of typical price (H+L+C)/3: period 0 = cumulative from the first candle, N = rolling " +
      "N candles; NaN while volume sum is 0",
    inputs: HLCV,
    params: [
      {
        name: "period",
        default: 0,
        min: 0,
        max: MAX_PERIOD,
        integer: true,
        description: "0 = cumulative, N = rolling window of N candles",
      },
    ],
    outputs: single,
    talibOutputs: [],
    lookback: (p) => (p.period! > 0 ? p.period! - 1 : 0),
  },
]
