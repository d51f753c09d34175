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
import type { Candle } from "./schema.ts"

export class ResidentCandles extends Context.Service<ResidentCandles, {
  /** Registers a series holding at most `capacity` closed candles; returns its id. */
  addSeries(key: string, capacity: number): number
  append(id: number, candle: Candle): void
  columns(id: number): CandleColumns
  length(id: number): number
  memoryBytes(): number
}>()("virtuoso/market/ResidentCandles") {
  static readonly layer = Layer.effect(ResidentCandles, Effect.gen(function* () {
    const kernels = yield* Kernels
    const engines = yield* Effect.acquireRelease(
      Effect.sync(() => new Map<number, ResidentEngine>()),
      (engines) => Effect.sync(() => {
        for (const engine of engines.values()) engine.dispose()
        engines.clear()
      }).pipe(Effect.andThen(Effect.logDebug("finalizer: resident candle memory released"))),
    )
    const series: Array<{ engine: ResidentEngine; id: number }> = []
    const at = (id: number) => {
      const entry = series[id]
      if (!entry) throw new RangeError(`unknown candle series ${id}`)
      return entry
    }
    return ResidentCandles.of({
      addSeries: (key, capacity) => {
        let engine = engines.get(capacity)
        if (!engine) engines.set(capacity, (engine = makeResidentEngine(kernels, { capacity })))
        series.push({ engine, id: engine.addSeries(key) })
        return series.length - 1
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
      memoryBytes: () => [...engines.values()].reduce((sum, engine) => sum + engine.memoryBytes(), 0),
    })
  }))
}
