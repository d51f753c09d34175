import { describe, expect, test } from "bun:test"
import { agreementOf, decide, DEFAULT_RULES, newRuleState, type Observation } from "../../../core/signals/index.ts"

const bullish = { technical: 75, volume: 70, orderflow: 80, orderbook: 60, sentiment: 40, price_structure: 65 }
const bearish = { technical: 25, volume: 30, orderflow: 20, orderbook: 40, sentiment: 60, price_structure: 35 }
const MIN = 60_000

/** Runs a score path through the rules; returns [index, side] of each signal. */
const run = (scores: ReadonlyArray<number>, rules = { ...DEFAULT_RULES, cooldownMs: 0 }, components = bullish) => {
  const state = newRuleState()
  const out: Array<[number, string]> = []
  scores.forEach((score, i) => {
    const observation: Observation = { score, time: i * MIN, components: score < 50 ? bearish : components }
    const decision = decide(state, observation, rules)
    if (decision) out.push([i, decision.side])
  })
  return out
}

describe("signal rules", () => {
  test("a crossing of 70 is a long, of 35 a short", () => {
    expect(run([50, 60, 71, 60, 40, 34])).toEqual([
      [2, "long"],
      [5, "short"],
    ])
  })

  test("hysteresis: hovering around the threshold fires once; re-arms only past the neutral buffer", () => {
    // 70 → 68 (still within the 5-point buffer) → 71: no second signal; 64 re-arms; 70 fires again.
    expect(run([60, 70, 68, 71, 69, 70, 64, 70])).toEqual([
      [1, "long"],
      [7, "long"],
    ])
    expect(run([40, 35, 37, 34, 41, 35])).toEqual([
      [1, "short"],
      [5, "short"],
    ])
  })

  test("a score already past the threshold at start is not a crossing", () => {
    expect(run([80, 75, 72])).toEqual([])
    expect(run([80, 60, 72])).toEqual([[2, "long"]])
  })

  test("cooldown per series blocks a second signal; it fires once the cooldown has passed if still valid", () => {
    const rules = { ...DEFAULT_RULES, cooldownMs: 5 * MIN }
    // long at 1, re-armed at 2, cooldown blocks 3 and 4, fires at 6 (6 - 1 >= 5 minutes).
    expect(run([60, 72, 60, 72, 73, 74, 75], rules)).toEqual([
      [1, "long"],
      [6, "long"],
    ])
  })

  test("minimum agreement: a high score with components disagreeing does not fire", () => {
    const split = { technical: 90, volume: 95, orderflow: 40, orderbook: 45, sentiment: 30, price_structure: 45 }
    expect(agreementOf(split, "long")).toBeCloseTo(2 / 6, 12)
    expect(run([60, 72], DEFAULT_RULES, split)).toEqual([])
    expect(run([60, 72], { ...DEFAULT_RULES, minAgreement: 0.3 }, split)).toEqual([[1, "long"]])
  })

  test("unavailable components are left out of the agreement, never counted as neutral", () => {
    expect(agreementOf({ technical: 80, volume: null, orderflow: 70 }, "long")).toBe(1)
    expect(agreementOf({}, "long")).toBe(0)
  })

  test("same inputs, same signals (deterministic)", () => {
    const path = Array.from({ length: 500 }, (_, i) => 50 + 30 * Math.sin(i / 7))
    expect(run(path)).toEqual(run(path))
    expect(run(path).length).toBeGreaterThan(10)
  })
})
