/**
 * @module Distributed mode's layers, picked by `core/main.ts` when `bus.transport` is "redis":
 * the bus over the Redis Streams transport (durable events still committed to this instance's
 * store before they are sent, and other instances' durable events committed on arrival), the
 * instance's share of the symbols, the shared state, the cluster-aware Analysis, and the health
 * check plus metrics.
 *
 * @example
 * // virtuoso.config.json on each machine
 * { "bus": { "transport": "redis", "url": "redis://:secret@10.0.0.5:6379" }, "cluster": { "instanceId": "a" } }
 */
import { Clock, Effect, Layer, Redacted } from "effect"
import { hostname } from "node:os"
import type { VirtuosoConfig } from "../config/index.ts"
import { EventBus } from "../events/index.ts"
import { parseGroupsInfo, RedisConnection, RedisTransport } from "../events/transports/redis/index.ts"
import { HealthRegistry } from "../health/index.ts"
import { MarketData, SymbolShare, trackedSymbols } from "../market/index.ts"
import { Metrics } from "../metrics/index.ts"
import { EventStore } from "../store/index.ts"
import { clusterHealth, clusterSamples, type ClusterView, type GroupInfo } from "./cluster-checks.ts"
import { clusterAlertsLayer, clusterAnalysisLayer, clusterRecorder, clusterSignalsLayer } from "./decorators.ts"
import { clusterKeys } from "./keys.ts"
import { ReplicatingTransport } from "./replication.ts"
import { SharedState } from "./shared-state.ts"
import { SymbolOwnership } from "./symbol-ownership.ts"

/** The configured instance id, or host name + process id (unique per running process). */
const instanceIdOf = (config: VirtuosoConfig): string =>
  config.cluster.instanceId ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, "-")}-${process.pid}`

const DEFAULT_URL = Redacted.make("redis://127.0.0.1:6379")

/** RedisConnection, RedisTransport, SymbolOwnership (also as SymbolShare) and SharedState for one config. */
const clusterFoundation = (config: VirtuosoConfig) => {
  const instanceId = instanceIdOf(config)
  const connection = RedisConnection.layer({ url: config.bus.url ?? DEFAULT_URL, prefix: config.bus.prefix })
  const ownership = SymbolOwnership.layer({
    instanceId,
    symbols: trackedSymbols(config),
    heartbeatMs: config.cluster.heartbeatMs,
    ttlMs: config.cluster.ttlMs,
  })
  // Market events count from the symbol's owner, or from a publisher that is not an instance.
  const shared = Layer.unwrap(
    Effect.map(SymbolOwnership, (owners) =>
      SharedState.layer(
        {
          instanceId,
          batch: config.bus.batch,
          claimIdleMs: config.bus.claimIdleMs,
          maxDeliveries: config.bus.maxDeliveries,
          logMaxLen: config.bus.maxLen,
        },
        (origin, symbol) => {
          const owner = owners.ownerOf(symbol)
          return owner === undefined || owner === origin || !owners.isLive(origin)
        },
      ),
    ),
  )
  // MarketData's view of the split: the symbols this instance fetches.
  const share = Layer.effect(SymbolShare, SymbolOwnership)
  return Layer.merge(shared, share).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        RedisTransport.layer({
          instanceId,
          maxLen: config.bus.maxLen,
          batch: config.bus.batch,
          claimIdleMs: config.bus.claimIdleMs,
          maxDeliveries: config.bus.maxDeliveries,
        }),
        ownership,
      ),
    ),
    Layer.provideMerge(connection),
  )
}

/**
 * The event pipeline of distributed mode without a store: EventBus over Redis, with the cluster
 * services merged in. Shutdown drains the bus before the connection closes.
 */
const clusterEventPipeline = (config: VirtuosoConfig) =>
  EventBus.layerNoDeps.pipe(
    Layer.provide(RedisTransport.layerEventTransport),
    Layer.provideMerge(clusterFoundation(config)),
  )

/**
 * The same with this instance's EventStore: durable events are committed here before they are
 * sent, and other instances' durable events on arrival.
 */
const clusterStoredEventPipeline = (config: VirtuosoConfig) =>
  EventBus.layerNoDeps.pipe(
    Layer.provide(Layer.merge(EventStore.layerSink, ReplicatingTransport)),
    Layer.provideMerge(
      EventStore.layer({
        path: config.store.path,
        hot: `${config.store.hotHours} hours`,
        warm: `${config.store.warmDays} days`,
      }),
    ),
    Layer.provideMerge(clusterFoundation(config)),
  )

/** Registers the "cluster" health check and metrics collector. */
const ClusterChecksLive = (config: VirtuosoConfig) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const redis = yield* RedisConnection
      const ownership = yield* SymbolOwnership
      const shared = yield* SharedState
      const transport = yield* RedisTransport
      const keys = clusterKeys(redis.prefix)
      const busGroup = keys.busGroup(ownership.instanceId)

      const view: Effect.Effect<ClusterView> = Effect.gen(function* () {
        const info = yield* redis.send("XINFO", ["GROUPS", keys.bus]).pipe(
          Effect.map(parseGroupsInfo),
          Effect.orElseSucceed(() => new Map<string, GroupInfo>()),
        )
        const groups = new Map<"bus" | "state", GroupInfo>()
        const mine = info.get(busGroup)
        const state = info.get(keys.stateGroup)
        if (mine !== undefined) groups.set("bus", mine)
        if (state !== undefined) groups.set("state", state)
        const snapshot = yield* ownership.snapshot
        return {
          ownership: snapshot,
          state: yield* shared.stats,
          transport: yield* transport.stats,
          groups,
          // The cluster's tracked set (static plus every instance's top symbols), not just ours.
          symbols: snapshot.tracked,
        }
      })

      const recentMs = Math.max(30_000, config.cluster.ttlMs * 10)
      yield* (yield* HealthRegistry).register(
        "cluster",
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          return clusterHealth(yield* view, now, config.cluster.ttlMs, recentMs)
        }),
        { critical: false },
      )
      yield* (yield* Metrics).registerCollector(
        "cluster",
        Effect.map(view, (v) => clusterSamples(v)),
      )
    }),
  )

/** What `core/main.ts` swaps in for distributed mode; `events` provides what the others need. */
export const clusterLayers = (config: VirtuosoConfig) => ({
  events: clusterEventPipeline(config),
  storedEvents: clusterStoredEventPipeline(config),
  /** Records (over `storedEvents`) what this instance's Analysis receives. */
  recorder: clusterRecorder(config.store.record),
  market: MarketData.layerShared,
  analysis: clusterAnalysisLayer,
  signals: clusterSignalsLayer,
  alerts: clusterAlertsLayer,
  checks: ClusterChecksLive(config),
})
