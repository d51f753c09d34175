/**
 * @module A batch of trades that need not be trade objects, and a `market.trades` payload over one
 * whose objects are made only when something reads them.
 *
 * A replay reads hundreds of trades per symbol-minute from the store, and what Analysis keeps of
 * them is a tape of typed columns the order-flow plugins read. So a stored batch goes out as its
 * packed bytes (`TradeBatch`), and Analysis appends it to its tape straight from them
 * (`appendTo`): no trade object and no id string per trade. An id is kept as it came (`TradeRef`):
 * a number for a numeric id (its decimal text is the id), a string, the trade object itself when
 * the trade arrived as one (a reader of the objects gets that very object back), or the batch's
 * id reader with the trade's place in the batch (its ids decoded only if one is read).
 */
import type { Trade } from "./market-schema.ts"

/** The ids of a stored batch, decoded when first read; `id(k)` is the k-th trade's. */
export interface LazyIds {
  readonly id: (k: number) => string
}

/** A trade's id as a tape keeps it (see the module note); a `LazyIds` goes with the trade's place. */
export type TradeRef = Trade | string | number | LazyIds

/** The id `ref` (at place `at` of its batch) stands for: its text, or the number its text is. */
export const idOf = (ref: TradeRef, at: number): string | number =>
  typeof ref !== "object" ? ref : "time" in ref ? ref.id : ref.id(at)

/** What trades are appended to: a tape (Analysis's, a worker's), or a list of objects. */
export interface TradeSink {
  /** Makes room for `n` more trades. */
  readonly reserve: (n: number) => void
  /** Appends one trade; `buy` is 1 when the taker bought, else 0. */
  readonly push: (ref: TradeRef, at: number, time: number, price: number, amount: number, buy: number) => void
}

export interface TradeBatch {
  readonly length: number
  /** The newest trade time (-Infinity with no trades). */
  readonly newest: number
  /** Appends the trades, oldest first, to `sink`. */
  readonly appendTo: (sink: TradeSink) => void
}

/** Trade `ref` as an object: the one it arrived as, else made from its values. */
export const tradeOf = (ref: TradeRef, at: number, time: number, price: number, amount: number, buy: number): Trade =>
  typeof ref === "object" && "time" in ref
    ? ref
    : { id: String(idOf(ref, at)), time, price, amount, side: buy === 1 ? "buy" : "sell" }

const newestOf = (trades: ReadonlyArray<Trade>): number => {
  let newest = -Infinity
  for (let i = 0; i < trades.length; i++) if (trades[i]!.time > newest) newest = trades[i]!.time
  return newest
}

/** Appends trade objects to `sink` (each kept as its own ref). */
export const appendTrades = (sink: TradeSink, trades: ReadonlyArray<Trade>): void => {
  sink.reserve(trades.length)
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!
    sink.push(t, 0, t.time, t.price, t.amount, t.side === "buy" ? 1 : 0)
  }
}

/**
 * Batches and arrays of trade objects merged into one batch, in order (nothing copied). A part
 * may still grow while the list is made (a store's run of a block's batches): count and newest
 * are read from the parts when asked.
 */
export class TradeList implements TradeBatch {
  private readonly parts: Array<TradeBatch | ReadonlyArray<Trade>> = []

  add(part: TradeBatch | ReadonlyArray<Trade>): void {
    this.parts.push(part)
  }

  get length(): number {
    let n = 0
    for (const part of this.parts) n += part.length
    return n
  }

  get newest(): number {
    let newest = -Infinity
    for (const part of this.parts) {
      const t = Array.isArray(part) ? newestOf(part) : (part as TradeBatch).newest
      if (t > newest) newest = t
    }
    return newest
  }

  appendTo(sink: TradeSink): void {
    sink.reserve(this.length)
    for (const part of this.parts)
      if (Array.isArray(part)) appendTrades(sink, part)
      else (part as TradeBatch).appendTo(sink)
  }
}

/** The trades of a batch as objects, oldest first. */
const tradesOfBatch = (batch: TradeBatch): Array<Trade> => {
  const out: Array<Trade> = []
  batch.appendTo({
    reserve: () => {},
    push: (ref, at, time, price, amount, buy) => void out.push(tradeOf(ref, at, time, price, amount, buy)),
  })
  return out
}

const BATCH = Symbol("virtuoso/market-schema/trade-batch")

export interface TradesPayload {
  readonly symbol: string
  readonly exchange?: string
  readonly trades: ReadonlyArray<Trade>
}

/**
 * A `market.trades` payload over `batch`: `trades` is made from it when first read (an own
 * enumerable accessor, so spreads and JSON see the trades), and `tradeBatchOf` hands the batch to
 * a reader that appends it as it is.
 */
export const batchPayload = (symbol: string, exchange: string | undefined, batch: TradeBatch): TradesPayload => {
  let made: ReadonlyArray<Trade> | undefined
  const payload =
    exchange === undefined
      ? {
          symbol,
          get trades() {
            return (made ??= tradesOfBatch(batch))
          },
        }
      : {
          symbol,
          exchange,
          get trades() {
            return (made ??= tradesOfBatch(batch))
          },
        }
  Object.defineProperty(payload, BATCH, { value: batch })
  return payload
}

/** The batch a `batchPayload` was made over (undefined for any other payload). */
export const tradeBatchOf = (payload: object): TradeBatch | undefined =>
  (payload as { readonly [BATCH]?: TradeBatch })[BATCH]
