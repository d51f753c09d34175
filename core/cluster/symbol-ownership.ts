/**
 * @module SymbolOwnership: this instance's heartbeat in Redis and its share of the tracked
 * symbols.
 *
 * Every `heartbeatMs` an instance writes its heartbeat (a ZSET score, Redis's time) and announces
 * the symbols it tracks (MarketData's set: static plus top-N, which changes), reads the live set
 * (heartbeat younger than `ttlMs`) with their announcements, and recomputes the rendezvous split
 * of the union; all instances reach the same split without talking to each other. A dead
 * instance's symbols move after at most `ttlMs + heartbeatMs`. An instance that cannot reach
 * Redis for `ttlMs` gives up its symbols, since its peers have already taken them. Each change
 * is kept (bounded, `ownership-change.ts`) so health can say what happened.
 */
import { Clock, Context, Duration, Effect, Layer, Schedule, type Scope } from "effect"
import { parsePendingSummary, RedisConnection } from "../events/transports/redis/index.ts"
import { clusterKeys } from "./keys.ts"
import { makeRankingLease } from "./ranking-lease.ts"
import { describeChange, type OwnershipChange } from "./ownership-change.ts"
import { assign, diffAssignments } from "./rendezvous.ts"

export interface OwnershipOptions {
  readonly instanceId: string
  /** What this instance announces until `track` says otherwise (the static set). */
  readonly symbols: ReadonlyArray<string>
  readonly heartbeatMs: number
  readonly ttlMs: number
}

export interface OwnershipSnapshot {
  readonly instanceId: string
  readonly live: ReadonlyArray<string>
  /** The cluster's tracked set: the union of the live instances' announcements. */
  readonly tracked: ReadonlyArray<string>
  readonly owned: ReadonlyArray<string>
  readonly assignment: Readonly<Record<string, string>>
  /** Milliseconds since the last successful heartbeat (Infinity before the first). */
  readonly heartbeatAgeMs: number
  readonly lastError?: string
  readonly rebalances: number
  readonly changes: ReadonlyArray<OwnershipChange>
  /** Whether this instance ranks top symbols for the cluster now (holds the ranking lease). */
  readonly ranker: boolean
}

/**
 * One heartbeat: scores use Redis's clock, so instances on machines whose clocks disagree
 * still agree on who is live. Also stores this instance's tracked set (ARGV[4], JSON) in the
 * hash KEYS[2]. Returns [live ids, ids silent for longer than ARGV[3] ms, the live ids'
 * tracked sets (false where none)].
 */
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
local live = redis.call('ZRANGE', KEYS[1], now - tonumber(ARGV[2]), '+inf', 'BYSCORE')
local dead = redis.call('ZRANGE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[3])), 'BYSCORE')
local sets = {}
if #live > 0 then sets = redis.call('HMGET', KEYS[2], unpack(live)) end
return {live, dead, sets}
`

/** The union of announced sets, sorted; an unreadable announcement counts as empty. */
const unionOf = (announced: ReadonlyArray<string | null | undefined>, own: ReadonlyArray<string>): Array<string> => {
  const out = new Set(own)
  for (const json of announced) {
    if (typeof json !== "string") continue
    try {
      const list: unknown = JSON.parse(json)
      if (Array.isArray(list)) for (const s of list) if (typeof s === "string") out.add(s)
    } catch {
      // a peer of another version, or a torn write: its symbols join at its next heartbeat
    }
  }
  return [...out].sort()
}

export class SymbolOwnership extends Context.Service<
  SymbolOwnership,
  {
    readonly instanceId: string
    /** Synchronous on purpose: checked per symbol in the analysis loop. */
    readonly owns: (symbol: string) => boolean
    /** The current owner of a tracked symbol (undefined for untracked symbols). */
    readonly ownerOf: (symbol: string) => string | undefined
    /** Whether an id is one of the live instances. */
    readonly isLive: (instanceId: string) => boolean
    readonly owned: Effect.Effect<ReadonlyArray<string>>
    /** The cluster's tracked set (union of the live instances' announcements), sorted. */
    readonly tracked: Effect.Effect<ReadonlyArray<string>>
    /**
     * Announces this instance's tracked set (MarketData calls it when top symbols churn); the
     * split includes it from the next heartbeat on.
     */
    readonly track: (symbols: ReadonlyArray<string>) => Effect.Effect<void>
    /** Runs the top-symbol ranking on one instance of the cluster at a time (see ranking-lease.ts). */
    readonly ranking: <E>(rank: Effect.Effect<void, E, Scope.Scope>) => Effect.Effect<never>
    readonly snapshot: Effect.Effect<OwnershipSnapshot>
  }
>()("virtuoso/cluster/SymbolOwnership") {
  /** Needs a `RedisConnection`; the first heartbeat completes before the layer is built. */
  static readonly layer = (options: OwnershipOptions) => Layer.effect(SymbolOwnership, makeOwnership(options))
}

function makeOwnership(options: OwnershipOptions) {
  return Effect.gen(function* () {
    const redis = yield* RedisConnection
    const clock = yield* Clock.Clock
    const keys = clusterKeys(redis.prefix)
    const self = options.instanceId
    let live: ReadonlyArray<string> = []
    let mine: ReadonlyArray<string> = [...new Set(options.symbols)].sort()
    let tracked: ReadonlyArray<string> = mine
    let assignment = new Map<string, string>()
    let owned = new Set<string>()
    let lastBeat = 0
    let lastError: string | undefined
    let rebalances = 0
    const changes: Array<OwnershipChange> = []

    const tick = Effect.gen(function* () {
      const now = clock.currentTimeMillisUnsafe()
      const [members, expired, announced] = (yield* redis.send("EVAL", [
        HEARTBEAT,
        "2",
        keys.instances,
        keys.tracked,
        self,
        String(options.ttlMs),
        String(options.ttlMs * 20),
        JSON.stringify(mine),
      ])) as [Array<string>, Array<string>, Array<string | null>]
      lastBeat = now
      lastError = undefined
      const nextLive = [...new Set([...members, self])].sort()
      const gone = live.filter((id) => !nextLive.includes(id))
      const leftMarks =
        gone.length === 0 ? [] : ((yield* redis.send("MGET", gone.map(keys.left))) as Array<string | null>)
      const left = gone.filter((_, i) => leftMarks[i] !== null)
      const died = gone.filter((_, i) => leftMarks[i] === null)
      yield* apply(nextLive, unionOf(announced ?? [], mine), now, left, died)
      yield* janitor(gone, expired)
    })

    const apply = (
      nextLive: ReadonlyArray<string>,
      nextTracked: ReadonlyArray<string>,
      now: number,
      left: ReadonlyArray<string>,
      died: ReadonlyArray<string>,
    ) =>
      Effect.gen(function* () {
        const joined = nextLive.filter((id) => !live.includes(id) && id !== self)
        const next = assign(nextTracked, nextLive)
        tracked = nextTracked
        const moves = diffAssignments(assignment, next)
        const first = live.length === 0
        live = nextLive
        assignment = next
        owned = new Set([...next].filter(([, owner]) => owner === self).map(([symbol]) => symbol))
        if (first) {
          yield* Effect.logInfo(
            `cluster: ${self} joined ${nextLive.length} live instance(s); owns ` +
              `${owned.size}/${nextTracked.length} symbols`,
          )
          return
        }
        if (moves.length === 0 && joined.length === 0 && left.length === 0 && died.length === 0) return
        rebalances++
        const gained = moves.filter((m) => m.to === self)
        const lost = moves.filter((m) => m.from === self)
        const summary = describeChange(self, { joined, left, died, gained, lost })
        changes.push({ at: now, live: nextLive, joined, left, died, gained, lost, summary })
        if (changes.length > 20) changes.shift()
        yield* Effect.logInfo(`cluster: ${summary || "rebalanced"}; ${self} owns ${owned.size}/${nextTracked.length}`)
      })

    // A gone instance's own broadcast group has no reader any more. Its entries in the shared
    // "state" group are reclaimed by the survivors; once it has none left, the consumer goes too.
    // Long-dead heartbeats are dropped so the set does not grow with every restart.
    const janitor = (gone: ReadonlyArray<string>, expired: ReadonlyArray<string>) =>
      Effect.gen(function* () {
        for (const id of gone) yield* redis.send("XGROUP", ["DESTROY", keys.bus, keys.busGroup(id)])
        const longDead = expired.filter((id) => id !== self)
        if (longDead.length === 0) return
        const summary = parsePendingSummary(yield* redis.send("XPENDING", [keys.bus, keys.stateGroup]))
        for (const id of longDead) {
          if ((summary.consumers.find((c) => c.name === id)?.pending ?? 0) > 0) continue
          yield* redis.send("XGROUP", ["DESTROY", keys.bus, keys.busGroup(id)])
          yield* redis.send("XGROUP", ["DELCONSUMER", keys.bus, keys.stateGroup, id])
          yield* redis.send("ZREM", [keys.instances, id])
          yield* redis.send("HDEL", [keys.tracked, id])
        }
      }).pipe(Effect.catch((error) => Effect.logDebug(`cluster: janitor: ${error.message}`)))

    // Without Redis for a whole ttl the peers have split our symbols: stop analysing them.
    const giveUpIfCutOff = Effect.gen(function* () {
      const now = clock.currentTimeMillisUnsafe()
      if (lastBeat > 0 && now - lastBeat > options.ttlMs && owned.size > 0) {
        yield* Effect.logWarning(`cluster: no heartbeat for ${now - lastBeat} ms; releasing ${owned.size} symbols`)
        owned = new Set()
        live = []
      }
    })

    yield* tick
    yield* tick.pipe(
      Effect.catch((error) =>
        Effect.sync(() => {
          lastError = error.message
        }).pipe(
          Effect.andThen(giveUpIfCutOff),
          Effect.andThen(Effect.logWarning(`cluster: heartbeat failed: ${error.message}`)),
        ),
      ),
      Effect.repeat(Schedule.spaced(Duration.millis(options.heartbeatMs))),
      Effect.forkScoped,
    )
    // A clean leave: peers rebalance at their next heartbeat instead of waiting for the ttl.
    yield* Effect.addFinalizer(() =>
      Effect.all([
        redis.send("SET", [keys.left(self), "1", "PX", String(options.ttlMs * 20)]),
        redis.send("ZREM", [keys.instances, self]),
        redis.send("HDEL", [keys.tracked, self]),
      ]).pipe(
        Effect.andThen(Effect.logDebug(`finalizer: cluster instance ${self} deregistered`)),
        Effect.catch((error) => Effect.logWarning(`cluster: deregistration failed: ${error.message}`)),
      ),
    )

    const lease = makeRankingLease(redis, {
      key: keys.ranker,
      instanceId: self,
      heartbeatMs: options.heartbeatMs,
      ttlMs: options.ttlMs,
    })

    return SymbolOwnership.of({
      instanceId: self,
      owns: (symbol) => owned.has(symbol),
      ownerOf: (symbol) => assignment.get(symbol),
      isLive: (instanceId) => live.includes(instanceId),
      owned: Effect.sync(() => [...owned].sort()),
      tracked: Effect.sync(() => tracked),
      track: (symbols) =>
        Effect.sync(() => {
          mine = [...new Set(symbols)].sort()
        }),
      snapshot: Effect.sync(() => ({
        instanceId: self,
        live,
        tracked,
        owned: [...owned].sort(),
        assignment: Object.fromEntries(assignment),
        heartbeatAgeMs: lastBeat === 0 ? Infinity : clock.currentTimeMillisUnsafe() - lastBeat,
        ...(lastError === undefined ? {} : { lastError }),
        rebalances,
        changes: [...changes],
        ranker: lease.state().leader,
      })),
      ranking: lease.run,
    })
  })
}
