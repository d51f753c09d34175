/** @module Signals: rules over confluence scores, the SignalEngine, alert channels in alerts/. */
export { buildSignal, topIndicators, tradePlan } from "./build-signal.ts"
export {
  agreementOf,
  decide,
  DEFAULT_RULES,
  newRuleState,
  type Observation,
} from "./rules.ts"
export type { Signal } from "./schema.ts"
export { SignalEngine } from "./signal-engine.ts"
export * from "./alerts/index.ts"
