/** @module The shape of a catalogue entry, and the parameter builders the group files share. */

export type InputName = "open" | "high" | "low" | "close" | "volume"

export interface ParamSpec {
  readonly name: string
  /** TA-Lib optional-input name, e.g. `"optInTimePeriod"` (absent for non-TA-Lib functions). */
  readonly talib?: string
  readonly default: number
  readonly min: number
  readonly max: number
  readonly integer: boolean
  readonly description: string
}

export interface FunctionSpec {
  /** Our name, as exported by `core/ta` (`plusDi`). */
  readonly name: string
  /** TA-Lib function name (`PLUS_DI`); `null` for functions TA-Lib does not have (VWAP). */
  readonly talib: string | null
  readonly group: "averages" | "oscillators" | "volatility" | "volume" | "trend"
  readonly description: string
  readonly inputs: ReadonlyArray<InputName>
  readonly params: ReadonlyArray<ParamSpec>
  /** `["real"]` for single-output functions, else the keys of the returned object. */
  readonly outputs: ReadonlyArray<string>
  /** TA-Lib output names in the same order as `outputs` (`outMACD`, ...). */
  readonly talibOutputs: ReadonlyArray<string>
  /** Index of the first non-NaN output for these (resolved) parameters. */
  readonly lookback: (params: Readonly<Record<string, number>>) => number
}

export const MAX_PERIOD = 100_000
/** TA-Lib's TA_REAL_MAX bound for real-valued options. */
export const REAL_MAX = 3e37

export const period = (
  def: number,
  min: number,
  description: string,
  name = "period",
  talib = "optInTimePeriod",
): ParamSpec => ({
  name,
  talib,
  default: def,
  min,
  max: MAX_PERIOD,
  integer: true,
  description,
})

export const real = (name: string, talib: string, def: number, min: number, description: string): ParamSpec => ({
  name,
  talib,
  default: def,
  min,
  max: REAL_MAX,
  integer: false,
  description,
})

export const single = ["real"] as const
export const outReal = ["outReal"] as const
export const HLC: ReadonlyArray<InputName> = ["high", "low", "close"]
export const HLCV: ReadonlyArray<InputName> = ["high", "low", "close", "volume"]
export const C: ReadonlyArray<InputName> = ["close"]
