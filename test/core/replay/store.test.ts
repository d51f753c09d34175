import { Database } from "bun:sqlite"
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { makeEventIdUnsafe, type VirtuosoEvent } from "../../../core/events/index.ts"
import { candlesFromCsv, replayCandles, replayStore } from "../../../core/replay/index.ts"
import { EventStore } from "../../../core/store/index.ts"
import { readFileSync } from "node:fs"
import { BTC, runReplayCli, withTempDir } from "./support.ts"

const config = parseConfig({})
const candles = candlesFromCsv(readFileSync(BTC, "utf8"), "btc")
const SLICE = candles.slice(0, 600)

/** A recording like the live engine's: each candle published a little after it closed. */
const recorded = (): Array<VirtuosoEvent> => {
  let seed = 7
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
  const event = (payload: Record<string, unknown>, time: number) =>
    ({
      id: makeEventIdUnsafe(time, random),
      type: "market.candle.closed",
      version: 1,
      time,
      source: "market",
      payload,
    }) as unknown as VirtuosoEvent
  const out: Array<VirtuosoEvent> = []
  for (const c of SLICE) {
    out.push(event({ symbol: "BTC/USDT", timeframe: "1m", exchange: "binance", candle: c }, c.time + 60_000 + 400))
    // Noise the replay must skip: another timeframe, another symbol.
    out.push(
      event(
        { symbol: "BTC/USDT", timeframe: "5m", exchange: "binance", candle: { ...c, close: c.close * 2 } },
        c.time + 60_000 + 500,
      ),
    )
    out.push(event({ symbol: "ETH/USDT", timeframe: "1m", exchange: "binance", candle: c }, c.time + 60_000 + 600))
  }
  // The same candle recorded twice (an engine restart): it counts once.
  out.push(
    event(
      { symbol: "BTC/USDT", timeframe: "1m", exchange: "binance", candle: SLICE[100] },
      SLICE[100]!.time + 60_000 + 900,
    ),
  )
  return out
}

const writeStore = (path: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* EventStore
        yield* store.append(recorded())
      }).pipe(Effect.provide(EventStore.layer({ path, hot: "36500 days", warm: "36500 days" }))),
    ),
  )

describe("replay --from-store", () => {
  test("replays the stored candles of one series and gives the signals the CSV replay gives", () =>
    withTempDir(async (dir) => {
      const db = join(dir, "virtuoso.db")
      await writeStore(db)
      const from = SLICE[0]!.time,
        to = SLICE.at(-1)!.time + 60_000
      const stored = await Effect.runPromise(
        replayStore(config, { db, symbol: "BTC/USDT", timeframe: "1m", from, to, horizons: [5, 15] }),
      )
      expect(stored.report.candles).toBe(600)
      expect(stored.report.gaps).toBe(0)
      expect(stored.run.candles).toEqual(SLICE)
      const direct = await Effect.runPromise(
        replayCandles(config, SLICE, { symbol: "BTC/USDT", timeframe: "1m", horizons: [5, 15], source: "csv" }),
      )
      expect(stored.report.signals.length).toBeGreaterThan(0)
      expect(JSON.stringify(stored.report.signals)).toBe(JSON.stringify(direct.report.signals))
      expect(stored.report.source).toContain("store:")

      // A sub-range: candle open times in [from, to).
      const part = await Effect.runPromise(
        replayStore(config, {
          db,
          symbol: "BTC/USDT",
          timeframe: "1m",
          from: SLICE[100]!.time,
          to: SLICE[300]!.time,
          horizons: [5],
        }),
      )
      expect(part.report.candles).toBe(200)
      expect(part.report.from).toBe(SLICE[100]!.time)
      expect(part.report.to).toBe(SLICE[299]!.time)

      // The command line over the same store.
      const { stdout, stderr, code } = await runReplayCli([
        "--from-store",
        "--db",
        db,
        "--timeframe",
        "1m",
        "--symbol",
        "BTC/USDT",
        "--from",
        new Date(from).toISOString(),
        "--to",
        new Date(to).toISOString(),
        "--horizons",
        "5,15",
        "--json",
        "--out",
        join(dir, "out"),
      ])
      expect(stderr).toContain("replayed 600 candles")
      expect(code).toBe(0)
      expect(JSON.stringify(JSON.parse(stdout).signals)).toBe(JSON.stringify(direct.report.signals))
    }))

  test("a range with no stored candles is bad input, named", () =>
    withTempDir(async (dir) => {
      const db = join(dir, "virtuoso.db")
      await writeStore(db)
      const exit = await Effect.runPromiseExit(
        replayStore(config, { db, symbol: "SOL/USDT", timeframe: "1m", from: 0, to: 1_000, horizons: [5] }),
      )
      expect(exit._tag).toBe("Failure")
      expect(String(exit)).toContain("no stored SOL/USDT 1m candles")
    }))

  test("a malformed stored candle is bad input, naming the event and its field", () =>
    withTempDir(async (dir) => {
      const db = join(dir, "virtuoso.db")
      await writeStore(db)
      const sqlite = new Database(db)
      const row = sqlite.query("SELECT seq, payload FROM market_events ORDER BY seq LIMIT 1 OFFSET 30").get() as {
        seq: number
        payload: string
      }
      const payload = JSON.parse(row.payload) as { candle: Record<string, unknown> }
      sqlite
        .query("UPDATE market_events SET payload = ? WHERE seq = ?")
        .run(JSON.stringify({ ...payload, candle: { ...payload.candle, close: "x" } }), row.seq)
      sqlite.close()
      const exit = await Effect.runPromiseExit(
        replayStore(config, { db, symbol: "BTC/USDT", timeframe: "1m", from: 0, to: 2e12, horizons: [5] }),
      )
      expect(exit._tag).toBe("Failure")
      expect(String(exit)).toContain(
        `market.candle.closed version 1 of BTC/USDT at seq ${row.seq}: payload.candle.close:`,
      )
    }))
})
