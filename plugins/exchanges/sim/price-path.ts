/**
 * The simulated price path of one symbol: a 1-minute random walk in log-price with volatility
 * regimes (calm ↔ turbulent) and trends that switch at random, so indicators see ranging,
 * trending and volatile stretches. Higher timeframes are aggregated from the 1m path, so every
 * timeframe tells the same story.
 *
 * Memory stays bounded however long the history: minutes are generated in chunks, and only the
 * walk's state at the start of each chunk (a few numbers) is kept for good. A chunk's minutes
 * are regenerated from that state when read, bit for bit the same; the few most recently read
 * chunks stay cached (the newest ones are what the exchange serves almost always).
 */
import type { Candle } from "virtuoso/sdk"
import { makeRng } from "./rng.ts"

export const MINUTE = 60_000

/**
 * Minutes per chunk; chunks cached at once. A 4h candle spans at most two chunks; the recent minutes
 * the exchange serves on every poll sit in the newest one or two.
 */
const CHUNK = 256
const CACHED_CHUNKS = 4

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

/** Everything the walk carries from one minute to the next. */
interface WalkState {
  readonly rng: number
  readonly last: number
  readonly drift: number
  readonly regimeVol: number
  readonly regimeLeft: number
}

/** One chunk's minutes, in columns. */
interface Chunk {
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
  /** Trend per minute, exposed so order books and flows lean the same way as price. */
  readonly trend: Float64Array
}

const newChunk = (): Chunk => ({
  open: new Float64Array(CHUNK),
  high: new Float64Array(CHUNK),
  low: new Float64Array(CHUNK),
  close: new Float64Array(CHUNK),
  volume: new Float64Array(CHUNK),
  trend: new Float64Array(CHUNK),
})

/** The 1m candles of one symbol, generated on demand. */
export class PricePath {
  private readonly opts: PathOptions
  /** The walk's state at the start of chunk k (k ≤ the chunk being generated). */
  private readonly starts: Array<WalkState>
  /** Recently read chunks, least recently used first. */
  private readonly cache = new Map<number, Chunk>()
  private count = 0

  constructor(options: PathOptions) {
    this.opts = options
    this.starts = [{ rng: options.seed >>> 0, last: options.startPrice, drift: 0, regimeVol: 1, regimeLeft: 0 }]
  }

  get origin(): number {
    return this.opts.origin
  }

  /** Number of generated minutes. */
  get length(): number {
    return this.count
  }

  /** Generates minutes until `minutes` exist (never shrinks); only chunk start states are kept. */
  ensure(minutes: number): void {
    if (minutes <= this.count) return
    // Every chunk start up to the last needed chunk: walking a whole chunk yields the next start.
    const lastChunk = Math.floor((minutes - 1) / CHUNK)
    while (this.starts.length <= lastChunk) {
      const k = this.starts.length - 1
      this.starts.push(this.generate(k, this.remember(k)))
    }
    this.count = minutes
  }

  /** Fills `chunk` with chunk k's minutes from its start state; returns the state after it. */
  private generate(k: number, chunk: Chunk): WalkState {
    const { opts } = this
    const start = this.starts[k]!
    const rng = makeRng(start.rng)
    let { last, drift, regimeVol, regimeLeft } = start
    for (let j = 0; j < CHUNK; j++) {
      if (regimeLeft <= 0) {
        // A new regime every 1–6 hours: direction, strength and turbulence all change.
        regimeLeft = 60 + Math.floor(rng.next() * 300)
        const r = rng.next()
        drift = r < 0.35 ? 0 : (r < 0.675 ? 1 : -1) * opts.volatility * (0.05 + rng.next() * 0.25)
        regimeVol = rng.next() < 0.25 ? 2 + rng.next() * 1.5 : 0.7 + rng.next() * 0.6
      }
      regimeLeft--
      const sigma = opts.volatility * regimeVol
      const open = last
      let price = open
      let high = open
      let low = open
      // Four sub-steps give each candle a believable intrabar range.
      for (let s = 0; s < 4; s++) {
        price *= Math.exp(drift / 4 + (sigma / 2) * rng.gaussian())
        if (price > high) high = price
        if (price < low) low = price
      }
      const move = Math.abs(Math.log(price / open)) / sigma
      chunk.open[j] = open
      chunk.close[j] = price
      chunk.high[j] = high * (1 + rng.next() * sigma * 0.2)
      chunk.low[j] = low * (1 - rng.next() * sigma * 0.2)
      chunk.volume[j] = opts.baseVolume * Math.exp(0.4 * rng.gaussian()) * (0.6 + 0.8 * move) * regimeVol
      chunk.trend[j] = drift / opts.volatility
      last = price
    }
    return { rng: rng.state(), last, drift, regimeVol, regimeLeft }
  }

  /** A cache slot for chunk k (evicting the least recently used), not yet filled. */
  private remember(k: number): Chunk {
    let chunk: Chunk | undefined
    if (this.cache.size >= CACHED_CHUNKS) {
      const [oldest, evicted] = this.cache.entries().next().value!
      this.cache.delete(oldest)
      chunk = evicted
    }
    chunk ??= newChunk()
    this.cache.set(k, chunk)
    return chunk
  }

  /** Chunk k's minutes, regenerated from its start state when not cached. */
  private chunk(k: number): Chunk {
    const cached = this.cache.get(k)
    if (cached !== undefined) {
      this.cache.delete(k)
      this.cache.set(k, cached)
      return cached
    }
    const chunk = this.remember(k)
    this.generate(k, chunk)
    return chunk
  }

  /** Column value of generated minute i; NaN outside the generated range. */
  private at(column: keyof Chunk, i: number): number {
    if (!(i >= 0 && i < this.count)) return Number.NaN
    return this.chunk(Math.floor(i / CHUNK))[column][i % CHUNK]!
  }

  minuteCandle(i: number): Candle {
    if (!(i >= 0 && i < this.count)) {
      return {
        time: this.opts.origin + i * MINUTE,
        open: Number.NaN,
        high: Number.NaN,
        low: Number.NaN,
        close: Number.NaN,
        volume: Number.NaN,
      }
    }
    const c = this.chunk(Math.floor(i / CHUNK))
    const j = i % CHUNK
    return {
      time: this.opts.origin + i * MINUTE,
      open: c.open[j]!,
      high: c.high[j]!,
      low: c.low[j]!,
      close: c.close[j]!,
      volume: c.volume[j]!,
    }
  }

  /** Trend of minute `i`, in units of volatility (negative = falling); 0 outside the path. */
  trendAt(i: number): number {
    return i >= 0 && i < this.count ? this.at("trend", i) : 0
  }

  closeAt(i: number): number {
    return this.at("close", i)
  }

  volumeAt(i: number): number {
    return this.at("volume", i)
  }

  /**
   * The candle of `stepMs` starting at `time`, aggregated from the minutes in
   * [from, to) that exist (`to` exclusive, clamped to generated minutes).
   */
  aggregate(time: number, stepMs: number, untilMinute: number): Candle | undefined {
    const from = Math.max(0, Math.floor((time - this.opts.origin) / MINUTE))
    const to = Math.min(untilMinute, this.count, Math.floor((time + stepMs - this.opts.origin) / MINUTE))
    if (to <= from) return undefined
    let high = -Infinity
    let low = Infinity
    let volume = 0
    for (let i = from; i < to; ) {
      const k = Math.floor(i / CHUNK)
      const c = this.chunk(k)
      const end = Math.min(to, (k + 1) * CHUNK)
      for (let j = i - k * CHUNK; i < end; i++, j++) {
        if (c.high[j]! > high) high = c.high[j]!
        if (c.low[j]! < low) low = c.low[j]!
        volume += c.volume[j]!
      }
    }
    return { time, open: this.at("open", from), high, low, close: this.at("close", to - 1), volume }
  }
}
