/** @module Assembles a Signal from the confluence behind it, the price and the ATR. */
import { contributionsOf, type SymbolConfluence } from "../analysis/confluence/index.ts"
import { COMPONENTS, type Component, type Timeframe } from "../plugins/sdk.ts"
import type { Decision, SignalRules } from "./rules.ts"
import type { Signal, TopIndicator, TradePlan } from "./schema.ts"

export interface TradeRules {
  /** Stop distance in ATR multiples. */
  readonly stopAtr: number
  /** Targets in multiples of the risk (entry − stop). */
  readonly targets: ReadonlyArray<number>
}

export const tradePlan = (side: Decision["side"], price: number, atr: number | null, rules: TradeRules): TradePlan => {
  const sign = side === "long" ? 1 : -1
  if (atr === null || !Number.isFinite(atr) || atr <= 0) {
    return { entry: price, stop: null, targets: [], atr: null, riskReward: [] }
  }
  const risk = rules.stopAtr * atr
  return {
    entry: price,
    stop: price - sign * risk,
    targets: rules.targets.map((k) => price + sign * k * risk),
    atr,
    riskReward: [...rules.targets],
  }
}

/**
 * The plugins that pushed hardest the signal's way, across timeframes: each plugin's
 * contribution weighted by its timeframe's share of the roll-up.
 */
export const topIndicators = (
  confluence: SymbolConfluence,
  side: Decision["side"],
  count = 5,
): ReadonlyArray<TopIndicator> => {
  const totals = new Map<string, { component: Component; score: number; contribution: number }>()
  for (const [tf, result] of Object.entries(confluence.results)) {
    const share = confluence.timeframes[tf as keyof typeof confluence.timeframes]?.weight ?? 0
    if (!result || share === 0) continue
    for (const component of COMPONENTS) {
      for (const plugin of contributionsOf(result, component)) {
        if (plugin.contribution === null || plugin.score === null) continue
        const total = totals.get(plugin.name) ?? { component, score: plugin.score, contribution: 0 }
        total.contribution += share * plugin.contribution
        totals.set(plugin.name, total)
      }
    }
  }
  const sign = side === "long" ? 1 : -1
  return [...totals.entries()]
    .map(([name, t]) => ({ name, component: t.component, score: t.score, contribution: t.contribution }))
    .filter((t) => sign * t.contribution > 0)
    .sort((a, b) => sign * (b.contribution - a.contribution) || a.name.localeCompare(b.name))
    .slice(0, count)
}

export interface SignalInput {
  readonly confluence: SymbolConfluence
  readonly decision: Decision
  readonly timeframe: Timeframe | "all"
  readonly price: number
  readonly atr: number | null
  readonly rules: SignalRules & TradeRules
}

export const buildSignal = ({ confluence, decision, timeframe, price, atr, rules }: SignalInput): Signal => {
  const side = decision.side
  const score = confluence.score!
  const top = topIndicators(confluence, side)
  const leaders = top
    .slice(0, 3)
    .map((t) => `${t.name} ${t.score.toFixed(0)}`)
    .join(", ")
  return {
    id: `sig:${confluence.symbol}:${timeframe}:${side}:${confluence.time}`,
    symbol: confluence.symbol,
    type: side,
    direction: side,
    timeframe,
    time: confluence.time,
    score,
    consensus: confluence.consensus,
    confidence: confluence.confidence,
    agreement: decision.agreement,
    components: confluence.components,
    topIndicators: top,
    price,
    thresholds: {
      longAt: rules.longAt,
      shortAt: rules.shortAt,
      neutralBuffer: rules.neutralBuffer,
      cooldownMs: rules.cooldownMs,
      minAgreement: rules.minAgreement,
    },
    interpretation:
      `${side.toUpperCase()} ${confluence.symbol} at ${Number(price.toPrecision(6))}: score ` +
      `${score.toFixed(1)} ${side === "long" ? "≥" : "≤"} ${side === "long" ? rules.longAt : rules.shortAt}, ` +
      `${Math.round(decision.agreement * 100)}% of components agree${leaders ? `; led by ${leaders}` : ""}. ` +
      `${confluence.interpretation}`,
    trade: tradePlan(side, price, atr, rules),
  }
}
