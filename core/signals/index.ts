/** @module Signals: rules over confluence scores, the SignalEngine, alert channels in alerts/. */
export { buildSignal, topIndicators, tradePlan, type SignalInput, type TradeRules } from "./build-signal.ts"
export {
  agreementOf,
  decide,
  DEFAULT_RULES,
  newRuleState,
  type Decision,
  type Observation,
  type RuleState,
  type SignalRules,
  type SignalSide,
} from "./rules.ts"
export type { Signal, TopIndicator, TradePlan } from "./schema.ts"
export { SignalEngine, type SignalStats } from "./signal-engine.ts"
export * from "./alerts/index.ts"
