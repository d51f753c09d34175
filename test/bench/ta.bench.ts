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
import { FULL_SET, makeResidentEngine } from "../../core/ta/index.ts"
import { getKernels } from "../../core/wasm/index.ts"
import * as indicatorts from "indicatorts"
import { IndicatorsSync } from "@ixjb94/indicators"
import { ATR, BollingerBands, EMA, MACD, RSI, StochasticOscillator } from "trading-signals"
import * as ti from "technicalindicators"

const N = 1_000_000
const REPS = Number(process.env.BENCH_REPS ?? 7)

const median = (xs: Array<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
/** Median wall time in ms of `fn` after one warm-up call. */
const time = (fn: () => unknown, reps = REPS): number => {
  Bun.gc(true) // start each measurement without the previous one's garbage
  fn()
  const xs: Array<number> = []
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now()
    fn()
    xs.push(performance.now() - t0)
  }
  return median(xs)
}
/**
 * Median wall times (ms) of several variants measured round-robin — one run of each per round —
 * so load from other processes on this shared machine hits all variants alike and the ratios
 * stay meaningful. A variant that throws is reported as NaN.
 */
const timeAll = (fns: ReadonlyArray<() => unknown>, reps = REPS): Array<number> => {
  const ok = fns.map((fn) => {
    try {
      fn()
      return true
    } catch {
      return false
    }
  })
  const xs = fns.map((): Array<number> => [])
  for (let r = 0; r < reps; r++) {
    fns.forEach((fn, i) => {
      if (!ok[i]) return
      Bun.gc(true)
      const t0 = performance.now()
      fn()
      xs[i]!.push(performance.now() - t0)
    })
  }
  return xs.map((x, i) => (ok[i] ? median(x) : NaN))
}
const mcps = (ms: number, n = N): number => n / 1e3 / ms
const pad = (s: string, w: number) => s.padStart(w)
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2) : "n/a")

// ── data: a deterministic random walk ────────────────────────────────────────────────────────
let seed = 42
const rnd = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0
  return seed / 4294967296
}
const close = new Float64Array(N),
  high = new Float64Array(N),
  low = new Float64Array(N)
const open = new Float64Array(N),
  volume = new Float64Array(N),
  timeCol = new Float64Array(N)
{
  let p = 30_000
  for (let i = 0; i < N; i++) {
    const o = p
    p *= 1 + (rnd() - 0.5) * 0.004
    open[i] = o
    close[i] = p
    high[i] = Math.max(o, p) * (1 + rnd() * 0.001)
    low[i] = Math.min(o, p) * (1 - rnd() * 0.001)
    volume[i] = rnd() * 100
    timeCol[i] = 1_700_000_000_000 + i * 60_000
  }
}
const arr = { close: Array.from(close), high: Array.from(high), low: Array.from(low) }
const hlc = Array.from({ length: N }, (_, i) => ({ high: high[i]!, low: low[i]!, close: close[i]! }))

// ── resident columns ─────────────────────────────────────────────────────────────────────────
const K = getKernels()
const k = K.exports
const col = () => K.arena.alloc(N * 8)
const R = { close: col(), high: col(), low: col(), volume: col() }
const O = [col(), col(), col()]
const T = [col(), col()]
const S = K.arena.alloc(64 * 8)
K.f64().set(close, R.close >> 3)
K.f64().set(high, R.high >> 3)
K.f64().set(low, R.low >> 3)
K.f64().set(volume, R.volume >> 3)

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
  `every core/ta function, default parameters, ${N.toLocaleString("en")} candles — million candles/s, median of 5 round-robin runs`,
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
    `${"memmove".padEnd(10)} ${pad(fmt(mcps(copyMs!)), 9)}   (bandwidth reference, same run: EMA at ${((copyMs! / emaMs!) * 100).toFixed(0)}%, SMA at ${((copyMs! / smaMs!) * 100).toFixed(0)}% of it)`,
  )
}
console.log("")

// ── the six headline indicators ──────────────────────────────────────────────────────────────
const ix = new IndicatorsSync()
const feed =
  <T>(make: () => { add(x: T): unknown }, xs: ReadonlyArray<T>) =>
  () => {
    const ind = make()
    for (let i = 0; i < xs.length; i++) ind.add(xs[i]!)
  }

interface Row {
  readonly name: string
  readonly resident: () => void
  readonly copyIn: () => unknown
  readonly ts: () => unknown
  readonly libs: Readonly<Record<string, () => unknown>>
  /** TA-Lib's last value (core/ta) and each library's, over the first CHECK candles. */
  readonly talib: () => number
  readonly last: Readonly<Record<string, () => number>>
  /** Known definition differences, said next to the measured one. */
  readonly notes?: Readonly<Record<string, string>>
}

// The definition check runs every implementation on the same first CHECK candles.
const CHECK = 5_000
const cc = close.subarray(0, CHECK),
  hc = high.subarray(0, CHECK),
  lc = low.subarray(0, CHECK)
const ac = { close: arr.close.slice(0, CHECK), high: arr.high.slice(0, CHECK), low: arr.low.slice(0, CHECK) }
const hlcC = hlc.slice(0, CHECK)
const lastOf =
  <T>(make: () => { add(x: T): unknown; getResult(): unknown }, xs: ReadonlyArray<T>, pick: (r: never) => number) =>
  () => {
    const ind = make()
    for (const x of xs) ind.add(x)
    return pick(ind.getResult() as never)
  }
const at = <T>(xs: ReadonlyArray<T> | Float64Array, from = 1) => xs[xs.length - from] as T

const rows: ReadonlyArray<Row> = [
  {
    name: "EMA(20)",
    resident: () => k.ema(R.close, O[0]!, 0, N, 20, S),
    copyIn: () => ta.ema(close, { period: 20 }),
    ts: () => ref.ema(close, { period: 20 }),
    libs: {
      indicatorts: () => indicatorts.ema(arr.close, { period: 20 }),
      "@ixjb94/indicators": () => ix.ema(arr.close, 20),
      "trading-signals": feed(() => new EMA(20), arr.close),
      technicalindicators: () => ti.EMA.calculate({ period: 20, values: arr.close }),
    },
    talib: () => at(ta.ema(cc, { period: 20 })),
    last: {
      indicatorts: () => at(indicatorts.ema(ac.close, { period: 20 })),
      "@ixjb94/indicators": () => at(ix.ema(ac.close, 20)),
      "trading-signals": lastOf(
        () => new EMA(20),
        ac.close,
        (r: number) => Number(r),
      ),
      technicalindicators: () => at(ti.EMA.calculate({ period: 20, values: ac.close })),
    },
  },
  {
    name: "RSI(14)",
    resident: () => k.rsi(R.close, O[0]!, 0, N, 14, S),
    copyIn: () => ta.rsi(close),
    ts: () => ref.rsi(close),
    libs: {
      indicatorts: () => indicatorts.rsi(arr.close, { period: 14 }),
      "@ixjb94/indicators": () => ix.rsi(arr.close, 14),
      "trading-signals": feed(() => new RSI(14), arr.close),
      technicalindicators: () => ti.RSI.calculate({ period: 14, values: arr.close }),
    },
    talib: () => at(ta.rsi(cc)),
    last: {
      indicatorts: () => at(indicatorts.rsi(ac.close, { period: 14 })),
      "@ixjb94/indicators": () => at(ix.rsi(ac.close, 14)),
      "trading-signals": lastOf(
        () => new RSI(14),
        ac.close,
        (r: number) => Number(r),
      ),
      technicalindicators: () => at(ti.RSI.calculate({ period: 14, values: ac.close })),
    },
    notes: { technicalindicators: "rounds RSI to 2 decimals" },
  },
  {
    name: "MACD(12,26,9)",
    resident: () => k.macd(R.close, O[0]!, O[1]!, O[2]!, 0, N, 12, 26, 9, S),
    copyIn: () => ta.macd(close),
    ts: () => ref.macd(close),
    libs: {
      indicatorts: () => indicatorts.macd(arr.close, { fast: 12, slow: 26, signal: 9 }),
      "@ixjb94/indicators": () => ix.macd(arr.close, 12, 26, 9),
      "trading-signals": feed(() => new MACD(new EMA(12), new EMA(26), new EMA(9)), arr.close),
      technicalindicators: () =>
        ti.MACD.calculate({
          values: arr.close,
          fastPeriod: 12,
          slowPeriod: 26,
          signalPeriod: 9,
          SimpleMAOscillator: false,
          SimpleMASignal: false,
        }),
    },
    // The signal line: it depends on every part of the definition (both EMAs and their seeds).
    talib: () => at(ta.macd(cc).signal),
    last: {
      indicatorts: () => at(indicatorts.macd(ac.close, { fast: 12, slow: 26, signal: 9 }).signalLine),
      "@ixjb94/indicators": () => at(ix.macd(ac.close, 12, 26, 9)[1]!),
      "trading-signals": lastOf(
        () => new MACD(new EMA(12), new EMA(26), new EMA(9)),
        ac.close,
        (r: { signal: number }) => Number(r.signal),
      ),
      technicalindicators: () =>
        at(
          ti.MACD.calculate({
            values: ac.close,
            fastPeriod: 12,
            slowPeriod: 26,
            signalPeriod: 9,
            SimpleMAOscillator: false,
            SimpleMASignal: false,
          }),
        ).signal!,
    },
  },
  {
    name: "BBANDS(20,2)",
    resident: () => k.bbands(R.close, O[0]!, O[1]!, O[2]!, 0, N, 20, 2, 2, S),
    copyIn: () => ta.bbands(close, { period: 20 }),
    ts: () => ref.bbands(close, { period: 20 }),
    libs: {
      indicatorts: () => indicatorts.bb(arr.close, { period: 20 }),
      "@ixjb94/indicators": () => ix.bbands(arr.close, 20, 2),
      "trading-signals": feed(() => new BollingerBands(20, 2), arr.close),
      technicalindicators: () => ti.BollingerBands.calculate({ period: 20, values: arr.close, stdDev: 2 }),
    },
    talib: () => at(ta.bbands(cc, { period: 20 }).upper),
    last: {
      indicatorts: () => at(indicatorts.bb(ac.close, { period: 20 }).upper),
      "@ixjb94/indicators": () => at(ix.bbands(ac.close, 20, 2)[2]!),
      "trading-signals": lastOf(
        () => new BollingerBands(20, 2),
        ac.close,
        (r: { upper: number }) => Number(r.upper),
      ),
      technicalindicators: () => at(ti.BollingerBands.calculate({ period: 20, values: ac.close, stdDev: 2 })).upper,
    },
  },
  {
    name: "ATR(14)",
    resident: () => k.atr(R.high, R.low, R.close, O[0]!, 0, 0, 0, N, 14, S),
    copyIn: () => ta.atr(high, low, close),
    ts: () => ref.atr(high, low, close),
    libs: {
      indicatorts: () => indicatorts.atr(arr.high, arr.low, arr.close, { period: 14 }),
      "@ixjb94/indicators": () => ix.atr(arr.high, arr.low, arr.close, 14),
      "trading-signals": feed(() => new ATR(14), hlc),
      technicalindicators: () => ti.ATR.calculate({ high: arr.high, low: arr.low, close: arr.close, period: 14 }),
    },
    talib: () => at(ta.atr(hc, lc, cc)),
    last: {
      indicatorts: () => at(indicatorts.atr(ac.high, ac.low, ac.close, { period: 14 }).atrLine),
      "@ixjb94/indicators": () => at(ix.atr(ac.high, ac.low, ac.close, 14)),
      "trading-signals": lastOf(
        () => new ATR(14),
        hlcC,
        (r: number) => Number(r),
      ),
      technicalindicators: () => at(ti.ATR.calculate({ high: ac.high, low: ac.low, close: ac.close, period: 14 })),
    },
    notes: { indicatorts: "ATR is an SMA of true range (TA-Lib: Wilder's smoothing)" },
  },
  {
    name: "STOCH(14,3,3)",
    resident: () => k.stoch(R.high, R.low, R.close, O[0]!, O[1]!, T[0]!, T[1]!, 0, N, 14, 3, 3, S),
    copyIn: () => ta.stoch(high, low, close, { fastKPeriod: 14 }),
    ts: () => ref.stoch(high, low, close, { fastKPeriod: 14 }),
    libs: {
      indicatorts: () => indicatorts.stoch(arr.high, arr.low, arr.close, { kPeriod: 14, dPeriod: 3 }),
      "@ixjb94/indicators": () => ix.stoch(arr.high, arr.low, arr.close, 14, 3, 3),
      "trading-signals": feed(() => new StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }), hlc),
      technicalindicators: () =>
        ti.Stochastic.calculate({ high: arr.high, low: arr.low, close: arr.close, period: 14, signalPeriod: 3 }),
    },
    talib: () => at(ta.stoch(hc, lc, cc, { fastKPeriod: 14 }).k),
    last: {
      indicatorts: () => at(indicatorts.stoch(ac.high, ac.low, ac.close, { kPeriod: 14, dPeriod: 3 }).k),
      "@ixjb94/indicators": () => at(ix.stoch(ac.high, ac.low, ac.close, 14, 3, 3)[0]!),
      "trading-signals": lastOf(
        () => new StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }),
        hlcC,
        (r: { stochK: number }) => Number(r.stochK),
      ),
      technicalindicators: () =>
        at(ti.Stochastic.calculate({ high: ac.high, low: ac.low, close: ac.close, period: 14, signalPeriod: 3 })).k,
    },
    notes: { indicatorts: "%K without slowing (raw %K)", technicalindicators: "%K without slowing (raw %K)" },
  },
]

const libNames = Object.keys(rows[0]!.libs)
/** "same" within 1e-9 relative, else the relative difference of the last value (what is measured). */
const definition = (row: Row, lib: string): string => {
  const want = row.talib()
  let got: number
  try {
    got = row.last[lib]!()
  } catch (error) {
    return `fails: ${String(error)}`
  }
  const diff = Math.abs(got - want) / Math.max(Math.abs(want), 1e-12)
  return diff <= 1e-9 ? "same" : `differs by ${(diff * 100).toPrecision(2)}%`
}

console.log(
  `six headline indicators — ${N.toLocaleString("en")} candles, median of ${REPS} round-robin runs, million candles/s (higher is better)`,
)
console.log(
  "  WASM res: outputs resident and reused (not compared); WASM API, TS ref and every library allocate their outputs",
)
console.log(
  "  ratios: API/best = WASM API over the fastest library computing the same values as TA-Lib; API/TS = WASM API over TS ref",
)
const header = ["indicator", "WASM res", "WASM API", "TS ref", ...libNames, "API/best", "API/TS"]
const widths = header.map((h) => Math.max(h.length, 9))
console.log(header.map((h, i) => (i === 0 ? h.padEnd(14) : pad(h, widths[i]!))).join(" "))
const flags: Array<string> = []
for (const row of rows) {
  const [res, copy, ts, ...libs] = timeAll([
    row.resident,
    row.copyIn,
    row.ts,
    ...libNames.map((name) => row.libs[name]!),
  ]).map((ms) => mcps(ms)) as [number, number, number, ...Array<number>]
  const defs = libNames.map((lib) => definition(row, lib))
  defs.forEach((d, i) => {
    if (d !== "same")
      flags.push(
        `  ${row.name} ${libNames[i]}: ${d} from TA-Lib${row.notes?.[libNames[i]!] ? ` — ${row.notes[libNames[i]!]}` : ""}`,
      )
  })
  const same = libs.filter((x, i) => Number.isFinite(x) && defs[i] === "same")
  const best = same.length > 0 ? Math.max(...same) : Number.NaN
  const cells = [res, copy, ts, ...libs].map((x, i) => `${fmt(x)}${i >= 3 && defs[i - 3] !== "same" ? "*" : ""}`)
  const ratios = [copy / best, copy / ts].map((r) => (Number.isFinite(r) ? `${r.toFixed(1)}×` : "n/a"))
  console.log([row.name.padEnd(14), ...[...cells, ...ratios].map((c, i) => pad(c, widths[i + 1]!))].join(" "))
}
console.log(
  `* computes something other than TA-Lib's definition (last value over ${CHECK.toLocaleString("en")} candles), left out of API/best:`,
)
for (const line of flags) console.log(line)

// ── resident engine: 500 symbols × 1,000 candles ─────────────────────────────────────────────
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
    ids.forEach((id, s) => engine.append(id, candleAt(s * 1500 + next)))
    next++
    engine.compute()
  }, 21)
  const computeOnly: Array<number> = []
  for (let r = 0; r < 21; r++) {
    ids.forEach((id, s) => engine.append(id, candleAt(s * 1500 + next)))
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
console.log(
  `\nresident engine, full set (${Object.keys(FULL_SET).length} functions), ${SYMBOLS} symbols × ${CANDLES} candles — median ms / µs`,
)
for (const keepHistory of [true, false]) {
  const r = engineBench(keepHistory)
  console.log(
    `  ${keepHistory ? "keepHistory: true  (all outputs as arrays)" : "keepHistory: false (latest values only) "}` +
      `  batch ${r.batch.toFixed(1)} ms (target < 25)   one new candle ×${SYMBOLS}: ${(r.incremental * 1000).toFixed(0)} µs ` +
      `append+compute, ${(r.compute * 1000).toFixed(0)} µs compute (target < 1000)   ${r.outputs} outputs, ${r.mib.toFixed(0)} MiB`,
  )
}
