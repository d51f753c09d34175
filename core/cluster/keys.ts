/** @module Redis key names of the cluster under one prefix (one cluster, or one test run), hash-tagged. */
import { hashTagged, streamKeys } from "../events/transports/redis/index.ts"

export const clusterKeys = (rawPrefix: string) => clusterKeysTagged(rawPrefix, hashTagged(rawPrefix))

// Every key shares the prefix's hash tag: one slot on Redis Cluster (the heartbeat script
// touches several keys at once).
const clusterKeysTagged = (rawPrefix: string, prefix: string) => ({
  ...streamKeys(rawPrefix),
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
  /** STRING: the instance that ranks top symbols for the cluster (a lease with a ttl). */
  ranker: `${prefix}:ranker`,
  stateGroup: "state",
})
