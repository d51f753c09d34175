/**
 * @module Feeding one series' closed candles to the resident engine: what is new, what was
 * corrected, what is another history under the same key, and appending a backlog in rounds.
 */
import type { CandleColumns } from "../../market-schema/index.ts"
import type { ResidentEngine, SeriesId } from "../../ta/engine/index.ts"
import type { InputValues } from "./declare.ts"

/** One symbol × timeframe as the input engine tracks it. */
export interface FedSeries {
  readonly key: string
  readonly symbol: string
  readonly timeframe: string
  readonly id: SeriesId
  /** Advanced on every change of its candles; value caches compare against it. */
  version: number
  used: number
  /** Candles fed since the series (re)started (0 = none). */
  held: number
  /** The newest candle fed (time, open, high, low, close, volume): the usual check needs no WASM view. */
  readonly newest: Float64Array
  /**
   * The newest `history` rows of every output (a ring of latest-value rows, one per candle), for
   * declared histories: `ringCount` consecutive candles end at row `ringNext − 1`.
   */
  readonly ring: Float64Array
  ringNext: number
  ringCount: number
  /** Values handed out per declared set (by its layout slot) and the version they belong to. */
  readonly cached: Array<InputValues | undefined>
  readonly cachedAt: Array<number>
}

/** Candles of one series still to append, from `from` on. */
export interface Pending {
  readonly s: FedSeries
  readonly c: CandleColumns
  from: number
}

/** `sync` result: the newest candle was corrected in place; nothing to append, but compute. */
export const CORRECTED = -1

const candle = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 }

const put = (e: ResidentEngine, s: FedSeries, c: CandleColumns, i: number, replace: boolean): void => {
  candle.time = c.time[i]!
  candle.open = c.open[i]!
  candle.high = c.high[i]!
  candle.low = c.low[i]!
  candle.close = c.close[i]!
  candle.volume = c.volume[i]!
  if (replace) e.replaceLast(s.id, candle)
  else {
    e.append(s.id, candle)
    s.held++
  }
  const w = s.newest
  w[0] = candle.time
  w[1] = candle.open
  w[2] = candle.high
  w[3] = candle.low
  w[4] = candle.close
  w[5] = candle.volume
}

const isNewest = (s: FedSeries, c: CandleColumns, i: number): boolean => {
  const w = s.newest
  return (
    w[0] === c.time[i] &&
    w[4] === c.close[i] &&
    w[2] === c.high[i] &&
    w[3] === c.low[i] &&
    w[1] === c.open[i] &&
    w[5] === c.volume[i]
  )
}

const sameCandle = (held: CandleColumns, at: number, c: CandleColumns, i: number): boolean =>
  held.time[at] === c.time[i] &&
  held.close[at] === c.close[i] &&
  held.high[at] === c.high[i] &&
  held.low[at] === c.low[i] &&
  held.open[at] === c.open[i] &&
  held.volume[at] === c.volume[i]

/** Index of `time` in ascending `times`, or −1. */
const indexOf = (times: ArrayLike<number>, time: number): number => {
  let lo = 0
  let hi = times.length - 1
  // The usual case is the newest or the one before it.
  if (hi >= 0 && times[hi] === time) return hi
  if (hi >= 1 && times[hi - 1] === time) return hi - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const t = times[mid]!
    if (t === time) return mid
    if (t < time) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

/**
 * Compares one series' candles with what the engine holds: returns the index of the first
 * candle still to append (`n` when none), or CORRECTED after re-stepping a corrected newest
 * candle; anything else (another history, a gap longer than `c`) resets the series (return 0).
 * Bumps the series' version whenever its values will change.
 */
export const sync = (e: ResidentEngine, s: FedSeries, c: CandleColumns): number => {
  const n = c.time.length
  // No candles is nothing to learn from (a view detached by memory growth reads as empty too):
  // keep what the series holds.
  if (n === 0) return 0
  if (s.held > 0) {
    const j = indexOf(c.time, s.newest[0]!)
    if (j >= 0 && isNewest(s, c, j)) {
      if (j < n - 1) s.version++
      return j + 1
    }
    const previousHeld = s.held === 1 || (j > 0 && sameCandle(e.columns(s.id), e.length(s.id) - 2, c, j - 1))
    if (j === n - 1 && previousHeld) {
      put(e, s, c, j, true)
      s.version++
      return CORRECTED
    }
    e.reset(s.id)
    s.held = 0
    s.ringCount = 0
    s.version++
  }
  s.version++
  return 0
}

/**
 * Appends every pending series' candles in rounds with ONE `compute` per round: at most `chunk`
 * candles per series per round, so no kernel state is skipped and a start-up backfill of many
 * series costs a few calls, not one per series; the last `history` candles of a backlog go one
 * per round, each followed by `record(series)` so the history ring holds consecutive values. A
 * cycle of one new candle per series is one round.
 */
export const drain = (
  e: ResidentEngine,
  work: Array<Pending>,
  chunk: number,
  history: number,
  compute: () => void,
  record: (s: FedSeries) => void,
): void => {
  const stepped: Array<FedSeries> = []
  while (work.length > 0) {
    let open = 0
    stepped.length = 0
    for (const w of work) {
      const n = w.c.time.length
      const left = n - w.from
      const to = left > history ? Math.min(w.from + chunk, n - history) : w.from + 1
      for (let i = w.from; i < to; i++) put(e, w.s, w.c, i, false)
      if (to - w.from === 1) stepped.push(w.s)
      else w.s.ringCount = 0 // skipped values: the ring refills from the single steps
      w.from = to
      if (to < n) work[open++] = w
    }
    work.length = open
    compute()
    for (const s of stepped) record(s)
  }
}
