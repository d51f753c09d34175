/**
 * The simulated price path of one symbol: a 1-minute random walk in log-price with volatility
 * regimes (calm ↔ turbulent) and trends that switch at random, so indicators see ranging,
 * trending and volatile stretches. Higher timeframes are aggregated from the 1m path, so every
 * timeframe tells the same story.
 */
import type { Candle } from "../../../core/plugins/sdk.ts"
import { makeRng, type Rng } from "./rng.ts"

export const MINUTE = 60_000

export interface PathOptions {
  readonly seed: number
  readonly startPrice: number
  /** Per-minute volatility of log-price in the calm regime. */
  readonly volatility: number
  /** Base volume per minute, in base units. */
  readonly baseVolume: number
  /** Open time of the first generated minute (aligned to a minute). */
  readonly origin: number
}

/** The 1m candles of one symbol, generated on demand and kept in columns. */
export class PricePath {
  private readonly rng: Rng
  private readonly opts: PathOptions
  private open = new Float64Array(0)
  private high = new Float64Array(0)
  private low = new Float64Array(0)
  private close = new Float64Array(0)
  private volume = new Float64Array(0)
  /** Trend per minute, exposed so order books and flows lean the same way as price. */
  private trend = new Float64Array(0)
  private count = 0
  private last: number
  private drift = 0
  private regimeVol = 1
  private regimeLeft = 0

  constructor(options: PathOptions) {
    this.opts = options
    this.rng = makeRng(options.seed)
    this.last = options.startPrice
  }

  get origin(): number {
    return this.opts.origin
  }

  /** Number of generated minutes. */
  get length(): number {
    return this.count
  }

  /** Generates minutes until `minutes` exist (never shrinks). */
  ensure(minutes: number): void {
    if (minutes <= this.count) return
    this.grow(minutes)
    for (let i = this.count; i < minutes; i++) this.step(i)
    this.count = minutes
  }

  private grow(minutes: number): void {
    if (minutes <= this.open.length) return
    const size = Math.max(minutes, Math.ceil(this.open.length * 1.5), 1024)
    const extend = (old: Float64Array) => {
      const next = new Float64Array(size)
      next.set(old.subarray(0, this.count))
      return next
    }
    this.open = extend(this.open)
    this.high = extend(this.high)
    this.low = extend(this.low)
    this.close = extend(this.close)
    this.volume = extend(this.volume)
    this.trend = extend(this.trend)
  }

  private step(i: number): void {
    const { rng, opts } = this
    if (this.regimeLeft <= 0) {
      // A new regime every 1–6 hours: direction, strength and turbulence all change.
      this.regimeLeft = 60 + Math.floor(rng.next() * 300)
      const r = rng.next()
      this.drift = r < 0.35 ? 0 : (r < 0.675 ? 1 : -1) * opts.volatility * (0.05 + rng.next() * 0.25)
      this.regimeVol = rng.next() < 0.25 ? 2 + rng.next() * 1.5 : 0.7 + rng.next() * 0.6
    }
    this.regimeLeft--
    const sigma = opts.volatility * this.regimeVol
    const open = this.last
    let price = open
    let high = open
    let low = open
    // Four sub-steps give each candle a believable intrabar range.
    for (let k = 0; k < 4; k++) {
      price *= Math.exp(this.drift / 4 + (sigma / 2) * rng.gaussian())
      if (price > high) high = price
      if (price < low) low = price
    }
    const move = Math.abs(Math.log(price / open)) / sigma
    this.open[i] = open
    this.close[i] = price
    this.high[i] = high * (1 + rng.next() * sigma * 0.2)
    this.low[i] = low * (1 - rng.next() * sigma * 0.2)
    this.volume[i] = opts.baseVolume * Math.exp(0.4 * rng.gaussian()) * (0.6 + 0.8 * move) * this.regimeVol
    this.trend[i] = this.drift / opts.volatility
    this.last = price
  }

  minuteCandle(i: number): Candle {
    return {
      time: this.opts.origin + i * MINUTE,
      open: this.open[i]!,
      high: this.high[i]!,
      low: this.low[i]!,
      close: this.close[i]!,
      volume: this.volume[i]!,
    }
  }

  /** Trend of minute `i`, in units of volatility (negative = falling). */
  trendAt(i: number): number {
    return this.trend[i] ?? 0
  }

  closeAt(i: number): number {
    return this.close[i]!
  }

  volumeAt(i: number): number {
    return this.volume[i]!
  }

  /**
   * The candle of `stepMs` starting at `time`, aggregated from the minutes in
   * [from, to) that exist (`to` exclusive, clamped to generated minutes).
   */
  aggregate(time: number, stepMs: number, untilMinute: number): Candle | undefined {
    const from = Math.max(0, Math.floor((time - this.opts.origin) / MINUTE))
    const to = Math.min(untilMinute, Math.floor((time + stepMs - this.opts.origin) / MINUTE))
    if (to <= from) return undefined
    let high = -Infinity
    let low = Infinity
    let volume = 0
    for (let i = from; i < to; i++) {
      if (this.high[i]! > high) high = this.high[i]!
      if (this.low[i]! < low) low = this.low[i]!
      volume += this.volume[i]!
    }
    return { time, open: this.open[from]!, high, low, close: this.close[to - 1]!, volume }
  }
}
