/** @module The shape of the indicator function set (used to type `last`). */
import type * as averages from "./averages.ts"
import type * as oscillators from "./oscillators.ts"
import type * as ranges from "./ranges.ts"
import type * as volatility from "./volatility.ts"
import type * as trend from "./trend.ts"
import type * as volume from "./volume.ts"

export type Functions = typeof averages &
  typeof oscillators &
  typeof ranges &
  typeof volatility &
  typeof trend &
  typeof volume
