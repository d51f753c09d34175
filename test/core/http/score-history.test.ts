import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { ConfluenceSummary } from "../../../core/analysis/index.ts"
import { parseConfig } from "../../../core/config/index.ts"
import { ScoreHistory } from "../../../core/http/symbol/score-history.ts"
import { startApp } from "../../support/app.ts"
import { eventually } from "../../support/eventually.ts"

const point = (time: number, score: number) => ({ time, score, components: { technical: score } })

describe("ScoreHistory", () => {
  test("one point per time (a re-score replaces it), late points skipped, bounded per series", () => {
    const history = new ScoreHistory({ pointsPerSeries: 3 })
    for (const [time, score] of [
      [1, 10],
      [2, 20],
      [2, 25],
      [1, 99],
      [3, 30],
      [4, 40],
    ] as const) {
      history.record("BTC/USDT", "1m", point(time, score))
    }
    expect(history.read("BTC/USDT", "1m", 10).map((p) => [p.time, p.score])).toEqual([
      [2, 25],
      [3, 30],
      [4, 40],
    ])
    expect(history.read("BTC/USDT", "1m", 2).map((p) => p.time)).toEqual([3, 4])
    expect(history.read("ETH/USDT", "1m", 10)).toEqual([])
  })

  test("points read back as recorded: null scores, components missing from some points, new components", () => {
    const history = new ScoreHistory({ pointsPerSeries: 40 })
    const points = Array.from({ length: 100 }, (_, i) => ({
      time: i * 60_000,
      score: i % 7 === 0 ? null : i / 3,
      components: {
        technical: i % 5 === 0 ? null : -i / 7,
        ...(i % 2 === 0 ? { volume: i * 1.5 } : {}),
        ...(i >= 90 ? { sentiment: 0.1 * i } : {}),
      },
    }))
    for (const p of points) history.record("BTC/USDT", "1m", p)
    expect(history.read("BTC/USDT", "1m", 1000)).toEqual(points.slice(-40))
    expect(history.read("BTC/USDT", "1m", 3)).toEqual(points.slice(-3))
  })

  test("a timeframe's line holds no more points than its depth", () => {
    const history = new ScoreHistory({ pointsPerSeries: 50, depth: { "4h": 5 } })
    for (let i = 0; i < 60; i++) {
      history.record("BTC/USDT", "4h", point(i, i))
      history.record("BTC/USDT", "all", point(i, i))
    }
    expect(history.read("BTC/USDT", "4h", 100).map((p) => p.time)).toEqual([55, 56, 57, 58, 59])
    expect(history.read("BTC/USDT", "all", 100).length).toBe(50)
  })

  test("at most maxSeries series, the least recently written dropped", () => {
    const history = new ScoreHistory({ maxSeries: 2 })
    history.record("A/USDT", "1m", point(1, 1))
    history.record("B/USDT", "1m", point(1, 1))
    history.record("A/USDT", "1m", point(2, 2))
    history.record("C/USDT", "1m", point(1, 1))
    expect(history.seriesCount).toBe(2)
    expect(history.read("B/USDT", "1m", 10)).toEqual([])
    expect(history.read("A/USDT", "1m", 10).length).toBe(2)
  })

  test("stored roll-ups go under the points held; held ones win a tie", () => {
    const history = new ScoreHistory({ pointsPerSeries: 4 })
    history.record("BTC/USDT", "all", point(30, 70))
    const summary = (time: number, score: number): ConfluenceSummary => ({
      symbol: "BTC/USDT",
      timeframe: "all",
      time,
      score,
      direction: "neutral",
      agree: null,
      consensus: null,
      confidence: null,
      components: { technical: score },
      partial: false,
      missing: [],
      timeframes: { "1m": { score: score + 1, weight: 1, configuredWeight: 1, direction: "neutral", partial: false } },
    })
    history.seed([summary(30, 1), summary(20, 60), summary(10, 50), summary(5, 40), summary(1, 30)])
    expect(history.read("BTC/USDT", "all", 10).map((p) => [p.time, p.score])).toEqual([
      [5, 40],
      [10, 50],
      [20, 60],
      [30, 70],
    ])
    expect(history.read("BTC/USDT", "1m", 10)).toEqual([])
  })
})

describe("score history across a restart", () => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-history-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const config = parseConfig({
    http: { port: 0 },
    store: { path: join(dir, "v.db") },
    plugins: { watch: false },
    exchange: { speed: 20, pollMs: 50 },
    log: { level: "warn" },
    symbols: { static: ["BTC/USDT"] },
  })
  const history = async (url: string) =>
    (await (await fetch(new URL("/v1/confluence/BTC-USDT/history?timeframe=all", url))).json()) as {
      items: Array<{ time: number; score: number }>
    }

  test("the score line reaches back before the restart, read from the event store", async () => {
    const first = await startApp(config)
    let before: Array<{ time: number; score: number }> = []
    try {
      before = await eventually(
        "four points on the score line",
        async () => (await history(first.url())).items,
        (items) => items.length >= 4,
        { timeoutMs: 40_000, intervalMs: 100 },
      )
    } finally {
      await first.close()
    }
    // The restarted engine tracks no symbol, so every point it serves comes from the store: the
    // simulated market restarts at the wall clock's minute, and fresh scores of the same candle
    // times (with another book and tape) would rightly replace the stored ones.
    const second = await startApp({ ...config, symbols: { ...config.symbols, static: [], top: 0 } })
    try {
      const after = new Map((await history(second.url())).items.map((p) => [p.time, p.score]))
      // The newest point can still be re-scored (another timeframe closing at the same minute) after
      // it was read and before the engine stops; the store then rightly holds the later score.
      for (const p of before.slice(0, -1)) expect(after.get(p.time)).toBeCloseTo(p.score, 3)
    } finally {
      await second.close()
    }
  }, 60_000)
})
