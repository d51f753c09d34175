/**
 * @module One score line held as columns: times, scores and each component's score in
 * Float64Arrays, not one object per point. Points are rebuilt only when read.
 *
 * Memory was the reason: a point object with its components object is ≈ 150 bytes, and a full
 * history (five lines of a thousand points per symbol) was ≈ 0.75 MB per symbol; as columns a
 * point is 8 bytes per number. The columns grow with the line (doubling, up to `capacity`), so a
 * slow timeframe's line costs only what it holds.
 */
import type { ScorePoint } from "./deps.ts"

/** A component present with a null score. */
const NULL = Number.NaN
/** A component the point did not carry at all (scores are finite, so this is never a score). */
const ABSENT = Number.NEGATIVE_INFINITY
const FIRST_ROWS = 16

export class ScoreRing {
  /** Component names, in column order; a point with a new name adds a column. */
  private names: Array<string> = []
  private times = new Float64Array(0)
  private scores = new Float64Array(0)
  /** Row-major: row `r` holds `names.length` component scores. */
  private components = new Float64Array(0)
  /** Physical row of the oldest point. */
  private start = 0
  private count = 0

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.count
  }

  private row(i: number): number {
    return (this.start + i) % this.times.length
  }

  push(point: ScorePoint): void {
    if (this.count > 0) {
      const last = this.row(this.count - 1)
      if (point.time === this.times[last]) return this.write(last, point)
      // Out of order (a late re-score of an older candle): the line is drawn by time, so skip it.
      if (point.time < this.times[last]!) return
    }
    if (this.count === this.times.length && this.count < this.capacity) this.resize(this.count * 2)
    if (this.count < this.times.length) {
      this.write(this.row(this.count), point)
      this.count++
    } else {
      this.write(this.start, point)
      this.start = (this.start + 1) % this.times.length
    }
  }

  /** Adds older points (e.g. read back from the store) under the ones held; held ones win a tie. */
  merge(older: ReadonlyArray<ScorePoint>): void {
    const held = this.newest(this.count)
    const times = new Set(held.map((p) => p.time))
    const all = [...older.filter((p) => !times.has(p.time)), ...held].sort((a, b) => a.time - b.time)
    this.count = 0
    this.start = 0
    for (const p of all.slice(-this.capacity)) this.push(p)
  }

  newest(limit: number): Array<ScorePoint> {
    const n = Math.max(0, Math.min(limit, this.count))
    const out: Array<ScorePoint> = new Array(n)
    for (let i = 0; i < n; i++) out[i] = this.read(this.row(this.count - n + i))
    return out
  }

  private read(r: number): ScorePoint {
    const components: Record<string, number | null> = {}
    const width = this.names.length
    for (let c = 0; c < width; c++) {
      const v = this.components[r * width + c]!
      if (v !== ABSENT) components[this.names[c]!] = Number.isNaN(v) ? null : v
    }
    const score = this.scores[r]!
    return { time: this.times[r]!, score: Number.isNaN(score) ? null : score, components }
  }

  private write(r: number, point: ScorePoint): void {
    for (const name in point.components) if (!this.names.includes(name)) this.widen(name)
    this.times[r] = point.time
    this.scores[r] = point.score ?? NULL
    const width = this.names.length
    for (let c = 0; c < width; c++) {
      const v = point.components[this.names[c]!]
      this.components[r * width + c] = v === undefined ? ABSENT : (v ?? NULL)
    }
  }

  /** Re-lays the columns out with room for `rows`, the oldest point at row 0. */
  private resize(rows: number): void {
    rows = Math.min(this.capacity, Math.max(FIRST_ROWS, rows))
    const width = this.names.length
    const times = new Float64Array(rows)
    const scores = new Float64Array(rows)
    const components = new Float64Array(rows * width)
    for (let i = 0; i < this.count; i++) {
      const r = this.row(i)
      times[i] = this.times[r]!
      scores[i] = this.scores[r]!
      components.set(this.components.subarray(r * width, (r + 1) * width), i * width)
    }
    this.times = times
    this.scores = scores
    this.components = components
    this.start = 0
  }

  /** Adds a component column; the points held did not carry it. */
  private widen(name: string): void {
    const width = this.names.length
    const rows = this.times.length
    const components = new Float64Array(rows * (width + 1)).fill(ABSENT)
    for (let r = 0; r < rows; r++) components.set(this.components.subarray(r * width, (r + 1) * width), r * (width + 1))
    this.names.push(name)
    this.components = components
  }
}
