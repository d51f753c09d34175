/**
 * The simulated price path of one symbol: a 1-minute random walk in log-price with volatility
 * regimes (calm ↔ turbulent) and trends that switch at random, so indicators see ranging,
 * trending and volatile stretches. Higher timeframes are aggregated from the 1m path, so every
 * timeframe tells the same story.
 *
 * Memory stays bounded however long the sim runs: minutes are generated in chunks, and only the
 * walk's state at the start of each chunk (five numbers) is kept, for the chunks within
 * `keepMinutes` of the newest minute (older minutes are forgotten, like minutes before the
 * first). A chunk's minutes are regenerated from its start state when read, bit for bit the
 * same; the two most recently read chunks stay cached (the newest ones are what the exchange
 * serves almost always). Per symbol that is ≈ 12 KB of cache and 40 bytes per kept chunk.
 */
import type { Candle } from "virtuoso/sdk"
import { makeRng } from "./rng.ts"

export const MINUTE = 60_000

/**
 * Minutes per chunk; chunks cached at once. What a poll reads almost always lies in the newest
 * minutes (the current book, the last minute's trades and candle), within the newest chunk or
 * across its start; longer reads (a 30m or 4h candle as it closes, the day of a ticker every few
 * minutes) regenerate older chunks, tens of µs each, rather than keep 6 KB per chunk per symbol.
 */
const CHUNK = 128
const CACHED_CHUNKS = 2

export interface PathOptions {
  readonly seed: number
  readonly startPrice: number
  /** Per-minute volatility of log-price in the calm regime. */
  readonly volatility: number
  /** Base volume per minute, in base units. */
  readonly baseVolume: number
  /** Open time of the first generated minute (aligned to a minute). */
  readonly origin: number
  /** Minutes kept readable behind the newest generated one. @default Infinity */
  readonly keepMinutes?: number
}

/** Columns of a chunk, each CHUNK long, in one Float64Array. */
const OPEN = 0
const HIGH = 1
const LOW = 2
const CLOSE = 3
const VOLUME = 4
/** Trend per minute, exposed so order books and flows lean the same way as price. */
const TREND = 5
const COLUMNS = 6
type Column = typeof OPEN | typeof HIGH | typeof LOW | typeof CLOSE | typeof VOLUME | typeof TREND

/** The walk's state at a chunk start: rng state, last price, drift, regime volatility, minutes left in the regime. */
const STATE = 5

/** The 1m candles of one symbol, generated on demand. */
export class PricePath {
  private readonly opts: PathOptions
  /** Chunks whose start state is kept: `keptChunks` of them, plus the one being generated. */
  private readonly keptChunks: number
  /** Start states of chunks `first`, `first + 1`, ...: STATE numbers each. */
  private starts: Float64Array
  /** Index of the oldest chunk whose start state is kept. */
  private first = 0
  /** Chunk start states held (`first` .. `first + held - 1`). */
  private held = 1
  /** Recently read chunks, least recently used first. */
  private readonly cache = new Map<number, Float64Array>()
  private count = 0

  constructor(options: PathOptions) {
    this.opts = options
    this.keptChunks = Math.ceil((options.keepMinutes ?? Number.POSITIVE_INFINITY) / CHUNK) + 1
    this.starts = new Float64Array(STATE * 64)
    this.starts.set([options.seed >>> 0, options.startPrice, 0, 1, 0])
  }

  get origin(): number {
    return this.opts.origin
  }

  /** Number of generated minutes. */
  get length(): number {
    return this.count
  }

  /** Index of the oldest minute still readable. */
  get oldest(): number {
    return Math.min(this.first * CHUNK, this.count)
  }

  /** Generates minutes until `minutes` exist (never shrinks); only chunk start states are kept. */
  ensure(minutes: number): void {
    if (minutes <= this.count) return
    // Every chunk start up to the last needed chunk: walking a whole chunk yields the next start.
    const lastChunk = Math.floor((minutes - 1) / CHUNK)
    while (this.first + this.held <= lastChunk) {
      const k = this.first + this.held - 1
      this.keepStart(this.generate(k, this.remember(k)))
    }
    this.count = minutes
  }

  /** Appends the next chunk's start state, forgetting the oldest beyond `keptChunks`. */
  private keepStart(state: Float64Array): void {
    if (this.held >= this.keptChunks) {
      const drop = this.held - this.keptChunks + 1
      for (const k of this.cache.keys()) if (k < this.first + drop) this.cache.delete(k)
      this.starts.copyWithin(0, drop * STATE, this.held * STATE)
      this.first += drop
      this.held -= drop
    }
    if ((this.held + 1) * STATE > this.starts.length) {
      const grown = new Float64Array(Math.min(this.starts.length * 2, (this.keptChunks + 1) * STATE))
      grown.set(this.starts)
      this.starts = grown
    }
    this.starts.set(state, this.held * STATE)
    this.held++
  }

  /** Fills `chunk` with chunk k's minutes from its start state; returns the state after it. */
  private generate(k: number, chunk: Float64Array): Float64Array {
    const { opts } = this
    const at = (k - this.first) * STATE
    const rng = makeRng(this.starts[at]!)
    let last = this.starts[at + 1]!
    let drift = this.starts[at + 2]!
    let regimeVol = this.starts[at + 3]!
    let regimeLeft = this.starts[at + 4]!
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
      chunk[OPEN * CHUNK + j] = open
      chunk[CLOSE * CHUNK + j] = price
      chunk[HIGH * CHUNK + j] = high * (1 + rng.next() * sigma * 0.2)
      chunk[LOW * CHUNK + j] = low * (1 - rng.next() * sigma * 0.2)
      chunk[VOLUME * CHUNK + j] = opts.baseVolume * Math.exp(0.4 * rng.gaussian()) * (0.6 + 0.8 * move) * regimeVol
      chunk[TREND * CHUNK + j] = drift / opts.volatility
      last = price
    }
    return Float64Array.of(rng.state(), last, drift, regimeVol, regimeLeft)
  }

  /** A cache slot for chunk k (evicting the least recently used), not yet filled. */
  private remember(k: number): Float64Array {
    let chunk: Float64Array | undefined
    if (this.cache.size >= CACHED_CHUNKS) {
      const [oldest, evicted] = this.cache.entries().next().value!
      this.cache.delete(oldest)
      chunk = evicted
    }
    chunk ??= new Float64Array(COLUMNS * CHUNK)
    this.cache.set(k, chunk)
    return chunk
  }

  /** Chunk k's minutes, regenerated from its start state when not cached. */
  private chunk(k: number): Float64Array {
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

  private readable(i: number): boolean {
    return i >= this.first * CHUNK && i < this.count
  }

  /** Column value of minute i; NaN outside the readable range. */
  private at(column: Column, i: number): number {
    if (!this.readable(i)) return Number.NaN
    return this.chunk(Math.floor(i / CHUNK))[column * CHUNK + (i % CHUNK)]!
  }

  minuteCandle(i: number): Candle {
    const time = this.opts.origin + i * MINUTE
    if (!this.readable(i)) {
      return { time, open: Number.NaN, high: Number.NaN, low: Number.NaN, close: Number.NaN, volume: Number.NaN }
    }
    const c = this.chunk(Math.floor(i / CHUNK))
    const j = i % CHUNK
    return {
      time,
      open: c[OPEN * CHUNK + j]!,
      high: c[HIGH * CHUNK + j]!,
      low: c[LOW * CHUNK + j]!,
      close: c[CLOSE * CHUNK + j]!,
      volume: c[VOLUME * CHUNK + j]!,
    }
  }

  /** Trend of minute `i`, in units of volatility (negative = falling); 0 outside the path. */
  trendAt(i: number): number {
    return this.readable(i) ? this.at(TREND, i) : 0
  }

  closeAt(i: number): number {
    return this.at(CLOSE, i)
  }

  volumeAt(i: number): number {
    return this.at(VOLUME, i)
  }

  /**
   * The candle of `stepMs` starting at `time`, aggregated from the readable minutes in
   * [from, to) (`to` exclusive, clamped to generated minutes).
   */
  aggregate(time: number, stepMs: number, untilMinute: number): Candle | undefined {
    const from = Math.max(this.first * CHUNK, Math.floor((time - this.opts.origin) / MINUTE))
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
        if (c[HIGH * CHUNK + j]! > high) high = c[HIGH * CHUNK + j]!
        if (c[LOW * CHUNK + j]! < low) low = c[LOW * CHUNK + j]!
        volume += c[VOLUME * CHUNK + j]!
      }
    }
    return { time, open: this.at(OPEN, from), high, low, close: this.at(CLOSE, to - 1), volume }
  }
}
