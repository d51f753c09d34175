/**
 * @module The signal rules: when a confluence score becomes a long or short signal.
 *
 * Pure and deterministic (live engine and replay share it). A side fires when the score
 * reaches its threshold (long ≥ longAt, short ≤ shortAt), enough components agree, and the
 * cooldown has passed. Hysteresis: after firing, a side re-arms only once the score has
 * crossed back past the threshold by the neutral buffer, so a score hovering at 70 gives one
 * signal, not fifty. A side also starts disarmed when the first score seen is already past
 * its threshold: signals mark crossings, not levels.
 */
import type { Component } from "../plugins/sdk.ts"

export interface SignalRules {
  readonly longAt: number
  readonly shortAt: number
  readonly neutralBuffer: number
  readonly cooldownMs: number
  /** Share of scored components pointing the signal's way (long: > 50, short: < 50). */
  readonly minAgreement: number
}

export const DEFAULT_RULES: SignalRules = {
  longAt: 70,
  shortAt: 35,
  neutralBuffer: 5,
  cooldownMs: 15 * 60_000,
  minAgreement: 0.5,
}

export type SignalSide = "long" | "short"

export interface RuleState {
  longArmed: boolean | undefined
  shortArmed: boolean | undefined
  lastSignalAt: number
}

export const newRuleState = (): RuleState => ({ longArmed: undefined, shortArmed: undefined, lastSignalAt: -Infinity })

export interface Observation {
  readonly score: number
  /** Epoch ms of the data (candle time), so replay and live time the cooldown alike. */
  readonly time: number
  readonly components: Readonly<Partial<Record<Component, number | null>>>
}

export interface Decision {
  readonly side: SignalSide
  /** Share of scored components that agreed. */
  readonly agreement: number
}

/** Share of scored components on the side's half of the scale. */
export const agreementOf = (components: Observation["components"], side: SignalSide): number => {
  const scored = Object.values(components).filter((s): s is number => typeof s === "number" && Number.isFinite(s))
  if (scored.length === 0) return 0
  return scored.filter((s) => (side === "long" ? s > 50 : s < 50)).length / scored.length
}

/** Advances the state with one observation; returns the signal it triggers, if any. */
export const decide = (state: RuleState, observation: Observation, rules: SignalRules): Decision | undefined => {
  const { score, time } = observation
  state.longArmed ??= score < rules.longAt
  state.shortArmed ??= score > rules.shortAt
  if (!state.longArmed && score < rules.longAt - rules.neutralBuffer) state.longArmed = true
  if (!state.shortArmed && score > rules.shortAt + rules.neutralBuffer) state.shortArmed = true

  const side: SignalSide | undefined =
    score >= rules.longAt && state.longArmed ? "long" : score <= rules.shortAt && state.shortArmed ? "short" : undefined
  if (side === undefined) return undefined
  // Blocked by cooldown or disagreement: stay armed, so it fires once the block lifts.
  if (time - state.lastSignalAt < rules.cooldownMs) return undefined
  const agreement = agreementOf(observation.components, side)
  if (agreement < rules.minAgreement) return undefined
  if (side === "long") state.longArmed = false
  else state.shortArmed = false
  state.lastSignalAt = time
  return { side, agreement }
}
