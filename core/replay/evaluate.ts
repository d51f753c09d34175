/**
 * @module Scores a replay's signals against what the price did next: forward returns per
 * horizon, then hit rate and mean signed return per direction and per score bucket, next to an
 * unconditional baseline. Pure: a ReplayRun in, a ReplayReport out.
 */
import type { VirtuosoConfig } from "../config/index.ts"
import type { Candle } from "../market-schema/index.ts"
import type { Component } from "../plugins/index.ts"
import type { Signal } from "../signals/index.ts"
import { REPLAY_BUDGET_MS } from "./run-replay.ts"
import type { EvaluatedSignal, ForwardReturn, GroupStats, HorizonStats, ReplayReport, ReplayRun } from "./schema.ts"

/** Score buckets; [20,35] is closed because a short fires at ≤ 35 (the default shortAt). */
export interface Bucket {
  readonly label: string
  readonly contains: (score: number) => boolean
}

export const SCORE_BUCKETS: ReadonlyArray<Bucket> = [
  { label: "[0,20)", contains: (s) => s < 20 },
  { label: "[20,35]", contains: (s) => s >= 20 && s <= 35 },
  { label: "(35,50)", contains: (s) => s > 35 && s < 50 },
  { label: "[50,70)", contains: (s) => s >= 50 && s < 70 },
  { label: "[70,80)", contains: (s) => s >= 70 && s < 80 },
  { label: "[80,100]", contains: (s) => s >= 80 },
]

/** Data a candle CSV or stored candle events never carry; plugins needing it are unavailable. */
const CANDLE_ONLY_UNAVAILABLE = [
  "orderbook",
  "trades",
  "ticker",
  "fundingRate",
  "openInterest",
  "longShortRatio",
  "liquidations",
] as const

const pct = (from: number, to: number): number => (to / from - 1) * 100

export const forwardReturns = (
  candles: ReadonlyArray<Candle>,
  index: number,
  side: Signal["type"],
  horizons: ReadonlyArray<number>,
): ReadonlyArray<ForwardReturn> => {
  const entry = candles[index]!.close
  const sign = side === "long" ? 1 : -1
  return horizons.map((horizon) => {
    const exit = candles[index + horizon]
    if (exit === undefined) return { horizon, exitTime: null, exitPrice: null, returnPct: null, signedPct: null }
    const returnPct = pct(entry, exit.close)
    return { horizon, exitTime: exit.time, exitPrice: exit.close, returnPct, signedPct: sign * returnPct }
  })
}

/** Hit = the signed return is above 0 (a flat move is not a hit). */
const horizonStats = (horizon: number, signed: ReadonlyArray<number>): HorizonStats => {
  const hits = signed.filter((r) => r > 0).length
  const n = signed.length
  return {
    horizon,
    n,
    hits,
    hitRate: n === 0 ? null : hits / n,
    meanPct: n === 0 ? null : signed.reduce((a, b) => a + b, 0) / n,
  }
}

const group = (
  label: string,
  signals: ReadonlyArray<EvaluatedSignal>,
  horizons: ReadonlyArray<number>,
): GroupStats => ({
  label,
  signals: signals.length,
  horizons: horizons.map((h, k) =>
    horizonStats(
      h,
      signals.flatMap((s) => (s.forward[k]!.signedPct === null ? [] : [s.forward[k]!.signedPct!])),
    ),
  ),
})

/** Every candle as a long entry: the drift a signal has to beat at each horizon. */
const baseline = (candles: ReadonlyArray<Candle>, horizons: ReadonlyArray<number>): ReadonlyArray<HorizonStats> =>
  horizons.map((h) => {
    const moves: Array<number> = []
    for (let i = 0; i + h < candles.length; i++) moves.push(pct(candles[i]!.close, candles[i + h]!.close))
    return horizonStats(h, moves)
  })

const componentsOf = (run: ReplayRun): ReplayReport["components"] => {
  const all = new Set<Component>(),
    scored = new Set<Component>()
  for (const p of run.plugins) {
    all.add(p.component)
    if (p.ok > 0) scored.add(p.component)
  }
  const sorted = (xs: Iterable<Component>) => [...xs].sort()
  return { scored: sorted(scored), unavailable: sorted([...all].filter((c) => !scored.has(c))) }
}

export const evaluateReplay = (run: ReplayRun, rules: VirtuosoConfig["signals"]): ReplayReport => {
  const { candles, options } = run
  const signals: Array<EvaluatedSignal> = run.signals.map(({ index, signal }) => ({
    index,
    signal,
    forward: forwardReturns(candles, index, signal.type, options.horizons),
  }))
  const side = (t: Signal["type"]) => signals.filter((s) => s.signal.type === t)
  return {
    symbol: options.symbol,
    timeframe: options.timeframe,
    rollup: options.rollup,
    source: options.source,
    candles: candles.length,
    from: candles[0]?.time ?? null,
    to: candles.at(-1)?.time ?? null,
    gaps: run.gaps,
    scored: run.trace.filter((p) => p.score !== null).length,
    thresholds: {
      longAt: rules.longAt,
      shortAt: rules.shortAt,
      neutralBuffer: rules.neutralBuffer,
      cooldownMs: rules.cooldownMs,
      minAgreement: rules.minAgreement,
      stopAtr: rules.stopAtr,
      targets: [...rules.targets],
    },
    horizons: options.horizons,
    unavailableData: [...CANDLE_ONLY_UNAVAILABLE],
    plugins: run.plugins,
    timeframes: run.timeframes,
    components: componentsOf(run),
    notes: [
      options.rollup.length === 0
        ? `one timeframe (${options.timeframe}) is replayed, so the roll-up is that timeframe alone; live rolls up ` +
          `every configured timeframe (--rollup)`
        : `${options.rollup.join(", ")} built from the ${options.timeframe} candles and rolled up with them, as ` +
          `live; higher timeframes need their own warm-up`,
      `the input has candles only: plugins needing ${CANDLE_ONLY_UNAVAILABLE.join(", ")} report unavailable and ` +
        `their components drop out of the fold`,
      `plugin compute budget ${REPLAY_BUDGET_MS} ms (live: plugins.budgetMs), so wall-clock speed cannot change ` +
        `the result`,
    ],
    byDirection: [
      group("long", side("long"), options.horizons),
      group("short", side("short"), options.horizons),
      group("all", signals, options.horizons),
    ],
    byBucket: SCORE_BUCKETS.map((b) =>
      group(
        b.label,
        signals.filter((s) => b.contains(s.signal.score)),
        options.horizons,
      ),
    ),
    baseline: baseline(candles, options.horizons),
    signals,
  }
}
