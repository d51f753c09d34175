/**
 * bench:indicators — what each built-in indicator's own `compute` costs, without the host: the
 * plugins called directly, as the inline host runs them (plugin by plugin over one symbol's
 * contexts), over contexts that move on like live ones.
 *
 *   bun run bench:indicators          BENCH_SYMBOLS=50 BENCH_ROUNDS=40 BENCH_ONLY=name,name
 *
 * World: BENCH_SYMBOLS symbols over the real BTC/LTC fixtures at per-symbol offsets, four
 * timeframes each (1000 / 300 / 200 / 200 resident candles, as bench:confluence), every series
 * one candle further each round; per symbol one synthetic book and one trade tape that, each
 * round, gets that candle's trades appended and its oldest dropped (Analysis's `pushTape`), so
 * what a plugin remembers between calls is exercised as live. Declared inputs come from the
 * host's input engine, read before timing. Per plugin: the median over rounds of the mean µs per
 * call, and what that costs per bench:confluence cycle (A: 200 symbols × 4 timeframes, B: 1,000
 * symbols × 1m; symbol-scoped plugins once per symbol). Wall time of a few hundred calls per
 * sample: on a shared machine compare medians from one run, and read bench:confluence for the
 * cycle as Analysis runs it.
 */
import { loadavg } from "node:os"
import { pushTape } from "../../core/analysis/tape.ts"
import { type IndicatorContext, scopeOf } from "../../core/plugins/sdk.ts"
import { TradeTape } from "../../core/plugins/trade-tape.ts"
import {
  contextFor,
  loadCandles,
  loadPlugins,
  syntheticBook,
  syntheticMarket,
  syntheticTrades,
  window,
} from "../plugins/indicators/support.ts"

const SYMBOLS = Number(process.env.BENCH_SYMBOLS ?? 40)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40)
const ONLY = process.env.BENCH_ONLY?.split(",")
const FRAMES = [
  ["1m", 1000],
  ["5m", 300],
  ["30m", 200],
  ["4h", 200],
] as const

const plugins = (await loadPlugins()).filter((p) => ONLY === undefined || ONLY.includes(p.name))
const fixtures = [loadCandles("btcusdt-1m"), loadCandles("ltcusdt-1m")]
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!

interface Sym {
  readonly name: string
  readonly src: (typeof fixtures)[number]
  readonly start: number
  readonly tape: TradeTape
}
const symbols: Array<Sym> = Array.from({ length: SYMBOLS }, (_, s) => {
  const src = fixtures[s % 2]!
  const start = Math.min(src.close.length - ROUNDS - 1, 1000 + ((s * 37) % (src.close.length - 1000 - ROUNDS)))
  const tape = new TradeTape()
  tape.appendTrades(syntheticTrades(src, start, { seed: s }))
  return { name: `SYM${s}/USDT`, src, start, tape }
})

/** One round's contexts, per symbol per plugin per timeframe (the symbol-scoped ones get one). */
const contexts = (round: number) =>
  symbols.map((sym, s) => {
    const end = sym.start + round
    if (round > 0) pushTape(sym.tape, syntheticTrades(sym.src, end, { seed: s, candles: 1 }), 400)
    const orderbook = syntheticBook(sym.src, end, { seed: s })
    const market = syntheticMarket(sym.src, end, { seed: s })
    // One set of candle views per series, shared by its plugins' contexts (as the host hands them).
    const views = FRAMES.map(([, depth]) => window(sym.src, end, depth))
    return plugins.map((p) =>
      (scopeOf(p) === "symbol" ? FRAMES.slice(0, 1) : FRAMES).map(
        ([timeframe], f): IndicatorContext =>
          contextFor(p, {
            candles: views[f]!,
            orderbook,
            tape: sym.tape,
            market,
            timeframe,
            symbol: sym.name,
          }),
      ),
    )
  })

const perCall = plugins.map(() => [] as Array<number>)
let sink = 0
for (let round = 0; round < ROUNDS; round++) {
  const ctxs = contexts(round)
  const spent = plugins.map(() => 0)
  const calls = plugins.map(() => 0)
  // Plugin by plugin over each symbol's contexts, symbol after symbol: the inline host's order.
  for (let s = 0; s < symbols.length; s++) {
    for (let j = 0; j < plugins.length; j++) {
      const list = ctxs[s]![j]!
      const t = performance.now()
      for (let k = 0; k < list.length; k++) sink += plugins[j]!.compute(list[k]!).score ?? 0
      spent[j]! += performance.now() - t
      calls[j]! += list.length
    }
  }
  // The first rounds build what the plugins keep (tape columns, remembered returns) and warm the JIT.
  if (round >= 3) for (let j = 0; j < plugins.length; j++) perCall[j]!.push((spent[j]! * 1000) / calls[j]!)
}

const rows = plugins.map((p, j) => {
  const us = median(perCall[j]!)
  const symbolScoped = scopeOf(p) === "symbol"
  return { name: p.name, us, a: (us * (symbolScoped ? 200 : 800)) / 1000, b: us }
})
rows.sort((x, y) => y.a - x.a)
const total = (k: "a" | "b") => rows.reduce((t, r) => t + r[k], 0)
const cell = (x: number, digits: number, width: number) => x.toFixed(digits).padStart(width)
process.stdout.write(
  [
    `bench:indicators — each built-in's compute called directly, ${SYMBOLS} symbols × 4 timeframes moving one candle ` +
      `a round, ${ROUNDS - 3} rounds timed (medians); load average ${loadavg()[0]!.toFixed(2)}`,
    `  ${"plugin".padEnd(28)}${"µs/call".padStart(9)}${"ms/cycle A".padStart(12)}${"ms/cycle B".padStart(12)}`,
    ...rows.map((r) => `  ${r.name.padEnd(28)}${cell(r.us, 3, 9)}${cell(r.a, 2, 12)}${cell(r.b, 2, 12)}`),
    `  ${"all".padEnd(28)}${"".padStart(9)}${cell(total("a"), 2, 12)}${cell(total("b"), 2, 12)}`,
    "",
  ].join("\n"),
)
