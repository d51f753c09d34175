/**
 * bench:http-reads — does a read cost the same at 5 and at 200 tracked symbols?
 *
 * For each symbol count, in one run: the real HTTP server (`HttpServerLive`: Hono over Bun.serve,
 * deps bridged from services), a real event store (SQLite file; 120 compact confluence events and
 * 12 signals stored per symbol, so the store and its ring fill with the symbol count as in the
 * engine, and every signal page is full at both counts) and an `Analysis` service holding one
 * real roll-up per symbol (41 plugin outcomes × 4 timeframes folded by `foldConfluence` /
 * `rollUpTimeframes`, as the engine keeps them). Between rounds every symbol's roll-up is replaced
 * (a new update), so each round pays the once-per-update serialisation (the replaced roll-ups are
 * garbage-collected before the timed reads, so the bigger update at 200 symbols is not charged to
 * its reads). Reports req/s over TCP (32 clients) and p50/p99 of sequential requests, medians of
 * 7 interleaved rounds, and the 200/5 ratio per route. Stored events are decoded with the
 * catalogue schema on every read, as the engine serves them.
 *   bun run bench:http-reads
 */
import { Effect, Exit, Layer, Scope } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  Analysis,
  foldConfluence,
  rollUpTimeframes,
  summaryOf,
  type PluginScore,
  type SymbolConfluence,
} from "../../core/analysis/index.ts"
import { AppConfig } from "../../core/config/index.ts"
import { EventBus, makeEvent } from "../../core/events/index.ts"
import { HttpServer, HttpServerLive } from "../../core/http/index.ts"
import { COMPONENTS, type Timeframe } from "../../core/plugins/index.ts"
import { EventStore, layerEventPipeline } from "../../core/store/index.ts"

const COUNTS = [5, 200] as const
const ROUNDS = 7
const N = 2000
const CONCURRENCY = 32
const ROUTES = ["/v1/confluence/BTC-USDT", "/v1/signals?limit=20", "/v1/signals?symbol=BTC-USDT&limit=20"] as const
const FRAMES: ReadonlyArray<Timeframe> = ["1m", "5m", "30m", "4h"]

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const quantile = (xs: Array<number>, q: number) => xs.sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!

const symbolsOf = (n: number) => ["BTC/USDT", ...Array.from({ length: n - 1 }, (_, i) => `SYM${i}/USDT`)]
const outcomes = (seed: number): Array<PluginScore> =>
  Array.from({ length: 41 }, (_, i) => ({
    name: `plugin-${i}`,
    component: COMPONENTS[i % COMPONENTS.length],
    weight: 1,
    status: "ok",
    score: (seed * 7.31 + i * 13.7) % 100,
    values: { a: i, b: seed },
  }))
const rollUp = (symbol: string, seed: number, time: number): SymbolConfluence =>
  rollUpTimeframes(
    symbol,
    FRAMES.map((tf, k) => foldConfluence(outcomes(seed + k), { timeframe: tf, time })),
  )

/** One server over `n` symbols; `update()` re-scores every symbol (new roll-up objects). */
const open = async (n: number) => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-http-reads-"))
  const symbols = symbolsOf(n)
  const latest = new Map<string, SymbolConfluence>()
  let version = 0
  const update = () => {
    version++
    for (const [i, s] of symbols.entries()) latest.set(s, rollUp(s, i + version, 1_765_000_000_000 + version * 60_000))
  }
  update()
  const analysis = Layer.succeed(
    Analysis,
    Analysis.of({
      latest: Effect.sync(() => [...latest.values()]),
      latestFor: (symbol) => Effect.sync(() => latest.get(symbol)),
      candles: () => Effect.succeed(undefined),
      awaitScores: Effect.void,
      stats: Effect.succeed({ cycles: 0, computations: 0, lastCycleMs: 0, lastCycleAgeMs: 0 }),
    }),
  )
  const sources = Effect.all({ analysis: Analysis, store: EventStore, bus: EventBus, config: AppConfig })
  const layer = HttpServerLive.over(sources).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        AppConfig.layerFrom({ http: { port: 0 } }),
        analysis,
        layerEventPipeline({ path: join(dir, "events.db") }),
      ),
    ),
  )
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const store = context.mapUnsafe.get(EventStore.key) as EventStore["Service"]
  const url = (context.mapUnsafe.get(HttpServer.key) as HttpServer["Service"]).url.replace(/\/$/, "")
  // The store as the engine fills it: compact confluence events per symbol per cycle, a few signals.
  await Effect.runPromise(
    Effect.gen(function* () {
      for (let cycle = 0; cycle < 120; cycle++) {
        const events = []
        for (const symbol of symbols) {
          const c = latest.get(symbol)!
          events.push(
            yield* makeEvent("analysis.confluence", summaryOf({ ...c, score: c.score! }), { source: "bench" }),
          )
          if (cycle % 10 === 0)
            events.push(
              yield* makeEvent(
                "signal.emitted",
                { symbol, direction: "long", score: 71, timeframe: "all" },
                { source: "bench" },
              ),
            )
        }
        yield* store.append(events)
      }
    }),
  )
  return {
    url,
    update,
    close: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const sequential = async (url: string) => {
  const latencies: Array<number> = []
  for (let i = 0; i < N / 4; i++) {
    const t0 = performance.now()
    const response = await fetch(url)
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`)
    await response.arrayBuffer()
    latencies.push(performance.now() - t0)
  }
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) }
}
const throughput = async (url: string) => {
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < N / CONCURRENCY; i++) await (await fetch(url)).arrayBuffer()
    }),
  )
  return (Math.floor(N / CONCURRENCY) * CONCURRENCY) / ((performance.now() - t0) / 1000)
}

const servers = await Promise.all(COUNTS.map(open))
type Row = { rps: Array<number>; p50: Array<number>; p99: Array<number> }
const rows = COUNTS.map(() => ROUTES.map((): Row => ({ rps: [], p50: [], p99: [] })))
for (const server of servers) for (const route of ROUTES) await throughput(server.url + route) // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < COUNTS.length; k++) {
    servers[k]!.update()
    // The garbage of replacing every roll-up is Analysis's cost, not the reads': collect it first.
    Bun.gc(true)
    for (let r = 0; r < ROUTES.length; r++) {
      const url = servers[k]!.url + ROUTES[r]
      const row = rows[k]![r]!
      row.rps.push(await throughput(url))
      const { p50, p99 } = await sequential(url)
      row.p50.push(p50)
      row.p99.push(p99)
    }
  }
}
for (const server of servers) await server.close()

const lines = [
  `bench:http-reads — TCP, ${CONCURRENCY} clients for req/s, sequential for latency; medians of ${ROUNDS} ` +
    `interleaved rounds`,
]
for (let r = 0; r < ROUTES.length; r++) {
  lines.push(`  ${ROUTES[r]}`)
  for (let k = 0; k < COUNTS.length; k++) {
    const row = rows[k]![r]!
    lines.push(
      `    ${String(COUNTS[k]).padStart(4)} symbols: ${median(row.rps).toFixed(0).padStart(6)} req/s   p50 ` +
        `${(median(row.p50) * 1000).toFixed(0)} µs   p99 ${(median(row.p99) * 1000).toFixed(0)} µs`,
    )
  }
  const ratio = median(rows[1]![r]!.rps) / median(rows[0]![r]!.rps)
  lines.push(
    `    200/5 req/s = ${(ratio * 100).toFixed(0)} ` +
      `%${r === 0 ? `   target ≥ 80 %: ${ratio >= 0.8 ? "met" : "NOT met"}` : ""}`,
  )
}
process.stdout.write(`${lines.join("\n")}\n`)
