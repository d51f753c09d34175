/**
 * ResidentCandles over the real WASM kernels: series come and go with the tracked set
 * (TopSymbols churn), so removal must free memory for reuse, never hand a stale id to someone
 * else's candles, and let the same key join again from empty.
 */
import { expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { ResidentCandles } from "../../../core/market/index.ts"
import { Kernels } from "../../../core/wasm/index.ts"

const run = <A>(f: (resident: ResidentCandles["Service"], kernels: Kernels["Service"]) => A) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        return f(yield* ResidentCandles, yield* Kernels)
      }),
    ).pipe(Effect.provide(ResidentCandles.layer.pipe(Layer.provideMerge(Kernels.layer)))),
  )

const candle = (i: number) => ({
  time: i * 60_000,
  open: 100 + i,
  high: 101 + i,
  low: 99 + i,
  close: 100.5 + i,
  volume: 10,
})

test("removeSeries frees a series; its id stays dead, its key can join again from empty", async () => {
  await run((resident) => {
    const btc = resident.addSeries("BTC/USDT|1m", 100)
    const bnb = resident.addSeries("BNB/USDT|1m", 100)
    for (let i = 0; i < 30; i++) {
      resident.append(btc, candle(i))
      resident.append(bnb, candle(i + 1000))
    }
    expect([...resident.keys()].sort()).toEqual(["BNB/USDT|1m", "BTC/USDT|1m"])

    resident.removeSeries(bnb)
    expect(resident.keys()).toEqual(["BTC/USDT|1m"])
    expect(() => resident.append(bnb, candle(2000))).toThrow(RangeError)
    expect(() => resident.columns(bnb)).toThrow(RangeError)
    resident.removeSeries(bnb) // twice is harmless

    // a newcomer reuses the freed block but gets a fresh id; the old id still fails
    const dot = resident.addSeries("DOT/USDT|1m", 100)
    expect(dot).not.toBe(bnb)
    expect(resident.length(dot)).toBe(0)
    expect(() => resident.length(bnb)).toThrow(RangeError)
    resident.append(dot, candle(5))
    expect([...resident.columns(dot).time]).toEqual([5 * 60_000])
    // the survivor is untouched
    expect(resident.length(btc)).toBe(30)
    expect(resident.columns(btc).close[29]).toBe(100.5 + 29)

    // the same key can come back (a symbol leaves and rejoins), starting empty
    const again = resident.addSeries("BNB/USDT|1m", 100)
    expect(resident.length(again)).toBe(0)
  })
})

test("churn does not grow resident memory: freed blocks are reused", async () => {
  const bytes = await run((resident, kernels) => {
    for (let s = 0; s < 20; s++) resident.addSeries(`S${s}/USDT|1m`, 500)
    let id = resident.addSeries("CHURN0/USDT|1m", 500)
    for (let i = 0; i < 500; i++) resident.append(id, candle(i))
    // the WASM linear memory itself, not the engine's own accounting
    const before = kernels.memory.buffer.byteLength
    for (let round = 1; round <= 200; round++) {
      resident.removeSeries(id)
      id = resident.addSeries(`CHURN${round}/USDT|1m`, 500)
      for (let i = 0; i < 50; i++) resident.append(id, candle(i))
    }
    return { before, after: kernels.memory.buffer.byteLength, series: resident.keys().length }
  })
  expect(bytes.series).toBe(21)
  expect(bytes.after).toBe(bytes.before)
})
