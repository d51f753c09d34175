import { describe, expect, test } from "bun:test"
import sim from "../../../../plugins/exchanges/sim/index.ts"

const START = 1_700_000_000_000

const makeSim = async (seed = 42) => {
  const clock = { now: START }
  const exchange = await sim.create({ seed, speed: 1, historyMinutes: 50_000, now: () => clock.now })
  return { exchange, clock }
}

describe("sim exchange", () => {
  test("the same seed gives the same market; another seed another", async () => {
    const a = await makeSim(42)
    const b = await makeSim(42)
    const c = await makeSim(43)
    const candlesA = await a.exchange.fetchOHLCV("BTC/USDT", "5m", undefined, 300)
    expect(await b.exchange.fetchOHLCV("BTC/USDT", "5m", undefined, 300)).toEqual(candlesA)
    expect(await c.exchange.fetchOHLCV("BTC/USDT", "5m", undefined, 300)).not.toEqual(candlesA)
  })

  test("candles are well-formed, contiguous and aligned to the timeframe", async () => {
    const { exchange } = await makeSim()
    for (const [tf, step] of [
      ["1m", 60_000],
      ["30m", 1_800_000],
      ["4h", 14_400_000],
    ] as const) {
      const candles = await exchange.fetchOHLCV("ETH/USDT", tf, undefined, 200)
      expect(candles.length).toBe(200)
      for (let i = 0; i < candles.length; i++) {
        const c = candles[i]!
        expect(c.time % step).toBe(0)
        expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close))
        expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close))
        expect(c.volume).toBeGreaterThan(0)
        if (i > 0) expect(c.time - candles[i - 1]!.time).toBe(step)
      }
    }
  })

  test("higher timeframes aggregate the 1m path", async () => {
    const { exchange } = await makeSim()
    const fives = await exchange.fetchOHLCV("SOL/USDT", "5m", undefined, 10)
    const target = fives[3]!
    const ones = await exchange.fetchOHLCV("SOL/USDT", "1m", target.time, 5)
    expect(ones.map((c) => c.time)).toEqual([0, 1, 2, 3, 4].map((k) => target.time + k * 60_000))
    expect(target.open).toBe(ones[0]!.open)
    expect(target.close).toBe(ones[4]!.close)
    expect(target.high).toBe(Math.max(...ones.map((c) => c.high)))
    expect(target.low).toBe(Math.min(...ones.map((c) => c.low)))
    expect(target.volume).toBeCloseTo(
      ones.reduce((s, c) => s + c.volume, 0),
      9,
    )
  })

  test("time runs `speed` candles per second: one second of wall time closes one 1m candle", async () => {
    const { exchange, clock } = await makeSim()
    const before = await exchange.fetchOHLCV("BTC/USDT", "1m", undefined, 3)
    clock.now += 1000
    const after = await exchange.fetchOHLCV("BTC/USDT", "1m", undefined, 3)
    expect(after.at(-1)!.time - before.at(-1)!.time).toBe(60_000)
  })

  test("order book: 50 levels, bids below asks, best first", async () => {
    const { exchange } = await makeSim()
    const book = await exchange.fetchOrderBook("BTC/USDT", 50)
    expect(book.bids.length).toBe(50)
    expect(book.asks.length).toBe(50)
    expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0])
    for (let i = 1; i < 50; i++) {
      expect(book.bids[i]![0]).toBeLessThan(book.bids[i - 1]![0])
      expect(book.asks[i]![0]).toBeGreaterThan(book.asks[i - 1]![0])
    }
  })

  test("trades carry an aggressor side and unique ids; funding, OI and ratios exist", async () => {
    const { exchange } = await makeSim()
    const trades = await exchange.fetchTrades("AVAX/USDT")
    expect(trades.length).toBeGreaterThan(100)
    expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length)
    expect(new Set(trades.map((t) => t.side))).toEqual(new Set(["buy", "sell"]))
    const funding = await exchange.fetchFundingRate!("AVAX/USDT")
    expect(Math.abs(funding.rate)).toBeLessThan(0.0075)
    expect((await exchange.fetchOpenInterest!("AVAX/USDT")).amount).toBeGreaterThan(0)
    expect((await exchange.fetchLongShortRatio!("AVAX/USDT")).ratio).toBeGreaterThan(0)
  })

  test("the market has regimes: returns are not all alike", async () => {
    const { exchange } = await makeSim()
    const candles = await exchange.fetchOHLCV("BTC/USDT", "1h", undefined, 500)
    const moves = candles.slice(1).map((c, i) => Math.log(c.close / candles[i]!.close))
    const abs = moves.map(Math.abs).sort((a, b) => a - b)
    // Fat tails from volatility regimes: the 95th percentile move is well above the median.
    expect(abs[Math.floor(abs.length * 0.95)]! / abs[Math.floor(abs.length / 2)]!).toBeGreaterThan(2.5)
  })

  test("unknown symbols and a closed exchange fail clearly", async () => {
    const { exchange } = await makeSim()
    await expect(exchange.fetchTicker("NOPE/USDT")).rejects.toThrow(/unknown symbol NOPE\/USDT/)
    await exchange.close()
    await expect(exchange.fetchTicker("BTC/USDT")).rejects.toThrow(/closed/)
  })

  test("a clock that moves on while a request is answered never yields NaN", async () => {
    // Each clock reading is a sim minute later, as at speed on a loaded machine: a request that
    // read the clock twice would ask for a minute its path has not generated yet.
    let now = START
    const exchange = await sim.create({ seed: 7, speed: 1, historyMinutes: 50_000, now: () => (now += 60_000) })
    const numbers = (value: unknown): Array<number> =>
      typeof value === "number"
        ? [value]
        : typeof value === "object" && value !== null
          ? Object.values(value).flatMap(numbers)
          : []
    for (let round = 0; round < 5; round++) {
      const answers = [
        await exchange.fetchOrderBook("BTC/USDT", 20),
        await exchange.fetchTrades("BTC/USDT"),
        await exchange.fetchTicker("BTC/USDT"),
        await exchange.fetchOHLCV("BTC/USDT", "1m", undefined, 5),
        await exchange.fetchFundingRate!("BTC/USDT"),
        await exchange.fetchOpenInterest!("BTC/USDT"),
        await exchange.fetchLongShortRatio!("BTC/USDT"),
        await exchange.fetchLiquidations!("BTC/USDT"),
      ]
      const all = answers.flatMap(numbers)
      expect(all.length).toBeGreaterThan(100)
      expect(all.filter((n) => !Number.isFinite(n))).toEqual([])
    }
  })
})
