/**
 * @module SharedState: the cluster's shared latest state and event log, kept by one shared
 * consumer group ("state") over the bus stream.
 *
 * Every instance is a consumer of the group, so each entry is handled by one of them; entries a
 * dead instance had read but not acknowledged are reclaimed by a survivor. The handler is one
 * Lua script per batch that, atomically with the `XACK`, records the event id (expiring key),
 * appends durable events to the shared log stream and keeps the newest confluence per symbol
 * in a hash. Since the write and the acknowledgement commit together, and an id already
 * recorded is skipped, a reclaimed or re-delivered entry never takes effect twice.
 */
import { Context, Effect, Layer } from "effect"
import { fromSummary, type SymbolConfluence } from "../analysis/index.ts"
import { ConfluenceComputed, isDurable, isEventType, symbolOf } from "../events/index.ts"
import {
  deadLetterArgs,
  decodeEntry,
  RedisConnection,
  startGroupConsumer,
  type ConsumerStats,
  type StreamEntry,
} from "../events/transports/redis/index.ts"
import { clusterKeys } from "./keys.ts"

export interface SharedStateOptions {
  readonly instanceId: string
  readonly batch: number
  readonly claimIdleMs: number
  readonly maxDeliveries: number
  /** Approximate cap of the shared log stream. */
  readonly logMaxLen: number
  /**
   * How long an applied event id is remembered for dedup; it must outlast the redelivery window
   * (`claimIdleMs × maxDeliveries`) by far. One small key per durable event. @default 3600
   */
  readonly seenTtlSeconds?: number
}

/**
 * Every instance polls every symbol, so each publishes its own `market.*` events for all of
 * them; the shared log keeps a symbol's market events from its owner only (and from
 * publishers that are not instances, e.g. importers). Given by the cluster layer.
 */
export type MarketAuthority = (origin: string, symbol: string) => boolean

export interface SharedStateStats {
  /** Entries whose effect this instance applied. */
  readonly applied: number
  /** Entries skipped because their event id had already been applied (re-deliveries). */
  readonly duplicates: number
  readonly invalid: number
  /**
   * Reads of the latest-score hash that skipped a value failing the summary schema (written by
   * another version or by hand): it is not served, and counted here rather than dropped unseen.
   */
  readonly unreadableLatest: number
  /** market.* events skipped because their publisher does not own the symbol. */
  readonly notOwner: number
  readonly consumer: ConsumerStats
}

const APPLY = `
local applied, dup = 0, 0
local ids = {}
local n = (#ARGV - 4) / 6
for i = 0, n - 1 do
  local b = 4 + i * 6
  local sid, eid, symbol, t, overall, raw = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
  ids[#ids + 1] = sid
  if eid ~= '' then
    if redis.call('SET', ARGV[2] .. eid, '1', 'NX', 'EX', ARGV[3]) then
      applied = applied + 1
      redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'e', raw)
      if overall ~= '' then
        local prev = tonumber(redis.call('HGET', KEYS[3], symbol) or '-1')
        if tonumber(t) >= prev then
          redis.call('HSET', KEYS[2], symbol, overall)
          redis.call('HSET', KEYS[3], symbol, t)
        end
      end
    else
      dup = dup + 1
    end
  end
end
if #ids > 0 then redis.call('XACK', KEYS[1], ARGV[1], unpack(ids)) end
return {applied, dup}
`

export class SharedState extends Context.Service<
  SharedState,
  {
    /** The newest overall confluence of every symbol, whichever instance computed it. */
    readonly latest: Effect.Effect<ReadonlyArray<SymbolConfluence>>
    readonly latestFor: (symbol: string) => Effect.Effect<SymbolConfluence | undefined>
    readonly stats: Effect.Effect<SharedStateStats>
  }
>()("virtuoso/cluster/SharedState") {
  /** Needs a `RedisConnection`; joins the "state" group for the lifetime of the layer. */
  static readonly layer = (options: SharedStateOptions, authority?: MarketAuthority) =>
    Layer.effect(SharedState, makeSharedState(options, authority))
}

function makeSharedState(options: SharedStateOptions, authority: MarketAuthority = () => true) {
  return Effect.gen(function* () {
    const redis = yield* RedisConnection
    const keys = clusterKeys(redis.prefix)
    const counters = { applied: 0, duplicates: 0, invalid: 0, unreadableLatest: 0, notOwner: 0 }
    const sha = String(yield* redis.send("SCRIPT", ["LOAD", APPLY]))
    const fixedArgs = [keys.stateGroup, keys.seen, String(options.seenTtlSeconds ?? 3600), String(options.logMaxLen)]

    const handle = (entries: ReadonlyArray<StreamEntry>) =>
      Effect.gen(function* () {
        const args: Array<string> = [...fixedArgs]
        for (const entry of entries) {
          // Only durable events change shared state; the rest are just acknowledged.
          const type = peekType(entry.raw)
          if (type === undefined || !isEventType(type) || !isDurable(type)) {
            args.push(entry.id, "", "", "", "", "")
            continue
          }
          const decoded = decodeEntry(entry)
          if (!decoded.ok) {
            counters.invalid++
            yield* redis.send(
              "XADD",
              deadLetterArgs(keys.deadLetters, entry, {
                stream: keys.bus,
                id: entry.id,
                group: keys.stateGroup,
                reason: decoded.error,
              }),
            )
            args.push(entry.id, "", "", "", "", "")
            continue
          }
          const event = decoded.event
          const symbol = symbolOf(event)
          if (event.type.startsWith("market.") && symbol !== undefined && !authority(entry.origin ?? "", symbol)) {
            counters.notOwner++
            args.push(entry.id, "", "", "", "", "")
            continue
          }
          const summary = event.type === "analysis.confluence" ? event.payload : undefined
          args.push(
            entry.id,
            event.id,
            summary === undefined ? "" : summary.symbol,
            String(event.time),
            summary === undefined ? "" : JSON.stringify(summary),
            entry.raw!,
          )
        }
        const scriptArgs = ["4", keys.bus, keys.latest, keys.latestAt, keys.log, ...args]
        // After a Redis restart the script cache is empty: fall back to sending the script.
        const reply = yield* redis.send("EVALSHA", [sha, ...scriptArgs]).pipe(
          Effect.catchIf(
            (error) => error.message.includes("NOSCRIPT"),
            () => redis.send("EVAL", [APPLY, ...scriptArgs]),
          ),
        )
        const [applied, duplicates] = reply as [number, number]
        counters.applied += Number(applied)
        counters.duplicates += Number(duplicates)
      })

    const reader = yield* redis.dedicated
    const consumer = yield* startGroupConsumer(redis, reader, {
      stream: keys.bus,
      group: keys.stateGroup,
      consumer: options.instanceId,
      startAt: "$",
      batch: options.batch,
      blockMs: 500,
      claimIdleMs: options.claimIdleMs,
      maxDeliveries: options.maxDeliveries,
      deadLetters: keys.deadLetters,
      acksItself: true,
      handle,
    })

    const parse = (json: unknown): SymbolConfluence | undefined => {
      if (json === null || json === undefined) return undefined
      let value: unknown
      try {
        value = typeof json === "string" ? JSON.parse(json) : undefined
      } catch {
        value = undefined
      }
      const summary = ConfluenceComputed.safeParse(value)
      if (summary.success) return fromSummary(summary.data)
      counters.unreadableLatest++
      return undefined
    }

    return SharedState.of({
      latest: redis.send("HGETALL", [keys.latest]).pipe(
        Effect.map((reply) => {
          const values = Array.isArray(reply)
            ? reply.filter((_, i) => i % 2 === 1)
            : Object.values((reply ?? {}) as Record<string, unknown>)
          return values.flatMap((v) => parse(v) ?? []).sort((a, b) => a.symbol.localeCompare(b.symbol))
        }),
        Effect.catch((error) => Effect.logWarning(`shared state unavailable: ${error.message}`).pipe(Effect.as([]))),
      ),
      latestFor: (symbol) =>
        redis.send("HGET", [keys.latest, symbol]).pipe(
          Effect.map(parse),
          Effect.catch((error) =>
            Effect.logWarning(`shared state unavailable: ${error.message}`).pipe(Effect.as(undefined)),
          ),
        ),
      stats: Effect.sync(() => ({ ...counters, consumer: consumer.stats() })),
    })
  })
}

/** The event type without parsing the whole entry: most entries are not durable. */
const peekType = (raw: string | undefined): string | undefined => {
  if (raw === undefined) return undefined
  const at = raw.indexOf('"type":"')
  if (at < 0) return undefined
  const end = raw.indexOf('"', at + 8)
  return end < 0 ? undefined : raw.slice(at + 8, end)
}
