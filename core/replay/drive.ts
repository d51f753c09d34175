/**
 * @module The replay driver: the live layers — EventBus (in-process), PluginHost, resident
 * candles, Analysis, SignalEngine — fed recorded events in order under a virtual clock.
 *
 * Nothing is re-wired by hand: the events go onto the bus exactly as MarketData published
 * them live (flagged `replayed`, so nothing is persisted or deduplicated away), Analysis scores
 * what changed, SignalEngine decides, and the `analysis.confluence` and `signal.emitted` events
 * they publish are collected. Analysis handles events one at a time in delivery order, so the
 * results are a function of the input: the same recording gives the same results on every run,
 * and the results live gave.
 *
 * Candle and served-set events go in one at a time and the bus settles after each, so the clock
 * reads the time of the event being handled; runs of book/trade/derivatives events, which score
 * nothing, go in as one delivery. Plugins run with the config's maximum
 * per-call budget: live, a slow call counts as a failure by wall time, which differs between
 * machines; replay keeps plugin verdicts a function of the data.
 */
import { Clock, Effect, Layer } from "effect"
import { Analysis, type ConfluenceSummary } from "../analysis/index.ts"
import type { SymbolConfluence } from "../analysis/confluence/index.ts"
import { AppConfig, type VirtuosoConfig } from "../config/index.ts"
import { EventBus, type VirtuosoEvent } from "../events/index.ts"
import { ResidentCandles } from "../market/index.ts"
import type { Timeframe } from "../market-schema/index.ts"
import { PluginHost } from "../plugins/index.ts"
import { SignalEngine, type Signal } from "../signals/index.ts"
import { Kernels, type WasmLoadError } from "../wasm/index.ts"
import { makeReplayClock } from "./replay-clock.ts"

/** The per-call compute budget under replay (the config maximum). */
export const REPLAY_BUDGET_MS = 10_000

/** One `analysis.confluence` event as replay collected it. */
export interface ConfluencePoint {
  /** The timeframe whose new candle caused this score. */
  readonly timeframe: Timeframe
  readonly overall: SymbolConfluence
  /** The event's payload: the numbers as live stored them. */
  readonly summary: ConfluenceSummary
}

export interface DriveResult {
  readonly signals: ReadonlyArray<Signal>
  /** Events fed in. */
  readonly events: number
  /** Wall time from the first event fed to the last one handled (the layers' start-up excluded). */
  readonly feedMs: number
}

/** The layers live runs, over an in-process bus, for one replay config. */
export const replayLayers = (config: VirtuosoConfig) => {
  const plugins = PluginHost.layer({
    extraFolders: config.plugins.folders,
    watch: false,
    budgetMs: REPLAY_BUDGET_MS,
    maxFailures: config.plugins.maxFailures,
    quarantineMs: config.plugins.quarantineMs,
    pluginConfig: config.plugins.config,
  })
  const foundation = Layer.mergeAll(plugins, ResidentCandles.layer.pipe(Layer.provide(Kernels.layer))).pipe(
    Layer.provideMerge(EventBus.layer),
  )
  return SignalEngine.layerWith({ recent: Number.POSITIVE_INFINITY }).pipe(
    Layer.provideMerge(Analysis.layer),
    Layer.provideMerge(foundation),
    Layer.provide(Layer.succeed(AppConfig, config)),
  )
}

/** Events that change only the market picture Analysis keeps: never a score of their own. */
const PICTURE_ONLY: ReadonlySet<VirtuosoEvent["type"]> = new Set([
  "market.orderbook",
  "market.trades",
  "market.ticker",
  "market.derivatives",
])
const updatesPictureOnly = (event: VirtuosoEvent): boolean => PICTURE_ONLY.has(event.type)
/** At most this many picture-only events per delivery (well inside a lane's capacity). */
const RUN_LIMIT = 1000

/**
 * The event flagged `replayed`, as the envelope's fields alone: every event a replay feeds has
 * one shape on the bus (events read from a store carry the store's own fields beside them), and
 * making it costs less than a spread of whatever the reader made.
 */
export const asReplayed = (event: VirtuosoEvent): VirtuosoEvent => {
  if (event.replayed === true) return event
  const { id, type, version, time, source, payload, correlationId } = event
  return (
    correlationId === undefined
      ? { id, type, version, time, source, payload, replayed: true }
      : { id, type, version, time, correlationId, source, payload, replayed: true }
  ) as VirtuosoEvent
}

/**
 * Lets the handlers run until the bus is idle. One effect per bus, reused for every run: the
 * in-process bus hands a delivery to an idle handler at once, so it is mostly idle already.
 */
export const settled = (bus: EventBus["Service"]): Effect.Effect<void> => {
  const loop: Effect.Effect<void> = Effect.flatMap(bus.idle, (idle) =>
    idle ? Effect.void : Effect.andThen(Effect.yieldNow, loop),
  )
  return loop
}

/**
 * Feeds `events` (oldest first) through the live layers; each score goes to `onConfluence` as it
 * is published. The points are not kept here: each holds every plugin outcome of its series, so
 * keeping them all grew the heap with the input and kept the garbage collector busy.
 */
export const driveEvents = (
  config: VirtuosoConfig,
  events: Iterable<VirtuosoEvent>,
  onConfluence: (point: ConfluencePoint) => void,
): Effect.Effect<DriveResult, WasmLoadError> => {
  const clock = makeReplayClock(0)
  const program = Effect.gen(function* () {
    const bus = yield* EventBus
    const analysis = yield* Analysis
    // The candle series of the event being fed: what caused the scores it produces.
    let feeding: Timeframe | undefined
    // The event carries the compact roll-up; the per-series results behind it are Analysis's
    // latest for the symbol, since one event is fed at a time.
    yield* bus.subscribe(
      "analysis.confluence",
      (event) =>
        Effect.map(analysis.latestFor(event.payload.symbol), (overall) => {
          if (overall !== undefined && feeding !== undefined)
            onConfluence({ timeframe: feeding, overall, summary: event.payload })
        }),
      { name: "replay:confluence" },
    )
    let count = 0
    // Book, trade, ticker and derivatives events only update the market picture; nothing is
    // scored or read off the clock until the next candle event. A run of them goes onto the bus
    // in one delivery and the bus settles once, which keeps the order Analysis sees (one lane,
    // one handler) and the clock at every candle event's time, as one-at-a-time feeding does.
    let run: Array<VirtuosoEvent> = []
    const settle = settled(bus)
    const flushRun = Effect.gen(function* () {
      if (run.length === 0) return
      const out = run
      run = []
      clock.set(out[out.length - 1]!.time)
      yield* bus.publishAll(out).pipe(Effect.orDie)
      yield* settle
    })
    const started = performance.now()
    for (const event of events) {
      count++
      if (updatesPictureOnly(event)) {
        run.push(asReplayed(event))
        if (run.length >= RUN_LIMIT) yield* flushRun
        continue
      }
      yield* flushRun
      clock.set(event.time)
      feeding =
        event.type === "market.candle.closed" || event.type === "market.candles" ? event.payload.timeframe : feeding
      // A closed bus is the only failure, and nothing closes it before the scope ends.
      yield* bus.publish(asReplayed(event)).pipe(Effect.orDie)
      // One event at a time: the clock reads this event's time while it is handled, so plugin
      // quarantine and recovery happen at the same data time on every run.
      yield* settle
    }
    yield* flushRun
    const feedMs = performance.now() - started
    return { signals: yield* (yield* SignalEngine).recent, events: count, feedMs }
  })
  return Effect.scoped(program).pipe(Effect.provide(replayLayers(config)), Effect.provideService(Clock.Clock, clock))
}
