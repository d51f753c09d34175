/**
 * Shared setup for the stream tests: a local exchange server, ccxt adapters against it, and an
 * Effect runner with TestClock (virtual time for backoff/staleness; real time only for socket I/O).
 */
import { afterAll, beforeAll } from "bun:test"
import { Effect, PubSub, type Scope } from "effect"
import { TestClock } from "effect/testing"
import { createCcxtAdapter, type CcxtAdapter } from "../../../../plugins/exchanges/ccxt/index.ts"
import { retrySchedule } from "../../../../core/resilience/index.ts"
import { StreamSupervisor, type StreamEvent, type SupervisorOptions } from "../../../../core/market/streams/index.ts"
import {
  EXTRA_SPOT,
  loadMarketsFixture,
  startExchangeServer,
  type ExchangeServer,
} from "../../../support/exchange-server/index.ts"

export const TEST_OPTIONS: Partial<SupervisorOptions> = {
  staleAfterMs: { ohlcv: 10_000, orderbook: 10_000, trades: 10_000, liquidations: 10_000 },
  // jitter 0: delays are exactly 1 s, 2 s, 4 s, 8 s
  reconnect: retrySchedule({ maxAttempts: 5, baseMs: 1_000, capMs: 8_000, jitter: 0, maxElapsedMs: 600_000 }),
  pollEveryMs: { ohlcv: 1_000, orderbook: 1_000, trades: 1_000, liquidations: 1_000 },
  retryStreamAfterMs: 30_000,
}

export const startServer = async (): Promise<ExchangeServer> =>
  startExchangeServer({ binanceMarkets: await loadMarketsFixture("binance"), extraSpot: EXTRA_SPOT })

export const binanceAdapter = (server: ExchangeServer, extra: Record<string, unknown> = {}): CcxtAdapter =>
  createCcxtAdapter({ id: "binance", urls: server.binanceUrls(), enableRateLimit: false, ...extra })

/**
 * One local server and one binance adapter shared by a whole test file: started before its first
 * test, the adapter closed before the server stops after its last. Read them inside tests.
 */
export const serverAndAdapterForFile = (): { readonly server: ExchangeServer; readonly adapter: CcxtAdapter } => {
  let server: ExchangeServer | undefined
  let adapter: CcxtAdapter | undefined
  beforeAll(async () => {
    server = await startServer()
    adapter = binanceAdapter(server)
  })
  afterAll(async () => {
    await adapter?.close()
    await server?.stop()
  })
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("serverAndAdapterForFile: started in beforeAll; read it inside a test")
    return value
  }
  return {
    get server() {
      return started(server)
    },
    get adapter() {
      return started(adapter)
    },
  }
}

/** Runs `program` with TestClock set to the server's clock and a StreamSupervisor. */
export const runWithSupervisor = <A, E>(
  server: ExchangeServer,
  program: Effect.Effect<A, E, StreamSupervisor | Scope.Scope>,
  options: Partial<SupervisorOptions> = TEST_OPTIONS,
): Promise<A> =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(server.market.now)
      return yield* program
    }).pipe(
      Effect.scoped,
      Effect.provide(StreamSupervisor.layerWith(options)),
      Effect.provide(TestClock.layer()),
    ) as Effect.Effect<A, E, never>,
  )

/** A real macrotask: lets sockets and promise callbacks run before virtual time moves on. */
export const ioTick = (ms = 5) => TestClock.withLive(Effect.promise(() => new Promise<void>((r) => setTimeout(r, ms))))

/**
 * Events taken from a subscription after the one a wait returned: a loaded machine can deliver
 * several at once (two failed polls in one step), and the next wait must still see the later ones.
 */
const leftover = new WeakMap<PubSub.Subscription<StreamEvent>, Array<StreamEvent>>()

/** Next event matching `pred`, failing after `timeoutMs` of real time. */
export const nextEvent = <T extends StreamEvent>(
  sub: PubSub.Subscription<StreamEvent>,
  pred: (e: StreamEvent) => e is T,
  timeoutMs = 5_000,
) =>
  Effect.gen(function* () {
    while (true) {
      const e = leftover.get(sub)?.shift() ?? (yield* PubSub.take(sub))
      if (pred(e)) return e
    }
  }).pipe(
    Effect.timeoutOrElse({
      duration: timeoutMs,
      orElse: () => Effect.die(new Error("timed out waiting for a stream event")),
    }),
    TestClock.withLive,
  )

export const is =
  <Tag extends StreamEvent["_tag"]>(tag: Tag, key?: string) =>
  (e: StreamEvent): e is Extract<StreamEvent, { _tag: Tag }> =>
    e._tag === tag && (key === undefined || e.key === key)

/**
 * ccxt.pro resolves a pending watch per message and does not queue messages that arrive while
 * no watch is pending (the next one returns them merged with the next message), so tests keep
 * the server pushing, as a live exchange does, until `done()` holds.
 */
export const pump = (
  server: { advance: (ms: number, o?: { trades?: number }) => void },
  done: () => boolean,
  opts: { stepMs?: number; trades?: number; max?: number } = {},
) =>
  Effect.gen(function* () {
    for (let i = 0; i < (opts.max ?? 200); i++) {
      if (done()) return
      server.advance(opts.stepMs ?? 1_000, { trades: opts.trades ?? 0 })
      yield* ioTick(10)
    }
    if (!done()) return yield* Effect.die(new Error("pump: condition not reached"))
  })

/** Push `count` updates (1 s of server time each), letting the client process them. */
export const pushUpdates = (server: { advance: (ms: number) => void }, count: number) =>
  Effect.gen(function* () {
    for (let i = 0; i < count; i++) {
      server.advance(1_000)
      yield* ioTick(10)
    }
  })

/** Advance virtual time in steps until an event matching `pred` shows up (timers need a parked fiber). */
export const adjustUntil = <T extends StreamEvent>(
  sub: PubSub.Subscription<StreamEvent>,
  pred: (e: StreamEvent) => e is T,
  stepMs: number,
  maxSteps = 200,
  onStep?: () => void,
) =>
  Effect.gen(function* () {
    for (let i = 0; i < maxSteps; i++) {
      onStep?.()
      yield* ioTick()
      yield* TestClock.adjust(stepMs)
      yield* ioTick()
      const found = yield* drainFor(sub, pred)
      if (found) return found
    }
    return yield* Effect.die(new Error(`no matching event after ${maxSteps} × ${stepMs} ms of virtual time`))
  })

const drainFor = <T extends StreamEvent>(sub: PubSub.Subscription<StreamEvent>, pred: (e: StreamEvent) => e is T) =>
  Effect.gen(function* () {
    const all = [...(leftover.get(sub) ?? []), ...(yield* PubSub.takeUpTo(sub, 10_000))]
    for (let i = 0; i < all.length; i++) {
      const e = all[i]!
      if (pred(e)) {
        leftover.set(sub, all.slice(i + 1))
        return e
      }
    }
    leftover.set(sub, [])
    return undefined
  })
