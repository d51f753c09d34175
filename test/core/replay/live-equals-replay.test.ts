/**
 * Live equals replay: the engine runs on the simulated exchange with recording on; the store it
 * leaves is replayed through the same layers; every confluence score and every signal the live
 * engine stored comes out again — same times, same sides, scores equal to 1e-9.
 */
import { expect, test } from "bun:test"
import { Effect } from "effect"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { replayRecording } from "../../../core/replay/index.ts"
import { EventStore } from "../../../core/store/index.ts"
import { startApp } from "../../support/app.ts"
import { eventually } from "../../support/eventually.ts"
import { withTempDir } from "./support.ts"

interface Stored {
  readonly symbol: string
  readonly time: number
  readonly score: number
  readonly side?: string
}

const storedOf = (db: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* EventStore
        const read = (type: "analysis.confluence" | "signal.emitted") =>
          Effect.gen(function* () {
            const out: Array<Stored> = []
            let cursor: string | undefined
            do {
              const page = yield* store.query({ type, limit: 1000, ...(cursor === undefined ? {} : { cursor }) })
              for (const e of page.events) {
                if (e.type === "analysis.confluence")
                  out.push({ symbol: e.payload.symbol, time: e.payload.time, score: e.payload.score })
                if (e.type === "signal.emitted") {
                  const p = e.payload as { symbol: string; time?: number; score: number; direction: string }
                  out.push({ symbol: p.symbol, time: p.time ?? Number.NaN, score: p.score, side: p.direction })
                }
              }
              cursor = page.nextCursor
            } while (cursor !== undefined)
            return out
          })
        return { confluence: yield* read("analysis.confluence"), signals: yield* read("signal.emitted") }
      }).pipe(
        Effect.provide(
          EventStore.layer({ path: db, hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" }),
        ),
      ),
    ),
  )

test(
  "a recorded live run replays to the same confluence series and signals",
  () =>
    withTempDir(async (dir) => {
      const db = join(dir, "virtuoso.db")
      const config = parseConfig({
        http: { enabled: false },
        store: { path: db },
        // Fast simulated market; the wall-clock plugin budget raised, as replay raises it, so a
        // loaded machine cannot fail a plugin live that the replay then runs.
        exchange: { plugin: "sim", speed: 40, pollMs: 50 },
        symbols: { static: ["BTC/USDT", "ETH/USDT", "SOL/USDT"], top: 0 },
        timeframes: { "1m": { weight: 0.7, candles: 200 }, "5m": { weight: 0.3, candles: 100 } },
        plugins: { watch: false, budgetMs: 10_000 },
        signals: { longAt: 52, shortAt: 48, neutralBuffer: 0.5, cooldownMs: 0, minAgreement: 0 },
        alerts: { log: false },
        log: { level: "warn" },
      })
      const app = await startApp(config)
      try {
        await eventually(
          "live signals",
          () =>
            storedOf(db)
              .then((s) => s.signals.length)
              .catch(() => 0),
          (n) => n >= 5,
          { timeoutMs: 60_000, intervalMs: 500 },
        )
      } finally {
        await app.close()
      }
      const live = await storedOf(db)
      const replay = await Effect.runPromise(replayRecording(config, { db, horizons: [5] }))

      for (const symbol of config.symbols.static) {
        const liveSeries = live.confluence.filter((c) => c.symbol === symbol)
        const replayed = replay.symbols.find((s) => s.symbol === symbol)!
        expect(liveSeries.length).toBeGreaterThan(10)
        // Everything live scored comes out again, in order; the replay may go on past the last
        // events live handled before it stopped, never stop short of them.
        expect(replayed.confluence.length).toBeGreaterThanOrEqual(liveSeries.length)
        liveSeries.forEach((c, i) => {
          expect(replayed.confluence[i]!.time).toBe(c.time)
          expect(Math.abs(replayed.confluence[i]!.score - c.score)).toBeLessThan(1e-9)
        })
        const liveSignals = live.signals.filter((s) => s.symbol === symbol)
        liveSignals.forEach((s, i) => {
          const r = replayed.signals[i]!
          expect(r.time).toBe(s.time)
          expect(r.side as string).toBe(s.side ?? "")
          expect(Math.abs(r.score - s.score)).toBeLessThan(1e-9)
        })
      }
      // Every component is scored from the recording (books, trades and derivatives included).
      const components = Object.keys(replay.symbols[0]!.hitRates[0]!.components)
      expect(components).toEqual(expect.arrayContaining(["orderbook", "orderflow", "technical", "volume"]))
    }),
  120_000,
)
