/**
 * bench:confluence — Analysis as the engine runs it: the real `Analysis` layer (a subscriber to
 * the market events the bench publishes), the real PluginHost over every built-in indicator
 * (declared inputs advanced in the resident WASM engine), the real EventBus and EventStore
 * (SQLite file, group commit), so each measured cycle includes scoring, folding, the roll-up and
 * committing the cycle's `analysis.confluence` events. Market data comes from the real BTC/LTC fixtures at per-symbol
 * offsets, published as MarketData publishes them (history, then one closed candle per series
 * per round) with one synthetic book, tape and derivatives set per symbol; Analysis keeps them
 * in ResidentCandles (WASM memory).
 *
 * Scenarios (median of ≥ 7 rounds: from publishing a round's candles until Analysis has scored
 * every one of them and the store has committed their confluence events; a "cycle" below is
 * one such round):
 *   A. 200 symbols × 4 timeframes, one new candle on every series (800 series scored)  target < 10 ms
 *   B. 1,000 symbols, one new closed 1m candle each (1,000 series scored)             target < 5 ms
 * Then where a cycle's time goes: every plugin's cost per cycle (the host's mean µs per call ×
 * calls per cycle), the rest of the cycle, declared-input WASM calls and store transactions per
 * cycle, and the compact event's size and the store's bytes per event (→ MB/day at 200 symbols,
 * one 1m candle per minute). BENCH_ONLY=A|B runs one scenario; BENCH_CYCLES sets the count;
 * BENCH_PLUGINS=floor measures the same cycles with one constant plugin instead of the built-ins.
 */
import { Database } from "bun:sqlite"
import { Effect, Exit, Layer, References, Scope } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Analysis } from "../../core/analysis/index.ts"
import { AppConfig, parseConfig } from "../../core/config/index.ts"
import { EventBus, makeEvent, type PayloadOf, type VirtuosoEvent } from "../../core/events/index.ts"
import { ResidentCandles } from "../../core/market/index.ts"
import { PluginHost } from "../../core/plugins/index.ts"
import type { CandleColumns, Timeframe } from "../../core/plugins/sdk.ts"
import { EventStore, layerEventPipeline } from "../../core/store/index.ts"
import { Kernels } from "../../core/wasm/index.ts"
import { loadCandles, syntheticBook, syntheticMarket, syntheticTrades, window } from "../plugins/indicators/support.ts"

const CYCLES = Math.max(7, Number(process.env.BENCH_CYCLES ?? 9))
const ONLY = process.env.BENCH_ONLY
const FRAMES: ReadonlyArray<readonly [Timeframe, number, number]> = [
  ["1m", 1000, 60_000],
  ["5m", 300, 300_000],
  ["30m", 200, 1_800_000],
  ["4h", 200, 14_400_000],
]
const ALL_FRAMES: ReadonlySet<Timeframe> = new Set(FRAMES.map(([tf]) => tf))
const ONE_MINUTE: ReadonlySet<Timeframe> = new Set(["1m"])
const fixtures = [loadCandles("btcusdt-1m"), loadCandles("ltcusdt-1m")]
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length

interface Series {
  readonly src: CandleColumns
  next: number
  time: number
  readonly step: number
}

/** Wall time Analysis spends in the host, per step: the inline host runs synchronously inside these effects. */
const hostTime = { advance: 0, evaluate: 0 }
const timed = <A>(step: keyof typeof hostTime, effect: Effect.Effect<A>) =>
  Effect.suspend(() => {
    const started = performance.now()
    return Effect.tap(
      effect,
      Effect.sync(() => {
        hostTime[step] += performance.now() - started
      }),
    )
  })
/**
 * BENCH_PLUGINS=floor replaces the 41 built-ins by one plugin that returns a constant: what a
 * cycle costs besides the plugins' own work (the floor the built-ins add to).
 */
const FLOOR = process.env.BENCH_PLUGINS === "floor"
const floorDir = mkdtempSync(join(tmpdir(), "virtuoso-bench-floor-"))
writeFileSync(
  join(floorDir, "constant.ts"),
  'export default { apiVersion: 1, kind: "indicator", name: "constant", component: "technical", lookback: 0,' +
    " compute: () => ({ score: 60 }) }\n",
)
/** The real PluginHost over the built-ins, its two per-cycle steps timed. */
const timedHost = Layer.effect(
  PluginHost,
  Effect.map(PluginHost, (host: PluginHost["Service"]) =>
    PluginHost.of({
      ...host,
      advanceInputs: (series) => timed("advance", host.advanceInputs(series)),
      evaluateSymbol: (ctxs, components) => timed("evaluate", host.evaluateSymbol(ctxs, components)),
    }),
  ),
).pipe(
  Layer.provide(
    PluginHost.layer({
      root: join(import.meta.dir, "../.."),
      folders: FLOOR ? [floorDir] : ["plugins/indicators"],
      ...(FLOOR ? { ownedFolders: [floorDir] } : {}),
      watch: false,
      budgetMs: 250,
    }),
  ),
)

/** Analysis + PluginHost + bus + store over `n` symbols whose candles the bench publishes. */
const open = async (n: number) => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-bench-confluence-"))
  const path = join(dir, "events.db")
  const symbols = Array.from({ length: n }, (_, s) => `SYM${s}/USDT`)
  const config = parseConfig({
    symbols: { static: symbols, top: 0 },
    exchange: { pollMs: 10 },
    http: { enabled: false },
    store: { path },
    plugins: { watch: false },
    signals: { enabled: false },
  })
  const series = new Map<string, Series>()
  const layer = Analysis.layer.pipe(
    Layer.provideMerge(
      Layer.mergeAll(timedHost, ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)), layerEventPipeline({ path })),
    ),
    Layer.provide(Layer.mergeAll(Layer.succeed(AppConfig, config), Layer.succeed(References.MinimumLogLevel, "Error"))),
  )
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const get = <S>(key: { key: string }) => context.mapUnsafe.get(key.key) as S
  const analysis = get<Analysis["Service"]>(Analysis)
  const bus = get<EventBus["Service"]>(EventBus)
  // Confluence events as subscribers get them: after their commit (durable events are committed
  // before dispatch). The newest are kept to time committing one cycle's worth on their own.
  const recent: Array<VirtuosoEvent> = []
  let delivered = 0
  await Effect.runPromise(
    bus
      .subscribe("analysis.confluence", (e) =>
        Effect.sync(() => {
          delivered++
          if (recent.push(e) > 2000) recent.shift()
        }),
      )
      .pipe(Scope.provide(scope)),
  )
  const publish = <T extends VirtuosoEvent["type"]>(type: T, payload: PayloadOf<T>) =>
    Effect.runPromise(Effect.flatMap(makeEvent(type, payload, { source: "market" }), (e) => bus.publish(e)))
  // What MarketData publishes for a joining symbol: its book, tape and derivatives, then each
  // series' history; then the served set.
  for (const [s, symbol] of symbols.entries()) {
    const src = fixtures[s % 2]!
    const end = Math.min(src.close.length - 400, 1000 + ((s * 37) % (src.close.length - 1400)))
    const book = syntheticBook(src, end, { seed: s })
    await publish("market.orderbook", {
      symbol,
      time: book.time,
      bids: book.bids.map(([p, a]) => [p, a]),
      asks: book.asks.map(([p, a]) => [p, a]),
    })
    await publish("market.trades", { symbol, trades: [...syntheticTrades(src, end, { seed: s })] })
    const market = syntheticMarket(src, end, { seed: s })
    await publish("market.derivatives", {
      symbol,
      time: 0,
      ...(market.fundingRate ? { fundingRate: market.fundingRate } : {}),
      ...(market.openInterest?.at(-1) ? { openInterest: market.openInterest.at(-1)! } : {}),
      ...(market.longShortRatio === undefined ? {} : { longShortRatio: market.longShortRatio }),
      ...(market.liquidations ? { liquidations: [...market.liquidations] } : {}),
    })
    for (const [tf, depth, step] of FRAMES) {
      const c = window(src, end, depth)
      const candles = Array.from({ length: c.close.length }, (_, i) => ({
        time: i * step,
        open: c.open[i]!,
        high: c.high[i]!,
        low: c.low[i]!,
        close: c.close[i]!,
        volume: c.volume[i]!,
      }))
      await publish("market.candles", { symbol, timeframe: tf, candles, backfill: true })
      series.set(`${symbol}|${tf}`, { src, next: end, time: depth * step, step })
    }
  }
  await publish("market.symbols", { symbols })
  await Effect.runPromise(analysis.awaitScores)

  const stats = () => Effect.runPromise(analysis.stats)
  /** Publishes the next fixture candle of every series of the given timeframes, as one batch. */
  const advance = (frames: ReadonlySet<Timeframe>) => {
    const events: Array<Effect.Effect<VirtuosoEvent>> = []
    for (const [key, s] of series) {
      const tf = key.slice(key.lastIndexOf("|") + 1) as Timeframe
      if (!frames.has(tf)) continue
      const i = s.next++ % s.src.close.length
      const candle = {
        time: s.time,
        open: s.src.open[i]!,
        high: s.src.high[i]!,
        low: s.src.low[i]!,
        close: s.src.close[i]!,
        volume: s.src.volume[i]!,
      }
      events.push(
        makeEvent(
          "market.candle.closed",
          { symbol: key.slice(0, key.lastIndexOf("|")), timeframe: tf, candle },
          { source: "market" },
        ),
      )
      s.time += s.step
    }
    return Effect.runPromise(Effect.flatMap(Effect.all(events), (all) => bus.publishAll(all)))
  }
  /** Times `count` rounds: publish one candle per series, wait until all `expect` are scored and stored. */
  const store = get<EventStore["Service"]>(EventStore)
  const measure = async (frames: ReadonlySet<Timeframe>, expect: number, count: number) => {
    const times: Array<number> = []
    while (times.length < count) {
      const before = (await stats()).computations
      const stored = delivered
      const started = performance.now()
      await advance(frames)
      while ((await stats()).computations < before + expect || delivered < stored + expect) await Bun.sleep(0.2)
      times.push(performance.now() - started)
    }
    return times
  }
  /** Median ms of committing `count` of the newest confluence events again (fresh ids), 7 times. */
  const commitTime = async (count: number) => {
    const times: Array<number> = []
    for (let r = 0; r < 7; r++) {
      const copies = await Effect.runPromise(
        Effect.all(recent.slice(-count).map((e) => makeEvent("analysis.confluence", e.payload as never, e))),
      )
      const started = performance.now()
      await Effect.runPromise(store.append(copies))
      times.push(performance.now() - started)
    }
    return median(times)
  }
  return {
    measure,
    commitTime,
    context: get,
    path,
    close: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Plugin cost per cycle on this scenario: mean µs/call × calls per cycle (calls since `before`). */
const pluginCosts = async (host: PluginHost["Service"], before: Map<string, number>, cycles: number) =>
  (await Effect.runPromise(host.list))
    .filter((p) => p.kind === "indicator")
    .map((p) => {
      const calls = (p.calls - (before.get(p.name) ?? 0)) / cycles
      return { name: p.name, calls, micros: p.meanMicros, ms: (p.meanMicros * calls) / 1000 }
    })
    .sort((a, b) => b.ms - a.ms)
const callCounts = async (host: PluginHost["Service"]) =>
  new Map((await Effect.runPromise(host.list)).map((p) => [p.name, p.calls]))

const lines: Array<string> = [
  `bench:confluence — Analysis cycles with the event store on, median of ${CYCLES} cycles (after 3 warm-up cycles)` +
    (FLOOR ? "; BENCH_PLUGINS=floor: one constant plugin instead of the built-ins" : ""),
]
const report = async (label: string, n: number, frames: ReadonlySet<Timeframe>, expect: number, target: number) => {
  const bench = await open(n)
  const host = bench.context<PluginHost["Service"]>(PluginHost)
  const store = bench.context<EventStore["Service"]>(EventStore)
  await bench.measure(frames, expect, 3)
  const calls = await callCounts(host)
  const storeBefore = await Effect.runPromise(store.stats)
  const inputsBefore = await Effect.runPromise(host.inputStats)
  const cpu0 = process.cpuUsage()
  const host0 = { ...hostTime }
  const times = await bench.measure(frames, expect, CYCLES)
  const cpu = process.cpuUsage(cpu0)
  const advanceMs = (hostTime.advance - host0.advance) / CYCLES
  const evaluateMs = (hostTime.evaluate - host0.evaluate) / CYCLES
  const commitMs = await bench.commitTime(expect)
  const inputsAfter = await Effect.runPromise(host.inputStats)
  const storeAfter = await Effect.runPromise(store.stats)
  const costs = await pluginCosts(host, calls, CYCLES)
  const m = median(times)
  const pluginMs = costs.reduce((t, c) => t + c.ms, 0)
  const perCycle = (a: number, b: number) => (a - b) / CYCLES
  lines.push(
    `  ${label}: ${m.toFixed(2)} ms   target < ${target} ms: ${m < target ? "met" : "NOT met"}`,
    `    cycles (ms): ${times.map((t) => t.toFixed(1)).join(", ")}`,
    `    store: ${perCycle(storeAfter.committed, storeBefore.committed)} events (market events included) in ` +
      `${perCycle(storeAfter.transactions, storeBefore.transactions)} transactions per cycle; ` +
      `declared inputs: ${perCycle(inputsAfter.computeCalls, inputsBefore.computeCalls)} WASM calls per cycle`,
    `    process CPU ${((cpu.user + cpu.system) / 1000 / CYCLES).toFixed(1)} ms per cycle ` +
      "(includes the bench's own publishing and polling)",
    "    where a cycle goes (means per cycle): " +
      `declared inputs advanced ${advanceMs.toFixed(2)} ms, host plugin pass ${evaluateMs.toFixed(2)} ms ` +
      `(plugin calls ${pluginMs.toFixed(2)} ms of it, host-timed), the rest ` +
      `${(mean(times) - advanceMs - evaluateMs).toFixed(2)} ms (market picture, folds, roll-ups, events, bus, ` +
      `store); committing ${expect} confluence events alone: ${commitMs.toFixed(2)} ms`,
    "    per plugin:  ms/cycle   µs/call   calls/cycle",
    ...costs.map(
      (c) =>
        `      ${c.name.padEnd(28)}${c.ms.toFixed(2).padStart(7)}${c.micros.toFixed(2).padStart(10)}` +
        `${c.calls.toFixed(0).padStart(12)}`,
    ),
  )
  return bench
}

const a =
  ONLY === "B"
    ? undefined
    : await report("A. 200 symbols × 4 timeframes, every series changed", 200, ALL_FRAMES, 800, 10)
if (a) {
  // Event size and store bytes per event, from the file A wrote.
  const db = new Database(a.path, { readonly: true })
  const row = db
    .query("SELECT count(*) AS n, avg(length(payload)) AS bytes FROM events WHERE type = 'analysis.confluence'")
    .get() as { n: number; bytes: number }
  const total = db.query("SELECT count(*) AS n FROM events").get() as { n: number }
  // The events table and its indexes only (market inputs are recorded in a table of their own).
  const pages = db
    .query(
      "SELECT SUM(pgsize) AS size FROM dbstat WHERE name = 'events' OR name LIKE 'events\\_%' ESCAPE '\\' " +
        "OR name LIKE 'sqlite_autoindex_events%'",
    )
    .get() as { size: number }
  db.close()
  const perEvent = pages.size / total.n
  lines.push(
    `    analysis.confluence payload: ${row.bytes.toFixed(0)} bytes JSON on average (${row.n} stored); ` +
      `events table ${(pages.size / 2 ** 20).toFixed(1)} MiB for ${total.n} events = ${perEvent.toFixed(0)} bytes per ` +
      `event with indexes → ${((perEvent * 200 * 1440) / 1e6).toFixed(0)} MB/day at 200 symbols, one 1m candle ` +
      "per minute (target ≤ 300)",
  )
}
await a?.close()
const b =
  ONLY === "A" ? undefined : await report("B. 1,000 symbols, one new closed 1m candle each", 1000, ONE_MINUTE, 1000, 5)
await b?.close()
rmSync(floorDir, { recursive: true, force: true })
process.stdout.write(`${lines.join("\n")}\n`)
