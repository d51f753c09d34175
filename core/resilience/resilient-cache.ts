/**
 * @module ResilientCache: a bounded (LRU) TTL cache for exchange data that keeps serving the
 * last good value, marked `stale: true`, while the source fails (stale-while-error), and
 * counts hits, misses, stale serves, load errors and evictions for metrics.
 *
 * @example
 * const tickers = makeResilientCache<string, Ticker>({ name: "binance:ticker", ttlMs: 5_000, maxEntries: 500 })
 * const { value, stale } = yield* tickers.get(symbol, fetchTicker(symbol))
 */
import { Clock, Deferred, Effect, Exit } from "effect"

export interface ResilientCacheOptions {
  readonly name: string
  /** Fresh for this long after a successful load. */
  readonly ttlMs: number
  /** Entries kept; the least recently used goes first. @default 1000 */
  readonly maxEntries?: number
  /** Serve a stale value at most this old (since it was loaded). @default Infinity */
  readonly maxStaleMs?: number
}

export interface Cached<V> {
  readonly value: V
  /** True when the source failed and this is the last good value. */
  readonly stale: boolean
  /** When the value was loaded (ms). */
  readonly fetchedAt: number
  /** The load failure that made this value stale. */
  readonly error?: unknown
}

export interface CacheStats {
  readonly name: string
  readonly size: number
  readonly hits: number
  readonly misses: number
  readonly stale: number
  readonly loadErrors: number
  readonly evictions: number
  /** Lookups that joined a load already in flight instead of starting one. */
  readonly coalesced: number
}

interface Entry<V> {
  value: V
  fetchedAt: number
}

export interface ResilientCache<K, V> {
  readonly name: string
  /**
   * Fresh value → hit. Otherwise run `load`: success stores it (miss); failure serves the last
   * good value marked stale, or fails with the load's error if there is none (or it is too old).
   */
  readonly get: <E, R>(key: K, load: Effect.Effect<V, E, R>) => Effect.Effect<Cached<V>, E, R>
  /** The cached entry regardless of age, without loading (undefined if never loaded). */
  readonly peek: (key: K) => Entry<V> | undefined
  readonly set: (key: K, value: V) => Effect.Effect<void>
  readonly invalidate: (key: K) => void
  readonly clear: () => void
  readonly stats: () => CacheStats
}

export const makeResilientCache = <K, V>(options: ResilientCacheOptions): ResilientCache<K, V> => {
  const maxEntries = Math.max(1, options.maxEntries ?? 1000)
  const maxStaleMs = options.maxStaleMs ?? Infinity
  // A Map iterates in insertion order: re-inserting on use keeps the LRU entry first.
  const entries = new Map<K, Entry<V>>()
  const counts = { hits: 0, misses: 0, stale: 0, loadErrors: 0, evictions: 0, coalesced: 0 }
  const inFlight = new Map<K, Deferred.Deferred<Exit.Exit<V, unknown>>>()

  const touch = (key: K, entry: Entry<V>) => {
    entries.delete(key)
    entries.set(key, entry)
  }
  const store = (key: K, value: V, now: number) => {
    const existing = entries.get(key)
    if (existing !== undefined) {
      entries.delete(key)
    } else if (entries.size >= maxEntries) {
      const oldest = entries.keys().next()
      if (!oldest.done) {
        entries.delete(oldest.value)
        counts.evictions++
      }
    }
    entries.set(key, { value, fetchedAt: now })
  }

  /** After a failed load: the last good value marked stale, or the error. */
  const fallback = <E>(key: K, error: E, now: number): Effect.Effect<Cached<V>, E> => {
    const last = entries.get(key)
    if (last !== undefined && now - last.fetchedAt <= maxStaleMs) {
      counts.stale++
      touch(key, last)
      return Effect.succeed({ value: last.value, stale: true, fetchedAt: last.fetchedAt, error })
    }
    return Effect.fail(error)
  }

  const get = <E, R>(key: K, load: Effect.Effect<V, E, R>): Effect.Effect<Cached<V>, E, R> =>
    Effect.clockWith((clock): Effect.Effect<Cached<V>, E, R> => {
      const now = clock.currentTimeMillisUnsafe()
      const entry = entries.get(key)
      if (entry !== undefined && now - entry.fetchedAt < options.ttlMs) {
        counts.hits++
        touch(key, entry)
        return Effect.succeed<Cached<V>>({ value: entry.value, stale: false, fetchedAt: entry.fetchedAt })
      }
      const running = inFlight.get(key)
      if (running !== undefined) {
        counts.coalesced++
        return Effect.flatMap(Deferred.await(running), (exit): Effect.Effect<Cached<V>, E, R> => {
          if (Exit.isSuccess(exit)) {
            const stored = entries.get(key)
            return Effect.succeed({
              value: exit.value,
              stale: false,
              fetchedAt: stored?.fetchedAt ?? clock.currentTimeMillisUnsafe(),
            })
          }
          // The leader was interrupted: load ourselves. Otherwise share its failure (same key,
          // same source, so the same error type).
          if (!Exit.hasFails(exit) && !Exit.hasDies(exit)) return get(key, load)
          const error = Exit.findErrorOption(exit)
          if (error._tag === "None") return Effect.failCause(exit.cause as never)
          return fallback(key, error.value as E, clock.currentTimeMillisUnsafe())
        })
      }
      counts.misses++
      const done = Deferred.makeUnsafe<Exit.Exit<V, unknown>>()
      inFlight.set(key, done)
      return Effect.matchEffect(load, {
        onSuccess: (value) =>
          Effect.sync((): Cached<V> => {
            const at = clock.currentTimeMillisUnsafe()
            store(key, value, at)
            return { value, stale: false, fetchedAt: at }
          }),
        onFailure: (error) => {
          counts.loadErrors++
          return fallback(key, error, clock.currentTimeMillisUnsafe())
        },
      }).pipe(
        Effect.onExit((exit) =>
          Effect.sync(() => {
            inFlight.delete(key)
            // Followers see what the source did (not the stale fallback the leader served).
            const sourceExit: Exit.Exit<V, unknown> = Exit.isSuccess(exit)
              ? exit.value.stale
                ? Exit.fail(exit.value.error)
                : Exit.succeed(exit.value.value)
              : (exit as Exit.Exit<never, unknown>)
            Deferred.doneUnsafe(done, Exit.succeed(sourceExit))
          }),
        ),
      )
    })

  return {
    name: options.name,
    get,
    peek: (key) => entries.get(key),
    set: (key, value) => Effect.map(Clock.currentTimeMillis, (now) => store(key, value, now)),
    invalidate: (key) => void entries.delete(key),
    clear: () => entries.clear(),
    stats: () => ({ name: options.name, size: entries.size, ...counts }),
  }
}
