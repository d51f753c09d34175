import { describe, expect, test } from "bun:test"
import { parseConfig } from "../../../core/config/index.ts"
import type { Candle } from "../../../core/market-schema/index.ts"
import {
  evaluateReplay,
  forwardReturns,
  formatReport,
  renderChart,
  SCORE_BUCKETS,
  type ReplayRun,
} from "../../../core/replay/index.ts"
import type { Signal } from "../../../core/signals/index.ts"
import { descendants, parseXml } from "./support.ts"

const closes = [100, 101, 99, 102, 104, 103, 100, 98]
const candles: Array<Candle> = closes.map((close, i) => ({
  time: i * 60_000,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 1,
}))
const signal = (type: Signal["type"], index: number, score: number): Signal => ({
  id: `sig:T:1m:${type}:${index}`,
  symbol: "T",
  type,
  direction: type,
  timeframe: "1m",
  time: index * 60_000,
  score,
  consensus: 1,
  confidence: 1,
  agreement: 1,
  components: {},
  topIndicators: [],
  price: closes[index]!,
  interpretation: "",
  thresholds: { longAt: 70, shortAt: 35, neutralBuffer: 5, cooldownMs: 0, minAgreement: 0.5 },
  trade: { entry: closes[index]!, stop: null, targets: [], atr: null, riskReward: [] },
})

const run: ReplayRun = {
  options: { symbol: "T & <Co>", timeframe: "1m", rollup: [], horizons: [1, 3], source: "hand" },
  candles,
  trace: candles.map((c, i) => ({ time: c.time, close: c.close, score: i === 0 ? null : 50 })),
  signals: [
    { index: 0, signal: signal("long", 0, 72) },
    { index: 3, signal: signal("short", 3, 20) },
    { index: 6, signal: signal("long", 6, 85) },
  ],
  plugins: [],
  timeframes: [{ timeframe: "1m", candles: 8, scored: 7 }],
  gaps: 0,
}

describe("replay evaluation", () => {
  test("forward returns: percent of the entry close, signed for the side, null past the data", () => {
    expect(forwardReturns(candles, 0, "long", [1, 3])).toEqual([
      {
        horizon: 1,
        exitTime: 60_000,
        exitPrice: 101,
        returnPct: (101 / 100 - 1) * 100,
        signedPct: (101 / 100 - 1) * 100,
      },
      {
        horizon: 3,
        exitTime: 180_000,
        exitPrice: 102,
        returnPct: (102 / 100 - 1) * 100,
        signedPct: (102 / 100 - 1) * 100,
      },
    ])
    const short = forwardReturns(candles, 3, "short", [1, 3])
    expect(short[0]!.signedPct).toBeCloseTo(-((104 / 102 - 1) * 100), 12)
    expect(short[1]!.signedPct).toBeCloseTo(-((100 / 102 - 1) * 100), 12)
    expect(forwardReturns(candles, 6, "long", [1, 3])[1]).toEqual({
      horizon: 3,
      exitTime: null,
      exitPrice: null,
      returnPct: null,
      signedPct: null,
    })
  })

  test("hit rate and mean per direction and bucket, baseline over every bar", () => {
    const r = evaluateReplay(run, parseConfig({}).signals)
    const long = r.byDirection.find((g) => g.label === "long")!
    // Longs: +1% (hit) and 98/100 − 1 = −2% (miss) at 1 candle; at 3 candles only the first has data.
    expect(long.horizons[0]).toEqual({
      horizon: 1,
      n: 2,
      hits: 1,
      hitRate: 0.5,
      meanPct: ((101 / 100 - 1) * 100 + (98 / 100 - 1) * 100) / 2,
    })
    expect(long.horizons[1]!.n).toBe(1)
    const short = r.byDirection.find((g) => g.label === "short")!
    expect(short.horizons[0]!.hits).toBe(0) // 102 → 104 is a loss for a short
    expect(short.horizons[1]!.hits).toBe(1) // 102 → 100 a win
    const bucket = (label: string) => r.byBucket.find((b) => b.label === label)!.signals
    expect([bucket("[70,80)"), bucket("[20,35]"), bucket("[80,100]"), bucket("[0,20)")]).toEqual([1, 1, 1, 0])
    expect(SCORE_BUCKETS.find((b) => b.label === "[20,35]")!.contains(35)).toBe(true)
    expect(SCORE_BUCKETS.find((b) => b.label === "(35,50)")!.contains(35)).toBe(false)
    expect(r.baseline[0]!.n).toBe(7)
    expect(r.baseline[0]!.hits).toBe(3) // 101, 102, 104 were up moves
    expect(r.scored).toBe(7)
  })

  test("text and chart escape the symbol and carry no wall time", () => {
    const r = evaluateReplay(run, parseConfig({}).signals)
    const text = formatReport(r)
    expect(text).toContain("replay T & <Co> 1m from hand")
    expect(text).toContain("direction long")
    const svg = renderChart(r, run.trace)
    const root = parseXml(svg)
    expect(root.children.find((c) => c.name === "title")!.text).toBe("replay T &amp; &lt;Co&gt; 1m: 3 signals")
    // The missing first score leaves the score line starting at the second candle.
    const score = descendants(root).find((e) => e.attributes.class === "score")!
    expect(score.attributes.points!.split(" ")).toHaveLength(7)
    expect(renderChart(r, run.trace)).toBe(svg)
  })
})
