/**
 * @module The EventStore service: group-committed appends (acknowledged after commit), one query
 * API over the ring, SQLite and the day files, replay through the bus, tiering and a drain.
 */
import { Clock, Context, Duration, Effect, Fiber, Layer, Schedule } from "effect"
import { spanner } from "../telemetry/index.ts"
import { mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import {
  DeadLetterSink,
  decodeEvent,
  EventBus,
  EventSink,
  PersistError,
  type BusOptions,
  type DeadLetter,
  type DeadLetterSinkShape,
  type EventBusError,
  type VirtuosoEvent,
} from "../events/index.ts"
import { checkpointInWorker } from "./checkpointer.ts"
import { decodeCursor, encodeCursor } from "./cursor.ts"
import { openStoreDatabase, type StoreDatabase } from "./database.ts"
import { EventStoreError } from "./errors.ts"
import { forkFoldSchedule } from "./fold-schedule.ts"
import type { StoreOptions } from "./options.ts"
import { queryTiers } from "./query.ts"
import { RecentRing } from "./ring.ts"
import { scanInSeqOrder, type ScanOptions, type ScanRange } from "./seq-scan.ts"
import { EventQuery, type EventPage, type EventQueryInput, type EventQueryParsed, type StoredEvent } from "./schema.ts"
import { compact as compactTiers, type CompactResult } from "./tiers.ts"
import { DayFiles, dayStart } from "./warm.ts"
import { GroupCommit } from "./writer.ts"

export interface StoreStats {
  /** Events newly committed since start (re-published duplicates excluded). */
  readonly committed: number
  readonly duplicates: number
  readonly transactions: number
  /** Seconds spent in write transactions: real time (a virtual clock stands still while SQLite writes). */
  readonly commitSeconds: number
  /** Events waiting for the next commit. */
  readonly pending: number
  readonly ringSize: number
  readonly warmDays: number
  readonly archivedDays: number
  readonly lastCompaction?: CompactResult & { readonly at: number }
}

/** The dead-letter source of stored events that no longer decode; they are listed, never re-delivered. */
export const REPLAY_DEAD_LETTERS = "store:replay"

export interface ReplayOptions {
  /** Events per page published through the bus. @default 500 */
  readonly pageSize?: number
}

/** What `EventStore.scan` reads (an event type or `prefix.*`, a symbol, a time range), and how. */
export type { ScanOptions, ScanRange } from "./seq-scan.ts"

export class EventStore extends Context.Service<
  EventStore,
  {
    /** Commits events (idempotent by id); resolves after the commit. */
    append(events: ReadonlyArray<VirtuosoEvent>): Effect.Effect<void, EventStoreError>
    /** Queries all tiers; `GET /v1/events` passes its validated query here. */
    query(query: EventQueryInput): Effect.Effect<EventPage, EventStoreError>
    /**
     * Every stored event matching `range` across all tiers in commit (seq) order, read lazily as
     * it is iterated: the hot tier a page at a time, day files a tiering pass at a time
     * (`seq-scan.ts`); what a replay reads. Iterate in the store's scope; a read throws on failure.
     */
    scan(range: ScanRange, options?: ScanOptions): Iterable<StoredEvent>
    /**
     * Publishes every stored event matching `query` (ascending) through the bus, flagged replayed;
     * returns how many. One whose payload fails its catalogue schema is dead-lettered instead.
     */
    replay(
      query: EventQueryInput,
      options?: ReplayOptions,
    ): Effect.Effect<number, EventStoreError | EventBusError, EventBus>
    /** Runs the tiering job now (it also runs at start and every `compactEvery`). */
    readonly compact: Effect.Effect<CompactResult, EventStoreError>
    readonly stats: Effect.Effect<StoreStats>
    /** The bus's dead-letter queue kept in this store (`layerSink` wires it), so it survives restarts. */
    readonly deadLetters: DeadLetterSinkShape
  }
>()("virtuoso/store/EventStore") {
  /** The store over a SQLite file; migrations run at start; the finalizer flushes and closes. */
  static readonly layer = (options: StoreOptions) => Layer.effect(EventStore, makeStore(options))
  /** In-memory SQLite, no tier files: for tests of code that needs a store. */
  static readonly layerTest = EventStore.layer({ path: ":memory:" })
  /**
   * Lets the bus persist durable events through this store before dispatching them, and keep
   * its dead letters here.
   */
  static readonly layerSink = Layer.mergeAll(
    Layer.effect(
      EventSink,
      Effect.map(EventStore, (store) => ({
        durable: true,
        append: (events: ReadonlyArray<VirtuosoEvent>) =>
          store.append(events).pipe(Effect.mapError((cause) => new PersistError({ message: cause.message, cause }))),
      })),
    ),
    Layer.effect(
      DeadLetterSink,
      Effect.map(EventStore, (store) => store.deadLetters),
    ),
  )
}

/**
 * The bus wired to the store: durable events are committed before dispatch. Layer order makes
 * shutdown right: the bus drains first (handlers may still publish), then the store flushes.
 */
export const layerEventPipeline = (store: StoreOptions, bus: BusOptions = {}) =>
  EventBus.layerWith(bus).pipe(Layer.provide(EventStore.layerSink), Layer.provideMerge(EventStore.layer(store)))

const ms = (input: Duration.Input | undefined, fallback: Duration.Input) =>
  Duration.toMillis(Duration.fromInputUnsafe(input ?? fallback))

const toError = (reason: EventStoreError["reason"]) => (cause: unknown) =>
  new EventStoreError({ reason, message: cause instanceof Error ? cause.message : String(cause), cause })

function makeStore(options: StoreOptions) {
  return Effect.gen(function* () {
    const clock = yield* Clock.Clock
    const memory = options.path === ":memory:"
    const base = memory ? undefined : dirname(options.path)
    const warmDir = options.warmDir ?? (base === undefined ? undefined : join(base, "warm"))
    const archiveDir = options.archiveDir ?? (base === undefined ? undefined : join(base, "archive"))
    const settings = {
      foldAfterMs: ms(options.foldAfter, "1 minute"),
      hotMs: ms(options.hot, "24 hours"),
      warmMs: ms(options.warm, "30 days"),
      cold: options.cold ?? "drop",
    } as const
    const db: StoreDatabase = yield* Effect.acquireRelease(
      Effect.try({
        try: () => {
          if (base !== undefined) mkdirSync(base, { recursive: true })
          const opened = openStoreDatabase(options.path, options.synchronous ?? "NORMAL")
          if (options.mmapSize !== undefined) opened.sqlite.exec(`PRAGMA mmap_size = ${Math.floor(options.mmapSize)}`)
          return opened
        },
        catch: toError("open"),
      }),
      (db) =>
        Effect.sync(() => db.close()).pipe(
          Effect.andThen(Effect.logDebug(`finalizer: event store closed (${options.path})`)),
        ),
    )
    if (!memory && options.checkpointWorker !== false)
      yield* checkpointInWorker({ path: options.path, synchronous: db.synchronous, everyMs: 1000 })
    const warm = warmDir === undefined ? undefined : new DayFiles(warmDir)
    const archive = archiveDir === undefined ? undefined : new DayFiles(archiveDir)
    const files = [archive, warm].filter((f): f is DayFiles => f !== undefined)
    const startedAt = clock.currentTimeMillisUnsafe()
    const hasFiles = files.some((f) => f.days().length > 0)
    const ring = new RecentRing(
      options.ringSize ?? 10_000,
      Math.max(db.maxTime() ?? -Infinity, hasFiles ? startedAt : -Infinity),
    )

    let committed = 0
    let duplicates = 0
    let lastCompaction: (CompactResult & { at: number }) | undefined

    const write = (events: ReadonlyArray<VirtuosoEvent>) =>
      Effect.try({
        try: () => {
          const stored = db.append(events, clock.currentTimeMillisUnsafe())
          committed += stored.seqs.length
          duplicates += events.length - stored.seqs.length
          ring.addCommitted(stored.events, stored.seqs)
        },
        catch: toError("write"),
      })
    const span = yield* spanner
    const commit = (events: ReadonlyArray<VirtuosoEvent>) =>
      write(events).pipe(span("store.commit", { events: events.length }))
    const writer = new GroupCommit(options.maxBatch ?? 20_000, commit)
    const writerFiber = yield* Effect.forkScoped(writer.loop())
    // Runs before the database closes (finalizers run in reverse): stop intake, commit the rest.
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => writer.close()).pipe(
        Effect.andThen(Fiber.join(writerFiber)),
        Effect.andThen(Effect.logDebug("finalizer: event store flushed")),
      ),
    )

    const parse = (input: EventQueryInput) =>
      Effect.gen(function* () {
        const parsed = EventQuery.safeParse(input)
        if (!parsed.success) return yield* new EventStoreError({ reason: "query", message: parsed.error.message })
        const q: EventQueryParsed = parsed.data
        const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
        if (q.cursor !== undefined && after === undefined) {
          return yield* new EventStoreError({ reason: "bad-cursor", message: "cursor is not one this store issued" })
        }
        return { ...q, after }
      })

    const query = Effect.fn("EventStore.query")(function* (input: EventQueryInput) {
      const q = yield* parse(input)
      const outcome = yield* Effect.try({ try: () => queryTiers({ db, ring, files }, q), catch: toError("query") })
      const page: EventPage =
        outcome.more && outcome.last !== undefined
          ? { events: outcome.events, nextCursor: encodeCursor(outcome.last) }
          : { events: outcome.events }
      return page
    })

    const scan = (range: ScanRange, scanOptions?: ScanOptions) =>
      scanInSeqOrder({ sqlite: db.sqlite, files }, range, scanOptions)

    const replay = Effect.fn("EventStore.replay")(function* (input: EventQueryInput, replayOptions?: ReplayOptions) {
      const bus = yield* EventBus
      let cursor: string | undefined
      let count = 0
      const limit = Math.min(1000, replayOptions?.pageSize ?? 500)
      do {
        const page = yield* query({ ...input, order: "asc", limit, ...(cursor === undefined ? {} : { cursor }) })
        // Stored payloads are decoded with the catalogue schema like any outside input: a row
        // written by an older version or edited by hand is dead-lettered, not handed to handlers.
        const valid: Array<VirtuosoEvent> = []
        for (const stored of page.events) {
          const decoded = decodeEvent(stored)
          if (decoded.ok) valid.push({ ...decoded.event, replayed: true })
          else yield* bus.deadLetters.add(REPLAY_DEAD_LETTERS, stored, `stored event ${stored.id}: ${decoded.error}`)
        }
        yield* bus.publishAll(valid)
        count += valid.length
        cursor = page.nextCursor
      } while (cursor !== undefined)
      return count
    })

    const compact = Effect.suspend(() => {
      if (warm === undefined || archive === undefined)
        return Effect.succeed({ folded: 0, moved: 0, archived: [], dropped: [] } as CompactResult)
      return Effect.try({
        try: () => {
          const at = clock.currentTimeMillisUnsafe()
          const result = compactTiers(db, warm, archive, settings, at)
          for (const day of result.dropped) ring.forgetBefore(dayStart(day) + 86_400_000)
          lastCompaction = { ...result, at }
          return result
        },
        catch: toError("io"),
      })
    }).pipe(Effect.withSpan("EventStore.compact"))

    if (warm !== undefined) {
      // Market rows folded every minute besides: a recorded store stays replay-ready.
      yield* forkFoldSchedule(db.sqlite, { ...settings, everyMs: ms(options.foldEvery, "1 minute") })
      yield* compact.pipe(
        Effect.catch((error) => Effect.logWarning("event store tiering failed", error)),
        Effect.repeat(Schedule.spaced(ms(options.compactEvery, "1 hour"))),
        Effect.forkScoped,
      )
    }

    const stats = Effect.sync(
      (): StoreStats => ({
        committed,
        duplicates,
        transactions: writer.batches,
        commitSeconds: writer.seconds,
        pending: writer.depth,
        ringSize: ring.length,
        warmDays: warm?.days().length ?? 0,
        archivedDays: archive?.days().length ?? 0,
        ...(lastCompaction === undefined ? {} : { lastCompaction }),
      }),
    )

    // Synchronous and small: dead letters are written on the failure path only.
    const persistError = (cause: unknown) =>
      new PersistError({ message: cause instanceof Error ? cause.message : String(cause), cause })
    const deadLetters: DeadLetterSinkShape = {
      persistent: !memory,
      load: (limit: number) => Effect.try({ try: () => db.deadLetters.load(limit), catch: persistError }),
      write: (added: ReadonlyArray<DeadLetter>, removed: ReadonlyArray<number>) =>
        Effect.try({ try: () => db.deadLetters.write(added, removed), catch: persistError }),
    }

    return EventStore.of({
      append: (events) => writer.append(events),
      query,
      scan,
      replay,
      compact,
      stats,
      deadLetters,
    })
  })
}
