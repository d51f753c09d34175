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
    await Promise.all([bybit.close(), okx.close()])
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
