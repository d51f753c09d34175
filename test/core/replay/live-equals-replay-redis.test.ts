/**
 * Live equals replay in distributed mode: two engine processes on the simulated exchange share
 * one Redis (bus over Redis Streams, the symbols split between them), each recording into its
 * own store. Each store replays to that instance's own live results: the confluence scores it
 * published (same times, scores equal to 1e-9) and its signals, for the symbols it scored.
 *
 * An instance's own events are told from its peer's (its store also keeps the peer's durable
 * events) by the process tag in their ids (`core/events/event-id.ts`), read off its recorded
 * served-set events, which have no symbol and so are recorded only by their publisher.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Effect } from "effect"
import { rmSync } from "node:fs"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { replayRecording } from "../../../core/replay/index.ts"
import { startEngine, type EngineProcess } from "../../support/engine-process.ts"
import { cleanup, REDIS_URL, redisAvailable, uniquePrefix, until } from "../events/transports/redis/redis-env.ts"

const SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT"]
const prefix = uniquePrefix("live-replay")
const engines: Array<EngineProcess> = []
afterAll(async () => {
  await Promise.all(engines.map((e) => e.stop().catch(() => undefined)))
  for (const e of engines) rmSync(e.dir, { recursive: true, force: true })
  await cleanup(prefix)
})

/** The engine config of both instances (and of their replays). */
const settings = {
  http: { port: 0 },
  exchange: { plugin: "sim", speed: 40, pollMs: 50 },
  symbols: { static: SYMBOLS, top: 0 },
  timeframes: { "1m": { weight: 0.7, candles: 200 }, "5m": { weight: 0.3, candles: 100 } },
  plugins: { watch: false, budgetMs: 10_000 },
  signals: { longAt: 52, shortAt: 48, neutralBuffer: 0.5, cooldownMs: 0, minAgreement: 0 },
  alerts: { log: false },
  log: { level: "warn" },
  bus: { transport: "redis", url: REDIS_URL, prefix, claimIdleMs: 800 },
}

interface Own {
  readonly symbol: string
  readonly time: number
  readonly score: number
  readonly side?: string
  readonly components?: Readonly<Record<string, number | null>>
}

interface Replayed {
  readonly time: number
  readonly score: number
  readonly side?: string
  readonly components?: Readonly<Record<string, number | null>>
}

/**
 * The first place a replayed series leaves the live one (undefined when every live point is
 * matched: same time, score within 1e-9, same side), with both points, so a failure names it.
 */
const firstDifference = (live: ReadonlyArray<Own>, replayed: ReadonlyArray<Replayed>) => {
  for (let i = 0; i < live.length; i++) {
    const l = live[i]!
    const r = replayed[i]
    const same =
      r !== undefined &&
      r.time === l.time &&
      Math.abs(r.score - l.score) < 1e-9 &&
      (l.side === undefined || (r.side ?? "") === l.side)
    if (!same) return { symbol: l.symbol, index: i, of: live.length, live: l, replayed: r ?? null }
  }
  return undefined
}

/** What each instance must have scored and signalled live before both stop. */
const MIN_SCORES = 10
const MIN_SIGNALS = 2

const TAG = (id: string) => id.slice(10, 18)

/** This instance's own confluence scores and signals from its store, by the id tag of its market rows. */
const ownResults = (db: string) => {
  const sqlite = new Database(db, { readonly: true })
  try {
    // Served-set events have no symbol, so an instance records only its own.
    const market = sqlite.query("SELECT id FROM market_events WHERE type = 'market.symbols' LIMIT 1").get() as {
      id: string
    } | null
    const rows = sqlite
      .query(
        "SELECT id, type, payload FROM events WHERE type IN ('analysis.confluence', 'signal.emitted') ORDER BY seq",
      )
      .all() as Array<{ id: string; type: string; payload: string }>
    const tag = market === null ? undefined : TAG(market.id)
    const confluence: Array<Own> = []
    const signals: Array<Own> = []
    for (const row of rows) {
      if (TAG(row.id) !== tag) continue
      const p = JSON.parse(row.payload) as {
        symbol: string
        time: number
        score: number
        direction?: string
        components?: Record<string, number | null>
      }
      if (row.type === "analysis.confluence")
        confluence.push({
          symbol: p.symbol,
          time: p.time,
          score: p.score,
          ...(p.components && { components: p.components }),
        })
      else signals.push({ symbol: p.symbol, time: p.time, score: p.score, side: p.direction ?? "" })
    }
    return { confluence, signals }
  } finally {
    sqlite.close()
  }
}

describe.skipIf(!redisAvailable)("live equals replay over the Redis transport", () => {
  test("each instance's recording replays to its own live scores and signals", async () => {
    // Info level: the harness waits for the "http listening" line.
    for (const id of ["a", "b"])
      engines.push(await startEngine({ ...settings, log: { level: "info" }, cluster: { instanceId: id } }, 60_000))
    const stores = engines.map((e) => join(e.dir, "v.db"))
    // Both instances score and signal, each its share of the symbols: counted by each one's own
    // results (a store also holds the peer's signals), with room for a loaded machine.
    const ready = (db: string) => {
      try {
        const own = ownResults(db)
        return own.confluence.length > MIN_SCORES && own.signals.length >= MIN_SIGNALS
      } catch {
        return false // not created yet
      }
    }
    // Reading the stores is not free: checked twice a second, not at `until`'s pace.
    const bothReady = () => Bun.sleep(500).then(() => stores.every(ready))
    await until(bothReady, 60_000, "scores and signals from both instances")
    for (const engine of engines) expect((await engine.stop()).code).toBe(0)

    const config = parseConfig(settings)
    const scored = new Set<string>()
    for (const db of stores) {
      const live = ownResults(db)
      expect(live.confluence.length).toBeGreaterThan(MIN_SCORES)
      const replay = await Effect.runPromise(replayRecording(config, { db, horizons: [5] }))
      const symbols = [...new Set(live.confluence.map((c) => c.symbol))]
      for (const symbol of symbols) {
        scored.add(symbol)
        const liveSeries = live.confluence.filter((c) => c.symbol === symbol)
        const replayed = replay.symbols.find((s) => s.symbol === symbol)!
        // Everything this instance scored comes out again, in order, at the same times.
        expect(firstDifference(liveSeries, replayed.confluence)).toBeUndefined()
        expect(
          firstDifference(
            live.signals.filter((s) => s.symbol === symbol),
            replayed.signals,
          ),
        ).toBeUndefined()
      }
      // Replay scores nothing this instance did not score live.
      for (const s of replay.symbols) if (s.confluence.length > 0) expect(symbols).toContain(s.symbol)
    }
    // Between them, the two instances scored every symbol.
    expect([...scored].sort()).toEqual([...SYMBOLS].sort())
  }, 400_000)
})
