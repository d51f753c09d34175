/**
 * @module Cluster-mode wrappers around MarketData and Analysis, so neither knows about the
 * cluster: Analysis sees only the snapshots of symbols this instance owns (the others read as
 * untracked, so it skips them), and every instance's Analysis answers `latest` from the shared
 * state, so the HTTP API and metrics cover every symbol whichever instance scored it.
 */
import { Duration, Effect, Layer, Schedule } from "effect"
import { Analysis } from "../analysis/index.ts"
import { MarketData } from "../market/index.ts"
import { SharedState } from "./shared-state.ts"
import { SymbolOwnership } from "./symbol-ownership.ts"

/** MarketData whose snapshots exist only for owned symbols (the poller still tracks all). */
export const OwnedMarketData = Layer.effect(MarketData, Effect.gen(function* () {
  const market = yield* MarketData
  const ownership = yield* SymbolOwnership
  return MarketData.of({
    ...market,
    snapshot: (symbol, timeframe) => (ownership.owns(symbol) ? market.snapshot(symbol, timeframe) : Effect.succeed(undefined)),
  })
}))

/** Analysis whose latest scores come from the shared state. */
export const SharedAnalysis = Layer.effect(Analysis, Effect.gen(function* () {
  const analysis = yield* Analysis
  const shared = yield* SharedState
  const market = yield* MarketData
  const symbols = yield* market.symbols
  const everyoneScored = shared.latest.pipe(
    Effect.map((latest) => symbols.every((s) => latest.some((c) => c.symbol === s))),
    Effect.repeat({ until: (done) => done, schedule: Schedule.spaced(Duration.millis(250)) }),
    Effect.asVoid,
  )
  return Analysis.of({
    ...analysis,
    latest: shared.latest,
    latestFor: shared.latestFor,
    awaitScores: everyoneScored,
  })
}))

/** The engine's Analysis in cluster mode: scores owned symbols, answers for all. */
export const clusterAnalysisLayer = SharedAnalysis.pipe(Layer.provide(Analysis.layer.pipe(Layer.provide(OwnedMarketData))))
