/**
 * @module CandleSeries: one symbol × timeframe as a stream sees it — closed candles (bounded,
 * oldest first) plus the one still open. Pure and synchronous; the caller supplies time.
 *
 * Rules (no look-ahead: only closed candles ever leave this module as "closed"):
 * - A candle closes when the next contiguous candle arrives (Binance sends the final `x=true`
 *   frame of a candle before the first frame of the next; ccxt keeps that order), or when a REST
 *   fetch shows a later candle, or when `now` is past its end (`seed`/`backfill` only, REST data).
 * - A jump (next candle more than one period later) is a gap: the skipped candles *and* the
 *   last open one (its final values were never seen) become a backfill range, filled from REST.
 * - Updates for candles already closed are duplicates (dropped; `revised` if values differ);
 *   candles older than the open one that are not a gap fill are out-of-order (dropped, counted).
 * - Malformed candles (see `validate.ts`: misaligned, inconsistent OHLC, negative volume,
 *   non-finite) are dropped and counted.
 */
import type { Candle } from "../../market-schema/index.ts"
import { isSoundCandle } from "./validate.ts"

/** Open times `from`..`to` inclusive, one period apart, that must be fetched from REST. */
export interface GapRange {
  readonly from: number
  readonly to: number
}

export interface IngestResult {
  /** Newly closed candles, oldest first: the only ones that may feed scores. */
  readonly closed: ReadonlyArray<Candle>
  /** The candle in progress after this update, if any. */
  readonly open: Candle | undefined
  readonly gaps: ReadonlyArray<GapRange>
  readonly duplicates: number
  readonly outOfOrder: number
  readonly malformed: number
  /** Duplicates whose values differed from the closed candle we kept. */
  readonly revised: number
}

const valid = isSoundCandle

const same = (a: Candle, b: Candle) =>
  a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume

export class CandleSeries {
  private readonly closedCandles: Array<Candle> = []
  private openCandle: Candle | undefined
  /** Gap ranges announced and not yet backfilled. */
  private readonly pending: Array<GapRange> = []

  /** Open time of the newest closed candle known from elsewhere (see `after`). */
  private floor = -Infinity

  constructor(
    readonly stepMs: number,
    readonly capacity: number,
  ) {}

  /**
   * A series that continues one the caller already holds (e.g. MarketData's backfilled columns):
   * it stores nothing yet, but knows the last closed candle, so the first streamed candles are
   * checked against it for gaps and duplicates.
   */
  static after(stepMs: number, capacity: number, lastClosedTime: number): CandleSeries {
    const s = new CandleSeries(stepMs, capacity)
    s.floor = lastClosedTime
    return s
  }

  get closed(): ReadonlyArray<Candle> {
    return this.closedCandles
  }
  get open(): Candle | undefined {
    return this.openCandle
  }
  get lastClosedTime(): number {
    return this.closedCandles.at(-1)?.time ?? this.floor
  }
  get pendingGaps(): ReadonlyArray<GapRange> {
    return this.pending
  }

  /** Initial REST backfill: candles whose period ended by `now` are closed, a newer one is open. */
  seed(candles: ReadonlyArray<Candle>, now: number): IngestResult {
    return this.backfill(candles, now)
  }

  /** Streamed updates (any order, possibly repeated). */
  ingest(candles: ReadonlyArray<Candle>): IngestResult {
    const r = this.result()
    for (const c of [...candles].sort((a, b) => a.time - b.time)) {
      if (!valid(c, this.stepMs)) {
        r.malformed++
        continue
      }
      const lastClosed = this.lastClosedTime
      if (c.time <= lastClosed) {
        this.duplicate(c, r)
        continue
      }
      const open = this.openCandle
      if (open === undefined) {
        if (Number.isFinite(lastClosed) && c.time > lastClosed + this.stepMs)
          this.gap(lastClosed + this.stepMs, c.time - this.stepMs, r)
        this.openCandle = c
        continue
      }
      if (c.time === open.time) {
        this.openCandle = c
      } else if (c.time < open.time) {
        r.outOfOrder++
      } else if (c.time === open.time + this.stepMs) {
        this.close(open, r)
        this.openCandle = c
      } else {
        // Jump: the open candle's final values were never seen, so it joins the gap.
        this.openCandle = undefined
        this.gap(open.time, c.time - this.stepMs, r)
        this.openCandle = c
      }
    }
    r.open = this.openCandle
    return r
  }

  /**
   * REST candles (a backfill of a gap, or a periodic poll): fills pending gaps and closes what
   * `now` proves closed. Candles beyond the open one advance the series like `ingest`.
   */
  backfill(candles: ReadonlyArray<Candle>, now: number): IngestResult {
    const r = this.result()
    const sorted = [...candles].sort((a, b) => a.time - b.time)
    const byTime = new Map<number, Candle>()
    for (const c of sorted) {
      if (!valid(c, this.stepMs)) r.malformed++
      else byTime.set(c.time, c)
    }
    // Closed: its period ended by `now`, or it is older than the candle the stream has open.
    const openAt = this.openCandle?.time ?? -Infinity
    const closedByNow = (c: Candle) => c.time + this.stepMs <= now || c.time < openAt
    // 1. fill pending gaps (oldest first) with closed candles only
    for (let i = 0; i < this.pending.length; ) {
      const g = this.pending[i]!
      const fill: Array<Candle> = []
      for (let t = g.from; t <= g.to; t += this.stepMs) {
        const c = byTime.get(t)
        if (!c || !closedByNow(c)) break
        fill.push(c)
      }
      if (fill.length === 0) {
        i++
        continue
      }
      for (const c of fill) {
        this.insertClosed(c)
        r.closed.push(c)
        byTime.delete(c.time)
      }
      const filledTo = fill.at(-1)!.time
      if (filledTo >= g.to) this.pending.splice(i, 1)
      else {
        this.pending[i] = { from: filledTo + this.stepMs, to: g.to }
        i++
      }
    }
    // 2. the rest: extend the series forward in time
    for (const c of byTime.values()) {
      if (c.time <= this.lastClosedTime || this.pending.some((g) => c.time >= g.from && c.time <= g.to)) {
        this.duplicate(c, r)
        continue
      }
      if (this.openCandle && c.time < this.openCandle.time) {
        r.outOfOrder++
        continue
      }
      if (closedByNow(c)) {
        if (this.openCandle && this.openCandle.time === c.time) this.openCandle = undefined
        else if (this.openCandle && this.openCandle.time < c.time) {
          // REST moved past a candle the stream left open: its final values must come from REST too
          const stale = this.openCandle
          this.openCandle = undefined
          this.gap(stale.time, c.time - this.stepMs, r)
        }
        const last = this.lastClosedTime
        if (Number.isFinite(last) && c.time > last + this.stepMs && this.pending.length === 0) {
          // a hole REST itself did not cover: announce it
          this.gap(last + this.stepMs, c.time - this.stepMs, r)
        }
        this.close(c, r)
      } else if (!this.openCandle || c.time >= this.openCandle.time) {
        this.openCandle = c
      }
    }
    r.closed.sort((a, b) => a.time - b.time)
    r.open = this.openCandle
    return r
  }

  private result() {
    return {
      closed: [] as Array<Candle>,
      open: undefined as Candle | undefined,
      gaps: [] as Array<GapRange>,
      duplicates: 0,
      outOfOrder: 0,
      malformed: 0,
      revised: 0,
    }
  }

  private duplicate(c: Candle, r: ReturnType<CandleSeries["result"]>) {
    r.duplicates++
    const kept = this.findClosed(c.time)
    if (kept && !same(kept, c)) r.revised++
  }

  private gap(from: number, to: number, r: ReturnType<CandleSeries["result"]>) {
    if (to < from) return
    const range = { from, to }
    this.pending.push(range)
    // bounded: a gap older than the buffer can never be shown, keep the newest ranges only
    if (this.pending.length > 64) this.pending.shift()
    r.gaps.push(range)
  }

  private close(c: Candle, r: ReturnType<CandleSeries["result"]>) {
    this.insertClosed(c)
    r.closed.push(c)
  }

  private insertClosed(c: Candle) {
    const arr = this.closedCandles
    if (arr.length === 0 || arr.at(-1)!.time < c.time) arr.push(c)
    else {
      let i = arr.length - 1
      while (i >= 0 && arr[i]!.time > c.time) i--
      if (i >= 0 && arr[i]!.time === c.time) return
      arr.splice(i + 1, 0, c)
    }
    if (arr.length > this.capacity) arr.splice(0, arr.length - this.capacity)
  }

  private findClosed(time: number): Candle | undefined {
    const arr = this.closedCandles
    for (let i = arr.length - 1; i >= 0; i--) {
      if (arr[i]!.time === time) return arr[i]
      if (arr[i]!.time < time) return undefined
    }
    return undefined
  }
}
