/**
 * Windows that slide as Analysis appends candles reach plugin workers exactly: the same built-ins
 * over the same resident candles, inline and in workers, give the same outcomes round after
 * round — with each context stamped with its `candlesVersion`, so the worker host writes only
 * the appended candles — and after a symbol left and came back with other candles.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Effect, Layer, ManagedRuntime, References } from "effect"
import { ResidentCandles } from "../../../core/market/index.ts"
import { PluginHost, type BaseContext, type PluginHostOptions } from "../../../core/plugins/index.ts"
import { Kernels } from "../../../core/wasm/index.ts"
import { loadCandles, syntheticBook, syntheticMarket, syntheticTrades, ta } from "../../plugins/indicators/support.ts"
import { ROOT } from "./support.ts"

const DEPTH = 300
const SYMBOLS = ["AAA/USDT", "BBB/USDT", "CCC/USDT", "DDD/USDT"]
const src = [loadCandles("btcusdt-1m"), loadCandles("ltcusdt-1m")]

const hostOf = (options: PluginHostOptions) =>
  ManagedRuntime.make(
    Layer.mergeAll(
      PluginHost.layer({ root: ROOT, folders: ["plugins/indicators"], watch: false, budgetMs: 2000, ...options }),
      Layer.succeed(References.MinimumLogLevel, "Error"),
    ),
  )
const inline = hostOf({ isolation: "inline" })
const worker = hostOf({ isolation: "worker", workers: 2 })
const resident = ManagedRuntime.make(ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)))
afterAll(async () => {
  for (const r of [inline, worker, resident]) await r.dispose()
})

describe("plugin workers over appended candles", () => {
  test("inline and worker outcomes agree as windows slide, and after a symbol comes back", async () => {
    const candles = await resident.runPromise(
      Effect.gen(function* () {
        return yield* ResidentCandles
      }),
    )
    let stamp = 0
    const series = new Map<string, { id: number; from: number; next: number; version: number }>()
    const add = (symbol: string, from: number) => {
      const s = { id: candles.addSeries(`${symbol}|1m`, DEPTH), from, next: 0, version: 0 }
      series.set(symbol, s)
      return s
    }
    /** Appends `n` fixture candles, prices times `scale` for those before index `until`. */
    const append = (symbol: string, n: number, scale = 1, until = 0) => {
      const s = series.get(symbol)!
      const c = src[s.from % 2]
      for (let k = 0; k < n; k++, s.next++) {
        const i = s.from + s.next
        const f = s.next < until ? scale : 1
        const [open, high, low, close] = [c.open[i] * f, c.high[i] * f, c.low[i] * f, c.close[i] * f]
        candles.append(s.id, { time: c.time[i], open, high, low, close, volume: c.volume[i] })
      }
      s.version = ++stamp
    }
    SYMBOLS.forEach((symbol, k) => {
      add(symbol, 10 * k)
      append(symbol, DEPTH + 20)
    })
    const contexts = (): Array<Array<BaseContext>> =>
      SYMBOLS.map((symbol) => {
        const s = series.get(symbol)!
        const c = src[s.from % 2]
        const end = s.from + s.next
        return [
          {
            symbol,
            timeframe: "1m",
            candles: candles.columns(s.id),
            ta,
            orderbook: syntheticBook(c, end, { seed: 1 }),
            trades: syntheticTrades(c, end, { seed: 1 }),
            market: syntheticMarket(c, end, { seed: 1 }),
            candlesVersion: s.version,
          },
        ]
      })
    const run = (host: typeof inline, symbols: Array<Array<BaseContext>>) =>
      host.runPromise(
        Effect.gen(function* () {
          const h = yield* PluginHost
          yield* h.advanceInputs(symbols.flat())
          return yield* h.evaluateBatch(symbols)
        }),
      )
    const compare = async () => {
      const symbols = contexts()
      const [a, b] = [await run(inline, symbols), await run(worker, symbols)]
      let ok = 0
      for (let s = 0; s < a.length; s++) {
        for (let p = 0; p < a[s][0].length; p++) {
          const [x, y] = [a[s][0][p], b[s][0][p]]
          expect(`${SYMBOLS[s]} ${y.name} ${y.status} ${y.score}`).toBe(
            `${SYMBOLS[s]} ${x.name} ${x.status} ${x.score}`,
          )
          if (x.status === "ok") ok++
        }
      }
      return ok
    }

    expect(await compare()).toBeGreaterThan(SYMBOLS.length * 20)
    for (let round = 0; round < 4; round++) {
      // Some series move on by one candle, one by a few, one not at all.
      append("AAA/USDT", 1)
      append("BBB/USDT", 3)
      append("DDD/USDT", 1)
      await compare()
    }
    // CCC leaves (its series and worker windows are dropped) and comes back with candles of the
    // same times whose older prices differ and whose newest do not: it must be written whole, not
    // taken to continue what the worker host held.
    const leaving = series.get("CCC/USDT")!
    candles.removeSeries(leaving.id)
    const kept = new Set(SYMBOLS.filter((s) => s !== "CCC/USDT"))
    for (const host of [inline, worker])
      await host.runPromise(
        Effect.gen(function* () {
          yield* (yield* PluginHost).retainInputs(kept)
        }),
      )
    add("CCC/USDT", leaving.from)
    append("CCC/USDT", leaving.next, 1.01, leaving.next - 10)
    await compare()
  }, 60_000)
})
