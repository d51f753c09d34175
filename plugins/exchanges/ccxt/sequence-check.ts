/**
 * @module Order book sequence check for exchanges whose ccxt.pro handler applies deltas blind.
 *
 * ccxt 4.5.84 checks Binance's `U`/`u` (and re-fetches the snapshot) and OKX's `prevSeqId`, but
 * applies Bybit's deltas without looking at `u`, which counts a topic's messages one by one: a
 * lost message leaves a wrong book that ccxt keeps serving. Here each Bybit book message is checked
 * against the last `u` of its topic; on a jump the book is dropped, the topic unsubscribed, the
 * pending watch rejected with ccxt's `InvalidNonce` (as ccxt does for Binance and OKX), and deltas
 * are ignored until a snapshot arrives, which the next watch's subscribe brings.
 */

export interface SequenceCounters {
  /** Book messages that did not follow the previous one: books dropped and resubscribed. */
  sequenceGaps: number
}

interface BookClient {
  url: string
  subscriptions: Record<string, unknown>
  send: (message: unknown) => Promise<unknown>
  reject: (error: unknown, messageHash: string) => void
}

interface HookableBookExchange {
  id: string
  orderbooks: Record<string, unknown>
  handleOrderBook: (client: BookClient, message: any) => unknown
  safeMarket: (id: string, market?: unknown, delimiter?: unknown, type?: string) => { symbol: string }
}

/** Exchanges whose ccxt handler needs the check (the others verify their sequences themselves). */
export const needsSequenceCheck = (exchangeId: string): boolean => exchangeId === "bybit"

export const installSequenceCheck = (
  exchange: HookableBookExchange,
  InvalidNonce: new (message: string) => Error,
  counters: SequenceCounters,
): void => {
  /** Last `u` per "<url>|<topic>"; absent = waiting for a snapshot. */
  const last = new Map<string, number>()
  const handle = exchange.handleOrderBook.bind(exchange)
  exchange.handleOrderBook = (client, message) => {
    const u = message?.data?.u
    const topic = message?.topic
    if (typeof u !== "number" || typeof topic !== "string") return handle(client, message)
    const key = `${client.url}|${topic}`
    if (message.type === "snapshot") {
      last.set(key, u)
      return handle(client, message)
    }
    const previous = last.get(key)
    if (previous === undefined) return undefined // a delta before its snapshot: nothing to apply it to
    if (u === previous + 1) {
      last.set(key, u)
      return handle(client, message)
    }
    counters.sequenceGaps++
    last.delete(key)
    const market = exchange.safeMarket(
      String(message.data.s),
      undefined,
      undefined,
      client.url.includes("spot") ? "spot" : "contract",
    )
    const hash = `orderbook:${market.symbol}`
    delete exchange.orderbooks[market.symbol]
    delete client.subscriptions[hash]
    // Unsubscribe now, so the next watch's subscribe starts the topic over with a snapshot.
    client.send({ op: "unsubscribe", args: [topic] }).catch(() => undefined)
    client.reject(new InvalidNonce(`${exchange.id} ${topic}: update ${u} after ${previous}, book resynced`), hash)
    return undefined
  }
}
