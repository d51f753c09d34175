/** @module The resident-engine part of `bench:ta`: the full set over 500 symbols × 1,000 candles. */
import { FULL_SET, makeResidentEngine } from "../../../core/ta/index.ts"
import { close, high, K, low, open, timeCol, volume } from "./series.ts"
import { median, time } from "./timing.ts"

const SYMBOLS = 500
const CANDLES = 1000
const candleAt = (i: number) => ({
  time: timeCol[i]!,
  open: open[i]!,
  high: high[i]!,
  low: low[i]!,
  close: close[i]!,
  volume: volume[i]!,
})
const engineBench = (keepHistory: boolean) => {
  const engine = makeResidentEngine(K, { capacity: CANDLES, maxSeries: SYMBOLS, indicators: FULL_SET, keepHistory })
  const ids = Array.from({ length: SYMBOLS }, (_, s) => engine.addSeries(`SYM${s}/USDT|1m`))
  ids.forEach((id, s) => {
    for (let i = 0; i < CANDLES; i++) engine.append(id, candleAt(s * 1500 + i))
  })
  const batch = time(() => {
    engine.invalidate()
    engine.compute()
  })
  let next = CANDLES
  const incremental = time(() => {
    for (const [s, id] of ids.entries()) engine.append(id, candleAt(s * 1500 + next))
    next++
    engine.compute()
  }, 21)
  const computeOnly: Array<number> = []
  for (let r = 0; r < 21; r++) {
    for (const [s, id] of ids.entries()) engine.append(id, candleAt(s * 1500 + next))
    next++
    const t0 = performance.now()
    engine.compute()
    computeOnly.push(performance.now() - t0)
  }
  const mib = engine.memoryBytes() / 2 ** 20
  const outputs = engine.outputs.length
  engine.dispose()
  return { batch, incremental, compute: median(computeOnly), mib, outputs }
}

export const runEngineBench = (): void => {
  console.log(
    `\nresident engine, full set (${Object.keys(FULL_SET).length} functions), ${SYMBOLS} symbols × ${CANDLES} ` +
      `candles — median ms / µs`,
  )
  for (const keepHistory of [true, false]) {
    const r = engineBench(keepHistory)
    console.log(
      `  ${keepHistory ? "keepHistory: true  (all outputs as arrays)" : "keepHistory: false (latest values only) "}` +
        `  batch ${r.batch.toFixed(1)} ms (target < 25)   one new candle ×${SYMBOLS}: ` +
        `${(r.incremental * 1000).toFixed(0)} µs ` +
        `append+compute, ${(r.compute * 1000).toFixed(0)} µs compute (target < 1000)   ${r.outputs} outputs, ` +
        `${r.mib.toFixed(0)} MiB`,
    )
  }
}
