/** @module Redis key names of the cluster under one prefix (one cluster, or one test run). */
import { streamKeys } from "../events/transports/redis/index.ts"

export const clusterKeys = (prefix: string) => ({
  ...streamKeys(prefix),
  /** ZSET: instance id → last heartbeat (ms since epoch). */
  instances: `${prefix}:instances`,
  /** Marker set by an instance that shut down cleanly, so peers can tell a leave from a death. */
  left: (instanceId: string) => `${prefix}:left:${instanceId}`,
  /** HASH: instance id → the symbols it tracks (JSON array); the split covers their union. */
  tracked: `${prefix}:tracked`,
  /** HASH: symbol → latest overall confluence (JSON); and symbol → its event time. */
  latest: `${prefix}:latest`,
  latestAt: `${prefix}:latest:at`,
  /** STREAM: every durable event once, in handling order — the cluster's shared event log. */
  log: `${prefix}:log`,
  /** Event ids already applied to the shared state (expiring keys). */
  seen: `${prefix}:seen:`,
  stateGroup: "state",
})
