/** @module Catalogue entries of the volatility group. */
import { type FunctionSpec, HLC, outReal, period, single } from "./spec.ts"

export const VOLATILITY: ReadonlyArray<FunctionSpec> = [
  {
    name: "trange",
    talib: "TRANGE",
    group: "volatility",
    description: "True range (needs the previous close: none at bar 0)",
    inputs: HLC,
    params: [],
    outputs: single,
    talibOutputs: outReal,
    lookback: () => 1,
  },
  {
    name: "atr",
    talib: "ATR",
    group: "volatility",
    description: "Average true range (Wilder)",
    inputs: HLC,
    params: [period(14, 1, "smoothing period")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
  {
    name: "natr",
    talib: "NATR",
    group: "volatility",
    description: "Normalized ATR: 100·ATR/close",
    inputs: HLC,
    params: [period(14, 1, "smoothing period")],
    outputs: single,
    talibOutputs: outReal,
    lookback: (p) => p.period!,
  },
]
