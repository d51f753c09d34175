/**
 * @module What Binance's spot API counts against its 6,000 weight/min IP limit, per request, and
 * a meter over real time. Weights as Binance documents them for `/api/v3` (the figures ccxt's
 * binance definition encodes as cost × 5): klines 2, depth by limit (≤100: 5, ≤500: 25,
 * ≤1000: 50, more: 250), aggTrades 2, ticker/24hr 2 for one symbol and 80 for all, exchangeInfo
 * 20, time 1. The server answers with `x-mbx-used-weight-1m` like Binance does.
 */

export const BINANCE_SPOT_LIMIT_PER_MIN = 6_000

export const binanceSpotWeight = (path: string, query: URLSearchParams): number => {
  const endpoint = path.replace(/^\/api\/v3\//, "")
  switch (endpoint) {
    case "klines":
    case "aggTrades":
      return 2
    case "depth": {
      const limit = Number(query.get("limit") ?? 100)
      return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250
    }
    case "ticker/24hr":
      return query.has("symbol") ? 2 : 80
    case "exchangeInfo":
      return 20
    default:
      return 1
  }
}

/** Spot weight used, by real arrival time. */
export class WeightMeter {
  private readonly entries: Array<{ readonly at: number; readonly weight: number }> = []

  add(at: number, weight: number): void {
    this.entries.push({ at, weight })
    if (this.entries.length > 200_000) this.entries.splice(0, 50_000)
  }

  /** Weight of the requests that arrived in (now - windowMs, now]. */
  usedInLast(windowMs: number, now: number): number {
    let sum = 0
    for (let i = this.entries.length - 1; i >= 0 && this.entries[i]!.at > now - windowMs; i--)
      sum += this.entries[i]!.weight
    return sum
  }

  /** The most weight any window of `windowMs` saw (windows starting at each arrival). */
  maxInAnyWindow(windowMs: number): number {
    let max = 0
    let sum = 0
    let start = 0
    for (let end = 0; end < this.entries.length; end++) {
      sum += this.entries[end]!.weight
      while (this.entries[end]!.at - this.entries[start]!.at >= windowMs) sum -= this.entries[start++]!.weight
      max = Math.max(max, sum)
    }
    return max
  }

  get total(): number {
    return this.entries.reduce((s, e) => s + e.weight, 0)
  }
}
