/** Hot → warm (gzip NDJSON per day) → cold (archive or drop), all queryable through one API. */
import { describe, expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"
import { EventStore, type StoredEvent, type StoreOptions } from "../../../core/store/index.ts"
import { DAY, HOUR, runPipelineTestClock, signalAt, tempDir } from "./support.ts"

const T0 = Date.parse("2026-03-10T12:00:00.000Z")
const TIMES = [T0 - 3 * DAY, T0 - 2 * DAY, T0 - 2 * DAY + HOUR, T0 - 30 * HOUR, T0 - HOUR, T0]

const walk = (order: "asc" | "desc", extra: Record<string, unknown> = {}) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    const out: Array<StoredEvent> = []
    let cursor: string | undefined
    do {
      const page = yield* store.query({ order, limit: 2, ...extra, ...(cursor === undefined ? {} : { cursor }) })
      out.push(...page.events)
      cursor = page.nextCursor
    } while (cursor !== undefined)
    return out
  })

const hotCount = (path: string) => {
  const db = new Database(path, { readonly: true })
  const n = (db.query("SELECT count(*) AS n FROM events").get() as { n: number }).n
  db.close()
  return n
}

/**
 * Runs `body` on a pipeline over a fresh `events.db` with the clock at T0 and the periodic
 * compaction out of the way (the tests call `compact` themselves).
 */
const atT0 = async <A, E>(
  body: (store: EventStore["Service"], path: string) => Effect.Effect<A, E, EventStore | TestClock.TestClock>,
  options: Partial<StoreOptions> = {},
) => {
  const dir = tempDir()
  const path = join(dir, "events.db")
  const r = await runPipelineTestClock(
    Effect.gen(function* () {
      const store = yield* EventStore
      yield* TestClock.setTime(T0)
      return yield* body(store, path)
    }),
    { path, compactEvery: "3650 days", foldEvery: "3650 days", ...options },
  )
  return { dir, path, r }
}

describe("tiers", () => {
  test("compaction moves rows older than 24 h into one gzip NDJSON file per day; queries span both tiers", async () => {
    const { dir, r } = await atT0((store, path) =>
      Effect.gen(function* () {
        const events = yield* Effect.forEach(TIMES, (t, i) => signalAt(t, i % 2 ? "ETH/USDT" : "BTC/USDT"))
        yield* store.append(events)
        const result = yield* store.compact
        return {
          result,
          hot: hotCount(path),
          asc: yield* walk("asc"),
          desc: yield* walk("desc"),
          eth: yield* walk("asc", { symbol: "ETH/USDT" }),
          warmOnly: yield* walk("asc", { from: T0 - 2 * DAY, to: T0 - DAY }),
          ids: events.map((e) => e.id),
        }
      }),
    )
    expect(r.result.moved).toBe(4)
    expect(r.hot).toBe(2)
    const files = readdirSync(join(dir, "warm")).sort()
    expect(files).toEqual(["2026-03-07.ndjson.gz", "2026-03-08.ndjson.gz", "2026-03-09.ndjson.gz"])
    const lines = gunzipSync(readFileSync(join(dir, "warm", "2026-03-08.ndjson.gz")))
      .toString()
      .trim()
      .split("\n")
    expect(lines.map((l) => JSON.parse(l).time)).toEqual([T0 - 2 * DAY, T0 - 2 * DAY + HOUR])
    expect(r.asc.map((e) => e.id)).toEqual(r.ids)
    expect(r.desc.map((e) => e.id)).toEqual([...r.ids].reverse())
    expect(r.eth.map((e) => e.time)).toEqual([TIMES[1], TIMES[3], TIMES[5]])
    expect(r.warmOnly.map((e) => e.time)).toEqual([TIMES[1], TIMES[2], TIMES[3]])
  })

  test("a second compaction adds to a day file without losing what it held", async () => {
    const { dir, r } = await atT0((store) =>
      Effect.gen(function* () {
        const first = yield* signalAt(T0 - 2 * DAY)
        yield* store.append([first])
        yield* store.compact
        const second = yield* signalAt(T0 - 2 * DAY + 2 * HOUR)
        yield* store.append([second])
        yield* store.compact
        return { all: yield* walk("asc"), ids: [first.id, second.id] }
      }),
    )
    expect(r.all.map((e) => e.id)).toEqual(r.ids)
    expect(readdirSync(join(dir, "warm"))).toEqual(["2026-03-08.ndjson.gz"])
  })

  test("days older than 30 days go cold: archived and still queryable, or dropped", async () => {
    for (const cold of ["archive", "drop"] as const) {
      const { dir, path, r } = await atT0(
        (store) =>
          Effect.gen(function* () {
            const events = yield* Effect.forEach(TIMES, (t) => signalAt(t))
            yield* store.append(events)
            yield* store.compact
            yield* TestClock.setTime(T0 + 30 * DAY + HOUR)
            const result = yield* store.compact
            return { result, all: yield* walk("asc"), ids: events.map((e) => e.id) }
          }),
        { cold },
      )
      if (cold === "archive") {
        expect(r.result.archived).toEqual(["2026-03-07", "2026-03-08", "2026-03-09"])
        expect(readdirSync(join(dir, "archive")).length).toBe(3)
        expect(r.all.map((e) => e.id)).toEqual(r.ids)
      } else {
        expect(r.result.dropped).toEqual(["2026-03-07", "2026-03-08", "2026-03-09"])
        expect(existsSync(join(dir, "archive"))).toBe(false)
        // The two newest were hot at the first compaction and are warm (2026-03-10) now.
        expect(r.all.map((e) => e.id)).toEqual(r.ids.slice(4))
      }
      expect(hotCount(path)).toBe(0)
    }
  })
})
