/**
 * @module One ranking per cluster: the instance holding a lease in Redis runs the top-symbol
 * ranking and announces the top-N with its tracked set; the others rank nothing and follow the
 * split of the union, so N instances cost the exchange one ticker load, not N.
 *
 * The lease is a key (`SET NX PX ttl`) renewed every heartbeat while its value is ours. The
 * holder stops ranking as soon as a renewal fails (expired, or Redis unreachable: then it cannot
 * tell whether a peer took over) and releases it on a clean shutdown, so a peer takes over at
 * its next heartbeat; when the holder dies, the key expires after the ttl and a peer takes it.
 */
import { Duration, Effect, type Scope } from "effect"
import type { RedisConnection } from "../events/transports/redis/index.ts"

/** Renew only our own lease (a late renewal must not extend a peer's). */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`
/** Release only our own lease. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`

export interface RankingLeaseOptions {
  readonly key: string
  readonly instanceId: string
  readonly heartbeatMs: number
  readonly ttlMs: number
}

export const makeRankingLease = (redis: RedisConnection["Service"], options: RankingLeaseOptions) => {
  const self = options.instanceId
  let leader = false
  let terms = 0

  const tryAcquire = redis.send("SET", [options.key, self, "NX", "PX", String(options.ttlMs)]).pipe(
    Effect.map((reply) => reply === "OK"),
    Effect.orElseSucceed(() => false),
  )
  const renew = redis.send("EVAL", [RENEW, "1", options.key, self, String(options.ttlMs)]).pipe(
    Effect.map((reply) => Number(reply) === 1),
    Effect.orElseSucceed(() => false),
  )
  const release = redis.send("EVAL", [RELEASE, "1", options.key, self]).pipe(Effect.ignore)

  /** Returns once a renewal fails. */
  const holdWhileRenewed = Effect.gen(function* () {
    while (true) {
      yield* Effect.sleep(Duration.millis(options.heartbeatMs))
      if (!(yield* renew)) return
    }
  })

  /**
   * Runs `rank` (in its own scope) only while this instance holds the lease: started when it is
   * taken, its scope closed when it is lost, started again when it is regained. Never returns.
   */
  const run = <E>(rank: Effect.Effect<void, E, Scope.Scope>): Effect.Effect<never> =>
    Effect.gen(function* () {
      while (true) {
        if (!(yield* tryAcquire)) {
          yield* Effect.sleep(Duration.millis(options.heartbeatMs))
          continue
        }
        leader = true
        terms++
        yield* Effect.logInfo(`cluster: ${self} ranks top symbols for the cluster (ranking lease taken)`)
        const term = Effect.scoped(Effect.andThen(rank, Effect.never)).pipe(
          Effect.catchCause((cause) => Effect.logWarning(`cluster: ranking failed on ${self}`, cause)),
        )
        yield* Effect.raceFirst(term, holdWhileRenewed)
        leader = false
        yield* Effect.logInfo(`cluster: ${self} lost the ranking lease; following the cluster's tracked set`)
      }
    }).pipe(Effect.ensuring(Effect.suspend(() => (leader ? release : Effect.void))))

  return {
    run,
    /** Whether this instance ranks now, and how often it took the lease. */
    state: () => ({ leader, terms }),
  }
}
