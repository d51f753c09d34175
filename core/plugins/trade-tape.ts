/**
 * @module A symbol's trade tape as typed columns: what Analysis keeps per symbol and the plugin
 * workers keep a copy of, read by the order-flow plugins as `ctx.tape`.
 *
 * Trades are appended at the end (as objects from a live feed, or straight from a stored batch's
 * bytes, no object made) and dropped at the front; with each trade's amount also kept split by side
 * (`buyAmount` is the amount of a taker buy, 0 for a sell) a sum over the tape adds every trade
 * instead of branching on a side that flips at random. `ctx.trades` is the tape as trade objects
 * for plugins that read those: made when first read and kept until the tape changes, the objects
 * of trades still on the tape reused (a trade that arrived as an object is that object).
 *
 * `appended` and `dropped` count every trade ever appended and dropped, so a copy of the tape
 * (a plugin worker's) knows from two such pairs what to drop and append to catch up.
 */
import {
  appendTrades,
  type Trade,
  type TradeBatch,
  tradeOf,
  type TradeRef,
  type TradeSink,
} from "../market-schema/index.ts"
import type { TapeColumns } from "./scoring/tape.ts"

const MIN_CAPACITY = 64

export class TradeTape implements TapeColumns, TradeSink {
  length = 0
  time: Float64Array
  price: Float64Array
  amount: Float64Array
  buy: Int8Array
  buyAmount: Float64Array
  sellAmount: Float64Array
  readonly refs: Array<TradeRef> = []
  /** Each trade's place in its batch (what a `LazyIds` ref reads its id by). */
  refAt: Int32Array
  /** Trades ever appended / dropped from the front: the trade appended k-th sits at `k - dropped`. */
  appended = 0
  dropped = 0
  /** The objects of the tape as `trades()` last made them, and the tape they were made of. */
  private made: ReadonlyArray<Trade> | undefined = undefined
  private madeDropped = 0
  private madeAppended = 0

  /**
   * `capacity`: the trades it has room for before it grows. A tape that keeps up to a limit
   * should start with room for the limit and a batch beyond it: growing step by step allocates
   * and copies every column each time, and a typed array of this size is costly to allocate.
   */
  constructor(capacity = MIN_CAPACITY) {
    const n = Math.max(1, capacity)
    this.time = new Float64Array(n)
    this.price = new Float64Array(n)
    this.amount = new Float64Array(n)
    this.buy = new Int8Array(n)
    this.buyAmount = new Float64Array(n)
    this.sellAmount = new Float64Array(n)
    this.refAt = new Int32Array(n)
  }

  reserve(n: number): void {
    const need = this.length + n
    if (need <= this.time.length) return
    // Whole arrays copied: a view of the used part costs more than the copy.
    const cap = Math.max(need, this.time.length * 2)
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap)
      b.set(a)
      return b
    }
    this.time = f64(this.time)
    this.price = f64(this.price)
    this.amount = f64(this.amount)
    this.buyAmount = f64(this.buyAmount)
    this.sellAmount = f64(this.sellAmount)
    const buy = new Int8Array(cap)
    buy.set(this.buy)
    this.buy = buy
    const refAt = new Int32Array(cap)
    refAt.set(this.refAt)
    this.refAt = refAt
  }

  /** Appends one trade (room made by `reserve`); `buy` is 1 when the taker bought, else 0. */
  push(ref: TradeRef, at: number, time: number, price: number, amount: number, buy: number): void {
    const i = this.length
    this.time[i] = time
    this.price[i] = price
    this.amount[i] = amount
    this.buy[i] = buy
    this.buyAmount[i] = buy === 1 ? amount : 0
    this.sellAmount[i] = buy === 1 ? 0 : amount
    this.refs.push(ref)
    this.refAt[i] = at
    this.length = i + 1
    this.appended++
  }

  /** Appends trade objects (oldest first). */
  appendTrades(trades: ReadonlyArray<Trade>): void {
    appendTrades(this, trades)
  }

  /** Appends a batch (oldest first). */
  appendBatch(batch: TradeBatch): void {
    batch.appendTo(this)
  }

  /** Drops the `n` oldest trades. */
  dropFront(n: number): void {
    const k = Math.min(n, this.length)
    if (k <= 0) return
    const len = this.length
    this.time.copyWithin(0, k, len)
    this.price.copyWithin(0, k, len)
    this.amount.copyWithin(0, k, len)
    this.buy.copyWithin(0, k, len)
    this.buyAmount.copyWithin(0, k, len)
    this.sellAmount.copyWithin(0, k, len)
    this.refAt.copyWithin(0, k, len)
    this.refs.splice(0, k)
    this.length = len - k
    this.dropped += k
  }

  /** Trade `i` (0 = oldest) as an object: the one it arrived as, else made from the columns. */
  trade(i: number): Trade {
    return tradeOf(this.refs[i]!, this.refAt[i]!, this.time[i]!, this.price[i]!, this.amount[i]!, this.buy[i]!)
  }

  /**
   * The tape as trade objects, oldest first: one array per state of the tape (never changed once
   * made), the objects of trades that stayed on the tape reused from the last one.
   */
  trades(): ReadonlyArray<Trade> {
    const { dropped, appended } = this
    const made = this.made
    if (made !== undefined && this.madeDropped === dropped && this.madeAppended === appended) return made
    let out: Array<Trade>
    let k: number
    if (made !== undefined && dropped >= this.madeDropped && dropped <= this.madeAppended) {
      out = made.slice(dropped - this.madeDropped)
      k = this.madeAppended
    } else {
      out = []
      k = dropped
    }
    for (; k < appended; k++) out.push(this.trade(k - dropped))
    this.made = out
    this.madeDropped = dropped
    this.madeAppended = appended
    return out
  }
}

/** A tape of `trades` (a context made by a caller that passes trade objects, not a tape). */
export const tapeOf = (trades: ReadonlyArray<Trade>): TradeTape => {
  const tape = new TradeTape()
  tape.appendTrades(trades)
  return tape
}
