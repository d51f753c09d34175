/**
 * "Scores that mean something": real candles (BTC and LTC, 1m and 5m) replayed through every
 * built-in plugin, with synthetic books, trades and derivatives data derived from the same
 * candles, folded by the confluence fold. Prints the distribution of each component and of the
 * confluence, and fails if a component sits within 45–55 for more than 80 % of the steps where
 * the data clearly trends, or points the wrong way on them.
 */
import { describe, expect, test } from "bun:test"
import { COMPONENTS } from "../../../core/plugins/sdk.ts"
import { distribution, formatDistributions, replay } from "./replay.ts"
import { loadPlugins } from "./support.ts"

/** |30-candle move| ≥ 1.5 σ·√30: a move a random walk makes about one time in seven. */
const TREND_Z = 1.5

const points = replay(await loadPlugins())
const up = points.filter((p) => p.trendZ >= TREND_Z)
const down = points.filter((p) => p.trendZ <= -TREND_Z)
const trending = [...up, ...down]

console.log([
  formatDistributions("all steps", points),
  formatDistributions(`trending up (z30 >= ${TREND_Z})`, up),
  formatDistributions(`trending down (z30 <= -${TREND_Z})`, down),
].join("\n\n"))

describe("score distributions on replayed real candles", () => {
  test("the replay has enough clearly trending steps to judge", () => {
    expect(points.length).toBeGreaterThan(1500)
    expect(up.length).toBeGreaterThanOrEqual(50)
    expect(down.length).toBeGreaterThanOrEqual(30)
  })

  test("every component scores every step (synthetic data stands in where the fixtures have none)", () => {
    for (const c of COMPONENTS) expect(distribution(points.map((p) => p.components[c])).n, c).toBe(points.length)
  })

  for (const [name, set] of [["trending", trending], ["trending up", up], ["trending down", down]] as const) {
    test(`${name}: no component sits within 45–55 more than 80 % of the time`, () => {
      for (const c of COMPONENTS) {
        const d = distribution(set.map((p) => p.components[c]))
        expect(d.nearNeutral, `${c}: ${(d.nearNeutral * 100).toFixed(1)}% in 45–55`).toBeLessThanOrEqual(0.8)
      }
      expect(distribution(set.map((p) => p.confluence)).nearNeutral).toBeLessThanOrEqual(0.8)
    })
  }

  test("components and the confluence point with the trend: median above 50 going up, below going down", () => {
    for (const c of COMPONENTS) {
      expect(distribution(up.map((p) => p.components[c])).p50, `${c} up`).toBeGreaterThan(50)
      expect(distribution(down.map((p) => p.components[c])).p50, `${c} down`).toBeLessThan(50)
    }
    expect(distribution(up.map((p) => p.confluence)).p50).toBeGreaterThan(55)
    expect(distribution(down.map((p) => p.confluence)).p50).toBeLessThan(45)
  })

  test("over all steps the scores spread: every component's p5–p95 spans at least 20 points", () => {
    for (const c of COMPONENTS) {
      const d = distribution(points.map((p) => p.components[c]))
      expect(d.p95 - d.p5, c).toBeGreaterThanOrEqual(20)
    }
  })
})
