/**
 * bench:record — what recording costs a live engine: the whole engine (`appLayer`, HTTP off) on
 * the simulated exchange at real-time speed (one sim second per wall second), 20 symbols, books
 * at the default cadence (20 levels, every 1 s), recording the default `store.record`.
 *
 *   D. bytes on disk per event type and in total, hot tier (SQLite after a checkpoint, the market
 *      inputs folded into block rows as the tiering job folds them once a minute old) and warm tier
 *      (the same events moved to day files), extrapolated from the recorded rate to 24 h.
 *   P. the recording's CPU: the recorded events committed again into a fresh store in the
 *      batches the recorder used (encode + insert + commit, then the fold into blocks), as a share
 *      of one core at the live event rate (median of 7); V: `bun run record`'s file writer (its
 *      store off) on the same events in the same batches, beside the JSON-lines file earlier
 *      builds wrote at the end; and the engine's process CPU with recording on against recording
 *      off over the same wall time (noisy on a loaded machine: read with `uptime`).
 *
 * `bun run bench:record [minutes]` (default 3 per engine run; two runs: recording on, then off).
 */
import { Database } from "bun:sqlite"
import { Clock, type Duration, Effect } from "effect"
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../core/config/index.ts"
import type { VirtuosoEvent } from "../../core/events/index.ts"
import { makeReplayClock } from "../../core/replay/replay-clock.ts"
import { EventStore, type StoredEvent } from "../../core/store/index.ts"
import { BlockCursor } from "../../core/store/market-blocks.ts"
import { compactPayload } from "../../core/store/payload-codec.ts"
import { startApp } from "../support/app.ts"
import { recordFileLine } from "./support/record-file-cost.ts"

const MINUTES = Number(process.argv[2] ?? 3)
const SYMBOLS = [
  "BTC/USDT",
  "ETH/USDT",
  "SOL/USDT",
  "AVAX/USDT",
  "XRP/USDT",
  ...Array.from({ length: 15 }, (_, i) => `C${String.fromCharCode(65 + i)}X/USDT`),
]
const DAY_S = 86_400

const engineConfig = (dir: string, record: ReadonlyArray<string>) =>
  parseConfig({
    http: { enabled: false },
    store: { path: join(dir, "virtuoso.db"), record: [...record] },
    // Real time: one 1m candle per 60 wall seconds.
    exchange: { plugin: "sim", speed: 1 / 60 },
    symbols: { static: SYMBOLS, top: 0 },
    alerts: { log: false },
    log: { level: "warn" },
  })

const filesSize = (dir: string, prefix: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0)

/** Runs the engine for MINUTES; returns its process CPU seconds over that wall time. */
const runEngine = async (dir: string, record: ReadonlyArray<string>) => {
  const app = await startApp(engineConfig(dir, record))
  // Let backfill and start-up settle before the measured window.
  await Bun.sleep(15_000)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Bun.sleep(MINUTES * 60_000)
  const cpu = process.cpuUsage(cpu0)
  const wall = (performance.now() - t0) / 1000
  await app.close()
  return { cpuS: (cpu.user + cpu.system) / 1e6, wall }
}

const storeLayer = (path: string, hot: Duration.Input = "36500 days") =>
  EventStore.layer({ path, hot, warm: "36500 days", compactEvery: "36500 days", foldAfter: 0 })

/** Folds the store's market rows into blocks, as its tiering job does once they are a minute old. */
const fold = (path: string) =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(EventStore, (s) => s.compact)).pipe(Effect.provide(storeLayer(path))))

/** Events and payload bytes per type held in blocks. */
const blockPayloads = (sqlite: Database) => {
  const out = new Map<string, { n: number; b: number }>()
  for (const row of sqlite.query("SELECT seq, time, payload, books FROM market_blocks").all() as Array<{
    seq: number
    time: number
    payload: Uint8Array
    books: Uint8Array | null
  }>) {
    const cursor = new BlockCursor(row.payload, row.seq, row.time, row.books)
    while (cursor.next()) {
      const t = out.get(cursor.type) ?? { n: 0, b: 0 }
      t.n++
      t.b += cursor.payload().length
      out.set(cursor.type, t)
    }
  }
  return out
}

const readAll = (path: string) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* EventStore
        const out: Array<StoredEvent> = []
        let cursor: string | undefined
        do {
          const page = yield* store.query({ limit: 1000, ...(cursor === undefined ? {} : { cursor }) })
          out.push(...page.events)
          cursor = page.nextCursor
        } while (cursor !== undefined)
        return out
      }),
    ).pipe(Effect.provide(storeLayer(path))),
  )

/**
 * Bytes of each table with its indexes (SQLite's dbstat); `used`: without the pages' free space,
 * for a table too small in a short run to fill its pages as a day's rows would.
 */
const bytesPerTable = (sqlite: Database, used = false) => {
  const tableOf = new Map(
    (sqlite.query("SELECT name, tbl_name AS t FROM sqlite_master").all() as Array<{ name: string; t: string }>).map(
      (r) => [r.name, r.t],
    ),
  )
  const out = new Map<string, number>()
  const bytes = used ? "sum(pgsize - unused)" : "sum(pgsize)"
  for (const r of sqlite.query(`SELECT name, ${bytes} AS b FROM dbstat GROUP BY name`).all() as Array<{
    name: string
    b: number
  }>) {
    const table = tableOf.get(r.name) ?? r.name
    out.set(table, (out.get(table) ?? 0) + r.b)
  }
  return out
}

/**
 * Bytes per event beside the payload in steady state, of the block table and of the rows left in
 * `market_events` (candles): the live market events alone in a fresh store, folded (the backfill's
 * large rows waste part of their overflow pages, which a short run would otherwise spread over
 * every event).
 */
const steadyMarketRow = async (path: string, live: ReadonlyArray<VirtuosoEvent>) => {
  await Effect.runPromise(
    Effect.scoped(Effect.flatMap(EventStore, (store) => store.append(live))).pipe(Effect.provide(storeLayer(path))),
  )
  await fold(path)
  const sqlite = new Database(path, { readonly: true })
  const held = [...blockPayloads(sqlite).values()]
  const tables = bytesPerTable(sqlite)
  // The candles left in `market_events` are a few pages in a short run: their bytes in use.
  const rowTables = bytesPerTable(sqlite, true)
  const rows = sqlite.query("SELECT count(*) AS n, sum(length(payload)) AS b FROM market_events").get() as {
    n: number
    b: number | null
  }
  sqlite.close()
  const n = held.reduce((s, t) => s + t.n, 0)
  return {
    blocks: ((tables.get("market_blocks") ?? 0) - held.reduce((s, t) => s + t.b, 0)) / Math.max(1, n),
    rows: ((rowTables.get("market_events") ?? 0) - (rows.b ?? 0)) / Math.max(1, rows.n),
  }
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const dir = mkdtempSync(join(tmpdir(), "virtuoso-bench-record-"))
try {
  console.log(
    `bench:record — ${SYMBOLS.length} symbols, sim at real time, ${MINUTES} min per run, ${cpus().length} cpus`,
  )
  const on = await runEngine(join(dir, "on"), ["market.*"])
  const off = await runEngine(join(dir, "off"), [])
  const hotPath = join(dir, "on", "virtuoso.db")
  await fold(hotPath)
  const events = await readAll(hotPath)
  const market = events.filter((e) => e.type.startsWith("market."))
  const first = market.find((e) => e.type !== "market.candles")?.time ?? 0
  const last = market[market.length - 1]?.time ?? 0
  const spanS = Math.max(1, (last - first) / 1000)
  const hot = filesSize(join(dir, "on"), "virtuoso.db")
  const byType = new Map<string, { n: number; json: number }>()
  for (const e of events) {
    const t = byType.get(e.type) ?? { n: 0, json: 0 }
    t.n++
    t.json += JSON.stringify(e.payload).length
    byType.set(e.type, t)
  }

  // D: bytes per table (rows and their indexes, from SQLite's dbstat) shared out over its rows;
  // per type, the stored payload plus its table's bytes per row beside the payload.
  const sqlite = new Database(hotPath, { readonly: true })
  const tableBytes = bytesPerTable(sqlite)
  const stored = sqlite
    .query(
      "SELECT 'events' AS tbl, type, count(*) AS n, sum(length(payload)) AS b FROM events GROUP BY type" +
        " UNION ALL SELECT 'market_events', type, count(*), sum(length(payload)) FROM market_events GROUP BY type",
    )
    .all() as Array<{ tbl: string; type: string; n: number; b: number }>
  for (const [type, t] of blockPayloads(sqlite)) stored.push({ tbl: "market_blocks", type, ...t })
  sqlite.close()
  const perRow = new Map<string, number>()
  const live = market.filter((e) => e.type !== "market.candles").map(({ seq: _seq, ...e }) => e as VirtuosoEvent)
  const steady = await steadyMarketRow(join(dir, "steady.db"), live)
  for (const table of ["events", "market_events", "market_blocks"]) {
    const rows = stored.filter((r) => r.tbl === table)
    const n = rows.reduce((s, r) => s + r.n, 0)
    const payload = rows.reduce((s, r) => s + r.b, 0)
    perRow.set(table, n === 0 ? 0 : ((tableBytes.get(table) ?? 0) - payload) / n)
    console.log(
      `D ${table}: ${n} rows, ${((tableBytes.get(table) ?? 0) / 1e6).toFixed(2)} MB with indexes,` +
        ` ${(perRow.get(table) ?? 0).toFixed(0)} B/row beside the payload`,
    )
  }
  console.log(
    `D hot file: ${(hot / 1e6).toFixed(2)} MB for ${events.length} events over ${spanS.toFixed(0)} s;` +
      ` in steady state (no backfill rows) beside the payload: market_blocks ${steady.blocks.toFixed(0)} B/event,` +
      ` market_events ${steady.rows.toFixed(0)} B/row`,
  )
  // Start-up happens once a day at most: backfill, plugin loads, health, the served set.
  const once = (type: string) =>
    type === "market.candles" || type === "market.symbols" || type.startsWith("plugin.") || type.startsWith("health.")
  const warmLines = new Map<string, Array<string>>()
  for (const e of events) {
    const lines = warmLines.get(e.type) ?? []
    lines.push(JSON.stringify({ ...e, payload: compactPayload(e) }))
    warmLines.set(e.type, lines)
  }
  let hotDay = 0
  let warmDay = 0
  for (const r of stored.sort((a, b) => b.n - a.n)) {
    const t = byType.get(r.type)!
    const perDay = once(r.type) ? r.n : (r.n / spanS) * DAY_S
    const steadyOf = r.tbl === "market_blocks" ? steady.blocks : r.tbl === "market_events" ? steady.rows : undefined
    const bytes = r.b / r.n + (steadyOf !== undefined && !once(r.type) ? steadyOf : (perRow.get(r.tbl) ?? 0))
    const warmBytes = Bun.gzipSync(Buffer.from(warmLines.get(r.type)!.join("\n"))).length / r.n
    hotDay += perDay * bytes
    warmDay += perDay * warmBytes
    console.log(
      `  ${r.type.padEnd(22)} ${String(r.n).padStart(7)} ` +
        `(${once(r.type) ? "at start" : `${(r.n / spanS).toFixed(2)}/s`}),` +
        ` JSON ${(t.json / t.n).toFixed(0)} B, stored payload ${(r.b / r.n).toFixed(0)} B,` +
        ` hot ≈ ${bytes.toFixed(0)} B, warm ≈ ${warmBytes.toFixed(0)} B`,
    )
  }

  // Warm: every event moved to day files by a compaction two days later.
  const later = makeReplayClock(Date.now() + 2 * DAY_S * 1000)
  await Effect.runPromise(
    Effect.scoped(Effect.flatMap(EventStore, (s) => s.compact)).pipe(
      Effect.provide(storeLayer(hotPath, "1 hours")),
      Effect.provideService(Clock.Clock, later),
    ),
  )
  const warm = filesSize(join(dir, "on", "warm"), "")
  console.log(
    `  20 symbols × 24 h: hot ≈ ${(hotDay / 1e9).toFixed(3)} GB, warm ≈ ${(warmDay / 1e9).toFixed(3)} GB` +
      ` (warm day files of this run: ${(warm / 1e6).toFixed(2)} MB, ${(warm / events.length).toFixed(0)} B/event)`,
  )

  // P: the store's work for these events, redone in a fresh store in batches of ~1 s of events.
  const perSecond = market.length / spanS
  const batch = Math.max(1, Math.round(perSecond))
  const times: Array<number> = []
  for (let run = 0; run < 7; run++) {
    const path = join(dir, `p${run}.db`)
    const copy: Array<VirtuosoEvent> = market.map(({ seq: _seq, ...e }) => e as VirtuosoEvent)
    const cpu0 = process.cpuUsage()
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const store = yield* EventStore
          for (let i = 0; i < copy.length; i += batch) yield* store.append(copy.slice(i, i + batch))
          yield* store.compact
        }),
      ).pipe(Effect.provide(storeLayer(path))),
    )
    const cpu = process.cpuUsage(cpu0)
    times.push((cpu.user + cpu.system) / 1e6)
  }
  const perEventUs = (median(times) / market.length) * 1e6
  console.log(
    `P store CPU: ${perEventUs.toFixed(1)} µs/event × ${perSecond.toFixed(1)} events/s` +
      ` = ${((perEventUs * perSecond) / 1e4).toFixed(2)}% of one core (median of 7)`,
  )
  // V: `bun run record`'s writer on the same events (the JSON lines beside it leave out the store and its read-back).
  console.log(recordFileLine(dir, market, batch, engineConfig(dir, []).timeframes, SYMBOLS, perSecond))
  const share = (r: { cpuS: number; wall: number }) => (r.cpuS / r.wall) * 100
  console.log(
    `P engine process CPU: recording on ${share(on).toFixed(1)}%, off ${share(off).toFixed(1)}% of one core` +
      ` (difference ${(share(on) - share(off)).toFixed(1)} points; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")})`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
