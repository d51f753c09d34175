/**
 * "Scores that mean something": real candles (BTC and LTC, 1m and 5m) replayed through every
 * built-in plugin, with synthetic books, trades and derivatives data derived from the same
 * candles, folded by the confluence fold. Prints the distribution of each component and of the
 * confluence, and fails if a component sits within 45–55 for more than 80 % of the steps where
 * the data clearly trends.
 *
 * Only components whose plugins read nothing but candles must point with the trend: the
 * synthetic book, tape and derivatives data are generated from that same trend, so a
 * trend check on them would test the generator, not the plugins.
 */
import { describe, expect, test } from "bun:test"
import { DEFAULT_COMPONENT_WEIGHTS } from "../../../core/analysis/confluence/index.ts"
import { type Component, COMPONENTS } from "../../../core/plugins/sdk.ts"
import { distribution, formatDistributions, replay } from "./replay.ts"
import { loadPlugins } from "./support.ts"

/** |30-candle move| ≥ 1.5 σ·√30: a move a random walk makes about one time in seven. */
const TREND_Z = 1.5

const plugins = await loadPlugins()
const points = replay(plugins)

/** Components all of whose plugins need no data beyond candles. */
const candleComponents = COMPONENTS.filter((c) =>
  plugins.filter((p) => p.component === c).every((p) => (p.needs ?? []).length === 0),
)

/** The confluence of the candle-only components (default weights, re-normalised over those scored). */
const candleConfluence = (components: Readonly<Record<Component, number | null>>): number | null => {
  let sum = 0
  let weight = 0
  for (const c of candleComponents) {
    const score = components[c]
    if (score === null) continue
    sum += score * DEFAULT_COMPONENT_WEIGHTS[c]
    weight += DEFAULT_COMPONENT_WEIGHTS[c]
  }
  return weight === 0 ? null : sum / weight
}
const up = points.filter((p) => p.trendZ >= TREND_Z)
const down = points.filter((p) => p.trendZ <= -TREND_Z)
const trending = [...up, ...down]

console.log(
  [
    formatDistributions("all steps", points),
    formatDistributions(`trending up (z30 >= ${TREND_Z})`, up),
    formatDistributions(`trending down (z30 <= -${TREND_Z})`, down),
  ].join("\n\n"),
)

describe("score distributions on replayed real candles", () => {
  test("the replay has enough clearly trending steps to judge", () => {
    expect(points.length).toBeGreaterThan(1500)
    expect(up.length).toBeGreaterThanOrEqual(50)
    expect(down.length).toBeGreaterThanOrEqual(30)
  })

  test("every component scores every step (synthetic data stands in where the fixtures have none)", () => {
    for (const c of COMPONENTS) expect(distribution(points.map((p) => p.components[c])).n, c).toBe(points.length)
  })

  for (const [name, set] of [
    ["trending", trending],
    ["trending up", up],
    ["trending down", down],
  ] as const) {
    test(`${name}: no component sits within 45–55 more than 80 % of the time`, () => {
      for (const c of COMPONENTS) {
        const d = distribution(set.map((p) => p.components[c]))
        expect(d.nearNeutral, `${c}: ${(d.nearNeutral * 100).toFixed(1)}% in 45–55`).toBeLessThanOrEqual(0.8)
      }
      expect(distribution(set.map((p) => p.confluence)).nearNeutral).toBeLessThanOrEqual(0.8)
    })
  }

  test("technical, volume and price structure are the components that read candles only", () => {
    expect(candleComponents).toEqual(["technical", "volume", "price_structure"])
  })

  const trendName =
    "candle-only components and their confluence point with the trend: median above 50 going up, below going down"
  test(trendName, () => {
    for (const c of candleComponents) {
      expect(distribution(up.map((p) => p.components[c])).p50, `${c} up`).toBeGreaterThan(50)
      expect(distribution(down.map((p) => p.components[c])).p50, `${c} down`).toBeLessThan(50)
    }
    expect(distribution(up.map((p) => candleConfluence(p.components))).p50).toBeGreaterThan(55)
    expect(distribution(down.map((p) => candleConfluence(p.components))).p50).toBeLessThan(45)
  })

  test("over all steps the scores spread: every component's p5–p95 spans at least 20 points", () => {
    for (const c of COMPONENTS) {
      const d = distribution(points.map((p) => p.components[c]))
      expect(d.p95 - d.p5, c).toBeGreaterThanOrEqual(20)
    }
  })
})
