/**
 * @module MarketData: every market input of every tracked symbol, published as events.
 *
 * Composes small parts, each with one job: the exchange session (adapter, guard, counters),
 * series & backfill (closed candles, history to the configured depth), polling (REST rounds),
 * streaming (supervised websockets), derivatives (ticker, funding, open interest, long/short,
 * liquidations) and the tracked-symbol follower (top-N churn, cluster ownership). Every input
 * leaves as a `market.*` event (MarketEvents); nothing reads MarketData's memory for data, so
 * a recording of the events is everything analysis saw.
 *
 * In distributed mode (`layerShared`, over a SymbolShare) this instance fetches live data only
 * for the tracked symbols it owns; `symbols` is then the cluster's tracked set.
 */
import { Context, Deferred, Duration, Effect, Layer, Option, Schedule } from "effect"
import { AppConfig, type VirtuosoConfig } from "../config/index.ts"
import { Metrics } from "../metrics/index.ts"
import { PluginHost } from "../plugins/index.ts"
import { refreshDerivatives } from "./derivatives.ts"
import type { ExchangeAdapter } from "../plugins/exchange-adapter.ts"
import { makeExchangeSession, unreachableLine } from "./exchange-session.ts"
import { streamsCollector } from "./market-collectors.ts"
import { makeMarketEvents } from "./market-events.ts"
import { makePolling } from "./polling.ts"
import type { Timeframe } from "../market-schema/index.ts"
import { makeSeriesBackfill } from "./series-backfill.ts"
import { makeStreaming, publishStreamChanges } from "./streaming.ts"
import { DEFAULT_SUPERVISOR_OPTIONS, makeStreamSupervisor, type StreamsSummary } from "./streams/index.ts"
import { makeFollower } from "./symbol-follower.ts"
import { SymbolShare } from "./symbol-share.ts"
import { makeTopSymbols } from "./top-symbols/index.ts"

export interface MarketStats {
  readonly exchange: string
  /** Symbols tracked now (including ones still backfilling). */
  readonly symbols: number
  readonly polls: number
  readonly errors: number
  readonly candlesAppended: number
  readonly duplicates: number
  readonly malformed: number
  readonly gapsBackfilled: number
  /** Milliseconds since the last successful poll of any symbol. */
  readonly lastPollAgeMs: number
  /** Milliseconds since the last failed exchange request (Infinity if none), and what it was. */
  readonly lastErrorAgeMs: number
  readonly lastError?: string
  /** Set while the exchange has not answered any request since start: why, and what happens next. */
  readonly unreachable?: string
  /** Websocket streams by mode, and why REST covers the ones that are not live. */
  readonly streams?: StreamsSummary
}

export class MarketData extends Context.Service<
  MarketData,
  {
    readonly exchangeId: string
    readonly timeframes: ReadonlyArray<Timeframe>
    /**
     * Symbols served now: the static set (plus includes) from the start, each top symbol once its
     * backfill is done and until it leaves. Changes with TopSymbols churn: re-read it, never cache it.
     */
    readonly symbols: Effect.Effect<ReadonlyArray<string>>
    /** Resolves once the history of every static symbol (and include) has been published. */
    readonly awaitReady: Effect.Effect<void>
    readonly stats: Effect.Effect<MarketStats>
  }
>()("virtuoso/market/MarketData") {
  /** One instance fetches every tracked symbol. */
  static readonly layer = Layer.effect(
    MarketData,
    Effect.suspend(() => makeMarketData(undefined)),
  )
  /** Instances split the tracked symbols: this one fetches its SymbolShare. */
  static readonly layerShared = Layer.effect(
    MarketData,
    Effect.flatMap(SymbolShare, (share) => makeMarketData(share)),
  )
}

function makeMarketData(ownership: SymbolShare["Service"] | undefined) {
  return Effect.gen(function* () {
    const config = yield* AppConfig
    const host = yield* PluginHost
    const plugin = yield* host.exchange(config.exchange.plugin)
    const pinned = trackedSymbols(config)
    const session = yield* makeExchangeSession(plugin, config, pinned)
    const { adapter, counters } = session
    const timeframes = Object.keys(config.timeframes) as Array<Timeframe>
    const events = yield* makeMarketEvents(adapter.id, config.exchange.book)
    const series = makeSeriesBackfill(config, session, events)
    const poll = makePolling(session, events, series, timeframes, config.exchange.book.levels)
    const supervisor = adapter.has.watchOHLCV ? yield* makeStreamSupervisor(DEFAULT_SUPERVISOR_OPTIONS) : undefined
    const metrics = yield* Metrics
    if (supervisor) {
      yield* publishStreamChanges(supervisor, events)
      yield* metrics.registerCollector("market-streams", streamsCollector(supervisor))
    }
    const stream = supervisor ? makeStreaming(config, session, events, series, supervisor, timeframes) : undefined
    /** The tracked set: static symbols (plus includes) and the current top-N, fetched here or not. */
    const wanted = new Set(pinned)
    const follower = makeFollower({
      session,
      events,
      timeframes,
      poll,
      stream,
      supervisor,
      ownership,
      wanted,
    })
    const ready = yield* Deferred.make<void>()

    // The pinned set is served from the start (readiness says when its history is out); joiners
    // only once their backfill is done.
    for (const symbol of pinned) if (ownership === undefined || ownership.owns(symbol)) follower.pin(symbol)

    // TopSymbols ranks through the exchange's guard too (one rate budget, one breaker per endpoint).
    const context = yield* Effect.context<never>()
    const rankingAdapter: ExchangeAdapter = Object.assign(Object.create(adapter) as ExchangeAdapter, {
      fetchTickers: (symbols?: ReadonlyArray<string>) =>
        Effect.runPromiseWith(context)(
          session.guarded("fetchTickers", () => adapter.fetchTickers(symbols), symbols === undefined),
        ),
    })

    // Publish the served set, backfill the static set before declaring readiness, then stream or
    // poll; top symbols join after.
    yield* Effect.gen(function* () {
      yield* follower.refreshLive
      yield* Effect.forEach([...follower.states.values()], poll, { concurrency: 4, discard: true })
      // One line a user can act on, instead of one warning per symbol and timeframe: said at the
      // first network error (exchange-session), or here when the first round failed otherwise.
      if (!counters.answered && counters.unreachable === undefined && counters.lastError !== undefined) {
        counters.unreachable = unreachableLine(adapter.id, counters.lastError)
        yield* Effect.logError(counters.unreachable)
      }
      yield* Effect.logInfo(
        `market data ready: ${follower.states.size} symbols × ${timeframes.join(",")} on ${adapter.id}`,
      )
      yield* Deferred.succeed(ready, undefined)
      if (stream) for (const state of follower.liveStates()) yield* stream(state)
      // Ownership moves at heartbeats; checking an in-memory set 4×/s follows them closely enough.
      if (ownership !== undefined) {
        yield* follower
          .reconcile(ownership)
          .pipe(Effect.repeat(Schedule.spaced(Duration.millis(250))), Effect.forkChild)
      }
      if (config.symbols.top > 0) {
        const exclude = new Set(config.symbols.exclude)
        const pinnedSet = new Set(pinned)
        const rank = Effect.gen(function* () {
          const top = yield* makeTopSymbols({
            adapter: rankingAdapter,
            options: { ...config.symbols, static: config.symbols.static.filter((s) => !exclude.has(s)) },
            onChange: follower.applyChange,
          })
          yield* metrics.registerCollector("top-symbols", top.samples)
          // When another instance takes over the ranking, this one's top-N leaves its announcement.
          yield* Effect.addFinalizer(() =>
            follower.applyChange({ symbols: pinned, added: [], removed: [...wanted].filter((s) => !pinnedSet.has(s)) }),
          )
        })
        // Distributed: one instance ranks for the cluster; the others follow its tracked set.
        if (ownership === undefined) yield* rank
        else yield* ownership.ranking(rank).pipe(Effect.forkChild)
      }
      // A fresh array per round (symbols join and leave between rounds).
      const everyLive = <E>(f: (state: ReturnType<typeof follower.liveStates>[number]) => Effect.Effect<void, E>) =>
        Effect.suspend(() => Effect.forEach(follower.liveStates(), f, { concurrency: 4, discard: true }))
      // Websockets: supervised streams for candles, book and trades; REST only for derivatives
      // data (it refreshes itself every 5 minutes). Without them: REST rounds every `pollMs`.
      if (supervisor) {
        yield* everyLive((state) => refreshDerivatives(session, events, state)).pipe(
          Effect.repeat(Schedule.spaced(Duration.seconds(30))),
        )
      } else {
        yield* everyLive(poll).pipe(Effect.repeat(Schedule.spaced(Duration.millis(config.exchange.pollMs))))
      }
    }).pipe(
      Effect.onInterrupt(() => Effect.logDebug("finalizer: market data poller stopped")),
      Effect.forkScoped,
    )

    return MarketData.of({
      exchangeId: adapter.id,
      timeframes,
      // Distributed: every tracked symbol of the cluster (the others' are answered from shared state).
      symbols: ownership === undefined ? Effect.sync(follower.live) : ownership.tracked,
      awaitReady: Deferred.await(ready),
      stats: Effect.map(supervisor ? Effect.asSome(supervisor.summary) : Effect.succeedNone, (streams) => ({
        exchange: adapter.id,
        symbols: follower.states.size,
        polls: counters.polls,
        errors: counters.errors,
        candlesAppended: counters.candlesAppended,
        duplicates: counters.duplicates,
        malformed: counters.malformed,
        gapsBackfilled: counters.gapsBackfilled,
        lastPollAgeMs: counters.lastPoll === 0 ? Infinity : session.now() - counters.lastPoll,
        lastErrorAgeMs: counters.lastErrorAt === 0 ? Infinity : session.now() - counters.lastErrorAt,
        ...(counters.lastError === undefined ? {} : { lastError: counters.lastError }),
        ...(counters.unreachable === undefined ? {} : { unreachable: counters.unreachable }),
        ...(Option.isSome(streams) ? { streams: streams.value } : {}),
      })),
    })
  })
}

/** The pinned part of the tracked set: static symbols plus includes, minus excludes (top-N joins later). */
export const trackedSymbols = (config: VirtuosoConfig): ReadonlyArray<string> => {
  const exclude = new Set(config.symbols.exclude)
  return [...new Set([...config.symbols.static, ...config.symbols.include])].filter((s) => !exclude.has(s))
}
