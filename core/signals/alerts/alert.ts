/** @module What an alert says, independent of where it is delivered. */
import type { Signal } from "../schema.ts"

/** Alert kinds; Discord can route each to its own webhook. */
export type AlertKind = "signals" | "liquidations" | "system"

export interface Alert {
  /** Stable per cause (the signal id, or the health change), so receivers can dedupe. */
  readonly id: string
  readonly kind: AlertKind
  readonly time: number
  readonly title: string
  readonly text: string
  readonly fields: ReadonlyArray<{ readonly name: string; readonly value: string }>
  /** green for long/healthy, red for short/unhealthy, amber otherwise. */
  readonly tone: "good" | "bad" | "warn"
  readonly signal?: Signal
}

const fmt = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined || !Number.isFinite(n) ? "n/a" : n.toFixed(digits)

const price = (n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n) ? "n/a" : n >= 100 ? n.toFixed(2) : n.toPrecision(6)

export const alertOfSignal = (signal: Signal): Alert => ({
  id: signal.id,
  kind: "signals",
  time: signal.time,
  title: `${signal.type.toUpperCase()} ${signal.symbol} — score ${fmt(signal.score, 1)}`,
  text: signal.interpretation,
  tone: signal.type === "long" ? "good" : "bad",
  fields: [
    { name: "Entry", value: price(signal.trade.entry) },
    { name: "Stop", value: price(signal.trade.stop) },
    { name: "Targets", value: signal.trade.targets.map(price).join(" / ") || "n/a" },
    { name: "Confidence", value: fmt(signal.confidence) },
    { name: "Consensus", value: fmt(signal.consensus) },
    {
      name: "Top indicators",
      value: signal.topIndicators.map((t) => `${t.name} ${fmt(t.score, 0)}`).join(", ") || "n/a",
    },
  ],
  signal,
})

export interface HealthAlertInput {
  readonly component: string
  readonly status: string
  readonly previous?: string
  readonly reason?: string
  readonly at: number
}

export const alertOfHealth = (change: HealthAlertInput): Alert => ({
  id: `health:${change.component}:${change.status}:${change.at}`,
  kind: "system",
  time: change.at,
  title: `Virtuoso ${change.component}: ${change.previous ?? "unknown"} → ${change.status}`,
  text: change.reason ?? `${change.component} is ${change.status}`,
  tone: change.status === "healthy" ? "good" : change.status === "unhealthy" ? "bad" : "warn",
  fields: [],
})
