/**
 * `bun run bench:ta` — indicator throughput on one 1,000,000-candle series, in million candles per
 * second (median of REPS runs, all measured in this one run). Variants, named by what they do
 * with outputs, since that decides what may be compared:
 *   WASM resident  – raw kernel over columns already in WASM memory, writing into outputs that
 *                    stay resident and are reused (allocates nothing): shown, compared with nothing
 *   WASM API       – the public `core/ta` function on a plain Float64Array: copies in, allocates
 *                    and returns fresh output arrays
 *   TS reference   – `test/support/ta-reference` (plain TypeScript, same semantics), allocates outputs
 *   libraries      – indicatorts, @ixjb94/indicators, trading-signals, technicalindicators; each
 *                    allocates its outputs (trading-signals keeps its state objects)
 * Ratios are only between allocating variants (WASM API vs TS reference, vs the best library).
 * A library whose last value differs from TA-Lib's (core/ta) on the same input is flagged with
 * the difference: it computes a different indicator, so its speed is not a like-for-like figure.
 * Then every `core/ta` function WASM vs TS, the full indicator set for 500 symbols × 1,000
 * candles in one batch `compute()` (ms), and one new candle for 500 symbols (µs).
 */
import * as ta from "../../core/ta/index.ts"
import * as ref from "../support/ta-reference/index.ts"
import { FUNCTIONS } from "../../core/ta/catalog.ts"
import { runEngineBench } from "./ta/engine.ts"
import { runHeadline } from "./ta/headline.ts"
import { close, high, k, low, O, open, R, S, T, volume } from "./ta/series.ts"
import { fmt, mcps, N, pad, timeAll } from "./ta/timing.ts"

// ── every function: raw resident kernel vs public API vs TS reference ─────────────────────
// "resident" = the kernel over columns already in WASM memory, output left in WASM memory (the
// resident engine's situation); "API" = the public `core/ta` function on plain arrays (copies
// in, returns a fresh array, like the TS reference does).
const [o0, o1, o2] = O as [number, number, number]
const [t0, t1] = T as [number, number]
const { close: c, high: h, low: l, volume: v } = R
const raw: Readonly<Record<string, () => void>> = {
  sma: () => k.sma(c, o0, 0, N, 30, S),
  ema: () => k.ema(c, o0, 0, N, 30, S),
  wma: () => k.wma(c, o0, 0, N, 30, S),
  dema: () => k.dema(c, o0, 0, N, 30, S),
  tema: () => k.tema(c, o0, 0, N, 30, S),
  kama: () => k.kama(c, o0, 0, N, 30, S),
  bbands: () => k.bbands(c, o0, o1, o2, 0, N, 5, 2, 2, S),
  stddev: () => k.stddev(c, o0, 0, N, 5, 1, S),
  rsi: () => k.rsi(c, o0, 0, N, 14, S),
  macd: () => k.macd(c, o0, o1, o2, 0, N, 12, 26, 9, S),
  stoch: () => k.stoch(h, l, c, o0, o1, t0, t1, 0, N, 5, 3, 3, S),
  stochRsi: () => k.stochRsi(c, o0, o1, t0, t1, 0, N, 14, 5, 3, S),
  cci: () => k.cci(h, l, c, o0, t0, 0, N, 14),
  willr: () => k.willr(h, l, c, o0, 0, N, 14),
  roc: () => k.roc(c, o0, 0, N, 10),
  mom: () => k.mom(c, o0, 0, N, 10),
  ultosc: () => k.ultosc(h, l, c, o0, t0, t1, 0, N, 7, 14, 28, S),
  trange: () => k.trange(h, l, c, o0, 0, N),
  atr: () => k.atr(h, l, c, o0, 0, 0, 0, N, 14, S),
  natr: () => k.atr(h, l, c, 0, o0, 0, 0, N, 14, S),
  adx: () => k.dmi(h, l, c, o0, 0, 0, 0, N, 14, S),
  plusDi: () => k.dmi(h, l, c, 0, o0, 0, 0, N, 14, S),
  minusDi: () => k.dmi(h, l, c, 0, 0, o0, 0, N, 14, S),
  aroon: () => k.aroon(h, l, o0, o1, 0, N, 14),
  sar: () => k.sar(h, l, o0, 0, N, 0.02, 0.2, S),
  mfi: () => k.mfi(h, l, c, v, o0, t0, 0, N, 14, S),
  obv: () => k.obv(c, v, o0, 0, N, S),
  ad: () => k.ad(h, l, c, v, o0, 0, N, S),
  adosc: () => k.adosc(h, l, c, v, o0, 0, N, 3, 10, S),
  vwap: () => k.vwap(h, l, c, v, o0, 0, N, 0, S),
}
console.log(
  `every core/ta function, default parameters, ${N.toLocaleString("en")} candles — million candles/s, median of 5 ` +
    `round-robin runs`,
)
console.log(
  "  WASM res reuses resident outputs (no allocation, not compared); WASM API and TS ref both allocate their outputs",
)
console.log(
  `${"function".padEnd(10)} ${pad("WASM res", 9)} ${pad("WASM API", 9)} ${pad("TS ref", 9)} ${pad("API/TS", 7)}`,
)
const cols = { open, high, low, close, volume }
for (const spec of FUNCTIONS) {
  const inputs = spec.inputs.map((i) => cols[i])
  const w = (ta as unknown as Record<string, (...a: Array<unknown>) => unknown>)[spec.name]!
  const t = (ref as unknown as Record<string, (...a: Array<unknown>) => unknown>)[spec.name]
  if (!t) {
    console.log(`${spec.name.padEnd(10)} (no TS reference: skipped)`)
    continue
  }
  const [r, a, b] = timeAll([raw[spec.name]!, () => w(...inputs), () => t(...inputs)], 5).map((ms) => mcps(ms)) as [
    number,
    number,
    number,
  ]
  console.log(
    `${spec.name.padEnd(10)} ${pad(fmt(r), 9)} ${pad(fmt(a), 9)} ${pad(fmt(b), 9)} ${pad(`${(a / b).toFixed(2)}×`, 7)}`,
  )
}
// The memory-bandwidth reference for single-input, single-output kernels (8 bytes read and 8
// written per candle, like EMA/SMA): a plain memmove of 1M doubles inside WASM memory.
{
  const [copyMs, emaMs, smaMs] = timeAll([() => k.moveF64(o1, 0, (c - o1) >> 3, N), raw.ema!, raw.sma!], 7)
  console.log(
    `${"memmove".padEnd(10)} ${pad(fmt(mcps(copyMs!)), 9)}   (bandwidth reference, same run: EMA at ` +
      `${((copyMs! / emaMs!) * 100).toFixed(0)}%, SMA at ${((copyMs! / smaMs!) * 100).toFixed(0)}% of it)`,
  )
}
console.log("")

runHeadline()
runEngineBench()
