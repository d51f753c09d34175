/**
 * @module Deterministic market generator behind the local exchange server.
 *
 * Prices are a pure function of (symbol, time), so any candle can be asked for again and comes out
 * the same: REST backfill after a websocket gap returns exactly the candles the socket skipped.
 * The server's clock (`now`) is explicit and only moves when a test (or the auto-ticker) moves it.
 */

export interface SymbolState {
  /** Exchange id, e.g. "BTCUSDT". */
  readonly id: string
  readonly base: string
  readonly quote: string
  /** Reference price the walk oscillates around. */
  readonly basePrice: number
  /** 24h turnover in quote currency, reported by the ticker endpoints (tests change it). */
  turnover: number
}

export interface Kline {
  readonly openTime: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
  readonly closed: boolean
}

export interface BookState {
  lastUpdateId: number
  bids: Array<[number, number]>
  asks: Array<[number, number]>
}

export interface GeneratedTrade {
  readonly id: number
  readonly time: number
  readonly price: number
  readonly amount: number
  /** true = buyer was the maker, i.e. the aggressor sold (binance "m"). */
  readonly buyerMaker: boolean
}

export interface GeneratedLiquidation {
  readonly time: number
  readonly price: number
  /** Base-currency size of the forced order. */
  readonly amount: number
  /** The forced order's side: "sell" closes a long, "buy" closes a short. */
  readonly side: "buy" | "sell"
}

/** 32-bit integer hash → [0, 1); stands in for randomness without any global state. */
export const hash01 = (...parts: ReadonlyArray<number | string>): number => {
  let h = 2166136261
  for (const part of parts) {
    const s = String(part)
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i)
      h = Math.imul(h, 16777619)
    }
    h ^= 0x9e3779b9
  }
  h ^= h >>> 13
  h = Math.imul(h, 0x5bd1e995)
  h ^= h >>> 15
  return (h >>> 0) / 4294967296
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits))

export class GeneratedMarket {
  now: number
  readonly symbols = new Map<string, SymbolState>()
  readonly books = new Map<string, BookState>()
  private readonly tradeLog = new Map<string, Array<GeneratedTrade>>()
  /** Every liquidation generated, newest last (bounded), so tests can compare what clients parsed. */
  readonly liquidationLog: Array<GeneratedLiquidation & { readonly id: string }> = []
  private tradeId = 1000

  constructor(now: number) {
    this.now = now
  }

  addSymbol(spec: { id: string; base: string; quote: string; basePrice?: number; turnover?: number }): SymbolState {
    const state: SymbolState = {
      id: spec.id,
      base: spec.base,
      quote: spec.quote,
      basePrice: spec.basePrice ?? 10 + 1000 * hash01(spec.id, "price"),
      turnover: spec.turnover ?? 5_000_000,
    }
    this.symbols.set(spec.id, state)
    return state
  }

  symbol(id: string): SymbolState | undefined {
    return this.symbols.get(id)
  }

  /** Price at an instant: a slow daily wave plus a per-minute wiggle, never negative. */
  priceAt(id: string, time: number): number {
    const s = this.symbols.get(id)
    const base = s?.basePrice ?? 100
    const minute = Math.floor(time / 60_000)
    const wave = 0.02 * Math.sin((time / 86_400_000) * 2 * Math.PI)
    const wiggle = 0.004 * (hash01(id, minute) - 0.5)
    return round(base * (1 + wave + wiggle), 4)
  }

  /** The candle opening at `openTime`; the one containing `now` is open and reflects `now`. */
  kline(id: string, tfMs: number, openTime: number): Kline {
    const end = openTime + tfMs
    const closed = end <= this.now
    const open = this.priceAt(id, openTime)
    const close = this.priceAt(id, closed ? end - 1 : this.now)
    const spread = Math.max(open, close) * 0.001
    const high = round(Math.max(open, close) + spread * hash01(id, openTime, tfMs, "h"), 4)
    const low = round(Math.min(open, close) - spread * hash01(id, openTime, tfMs, "l"), 4)
    const fullVolume = (tfMs / 60_000) * (5 + 20 * hash01(id, openTime, tfMs, "v"))
    const volume = round(closed ? fullVolume : fullVolume * ((this.now - openTime) / tfMs), 6)
    return { openTime, open, high, low, close, volume, closed }
  }

  /** Candles in [start, end] by open time, at most `limit`, never beyond the open one. */
  klines(id: string, tfMs: number, opts: { start?: number; end?: number; limit?: number }): Array<Kline> {
    const limit = Math.max(1, Math.min(opts.limit ?? 500, 1000))
    const current = Math.floor(this.now / tfMs) * tfMs
    const last = Math.min(current, opts.end !== undefined ? Math.floor(opts.end / tfMs) * tfMs : current)
    let first = opts.start !== undefined ? Math.ceil(opts.start / tfMs) * tfMs : last - (limit - 1) * tfMs
    if (opts.start === undefined) first = Math.max(first, last - (limit - 1) * tfMs)
    const out: Array<Kline> = []
    for (let t = first; t <= last && out.length < limit; t += tfMs) out.push(this.kline(id, tfMs, t))
    return out
  }

  book(id: string): BookState {
    let book = this.books.get(id)
    if (!book) {
      book = { lastUpdateId: 1000, bids: [], asks: [] }
      this.refillBook(id, book)
      this.books.set(id, book)
    }
    return book
  }

  /** Rebuild the book around the current price; returns the changed levels as a diff. */
  stepBook(id: string): { U: number; u: number; bids: Array<[number, number]>; asks: Array<[number, number]> } {
    const book = this.book(id)
    const first = book.lastUpdateId + 1
    const before = { bids: new Map(book.bids), asks: new Map(book.asks) }
    book.lastUpdateId += 1 + Math.floor(3 * hash01(id, book.lastUpdateId))
    this.refillBook(id, book)
    const diff = (prev: Map<number, number>, next: Array<[number, number]>) => {
      const out: Array<[number, number]> = []
      const nextMap = new Map(next)
      for (const [p, q] of next) if (prev.get(p) !== q) out.push([p, q])
      for (const p of prev.keys()) if (!nextMap.has(p)) out.push([p, 0])
      return out
    }
    return { U: first, u: book.lastUpdateId, bids: diff(before.bids, book.bids), asks: diff(before.asks, book.asks) }
  }

  private refillBook(id: string, book: BookState): void {
    const mid = this.priceAt(id, this.now)
    const tick = Math.max(0.01, round(mid * 0.0001, 4))
    book.bids = []
    book.asks = []
    for (let i = 0; i < 100; i++) {
      book.bids.push([round(mid - tick * (i + 1), 4), round(0.1 + 5 * hash01(id, book.lastUpdateId, "b", i), 5)])
      book.asks.push([round(mid + tick * (i + 1), 4), round(0.1 + 5 * hash01(id, book.lastUpdateId, "a", i), 5)])
    }
  }

  /** Append `count` trades at the current time and return them. */
  makeTrades(id: string, count: number): Array<GeneratedTrade> {
    const log = this.tradeLog.get(id) ?? []
    const out: Array<GeneratedTrade> = []
    for (let i = 0; i < count; i++) {
      const tradeId = this.tradeId++
      const trade: GeneratedTrade = {
        id: tradeId,
        time: this.now,
        price: this.priceAt(id, this.now),
        amount: round(0.001 + hash01(id, tradeId, "q"), 5),
        buyerMaker: hash01(id, tradeId, "m") < 0.5,
      }
      log.push(trade)
      out.push(trade)
    }
    // bounded: the server is long-lived in end-to-end runs
    if (log.length > 2000) log.splice(0, log.length - 2000)
    this.tradeLog.set(id, log)
    return out
  }

  /** One forced (liquidation) order at the current time, a little through the price. */
  makeLiquidation(id: string): GeneratedLiquidation {
    const n = this.tradeId++
    const side = hash01(id, n, "liq") < 0.5 ? "sell" : "buy"
    const price = this.priceAt(id, this.now)
    const liquidation: GeneratedLiquidation = {
      time: this.now,
      price: round(side === "sell" ? price * 0.998 : price * 1.002, 4),
      amount: round(0.01 + 2 * hash01(id, n, "liq-q"), 4),
      side,
    }
    this.liquidationLog.push({ id, ...liquidation })
    if (this.liquidationLog.length > 2000) this.liquidationLog.splice(0, 1000)
    return liquidation
  }

  recentTrades(id: string, limit: number): Array<GeneratedTrade> {
    if (!this.tradeLog.has(id)) this.makeTrades(id, 20)
    const log = this.tradeLog.get(id)!
    return log.slice(-Math.max(1, limit))
  }

  /** 24h ticker numbers for a symbol at `now`. */
  ticker(id: string) {
    const s = this.symbols.get(id)!
    const last = this.priceAt(id, this.now)
    const open = this.priceAt(id, this.now - 86_400_000)
    const book = this.book(id)
    return {
      last,
      open,
      high: round(Math.max(last, open) * 1.01, 4),
      low: round(Math.min(last, open) * 0.99, 4),
      bid: book.bids[0]![0],
      ask: book.asks[0]![0],
      quoteVolume: s.turnover,
      baseVolume: round(s.turnover / last, 4),
      change: round(last - open, 4),
      percentage: round(((last - open) / open) * 100, 3),
    }
  }
}
