/**
 * @module Data staleness per stream: the last message time of each stream against a threshold.
 * Feeds call `touch(stream, now)` (sync, allocation-free after the first message); the check
 * reads `Clock`. Some streams stale → degraded; every stream stale → unhealthy; an expected
 * stream that never delivered → degraded "no data yet".
 */
import { Clock, Effect } from "effect"
import { type CheckResult, degraded, healthy, unhealthy } from "./schema.ts"

export interface StalenessOptions {
  /** A stream whose last message is older than this is stale. */
  readonly thresholdMs: number
  /** Per-stream thresholds (a 1h candle stream is quieter than a trade stream). */
  readonly thresholds?: Readonly<Record<string, number>>
}

interface StreamAge {
  readonly stream: string
  /** undefined when the stream never delivered. */
  readonly ageMs: number | undefined
  readonly thresholdMs: number
  readonly stale: boolean
}

export interface StalenessMonitor {
  /** A message arrived on `stream` at `now` (ms). */
  readonly touch: (stream: string, now: number) => void
  /** Same, reading the Clock. */
  readonly touchNow: (stream: string) => Effect.Effect<void>
  /** Declare a stream we expect data from (reported as "no data yet" until it delivers). */
  readonly expect: (stream: string, thresholdMs?: number) => void
  readonly forget: (stream: string) => void
  readonly ages: (now: number) => ReadonlyArray<StreamAge>
  readonly check: Effect.Effect<CheckResult>
}

export const makeStalenessMonitor = (options: StalenessOptions): StalenessMonitor => {
  const last = new Map<string, number>()
  const thresholds = new Map<string, number>(Object.entries(options.thresholds ?? {}))
  const thresholdOf = (s: string) => thresholds.get(s) ?? options.thresholdMs

  const ages = (now: number): ReadonlyArray<StreamAge> =>
    [...last.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([stream, at]) => {
        const thresholdMs = thresholdOf(stream)
        const ageMs = Number.isNaN(at) ? undefined : now - at
        return { stream, ageMs, thresholdMs, stale: ageMs === undefined || ageMs > thresholdMs }
      })

  const check = Effect.map(Clock.currentTimeMillis, (now): CheckResult => {
    const all = ages(now)
    const details = {
      streams: Object.fromEntries(all.map((a) => [a.stream, { ageMs: a.ageMs, thresholdMs: a.thresholdMs }])),
    }
    if (all.length === 0) return healthy(details)
    const silent = all.filter((a) => a.ageMs === undefined).map((a) => a.stream)
    const stale = all.filter((a) => a.ageMs !== undefined && a.stale).map((a) => `${a.stream} (${a.ageMs} ms)`)
    if (silent.length + stale.length === 0) return healthy(details)
    const parts = [
      ...(stale.length > 0 ? [`stale: ${stale.join(", ")}`] : []),
      ...(silent.length > 0 ? [`no data yet: ${silent.join(", ")}`] : []),
    ]
    const everyOne = silent.length + stale.length === all.length && stale.length > 0
    return everyOne ? unhealthy(parts.join("; "), details) : degraded(parts.join("; "), details)
  })

  return {
    touch: (stream, now) => void last.set(stream, now),
    touchNow: (stream) => Effect.map(Clock.currentTimeMillis, (now) => void last.set(stream, now)),
    expect: (stream, thresholdMs) => {
      if (!last.has(stream)) last.set(stream, NaN)
      if (thresholdMs !== undefined) thresholds.set(stream, thresholdMs)
    },
    forget: (stream) => void last.delete(stream),
    ages,
    check,
  }
}
