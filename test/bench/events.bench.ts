/**
 * Event bus and store benchmarks (`bun run bench:events`). Every figure is the median of
 * REPS runs, measured in this one process beside a plain EventEmitter baseline doing the same
 * work.
 *
 *  1. in-process dispatch, 4 subscribers (events/s)           target ≥ 2,000,000
 *     (tickers skip dedup per the catalogue; trades are deduped; batch handlers too)
 *  2. durable events persisted and acknowledged (events/s)    target ≥ 200,000
 *  3. p99 publish→handler latency at 100,000 events/s         target < 1 ms
 *  4. RSS before/after 10 million events (bounded memory)
 */
import { Effect, Layer, type Scope } from "effect"
import { EventEmitter } from "node:events"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { EventBus, makeEvent, type VirtuosoEvent } from "../../core/events/index.ts"
import { layerEventPipeline } from "../../core/store/index.ts"

const REPS = Number(process.env.REPS ?? 5)
const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const fmt = (n: number) => Math.round(n).toLocaleString("en-US")
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`

const tickers = (n: number, offset = 0): Array<VirtuosoEvent> =>
  Effect.runSync(
    Effect.forEach(
      Array.from({ length: n }, (_, i) => i + offset),
      (i) => makeEvent("market.ticker", { symbol: "BTC/USDT", time: i, last: i }, { source: "bench" }),
    ),
  )

/** market.trades: deduplicated by id (tickers are full-state snapshots and skip dedup). */
const tradeEvents = (n: number): Array<VirtuosoEvent> =>
  Effect.runSync(
    Effect.forEach(
      Array.from({ length: n }, (_, i) => i),
      (i) =>
        makeEvent(
          "market.trades",
          { symbol: "BTC/USDT", trades: [{ id: String(i), time: i, price: i, amount: 1, side: "buy" as const }] },
          { source: "bench" },
        ),
    ),
  )

const CHUNK = 1000
const publishChunks = (bus: EventBus["Service"], events: ReadonlyArray<VirtuosoEvent>) =>
  Effect.gen(function* () {
    for (let i = 0; i < events.length; i += CHUNK) yield* bus.publishAll(events.slice(i, i + CHUNK))
  })

// 1. Dispatch: events/s until all 4 subscribers have handled every event; `subscribe` registers
// subscriber `s`, which counts what it handled into `counts[s]`.
const DISPATCH_N = 1_000_000
const dispatchRate = (
  events: ReadonlyArray<VirtuosoEvent>,
  subscribe: (bus: EventBus["Service"], s: number, counts: Array<number>) => Effect.Effect<void, never, Scope.Scope>,
) =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    const counts = [0, 0, 0, 0]
    for (let s = 0; s < 4; s++) yield* subscribe(bus, s, counts)
    const t0 = performance.now()
    yield* publishChunks(bus, events)
    yield* bus.drain("60 seconds")
    const dt = performance.now() - t0
    if (counts.some((c) => c !== events.length)) throw new Error(`lost events: ${counts}`)
    return (events.length / dt) * 1000
  }).pipe(Effect.scoped, Effect.provide(Layer.fresh(EventBus.layer)), Effect.runPromise)

const dispatchBus = (events: ReadonlyArray<VirtuosoEvent>) =>
  dispatchRate(events, (bus, s, counts) =>
    bus.subscribe("market.*", () => Effect.sync(() => void counts[s]++), { name: `s${s}` }),
  )

// 1b. The same with batch handlers (100 events or 100 ms): the per-call Effect cost is amortized.
const dispatchBusBatched = (events: ReadonlyArray<VirtuosoEvent>) =>
  dispatchRate(events, (bus, s, counts) =>
    bus.subscribe("market.*", (batch) => Effect.sync(() => void (counts[s] += batch.length)), {
      name: `b${s}`,
      batch: { size: 100, ms: 100 },
    }),
  )

const dispatchEmitter = (events: ReadonlyArray<VirtuosoEvent>) => {
  const emitter = new EventEmitter()
  const counts = [0, 0, 0, 0]
  for (let s = 0; s < 4; s++) emitter.on(events[0].type, () => void counts[s]++)
  const t0 = performance.now()
  for (const e of events) emitter.emit(e.type, e)
  const dt = performance.now() - t0
  return (events.length / dt) * 1000
}

// 2. Durable: events/s from publish to acknowledgement (after commit), 4 concurrent publishers.
const DURABLE_N = 200_000
const durable = (dir: string, rep: number) =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    const events = yield* Effect.forEach(
      Array.from({ length: DURABLE_N }, (_, i) => i),
      (i) =>
        makeEvent("signal.emitted", { symbol: `S${i % 50}`, direction: "long", score: i % 100 }, { source: "bench" }),
    )
    const quarter = DURABLE_N / 4
    const t0 = performance.now()
    yield* Effect.all(
      [0, 1, 2, 3].map((q) => publishChunks(bus, events.slice(q * quarter, (q + 1) * quarter))),
      { concurrency: "unbounded" },
    )
    const dt = performance.now() - t0
    return (DURABLE_N / dt) * 1000
  }).pipe(
    Effect.scoped,
    Effect.provide(layerEventPipeline({ path: join(dir, `durable-${rep}.db`) })),
    Effect.runPromise,
  )

const durableEmitter = () => {
  // Baseline: the same events JSON-encoded and emitted (no disk), to show the cost of durability.
  const emitter = new EventEmitter()
  let bytes = 0
  emitter.on("signal.emitted", (e: VirtuosoEvent) => void (bytes += JSON.stringify(e).length))
  const events = Array.from({ length: DURABLE_N }, (_, i) => ({
    type: "signal.emitted",
    id: String(i),
    payload: { score: i },
  }))
  const t0 = performance.now()
  for (const e of events) emitter.emit(e.type, e)
  return (DURABLE_N / (performance.now() - t0)) * 1000
}

// 3. Latency: publish 100 events every millisecond for one second; p99 of publish→handler.
const RATE = 100_000
const latencyBus = () =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    const lat: Array<number> = []
    const stamps = new Map<string, number>()
    yield* bus.subscribe(
      "market.ticker",
      (e) => Effect.sync(() => void lat.push(performance.now() - stamps.get(e.id)!)),
      { name: "lat" },
    )
    const perMs = RATE / 1000
    const events = tickers(RATE)
    const start = performance.now()
    for (let tick = 0; tick < 1000; tick++) {
      // Pace against the wall clock: wait for this tick's slot, then publish its events.
      while (performance.now() - start < tick) yield* Effect.yieldNow
      const slice = events.slice(tick * perMs, (tick + 1) * perMs)
      const now = performance.now()
      for (const e of slice) stamps.set(e.id, now)
      yield* bus.publishAll(slice)
    }
    yield* bus.drain("10 seconds")
    const elapsed = performance.now() - start
    lat.sort((a, b) => a - b)
    return {
      p99: lat[Math.floor(lat.length * 0.99)],
      p50: lat[Math.floor(lat.length * 0.5)],
      rate: (RATE / elapsed) * 1000,
    }
  }).pipe(Effect.scoped, Effect.provide(Layer.fresh(EventBus.layer)), Effect.runPromise)

const latencyEmitter = () => {
  const emitter = new EventEmitter()
  const lat: Array<number> = []
  emitter.on("t", (stamp: number) => void lat.push(performance.now() - stamp))
  for (let i = 0; i < RATE; i++) emitter.emit("t", performance.now())
  lat.sort((a, b) => a - b)
  return lat[Math.floor(lat.length * 0.99)]
}

// 4. Memory: 10 million events through 4 subscribers, built in chunks as a live feed would.
// RSS is sampled after a full GC every million events: bounded means the samples plateau.
const memory = () =>
  Effect.gen(function* () {
    const bus = yield* EventBus
    let handled = 0
    for (let s = 0; s < 4; s++)
      yield* bus.subscribe("market.*", () => Effect.sync(() => void handled++), { name: `m${s}` })
    Bun.gc(true)
    const before = process.memoryUsage().rss
    const samples: Array<number> = []
    const TOTAL = 10_000_000
    for (let sent = 0; sent < TOTAL; sent += 100_000) {
      // Trades: deduplicated, so the dedup windows are part of what must stay bounded.
      yield* publishChunks(bus, tradeEvents(100_000))
      if ((sent + 100_000) % 1_000_000 === 0) {
        Bun.gc(true)
        samples.push(process.memoryUsage().rss)
      }
    }
    yield* bus.drain("60 seconds")
    Bun.gc(true)
    const after = process.memoryUsage().rss
    return { before, after, samples, handled: handled / 4 }
  }).pipe(Effect.scoped, Effect.provide(Layer.fresh(EventBus.layer)), Effect.runPromise)

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-bench-"))
  try {
    // Memory first, while the heap holds nothing else.
    const mem = await memory()
    const events = tickers(DISPATCH_N)
    const tradesN = tradeEvents(DISPATCH_N)
    const d: Array<number> = []
    const dt: Array<number> = []
    const db: Array<number> = []
    const de: Array<number> = []
    for (let r = 0; r < REPS; r++) {
      d.push(await dispatchBus(events))
      dt.push(await dispatchBus(tradesN))
      db.push(await dispatchBusBatched(tradesN))
      de.push(dispatchEmitter(events))
    }
    const p: Array<number> = []
    const pe: Array<number> = []
    for (let r = 0; r < REPS; r++) {
      p.push(await durable(dir, r))
      pe.push(durableEmitter())
    }
    const l: Array<{ p99: number; p50: number; rate: number }> = []
    const le: Array<number> = []
    for (let r = 0; r < REPS; r++) {
      l.push(await latencyBus())
      le.push(latencyEmitter())
    }

    const rows = [
      ["dispatch, 4 subscribers, tickers (no dedup) (events/s)", median(d), median(de), "≥ 2,000,000"],
      ["dispatch, 4 subscribers, trades (dedup by id) (events/s)", median(dt), median(de), "≥ 2,000,000"],
      ["dispatch, 4 batch subscribers, trades (events/s)", median(db), median(de), "≥ 2,000,000"],
      ["durable, persisted + acked (events/s)", median(p), median(pe), "≥ 200,000"],
    ] as const
    console.log(`\nEvent bus benchmarks — median of ${REPS} runs (bun ${Bun.version})\n`)
    console.log("| measure | Virtuoso | EventEmitter | vs EventEmitter | target |")
    console.log("|---|---:|---:|---:|---|")
    for (const [name, ours, ee, target] of rows) {
      console.log(`| ${name} | ${fmt(ours)} | ${fmt(ee)} | ${(ours / ee).toFixed(2)}× | ${target} |`)
    }
    const p99 = median(l.map((x) => x.p99))
    console.log(
      `| p99 publish→handler at ${fmt(median(l.map((x) => x.rate)))} events/s (ms) | ${p99.toFixed(3)} | ` +
        `${median(le).toFixed(4)} | — | < 1 ms |`,
    )
    console.log(`| p50 publish→handler (ms) | ${median(l.map((x) => x.p50)).toFixed(3)} | | | |`)
    console.log(
      `\nRSS over 10,000,000 events (4 subscribers, after GC): before ${mib(mem.before)}, after ${mib(mem.after)}; ` +
        `per million: ${mem.samples.map(mib).join(", ")} (handled ${fmt(mem.handled)} per subscriber)`,
    )
    console.log(
      `raw runs: dispatch ${d.map(fmt).join(", ")}; trades ${dt.map(fmt).join(", ")}; batched ` +
        `${db.map(fmt).join(", ")}; durable ${p.map(fmt).join(", ")}; p99 ${l.map((x) => x.p99.toFixed(3)).join(", ")}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
