/**
 * The world bench:confluence measures: the real Analysis layer over the real PluginHost (its
 * two per-cycle steps timed), bus and event store, fed the real BTC/LTC fixtures as MarketData
 * publishes them. `open(n)` builds it for `n` symbols; `measure` times rounds of one new candle
 * per series.
 */
import { Effect, Exit, Layer, References, Scope } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Analysis } from "../../../core/analysis/index.ts"
import { AppConfig, parseConfig, type VirtuosoConfig } from "../../../core/config/index.ts"
import { EventBus, makeEvent, type PayloadOf, type VirtuosoEvent } from "../../../core/events/index.ts"
import { ResidentCandles } from "../../../core/market/index.ts"
import { PluginHost } from "../../../core/plugins/index.ts"
import type { CandleColumns, Timeframe } from "../../../core/plugins/sdk.ts"
import { EventStore, layerEventPipeline, RecorderLive } from "../../../core/store/index.ts"
import { Kernels } from "../../../core/wasm/index.ts"
import {
  loadCandles,
  syntheticBook,
  syntheticMarket,
  syntheticTrades,
  window,
} from "../../plugins/indicators/support.ts"

export const FRAMES: ReadonlyArray<readonly [Timeframe, number, number]> = [
  ["1m", 1000, 60_000],
  ["5m", 300, 300_000],
  ["30m", 200, 1_800_000],
  ["4h", 200, 14_400_000],
]
export const ALL_FRAMES: ReadonlySet<Timeframe> = new Set(FRAMES.map(([tf]) => tf))
export const ONE_MINUTE: ReadonlySet<Timeframe> = new Set(["1m"])
const fixtures = [loadCandles("btcusdt-1m"), loadCandles("ltcusdt-1m")]
export const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
export const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length

interface Series {
  readonly src: CandleColumns
  next: number
  time: number
  readonly step: number
}

/** Wall time Analysis spends in the host, per step: the inline host runs synchronously inside these effects. */
export const hostTime = { advance: 0, evaluate: 0 }
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
export const FLOOR = process.env.BENCH_PLUGINS === "floor"
export const floorDir = mkdtempSync(join(tmpdir(), "virtuoso-bench-floor-"))
writeFileSync(
  join(floorDir, "constant.ts"),
  'export default { apiVersion: 1, kind: "indicator", name: "constant", component: "technical", lookback: 0,' +
    " compute: () => ({ score: 60 }) }\n",
)
/**
 * The real PluginHost over the built-ins, its two per-cycle steps timed; built from the config's
 * `plugins` section as the engine builds it (`isolation: "worker"` runs every built-in in the pool).
 */
const timedHost = (plugins: VirtuosoConfig["plugins"]) =>
  Layer.effect(
    PluginHost,
    Effect.map(PluginHost, (host: PluginHost["Service"]) =>
      PluginHost.of({
        ...host,
        advanceInputs: (series) => timed("advance", host.advanceInputs(series)),
        evaluateSymbol: (ctxs, components) => timed("evaluate", host.evaluateSymbol(ctxs, components)),
        evaluateBatch: (symbols, components, onSymbol) =>
          timed("evaluate", host.evaluateBatch(symbols, components, onSymbol)),
      }),
    ),
  ).pipe(
    Layer.provide(
      PluginHost.layer({
        root: join(import.meta.dir, "../../.."),
        folders: FLOOR ? [floorDir] : ["plugins/indicators"],
        ...(FLOOR ? { ownedFolders: [floorDir] } : {}),
        watch: plugins.watch,
        budgetMs: 250,
        isolation: plugins.isolation,
        ...(plugins.workers === undefined ? {} : { workers: plugins.workers }),
      }),
    ),
  )

/**
 * Analysis + PluginHost + bus + store over `n` symbols whose candles the bench publishes;
 * `plugins` is merged into the config's plugins section (e.g. `{ isolation: "worker" }`).
 */
export const open = async (n: number, plugins: Readonly<Record<string, unknown>> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-bench-confluence-"))
  const path = join(dir, "events.db")
  const symbols = Array.from({ length: n }, (_, s) => `SYM${s}/USDT`)
  const config = parseConfig({
    symbols: { static: symbols, top: 0 },
    exchange: { pollMs: 10 },
    http: { enabled: false },
    store: { path },
    plugins: { watch: false, ...plugins },
    signals: { enabled: false },
  })
  const series = new Map<string, Series>()
  const layer = Analysis.layer.pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        timedHost(config.plugins),
        ResidentCandles.layer.pipe(Layer.provide(Kernels.layer)),
        // As the engine composes it: the recorder stores the market events (`store.record`).
        RecorderLive(config.store.record).pipe(Layer.provideMerge(layerEventPipeline({ path }))),
      ),
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
  // The round being timed ends when its last confluence event is delivered (no polling).
  let waiting: { readonly until: number; readonly done: () => void } | undefined
  await Effect.runPromise(
    bus
      .subscribe("analysis.confluence", (e) =>
        Effect.sync(() => {
          delivered++
          if (recent.push(e) > 2000) recent.shift()
          if (waiting !== undefined && delivered >= waiting.until) waiting.done()
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
  /** The next fixture candle of every series of the given timeframes, as events (one batch). */
  const nextRound = (frames: ReadonlySet<Timeframe>) => {
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
    return Effect.runPromise(Effect.all(events))
  }
  /**
   * Times `count` rounds: from publishing one candle event per series (built beforehand, as
   * MarketData builds them) until all `expect` series are scored and their confluence events
   * committed and delivered. `cpu`, when given, gets each round's process CPU ms (all threads)
   * over the same span.
   */
  const store = get<EventStore["Service"]>(EventStore)
  const measure = async (frames: ReadonlySet<Timeframe>, expect: number, count: number, cpu?: Array<number>) => {
    const times: Array<number> = []
    while (times.length < count) {
      const before = (await stats()).computations
      const round = await nextRound(frames)
      const { promise, resolve } = Promise.withResolvers<void>()
      waiting = { until: delivered + expect, done: resolve }
      const cpu0 = process.cpuUsage()
      const started = performance.now()
      await Effect.runPromise(bus.publishAll(round))
      await promise
      const took = performance.now() - started
      const used = process.cpuUsage(cpu0)
      cpu?.push((used.user + used.system) / 1000)
      waiting = undefined
      const computed = (await stats()).computations - before
      if (computed !== expect) throw new Error(`a round scored ${computed} series, expected ${expect}`)
      times.push(took)
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
    /** The newest confluence events delivered (up to 2,000), oldest first. */
    recent: (): ReadonlyArray<VirtuosoEvent> => recent,
    context: get,
    path,
    close: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
