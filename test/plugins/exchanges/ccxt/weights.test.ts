/**
 * Request weights come from ccxt's own endpoint definitions: every endpoint the table names
 * exists in ccxt's API of that exchange, and the costs are what the exchanges document (Binance
 * weight = ccxt cost × 5 on the spot API).
 */
import { describe, expect, test } from "bun:test"
import ccxt from "ccxt"
import { createCcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import { ENDPOINTS } from "../../../../plugins/exchanges/ccxt/weights.ts"

const adapter = (id: string) => createCcxtAdapter({ id, websocket: false })

describe("requestCost", () => {
  test("Binance: ticker/24hr for every symbol weighs 80, one symbol 2; depth by limit; klines 2", async () => {
    const a = adapter("binance")
    const weight = (op: string, args?: { limit?: number; allSymbols?: boolean }) =>
      Math.round(a.requestCost!(op, args) * 5)
    expect(weight("fetchTickers", { allSymbols: true })).toBe(80)
    expect(weight("fetchTicker")).toBe(2)
    expect(weight("fetchOrderBook", { limit: 50 })).toBe(5)
    expect(weight("fetchOrderBook", { limit: 500 })).toBe(25)
    expect(weight("fetchOrderBook", { limit: 1000 })).toBe(50)
    expect(weight("fetchOHLCV", { limit: 1000 })).toBe(2)
    expect(weight("fetchTime")).toBe(1)
    // the limit: 1,200 ccxt cost units a minute = 6,000 weight; the default budget takes 90 %
    expect(a.exchange.rateLimit).toBe(50)
    expect(a.rateBudget).toEqual({ capacity: 20, perSecond: 18 })
    await a.close()
  })

  test("Bybit and OKX: ccxt's per-endpoint costs", async () => {
    const bybit = adapter("bybit")
    expect(bybit.requestCost!("fetchOHLCV")).toBe(5)
    expect(bybit.requestCost!("fetchTickers", { allSymbols: true })).toBe(5)
    expect(bybit.rateBudget).toEqual({ capacity: 50, perSecond: 45 })
    const okx = adapter("okx")
    expect(okx.requestCost!("fetchOHLCV")).toBe(0.5)
    expect(okx.requestCost!("fetchTrades")).toBe(0.2)
    // OKX counts per 2 s: the steady rate spends 90 % of a window, the burst is the 10 % left
    expect(okx.rateBudget?.capacity).toBe(1)
    expect(okx.rateBudget?.perSecond).toBeCloseTo((0.9 * 1000) / okx.exchange.rateLimit!, 9)
    // OKX serves 300 candles a request: a deeper one is several requests, each charged
    expect(okx.requestCost!("fetchOHLCV", { limit: 300 })).toBe(0.5)
    expect(okx.requestCost!("fetchOHLCV", { limit: 301 })).toBe(1)
    expect(okx.requestCost!("fetchOHLCV", { limit: 1001 })).toBe(2)
    await Promise.all([bybit.close(), okx.close()])
  })

  test("Bybit and OKX: no endpoint is called faster than the exchange allows, burst included", async () => {
    // Documented public limits, requests per second. OKX limits each endpoint ("40 requests per 2
    // seconds" for candles and books, 100 for trades, 20 for tickers, funding and open interest,
    // 10 for time, 5 for the long/short ratio); Bybit limits the IP (600 requests per 5 s).
    const limits: Record<string, Record<string, number>> = {
      okx: {
        fetchOHLCV: 20,
        fetchOrderBook: 20,
        fetchTrades: 50,
        fetchTicker: 10,
        fetchTickers: 10,
        fetchTime: 5,
        fetchFundingRate: 10,
        fetchOpenInterest: 10,
        fetchLongShortRatio: 2.5,
      },
      bybit: Object.fromEntries(Object.keys(ENDPOINTS.bybit!).map((op) => [op, 120])),
    }
    const windowSeconds: Record<string, number> = { okx: 2, bybit: 5 }
    for (const [id, perEndpoint] of Object.entries(limits)) {
      const a = adapter(id)
      const { capacity, perSecond } = a.rateBudget!
      const w = windowSeconds[id]!
      for (const [op, allowed] of Object.entries(perEndpoint)) {
        // one endpoint alone gets the whole budget: the worst case for that endpoint's own limit,
        // steadily and in the exchange's window right after a full burst
        const cost = a.requestCost!(op, { allSymbols: true })
        const rate = perSecond / cost
        const inWindow = (capacity + perSecond * w) / cost
        expect({ id, op, within: rate <= allowed, inWindow: inWindow <= allowed * w }).toEqual({
          id,
          op,
          within: true,
          inWindow: true,
        })
      }
      await a.close()
    }
  })

  test("every endpoint in the table exists in ccxt's API definition of that exchange", () => {
    for (const [id, endpoints] of Object.entries(ENDPOINTS)) {
      const ex = new (ccxt as any)[id]()
      for (const [op, [api, path]] of Object.entries(endpoints)) {
        expect({ id, op, defined: ex.api?.[api]?.get?.[path] !== undefined }).toEqual({ id, op, defined: true })
      }
    }
  })
})

describe("unknown exchanges and methods", () => {
  test("cost 1", async () => {
    const a = adapter("kraken")
    expect(a.requestCost!("fetchOHLCV")).toBe(1)
    expect(adapter("binance").requestCost!("fetchSomethingElse")).toBe(1)
    await a.close()
  })
})
