/**
 * @module The EventBus service: typed publish (durable types acknowledged after commit),
 * pattern subscriptions with per-handler lanes, dedup, DLQ, an SSE stream and a drain.
 */
import { Clock, Context, Duration, Effect, Layer, Queue, type Scope, Stream } from "effect"
import { EVENT_CATALOGUE, makeEvent, type VirtuosoEvent } from "./catalogue.ts"
import { DeadLetters, type DeadLetter, type DeadLetterFilter } from "./dead-letters.ts"
import { EventBusError } from "./errors.ts"
import { buildSchedule, DEFAULT_WEIGHTS } from "./lanes.ts"
import type { BusOptions } from "./options.ts"
import { isValidPattern, type EventFor, type EventPattern } from "./pattern.ts"
import { DeadLetterSink, EventSink } from "./persistence.ts"
import { laneOfType, makeRouter } from "./router.ts"
import type { BatchHandler, BatchOptions, Handler, SubscribeOptions } from "./subscribe-options.ts"
import { Subscription } from "./subscription.ts"
import { allIdle, collectStats, type BusStats } from "./stats.ts"
import { EventTransport } from "./transport.ts"
import type { CircuitState } from "../resilience/index.ts"
export type { BusOptions } from "./options.ts"
export type { BusStats } from "./stats.ts"

type SubscribeSingle = <P extends EventPattern, R = never>(
  pattern: P,
  handler: (event: EventFor<P>) => Effect.Effect<void, unknown, R>,
  options?: SubscribeOptions & { readonly batch?: undefined },
) => Effect.Effect<void, never, Scope.Scope | R>

type SubscribeBatch = <P extends EventPattern, R = never>(
  pattern: P,
  handler: (events: ReadonlyArray<EventFor<P>>, queued: number) => Effect.Effect<void, unknown, R>,
  options: SubscribeOptions & { readonly batch: NonNullable<SubscribeOptions["batch"]> },
) => Effect.Effect<void, never, Scope.Scope | R>

/** True inside handler fibers: lets cascades finish during a drain while outside intake stops. */
const InHandler = Context.Reference<boolean>("virtuoso/events/InHandler", { defaultValue: () => false })

export class EventBus extends Context.Service<
  EventBus,
  {
    /** Publishes one event; durable types resolve only after the store committed them. */
    publish(event: VirtuosoEvent): Effect.Effect<void, EventBusError>
    /** Publishes in order; durable ones are committed in one batch first. */
    publishAll(events: ReadonlyArray<VirtuosoEvent>): Effect.Effect<void, EventBusError>
    /** Subscribes for the lifetime of the current scope (batch handlers via `options.batch`). */
    subscribe: SubscribeSingle & SubscribeBatch
    /** Live events for SSE; a slow reader loses its oldest events, never blocks the bus. */
    stream(pattern: EventPattern, bufferSize?: number): Stream.Stream<VirtuosoEvent>
    /** Stops outside intake and waits up to `timeout` for every lane and handler to finish. */
    drain(timeout: Duration.Input): Effect.Effect<void>
    readonly deadLetters: {
      list(filter?: DeadLetterFilter): Effect.Effect<ReadonlyArray<DeadLetter>>
      /** Re-delivers matching letters to their subscriber, if subscribed (else they stay); returns how many. */
      replay(filter?: DeadLetterFilter): Effect.Effect<number>
      /** Takes matching dead letters off the queue (and the store) undelivered; returns how many. */
      remove(filter: DeadLetterFilter): Effect.Effect<number>
      /**
       * Queues an event that could not be delivered before any handler saw it (e.g. a stored
       * event whose payload no longer decodes), under `source` with the reason.
       */
      add(source: string, event: VirtuosoEvent, error: string): Effect.Effect<void>
    }
    readonly stats: Effect.Effect<BusStats>
    /** Whether every subscriber has handled everything queued: cheap to poll after each publish. */
    readonly idle: Effect.Effect<boolean>
  }
>()("virtuoso/events/EventBus") {
  static readonly layerNoDepsWith = (options: BusOptions = {}) => Layer.effect(EventBus, makeBus(options))
  static readonly layerNoDeps = EventBus.layerNoDepsWith()
  /** In-process transport; persists durable events if an `EventSink` is provided. */
  static readonly layerWith = (options: BusOptions = {}) =>
    EventBus.layerNoDepsWith(options).pipe(Layer.provide(EventTransport.layerInProcess))
  static readonly layer = EventBus.layerWith()
  /** For tests: in-process, no persistence unless a sink is provided. */
  static readonly layerTest = EventBus.layerWith()
}

function makeBus(options: BusOptions) {
  return Effect.gen(function* () {
    const clock = yield* Clock.Clock
    const sink = yield* EventSink
    const transport = yield* EventTransport
    const context = yield* Effect.context<never>()
    const now = () => clock.currentTimeMillisUnsafe()
    const capacity = options.capacity ?? 10_000
    const schedule = buildSchedule(options.weights ?? DEFAULT_WEIGHTS)
    const dedupWindowMs = Duration.toMillis(Duration.fromInputUnsafe(options.dedupWindow ?? "60 seconds"))
    const dedupMaxIds = options.dedupMaxIds ?? 100_000
    const drainTimeout = options.drainTimeout ?? "5 seconds"
    const deadLetterSink = yield* DeadLetterSink
    const defaultPolicy = typeof options.backpressure === "string" ? options.backpressure : "wait"
    const laneDefaults = typeof options.backpressure === "object" ? options.backpressure : undefined

    const subscriptions = new Set<Subscription<unknown>>()
    const droppedGone = [0, 0, 0, 0]
    const byName = new Map<string, Subscription<unknown>>()
    const router = makeRouter({ now, dedupWindowMs, dedupMaxIds })
    const rebuildRoutes = () => router.rebuild(subscriptions)
    let accepting = true
    let draining = false
    let anonymous = 0

    const runDetached = <A, E>(effect: Effect.Effect<A, E>) => Effect.runForkWith(context)(effect)
    const deadLetters = new DeadLetters(options.deadLetterCapacity ?? 10_000, deadLetterSink, runDetached)
    // Dead letters an earlier run left in the store are listed and replayable again.
    yield* deadLetters.load()

    const onCircuitChange = (name: string, state: CircuitState, previous: CircuitState) => {
      runDetached(
        makeEvent("circuit.changed", { name: `bus:${name}`, state, previous }, { source: "events" }).pipe(
          // Internal events bypass the intake check: a breaker may trip while the bus drains.
          Effect.flatMap((event) => publishAccepted([event])),
          Effect.catch((error) => Effect.logWarning("circuit.changed not published", error)),
        ),
      )
    }

    yield* transport.attach(router.deliver).pipe(Effect.orDie)

    const closedError = new EventBusError({ reason: "closed", message: "event bus is draining; publish refused" })
    const send = (events: ReadonlyArray<VirtuosoEvent>) =>
      transport
        .send(events)
        .pipe(
          Effect.mapError((cause) => new EventBusError({ reason: "transport-failed", message: cause.message, cause })),
        )
    const persistThenSend = (durable: ReadonlyArray<VirtuosoEvent>, all: ReadonlyArray<VirtuosoEvent>) =>
      sink.append(durable).pipe(
        Effect.mapError((cause) => new EventBusError({ reason: "persist-failed", message: cause.message, cause })),
        Effect.flatMap(() => send(all)),
      )

    const publishAll = (events: ReadonlyArray<VirtuosoEvent>): Effect.Effect<void, EventBusError> => {
      if (!accepting) {
        return Effect.flatMap(InHandler, (inside) =>
          inside && draining ? publishAccepted(events) : Effect.fail(closedError),
        )
      }
      return publishAccepted(events)
    }
    const publishAccepted = (events: ReadonlyArray<VirtuosoEvent>): Effect.Effect<void, EventBusError> => {
      if (!sink.durable) return send(events)
      let durable: Array<VirtuosoEvent> | undefined
      for (let i = 0; i < events.length; i++) {
        const event = events[i]
        if (event.replayed !== true && EVENT_CATALOGUE[event.type].durable) (durable ??= []).push(event)
      }
      return durable === undefined ? send(events) : persistThenSend(durable, events)
    }
    const publish = (event: VirtuosoEvent) => publishAll([event])

    // The overloads type the handler by the pattern; the body sees the erased handler. A handler's
    // requirements are met by the context captured below, so the body's type needs only a Scope.
    function subscribe<P extends EventPattern, R = never>(
      pattern: P,
      handler: (event: EventFor<P>) => Effect.Effect<void, unknown, R>,
      options?: SubscribeOptions & { readonly batch?: undefined },
    ): Effect.Effect<void, never, Scope.Scope | R>
    function subscribe<P extends EventPattern, R = never>(
      pattern: P,
      handler: (events: ReadonlyArray<EventFor<P>>, queued: number) => Effect.Effect<void, unknown, R>,
      options: SubscribeOptions & { readonly batch: BatchOptions },
    ): Effect.Effect<void, never, Scope.Scope | R>
    function subscribe<R>(
      pattern: EventPattern,
      handler: Handler<R> | BatchHandler<R>,
      subscribeOptions?: SubscribeOptions,
    ): Effect.Effect<void, never, Scope.Scope | R> {
      return Effect.gen(function* () {
        if (!isValidPattern(pattern))
          return yield* Effect.die(
            new EventBusError({ reason: "invalid-pattern", message: `no event type matches "${pattern}"` }),
          )
        const handlerContext = yield* Effect.context<R>()
        const opts: SubscribeOptions = {
          ...subscribeOptions,
          name: subscribeOptions?.name ?? `${pattern}#${++anonymous}`,
          backpressure: subscribeOptions?.backpressure ?? laneDefaults ?? defaultPolicy,
        }
        const sub = new Subscription(pattern, opts, handler, schedule, capacity, defaultPolicy, {
          now,
          deadLetter: (subscriber, events, error, attempts) =>
            Effect.sync(() => deadLetters.add(subscriber, events, error, attempts, now())),
          onCircuitChange,
        })
        yield* Effect.acquireRelease(
          Effect.sync(() => {
            subscriptions.add(sub)
            byName.set(sub.name, sub)
            rebuildRoutes()
          }),
          () =>
            Effect.sync(() => {
              for (let i = 0; i < 4; i++) droppedGone[i] += sub.lanes.dropped[i]
              subscriptions.delete(sub)
              if (byName.get(sub.name) === sub) byName.delete(sub.name)
              rebuildRoutes()
              sub.close()
            }),
        )
        const worker = sub.worker().pipe(Effect.provideContext(handlerContext), Effect.provideService(InHandler, true))
        for (let i = 0; i < Math.max(1, opts.concurrency ?? 1); i++) yield* Effect.forkScoped(worker)
        // Registered last so it runs first on close, while the workers still run: stop routing
        // to this handler, then let it finish what is queued (bounded by the drain timeout).
        yield* Effect.addFinalizer(() =>
          Effect.gen(function* () {
            sub.unrouted = true
            rebuildRoutes()
            sub.flush()
            yield* sub.awaitIdle().pipe(Effect.timeoutOption(drainTimeout))
          }),
        )
      })
    }

    const drain = (timeout: Duration.Input) =>
      Effect.gen(function* () {
        accepting = false
        draining = true
        for (const s of subscriptions) s.flush()
        const done = yield* Effect.forEach(subscriptions, (s) => s.awaitIdle(), { discard: true }).pipe(
          Effect.timeoutOption(timeout),
        )
        draining = false
        if (done._tag === "None") {
          const left = [...subscriptions].reduce((n, s) => n + s.lanes.depth + s.inFlight, 0)
          yield* Effect.logWarning(`event bus drain timed out with ${left} events undelivered`)
        }
        // Dead letters are written behind; a drained bus has them all in the store.
        yield* deadLetters.flush
      })

    const stats = Effect.sync(() =>
      collectStats({
        subscriptions,
        droppedGone,
        published: router.published(),
        deduplicated: router.deduplicated(),
        deadLetters: deadLetters.size,
        deadLettersEvicted: deadLetters.evicted,
        durable: sink.durable,
        draining: !accepting,
      }),
    )

    const stream = (pattern: EventPattern, bufferSize = 10_000) =>
      Stream.callback<VirtuosoEvent>(
        (queue) =>
          subscribe(pattern, (event: VirtuosoEvent) => Effect.sync(() => void Queue.offerUnsafe(queue, event)), {
            name: `stream:${pattern}#${++anonymous}`,
            backpressure: "drop-oldest",
            capacity: bufferSize,
          }),
        { bufferSize, strategy: "sliding" },
      )

    // Letters whose subscriber is not (yet) subscribed stay queued under their seq. A letter
    // leaves the queue once it is back in its subscriber's lane, also when the replay is
    // interrupted half-way (the rest stays queued).
    const replayDeadLetters = (filter?: DeadLetterFilter) =>
      Effect.suspend(() => {
        const replayed: Array<number> = []
        return Effect.gen(function* () {
          for (const letter of deadLetters.list(filter)) {
            const sub = byName.get(letter.subscriber)
            if (sub === undefined) continue
            const lane = laneOfType[letter.event.type] ?? 3
            while (!sub.offer(letter.event, lane)) yield* sub.awaitSpace(lane)
            sub.wake()
            replayed.push(letter.seq)
          }
          return replayed.length
        }).pipe(Effect.ensuring(Effect.sync(() => deadLetters.remove(replayed))))
      })

    yield* Effect.addFinalizer(() =>
      drain(drainTimeout).pipe(Effect.andThen(Effect.logDebug("finalizer: event bus drained"))),
    )

    return EventBus.of({
      publish,
      publishAll,
      subscribe,
      stream,
      drain,
      deadLetters: {
        list: (filter) => Effect.sync(() => deadLetters.list(filter)),
        replay: replayDeadLetters,
        remove: (filter) =>
          Effect.sync(() => {
            const seqs = deadLetters.list(filter).map((letter) => letter.seq)
            deadLetters.remove(seqs)
            return seqs.length
          }),
        add: (source, event, error) => Effect.sync(() => deadLetters.add(source, [event], error, 0, now())),
      },
      stats,
      idle: Effect.sync(() => allIdle(subscriptions)),
    })
  })
}
