/**
 * @module Cluster-mode wrappers around the bus and Analysis, so Analysis does not know about
 * the cluster (MarketData only fetches what this instance owns): Analysis receives only the
 * market events of symbols this instance owns, and every instance's Analysis answers `latest` from the shared
 * state, so the HTTP API and metrics cover every symbol whichever instance scored it. Signals
 * and alerts see only this instance's share of the events, so each fires once per cluster.
 */
import { Duration, Effect, Layer, Schedule, type Scope } from "effect"
import { Analysis } from "../analysis/index.ts"
import {
  type BatchHandler,
  type BatchOptions,
  EventBus,
  type EventFor,
  type EventPattern,
  type Handler,
  type SubscribeOptions,
  symbolOf,
  type VirtuosoEvent,
} from "../events/index.ts"
import { RedisTransport } from "../events/transports/redis/index.ts"
import { AlertManager, SignalEngine } from "../signals/index.ts"
import { RecorderLive } from "../store/index.ts"
import { SharedState } from "./shared-state.ts"
import { SymbolOwnership } from "./symbol-ownership.ts"

/** Analysis whose latest scores come from the shared state. */
const SharedAnalysis = Layer.effect(
  Analysis,
  Effect.gen(function* () {
    const analysis = yield* Analysis
    const shared = yield* SharedState
    const ownership = yield* SymbolOwnership
    const everyoneScored = Effect.all([ownership.tracked, shared.latest]).pipe(
      Effect.map(([symbols, latest]) => symbols.length > 0 && symbols.every((s) => latest.some((c) => c.symbol === s))),
      Effect.repeat({ until: (done) => done, schedule: Schedule.spaced(Duration.millis(250)) }),
      Effect.asVoid,
    )
    return Analysis.of({
      ...analysis,
      latest: shared.latest,
      // A symbol this instance scored has its full detail here; others only their summary.
      latestFor: (symbol) =>
        Effect.flatMap(analysis.latestFor(symbol), (local) =>
          local === undefined ? shared.latestFor(symbol) : Effect.succeed(local),
        ),
      awaitScores: everyoneScored,
    })
  }),
)

/**
 * Whether an event is this instance's, decided once per event as the bus delivers it: the
 * recorder and Analysis subscribe separately, and a symbol handed over while the event waits in
 * their lanes must not be recorded by one and scored by the other — the recording is what
 * Analysis received. Deciding at delivery (`SubscribeOptions.accept`) also keeps an event the
 * handler drops out of its lane: a peer's book cannot supersede one of this instance's own that
 * the recorder keeps. Keyed by the delivered event object (weakly, so nothing is retained).
 */
const decisions = new WeakMap<VirtuosoEvent, boolean>()

/**
 * The bus as seen by work that must happen once per cluster (signals, alerts, Analysis, the
 * recorder): an event about a symbol reaches the handler only on the symbol's owner (a market
 * input only when the owner fetched it itself); any other event only on the instance that
 * published it. Every bus still receives everything (SSE, dashboards).
 */
export const OwnedEventBus = Layer.effect(
  EventBus,
  Effect.gen(function* () {
    const bus = yield* EventBus
    const ownership = yield* SymbolOwnership
    const transport = yield* RedisTransport
    const decide = (event: VirtuosoEvent): boolean => {
      const symbol = symbolOf(event)
      if (symbol === undefined) return !transport.isRemote(event)
      // A peer's market inputs are its own fetch: around a hand-over they still arrive, on
      // another exchange connection's clock and in another order than this instance's own
      // backfill. Analysis (and so the recorder) takes only what this instance fetched.
      if (event.type.startsWith("market.") && transport.isRemote(event)) return false
      return ownership.owns(symbol)
    }
    const mine = (event: VirtuosoEvent): boolean => {
      let kept = decisions.get(event)
      if (kept === undefined) decisions.set(event, (kept = decide(event)))
      return kept
    }
    const accept = (own: SubscribeOptions["accept"]) =>
      own === undefined ? mine : (event: VirtuosoEvent) => mine(event) && own(event)
    // The bus's own overloads, each subscription taking only this instance's events.
    function subscribe<P extends EventPattern, R = never>(
      pattern: P,
      handler: (event: EventFor<P>) => Effect.Effect<void, unknown, R>,
      options?: SubscribeOptions & { readonly batch?: undefined },
    ): Effect.Effect<void, never, Scope.Scope | R>
    function subscribe<P extends EventPattern, R = never>(
      pattern: P,
      handler: (events: ReadonlyArray<EventFor<P>>, queued: number) => Effect.Effect<void, unknown, R>,
      options: SubscribeOptions & { readonly batch: BatchOptions },
    ): Effect.Effect<void, never, Scope.Scope | R>
    function subscribe<R>(
      pattern: EventPattern,
      handler: Handler<R> | BatchHandler<R>,
      options?: SubscribeOptions,
    ): Effect.Effect<void, never, Scope.Scope | R> {
      if (options === undefined) {
        const onEvent = handler as Handler<R>
        return bus.subscribe(pattern, (event) => (mine(event) ? onEvent(event) : Effect.void))
      }
      if (options.batch !== undefined)
        return bus.subscribe(pattern, handler as BatchHandler<R>, {
          ...options,
          batch: options.batch,
          accept: accept(options.accept),
        })
      return bus.subscribe(pattern, handler as Handler<R>, {
        ...options,
        batch: undefined,
        accept: accept(options.accept),
      })
    }
    return EventBus.of({ ...bus, subscribe })
  }),
)

/**
 * The recorder of a cluster member: it keeps what this instance's Analysis receives (its owned
 * symbols' market events, its own served-set events), so each instance's store replays to its
 * own live scores; other instances record their share.
 */
export const clusterRecorder = (patterns: ReadonlyArray<string>) =>
  RecorderLive(patterns).pipe(Layer.provide(OwnedEventBus))

/** SignalEngine and AlertManager that act only on this instance's share of the events. */
export const clusterSignalsLayer = SignalEngine.layer.pipe(Layer.provide(OwnedEventBus))
export const clusterAlertsLayer = AlertManager.layer.pipe(Layer.provide(OwnedEventBus))

/**
 * The engine's Analysis in cluster mode: scores owned symbols (it receives only their market
 * events, so a symbol just handed over is not scored twice), answers for all.
 */
export const clusterAnalysisLayer = SharedAnalysis.pipe(
  Layer.provide(Analysis.layer.pipe(Layer.provide(OwnedEventBus))),
)
