/**
 * Event bus throughput through the Redis Streams transport beside the in-process bus
 * (`bun run bench:bus`). Every figure is the median of REPS runs in this one process.
 *
 *  1. in-process bus: publishAll → one batch subscriber (events/s)
 *  2. Redis transport, two processes as two instances would be: bus "pub" (a child process)
 *     publishAll with pipelined XADD MAXLEN ~ (PUBLISHERS=4 concurrent publishers of 1,000-event
 *     batches, as several symbol pollers publish) → bus "sub" (this process) reading its consumer
 *     group in batches (XREADGROUP, decode + validate, XACK) → one batch subscriber:
 *     end-to-end events/s from "go" to the last event handled             target ≥ 150,000
 *     (the publisher also reads its own entries back through its own group, as every instance does)
 *  3. the publish side as the publisher measured it during (2), the same bus publishing with no
 *     consumer process running (what the transport costs over raw XADD), and
 *  4. the loopback ceiling: raw pipelined XADD of the same entries with no bus at all.
 *     On a 2-core machine (2) is bound by publisher, subscriber and redis-server sharing the cores.
 *     (Published figures for Redis XADD pipelined on loopback: ≈250–350k/s on this class of
 *     machine; redis-benchmark's XADD test measures the same thing.)
 *
 * Needs Redis at VIRTUOSO_TEST_REDIS_URL (default redis://127.0.0.1:6379); keys live under a
 * unique prefix and are deleted after each run.
 */
import { RedisClient } from "bun"
import { Context, Effect, Layer, Redacted } from "effect"
import { EventBus, makeEvent, type VirtuosoEvent } from "../../core/events/index.ts"
import { RedisConnection, RedisTransport } from "../../core/events/transports/redis/index.ts"

const REPS = Number(process.env.REPS ?? 5)
const N = Number(process.env.EVENTS ?? 200_000)
const CHUNK = 1000
const URL = process.env.VIRTUOSO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379"
const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const fmt = (n: number) => Math.round(n).toLocaleString("en-US")

const events: Array<VirtuosoEvent> = Effect.runSync(
  Effect.forEach(
    Array.from({ length: N }, (_, i) => i),
    (i) => makeEvent("market.ticker", { symbol: "BTC/USDT", time: i, last: 100 + i }, { source: "bench" }),
  ),
)

const until = async (check: () => boolean, what: string) => {
  const deadline = performance.now() + 120_000
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`)
    await Bun.sleep(1)
  }
}

const PUBLISHERS = Number(process.env.PUBLISHERS ?? 4)
const chunks = Array.from({ length: Math.ceil(N / CHUNK) }, (_, i) => events.slice(i * CHUNK, (i + 1) * CHUNK))

/** PUBLISHERS concurrent publishers (pollers of different symbols), each publishAll of CHUNK events. */
const publishAll = (bus: EventBus["Service"]) =>
  Effect.forEach(chunks, (chunk) => bus.publishAll(chunk), { concurrency: PUBLISHERS, discard: true })

const subscribeCounting = (bus: EventBus["Service"]) =>
  Effect.gen(function* () {
    const counter = { received: 0 }
    yield* bus.subscribe(
      "market.ticker",
      (batch) =>
        Effect.sync(() => {
          counter.received += batch.length
        }),
      {
        name: "bench",
        batch: { size: 1000, ms: 5 },
      },
    )
    return counter
  })

const redisBus = (prefix: string, instanceId: string) =>
  EventBus.layerNoDeps.pipe(
    Layer.provide(RedisTransport.layerEventTransport),
    // A cap above the run size: a consumer lagging behind must not lose trimmed entries here.
    Layer.provideMerge(RedisTransport.layer({ instanceId, batch: 1000, blockMs: 100, maxLen: 1_000_000 })),
    Layer.provideMerge(RedisConnection.layer({ url: Redacted.make(URL), prefix })),
  )

// Child mode: the publishing instance. Prints "ready", waits for "go", publishes, prints seconds.
if (process.argv[2] === "--publisher") {
  const prefix = process.argv[3]!
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = Context.get(yield* Layer.build(redisBus(prefix, "pub")), EventBus)
        process.stdout.write("ready\n")
        yield* Effect.promise(async () => {
          for await (const _ of console) return
        })
        const started = performance.now()
        yield* publishAll(bus)
        process.stdout.write(`published ${(performance.now() - started) / 1000}\n`)
      }),
    ),
  )
  process.exit(0)
}

const inProcessRun = () =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = Context.get(yield* Layer.build(EventBus.layer), EventBus)
        const counter = yield* subscribeCounting(bus)
        const started = performance.now()
        yield* publishAll(bus)
        yield* Effect.promise(() => until(() => counter.received >= N, "all events received"))
        return (performance.now() - started) / 1000
      }),
    ),
  )

/** Returns [end-to-end seconds, publish-side seconds as the publisher measured them]. */
const redisRun = (prefix: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = Context.get(yield* Layer.build(redisBus(prefix, "sub")), EventBus)
        const counter = yield* subscribeCounting(bus)
        const child = Bun.spawn([process.execPath, import.meta.path, "--publisher", prefix], {
          stdin: "pipe",
          stdout: "pipe",
          stderr: "inherit",
        })
        yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
        const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader()
        let buffered = ""
        // The child's logger also writes to stdout: wait for our own protocol lines only.
        const nextLine = async (pattern: RegExp) => {
          while (true) {
            while (!buffered.includes("\n")) {
              const { value, done } = await lines.read()
              if (done) throw new Error("publisher exited early")
              buffered += value
            }
            const at = buffered.indexOf("\n")
            const line = buffered.slice(0, at)
            buffered = buffered.slice(at + 1)
            if (pattern.test(line)) return line
          }
        }
        yield* Effect.promise(() => nextLine(/^ready$/))
        const started = performance.now()
        child.stdin.write("go\n")
        child.stdin.flush()
        yield* Effect.promise(() => until(() => counter.received >= N, "all events received"))
        const e2e = (performance.now() - started) / 1000
        const published = Number((yield* Effect.promise(() => nextLine(/^published /))).split(" ")[1])
        yield* Effect.promise(() => child.exited)
        return [e2e, published] as const
      }),
    ),
  )

const redisAvailable = await (async () => {
  const client = new RedisClient(URL, { autoReconnect: false, connectionTimeout: 1000 })
  try {
    await client.connect()
    await client.send("PING", [])
    return true
  } catch {
    return false
  } finally {
    client.close()
  }
})()

const raw = new RedisClient(URL)
const dropPrefix = async (prefix: string) => {
  let cursor = "0"
  do {
    const [next, keys] = (await raw.send("SCAN", [cursor, "MATCH", `${prefix}*`, "COUNT", "1000"])) as [
      string,
      Array<string>,
    ]
    cursor = next
    if (keys.length > 0) await raw.send("DEL", keys)
  } while (cursor !== "0")
}

/** The publishing bus alone (its own group still reads its entries back), no other process. */
const soloPublishRun = (prefix: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = Context.get(yield* Layer.build(redisBus(prefix, "solo")), EventBus)
        const started = performance.now()
        yield* publishAll(bus)
        return (performance.now() - started) / 1000
      }),
    ),
  )

const soloPublish: Array<number> = []
const inProcess: Array<number> = []
const redisE2E: Array<number> = []
const redisPublish: Array<number> = []
const ceiling: Array<number> = []

for (let rep = 0; rep < REPS; rep++) {
  inProcess.push(N / (await inProcessRun()))
  if (!redisAvailable) continue

  const prefix = `vbench:${process.pid}:${rep}`
  try {
    const [e2e, published] = await redisRun(prefix)
    redisE2E.push(N / e2e)
    redisPublish.push(N / published)
  } finally {
    await dropPrefix(prefix)
  }

  const soloPrefix = `vbench:${process.pid}:solo:${rep}`
  try {
    soloPublish.push(N / (await soloPublishRun(soloPrefix)))
  } finally {
    await dropPrefix(soloPrefix)
  }

  // Ceiling: the same entries, pipelined in the same batches, no bus, no consumer.
  const key = `vbench:${process.pid}:ceiling`
  const started = performance.now()
  await Promise.all(
    Array.from({ length: PUBLISHERS }, async (_, p) => {
      for (let c = p; c < chunks.length; c += PUBLISHERS) {
        await Promise.all(
          chunks[c]!.map((event) =>
            raw.send("XADD", [key, "MAXLEN", "~", "1000000", "*", "e", JSON.stringify(event), "o", "pub"]),
          ),
        )
      }
    }),
  )
  ceiling.push(N / ((performance.now() - started) / 1000))
  await raw.send("DEL", [key])
}
raw.close()

console.log(`bus throughput, ${fmt(N)} market.ticker events, median of ${REPS} (events/s)`)
console.log(`  in-process bus (publish → batch subscriber)          ${fmt(median(inProcess)).padStart(12)}`)
if (!redisAvailable) {
  console.log(`  Redis transport: SKIPPED — Redis not reachable at ${URL}`)
} else {
  const e2e = median(redisE2E)
  console.log(
    `  Redis transport end-to-end (XADD → group → bus)      ${fmt(e2e).padStart(12)}   target ≥ 150,000: ` +
      `${e2e >= 150_000 ? "met" : "NOT met"}`,
  )
  console.log(`  Redis transport publish side (XADD acknowledged)     ${fmt(median(redisPublish)).padStart(12)}`)
  console.log(`  publish alone, no consumer process (bus → XADD)      ${fmt(median(soloPublish)).padStart(12)}`)
  console.log(
    `  loopback ceiling: raw pipelined XADD, no bus         ${fmt(median(ceiling)).padStart(12)}   (published: ` +
      `≈250–350k/s)`,
  )
  console.log(
    `  ratios: in-process / Redis = ${(median(inProcess) / e2e).toFixed(1)}×, Redis end-to-end / raw XADD ceiling = ` +
      `${(e2e / median(ceiling)).toFixed(2)}`,
  )
  console.log(`  runs (end-to-end): ${redisE2E.map(fmt).join(", ")}`)
}
