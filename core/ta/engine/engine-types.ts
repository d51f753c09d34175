/** @module The resident engine's contract: its options and the operations on its series. */
import type { Candle, CandleColumns } from "../../market-schema/index.ts"
import type { IndicatorSet } from "./plan.ts"

export type { CandleColumns }

export type SeriesId = number

export interface ResidentEngineOptions {
  /** Candles kept per series (default 1000). Must exceed the set's largest lookback + 1. */
  readonly capacity?: number
  /** Upper bound on live series (default 1024); bounds the engine's memory. */
  readonly maxSeries?: number
  /** Indicators computed by `compute()` for every series, keyed by output name. */
  readonly indicators?: IndicatorSet
  /**
   * Keep every output's full history aligned with the candles (default true; `output()` views).
   * With false, only the latest value per output is kept (`latest()`): all series write their
   * outputs into one shared, cache-resident block, which saves `outputs × (capacity + slack)` f64 per
   * series and most of the memory traffic of a batch compute.
   */
  readonly keepHistory?: boolean
}

export interface ResidentEngine {
  readonly capacity: number
  /** Output keys: the set's names, `name.output` for multi-output functions (`macd.signal`). */
  readonly outputs: ReadonlyArray<string>
  /** Adds a series; throws if `key` exists or `maxSeries` is reached. */
  addSeries(key: string): SeriesId
  getOrAdd(key: string): SeriesId
  idOf(key: string): SeriesId | undefined
  keys(): ReadonlyArray<string>
  /** Appends a closed candle (drops the oldest once at capacity). */
  append(id: SeriesId, candle: Candle): void
  /** Overwrites the newest candle (a correction); the next `compute()` re-steps only that candle. */
  replaceLast(id: SeriesId, candle: Candle): void
  reset(id: SeriesId): void
  /** Forgets computed results (all series, or one): the next `compute()` recomputes from scratch. */
  invalidate(id?: SeriesId): void
  /** Frees the series' memory; the id and its block are reused by later `addSeries`. */
  removeSeries(id: SeriesId): void
  length(id: SeriesId): number
  /** Zero-copy views of the window, oldest first. */
  columns(id: SeriesId): CandleColumns
  /** ONE WASM call: brings every series' outputs up to date; returns how many changed. */
  compute(): number
  /**
   * Zero-copy view of one output aligned with `columns` (NaN in warm-up). Call after `compute()`;
   * needs `keepHistory`.
   */
  output(id: SeriesId, key: string): Float64Array
  /** The newest value of one output (NaN if none). */
  latest(id: SeriesId, key: string): number
  /**
   * The newest value of every output, indexed as `outputs` (zero-copy view; valid until memory
   * grows). Current only while the series is computed up to its last candle (`computed`).
   */
  latestRow(id: SeriesId): Float64Array
  /** True when `compute()` has brought the series up to its newest candle. */
  computed(id: SeriesId): boolean
  /** Arena bytes held by this engine. */
  memoryBytes(): number
  /** Frees every block; the engine is unusable afterwards. */
  dispose(): void
}
