/**
 * @module Recorded market events as replay input: read from an event store (hot SQLite and
 * warm day files alike) in the order they were recorded, a page at a time, with the gaps in each
 * symbol's base candle series named (never filled).
 */
import type { VirtuosoEvent } from "../events/index.ts"
import { TIMEFRAME_MS, type Candle, type Timeframe } from "../market-schema/index.ts"
import type { EventStore, ScanOptions } from "../store/index.ts"

/**
 * The store's `mmapSize` for a replay: a replay reads every block once, so the file is read
 * through a memory map rather than copied through SQLite's page cache (a store larger than this
 * reads its remainder as usual).
 */
const REPLAY_MMAP_BYTES = 2 ** 30

/**
 * How a replay opens a store: tiering pushed far out, so reading a store never moves or drops
 * anyone's events; every market row folded by its one explicit fold (`foldAfter` 0, no schedule);
 * the file read through a memory map; no checkpoint worker to start and stop (that fold is the
 * only write).
 */
export const replayStoreOptions = (path: string) =>
  ({
    path,
    foldAfter: 0,
    hot: "36500 days",
    warm: "36500 days",
    compactEvery: "36500 days",
    foldEvery: "36500 days",
    checkpointWorker: false,
    mmapSize: REPLAY_MMAP_BYTES,
  }) as const

export interface RecordedRange {
  /** Only this symbol's events (the served-set events are then left out). */
  readonly symbol?: string | undefined
  /** Event time: from inclusive, to exclusive (epoch ms). */
  readonly from?: number | undefined
  readonly to?: number | undefined
}

/** A stretch of a base series with no candles. */
export interface Gap {
  readonly symbol: string
  /** Open time of the first missing candle, and how many are missing. */
  readonly from: number
  readonly missing: number
}

/**
 * The recorded `market.*` events in the range as a replay reads them, in recording order, read
 * lazily (a page of the hot tier, a day of the warm tier at a time). The recorder stores them in
 * the order Analysis received them, so commit order (seq) is the replay order; time order could
 * differ where two publishers raced within a millisecond.
 *
 * Market inputs the store has folded into blocks come thinned (`coalesced`, the default): a
 * block's superseded books are left out unread and its trade batches merged, by the rule
 * `coalesce.ts` applies to a whole stretch, so the picture at every score is the one the full
 * sequence builds. `{ coalesced: false }` reads every recorded event (a recording file's copy).
 */
export const recordedEvents = (
  store: EventStore["Service"],
  range: RecordedRange,
  options?: ScanOptions,
): Iterable<VirtuosoEvent> =>
  store.scan(
    {
      type: "market.*",
      ...(range.symbol === undefined ? {} : { symbol: range.symbol }),
      ...(range.from === undefined ? {} : { from: range.from }),
      ...(range.to === undefined ? {} : { to: range.to }),
    },
    { coalesced: true, ...options },
  )

/** Collects each symbol's closed candles of one timeframe from events as they pass. */
export const candleCollector = (timeframe: Timeframe) => {
  const bySymbol = new Map<string, Map<number, Candle>>()
  const add = (symbol: string, candle: Candle) => {
    let series = bySymbol.get(symbol)
    if (series === undefined) bySymbol.set(symbol, (series = new Map()))
    series.set(candle.time, candle)
  }
  return {
    add: (event: VirtuosoEvent): void => {
      if (event.type === "market.candle.closed" && event.payload.timeframe === timeframe)
        add(event.payload.symbol, event.payload.candle)
      if (event.type === "market.candles" && event.payload.timeframe === timeframe)
        for (const c of event.payload.candles) add(event.payload.symbol, c)
    },
    /** Each symbol's candles by open time (history and live). */
    series: (): Map<string, Array<Candle>> =>
      new Map([...bySymbol].map(([symbol, series]) => [symbol, [...series.values()].sort((a, b) => a.time - b.time)])),
  }
}

/** Missing candles between consecutive ones of each series. */
export const gapsOf = (series: ReadonlyMap<string, ReadonlyArray<Candle>>, timeframe: Timeframe): Array<Gap> => {
  const step = TIMEFRAME_MS[timeframe]
  const gaps: Array<Gap> = []
  for (const [symbol, candles] of series) {
    for (let i = 1; i < candles.length; i++) {
      const missing = Math.round((candles[i]!.time - candles[i - 1]!.time) / step) - 1
      if (missing > 0) gaps.push({ symbol, from: candles[i - 1]!.time + step, missing })
    }
  }
  return gaps
}
