/** @module Configuration keys for distributed mode: the Redis bus, the instances sharing the symbols. */
import { z } from "zod"
import { secret } from "./fields.ts"

export const BusSettings = z
  .object({
    transport: z.enum(["memory", "redis"]).default("memory"),
    url: secret.optional(),
    /** Redis transport: key prefix of every stream, hash and key the cluster uses. */
    prefix: z.string().min(1).max(100).default("virtuoso"),
    /** Approximate cap (`MAXLEN ~`) of the event stream and of the shared log (a confluence event is ≈10 KB). */
    maxLen: z.number().int().min(1000).default(100_000),
    /** Entries per `XREADGROUP`. */
    batch: z.number().int().min(1).max(10_000).default(500),
    /** A pending entry idle this long is reclaimed (`XAUTOCLAIM`) by a live consumer. */
    claimIdleMs: z.number().int().min(100).default(3000),
    /** Deliveries after which an entry goes to the dead-letter stream. */
    maxDeliveries: z.number().int().min(1).max(100).default(5),
  })
  .strict()
  .prefault({})

/** Distributed mode (with `bus.transport: "redis"`): instances split the tracked symbols. */
export const ClusterSettings = z
  .object({
    /** Unique per instance; default: host name + process id. */
    instanceId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._-]+$/, "letters, digits, . _ - only")
      .optional(),
    heartbeatMs: z.number().int().min(50).default(1000),
    /** An instance whose heartbeat is older than this is dead; its symbols move. */
    ttlMs: z.number().int().min(150).default(3000),
  })
  .strict()
  .prefault({})
