/**
 * @module ResidentCandles: the candle columns of every tracked series, resident in WASM memory.
 *
 * The resident engine holds one capacity per instance; timeframes keep different depths
 * (1m × 1000, 4h × 200, ...), so there is one engine per capacity, behind one id space.
 * Indicators read zero-copy views of these columns, and core/ta passes them to kernels
 * without copying.
 */
import { Context, Effect, Layer } from "effect"
import { makeResidentEngine, type CandleColumns, type ResidentEngine } from "../ta/engine/index.ts"
import { Kernels } from "../wasm/index.ts"
import type { Candle } from "../market-schema/index.ts"

export class ResidentCandles extends Context.Service<
  ResidentCandles,
  {
    /** Registers a series holding at most `capacity` closed candles; returns its id. */
    addSeries(key: string, capacity: number): number
    /**
     * Frees a series' memory (a symbol left the tracked set). Its id is never handed out again, so
     * a stale id fails loudly instead of writing into another symbol's candles; its key may be
     * added again. Unknown or already removed ids are ignored.
     */
    removeSeries(id: number): void
    append(id: number, candle: Candle): void
    columns(id: number): CandleColumns
    length(id: number): number
    /** Keys of the series held now (`symbol|timeframe` for MarketData's). */
    keys(): ReadonlyArray<string>
    memoryBytes(): number
  }
>()("virtuoso/market/ResidentCandles") {
  static readonly layer = Layer.effect(
    ResidentCandles,
    Effect.gen(function* () {
      const kernels = yield* Kernels
      const engines = yield* Effect.acquireRelease(
        Effect.sync(() => new Map<number, ResidentEngine>()),
        (engines) =>
          Effect.sync(() => {
            for (const engine of engines.values()) engine.dispose()
            engines.clear()
          }).pipe(Effect.andThen(Effect.logDebug("finalizer: resident candle memory released"))),
      )
      // Ids only grow (a Map, not an array with holes), so removal never leaves a reusable id behind.
      const series = new Map<number, { engine: ResidentEngine; id: number }>()
      let nextId = 0
      const at = (id: number) => {
        const entry = series.get(id)
        if (!entry) throw new RangeError(`unknown candle series ${id}`)
        return entry
      }
      return ResidentCandles.of({
        addSeries: (key, capacity) => {
          let engine = engines.get(capacity)
          // Timeframes of equal depth share an engine (30m and 4h both keep 200 by default): 1,000
          // symbols need 2,000 series in it. A series slot costs a header until it is used.
          if (!engine) engines.set(capacity, (engine = makeResidentEngine(kernels, { capacity, maxSeries: 4096 })))
          const id = nextId++
          series.set(id, { engine, id: engine.addSeries(key) })
          return id
        },
        removeSeries: (id) => {
          const entry = series.get(id)
          if (!entry) return
          series.delete(id)
          entry.engine.removeSeries(entry.id)
        },
        append: (id, candle) => {
          const entry = at(id)
          entry.engine.append(entry.id, candle)
        },
        columns: (id) => {
          const entry = at(id)
          return entry.engine.columns(entry.id)
        },
        length: (id) => {
          const entry = at(id)
          return entry.engine.length(entry.id)
        },
        keys: () => [...engines.values()].flatMap((engine) => engine.keys()),
        memoryBytes: () => [...engines.values()].reduce((sum, engine) => sum + engine.memoryBytes(), 0),
      })
    }),
  )
}
