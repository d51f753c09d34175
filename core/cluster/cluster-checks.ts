/**
 * @module The cluster's health check and metrics, over SymbolOwnership, SharedState and the
 * Redis transport. The check stays degraded for a while after a peer died, saying which
 * symbols this instance took over from whom and how many pending events it reclaimed.
 */
import type { RedisTransportStats } from "../events/transports/redis/index.ts"
import { degraded, healthy, unhealthy, type CheckResult } from "../health/index.ts"
import type { Sample } from "../metrics/index.ts"
import type { SharedStateStats } from "./shared-state.ts"
import type { OwnershipSnapshot } from "./symbol-ownership.ts"

export interface GroupInfo {
  readonly pending: number
  readonly lag: number | null
}

export interface ClusterView {
  readonly ownership: OwnershipSnapshot
  readonly state: SharedStateStats
  readonly transport: RedisTransportStats
  /** From `XINFO GROUPS`, keyed "bus" (this instance's group) and "state". */
  readonly groups: ReadonlyMap<"bus" | "state", GroupInfo>
  readonly symbols: ReadonlyArray<string>
}

/** What the health check says about one view of the cluster at `now`. */
export const clusterHealth = (view: ClusterView, now: number, ttlMs: number, recentMs: number): CheckResult => {
  const o = view.ownership
  const reclaim = view.state.consumer.lastReclaim
  const recent = o.changes.filter((c) => now - c.at <= recentMs)
  const deadRecently = [...new Set(recent.flatMap((c) => c.died))]
  // What this instance reclaimed from each peer that died recently.
  const fromDead = deadRecently.flatMap((id) => {
    const taken = view.state.consumer.reclaimedFrom[id]
    return taken === undefined ? [] : [`reclaimed ${taken.count} pending events from ${id}`]
  })
  const details = {
    instanceId: o.instanceId,
    live: o.live,
    owned: o.owned,
    assignment: o.assignment,
    rebalances: o.rebalances,
    lastChange: o.changes.at(-1)?.summary,
    changes: o.changes.slice(-5).map((c) => ({ at: c.at, summary: c.summary })),
    reclaimed: view.state.consumer.reclaimed + (view.transport.consumer?.reclaimed ?? 0),
    lastReclaim: reclaim,
    reclaimedFrom: view.state.consumer.reclaimedFrom,
    stateApplied: view.state.applied,
    stateDuplicates: view.state.duplicates,
    deadLettered: view.state.consumer.deadLettered + (view.transport.consumer?.deadLettered ?? 0),
    groups: Object.fromEntries(view.groups),
  }
  if (o.heartbeatAgeMs > ttlMs) {
    return unhealthy(
      `no heartbeat to Redis for ${Math.round(o.heartbeatAgeMs)} ms (${o.lastError ?? "unknown error"}); ` +
        `symbols released`,
      details,
    )
  }
  const deaths = recent.filter((c) => c.died.length > 0)
  if (deaths.length > 0) {
    return degraded([...deaths.map((c) => c.summary), ...fromDead].join("; "), details)
  }
  return healthy(details)
}

const gauge = (name: string, help: string, value: number, labels?: Record<string, string>): Sample => ({
  name,
  type: "gauge",
  help,
  value,
  labels,
})
const counter = (name: string, help: string, value: number, labels?: Record<string, string>): Sample => ({
  name,
  type: "counter",
  help,
  value,
  labels,
})

/** Stream lag, pending counts, reclaims, instance count and partition ownership. */
export const clusterSamples = (view: ClusterView, maxSymbols = 200): ReadonlyArray<Sample> => {
  const o = view.ownership
  const out: Array<Sample> = [
    gauge("virtuoso_cluster_instances", "Live instances in the cluster (heartbeat within the ttl).", o.live.length),
    gauge("virtuoso_cluster_symbols_owned", "Tracked symbols this instance analyses.", o.owned.length),
    counter("virtuoso_cluster_rebalances_total", "Changes of the symbol split seen by this instance.", o.rebalances),
    gauge(
      "virtuoso_cluster_heartbeat_age_seconds",
      "Time since this instance's last successful heartbeat.",
      Number.isFinite(o.heartbeatAgeMs) ? o.heartbeatAgeMs / 1000 : -1,
    ),
    counter(
      "virtuoso_cluster_state_applied_total",
      "Durable events this instance applied to the shared state and log.",
      view.state.applied,
    ),
    counter(
      "virtuoso_cluster_state_duplicates_total",
      "Re-delivered events skipped because they were already applied.",
      view.state.duplicates,
    ),
    counter(
      "virtuoso_bus_stream_published_total",
      "Events appended to the Redis stream by this instance.",
      view.transport.published,
    ),
    counter("virtuoso_bus_stream_publish_failures_total", "Failed XADD batches.", view.transport.publishFailures),
    counter(
      "virtuoso_bus_stream_received_total",
      "Events from other instances dispatched on this bus.",
      view.transport.receivedRemote,
    ),
  ]
  const owned = new Set(o.owned)
  for (const symbol of view.symbols.slice(0, maxSymbols)) {
    out.push(
      gauge(
        "virtuoso_cluster_symbol_owned",
        "1 when this instance owns the symbol (partition ownership), else 0.",
        owned.has(symbol) ? 1 : 0,
        { symbol },
      ),
    )
  }
  const consumers = [
    ["bus", view.transport.consumer],
    ["state", view.state.consumer],
  ] as const
  for (const [group, stats] of consumers) {
    const info = view.groups.get(group)
    if (info !== undefined) {
      out.push(
        gauge("virtuoso_bus_stream_pending", "Entries delivered to the group but not yet acknowledged.", info.pending, {
          group,
        }),
      )
      if (info.lag !== null)
        out.push(
          gauge("virtuoso_bus_stream_lag", "Entries in the stream not yet delivered to the group.", info.lag, {
            group,
          }),
        )
    }
    if (stats === undefined) continue
    out.push(
      counter(
        "virtuoso_bus_stream_reclaimed_total",
        "Pending entries this instance reclaimed from idle consumers.",
        stats.reclaimed,
        { group },
      ),
    )
    out.push(
      counter(
        "virtuoso_bus_stream_dead_lettered_total",
        "Entries moved to the dead-letter stream after too many deliveries.",
        stats.deadLettered,
        { group },
      ),
    )
    out.push(
      counter("virtuoso_bus_stream_acked_total", "Entries acknowledged after their handler succeeded.", stats.acked, {
        group,
      }),
    )
    out.push(
      counter(
        "virtuoso_bus_stream_handler_failures_total",
        "Batches whose handler failed (left pending for redelivery).",
        stats.failedBatches,
        { group },
      ),
    )
  }
  return out
}
