/**
 * Recorded books, trade batches, tickers and derivatives in JSON form (text or deflated rows of
 * earlier builds, the same inside a folded block, a warm day file's lines) are checked against
 * the catalogue's schemas as a replay's scan reads them: a malformed one fails the read with an
 * EventStoreError naming its type, symbol and first faulty field, wherever it sits, instead of
 * reaching the layers. Queries hand rows on as stored (`EventStore.replay` dead-letters them).
 */
import { Database } from "bun:sqlite"
import { expect, test } from "bun:test"
import { Effect } from "effect"
import { join } from "node:path"
import { deflateRawSync, gunzipSync } from "node:zlib"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { EventStore, EventStoreError, type ScanOptions } from "../../../core/store/index.ts"
import { tempDir } from "./support.ts"

const T0 = Date.UTC(2025, 0, 1)
const SYMBOL = "BTC/USDT"
const keepAll = { hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" } as const

/** A book and a trade batch a second for 20 s, a ticker and a derivatives update at 10 s. */
const good = (): Array<VirtuosoEvent> => {
  const out: Array<VirtuosoEvent> = []
  for (let k = 0; k < 20; k++) {
    const time = T0 + k * 1000
    const base = { version: 1, time, source: "test" }
    out.push({
      ...base,
      id: `b${k}`,
      type: "market.orderbook",
      payload: { symbol: SYMBOL, time, bids: [[100 - k / 10, 1]], asks: [[101, 2]] },
    })
    const trade = { id: `t${k}`, time, price: 100.5, amount: 0.1, side: "buy" as const }
    out.push({ ...base, id: `t${k}`, type: "market.trades", payload: { symbol: SYMBOL, trades: [trade] } })
    if (k === 10) {
      out.push({ ...base, id: "tk", type: "market.ticker", payload: { symbol: SYMBOL, time, last: 100.5 } })
      out.push({ ...base, id: "dv", type: "market.derivatives", payload: { symbol: SYMBOL, time } })
    }
  }
  return out
}

type Bad = { readonly id: string; readonly payload: unknown; readonly type: string; readonly fault: RegExp }
// Each: the event replaced, its malformed payload, and what the error must say. The book is the
// last one (a thinned read decodes only a block's last book).
const BAD: ReadonlyArray<Bad> = [
  {
    id: "b19",
    type: "market.orderbook",
    payload: { symbol: SYMBOL, time: T0, bids: [["x", 1]], asks: [[101, 2]] },
    fault: /payload\.bids\.0\.0: .*expected number/,
  },
  {
    id: "b19",
    type: "market.orderbook",
    payload: { symbol: SYMBOL, time: T0, asks: [[101, 2]] },
    fault: /payload\.bids: .*expected array/,
  },
  {
    id: "t3",
    type: "market.trades",
    payload: { symbol: SYMBOL, trades: [{ id: "t3", time: T0, price: "100.5", amount: 0.1, side: "buy" }] },
    fault: /payload\.trades\.0\.price: .*expected number/,
  },
  {
    id: "tk",
    type: "market.ticker",
    payload: { symbol: SYMBOL, time: T0, last: "100.5" },
    fault: /payload\.last: .*expected number/,
  },
  {
    id: "dv",
    type: "market.derivatives",
    payload: { symbol: SYMBOL, time: T0, fundingRate: { symbol: SYMBOL, time: T0 } },
    fault: /payload\.fundingRate\.rate: .*expected number/,
  },
]

const inStore = <A>(path: string, options: object, f: (store: EventStore["Service"]) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(EventStore, f)).pipe(
      Effect.provide(EventStore.layer({ path, ...keepAll, ...options })),
    ),
  )

/** A store of `good()` with `bad`'s payload put in its row as JSON: text, or raw-deflated (payload-codec.ts). */
const storeWith = async (bad: Bad, form: "text" | "deflated") => {
  const dir = tempDir()
  const path = join(dir, "events.db")
  await inStore(path, {}, (store) => store.append(good()))
  const db = new Database(path)
  const json = JSON.stringify(bad.payload)
  const stored = form === "text" ? json : deflateRawSync(json)
  db.query("UPDATE market_events SET payload = ? WHERE id = ?").run(stored, bad.id)
  db.close()
  return { dir, path }
}

const scanAll = (store: EventStore["Service"], options: ScanOptions) =>
  Effect.sync(() => {
    const out = [...store.scan({ type: "market.*" }, options)]
    // A book's payload read, as the layers read it.
    for (const e of out) void e.payload
    return out.length
  })

const expectRefused = async (read: Promise<unknown>, bad: Bad) => {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(EventStoreError)
  const message = (error as EventStoreError).message
  expect(message).toContain(`${bad.type} version 1 of ${SYMBOL} at seq `)
  expect(message).toMatch(bad.fault)
}

test("an intact recording in JSON form reads whole, from rows and from blocks", async () => {
  const path = join(tempDir(), "events.db")
  await inStore(path, {}, (store) => store.append(good()))
  const db = new Database(path)
  for (const e of good())
    db.query("UPDATE market_events SET payload = ? WHERE id = ?").run(JSON.stringify(e.payload), e.id)
  db.close()
  expect(await inStore(path, {}, (store) => scanAll(store, { coalesced: false }))).toBe(42)
  await inStore(path, { foldAfter: 0 }, (store) => Effect.asVoid(store.compact))
  expect(await inStore(path, {}, (store) => scanAll(store, { coalesced: false }))).toBe(42)
  // Thinned: the block's last book, its batches merged, the ticker and derivatives.
  expect(await inStore(path, {}, (store) => scanAll(store, { coalesced: true }))).toBeLessThan(42)
})

for (const bad of BAD)
  for (const form of ["text", "deflated"] as const) {
    // A ticker or derivatives row is stored as text whatever its numbers: no deflated form.
    if (form === "deflated" && (bad.type === "market.ticker" || bad.type === "market.derivatives")) continue
    test(`a ${bad.type} row in ${form} JSON with ${bad.fault.source.split(":")[0]} fails a replay's read`, async () => {
      const { path } = await storeWith(bad, form)
      // As a row of the hot tier, thinned or not.
      for (const coalesced of [true, false])
        await expectRefused(
          inStore(path, {}, (store) => scanAll(store, { coalesced })),
          bad,
        )
      // Folded into a block (as stored: folding never re-encodes a payload), thinned or not.
      await inStore(path, { foldAfter: 0 }, (store) => Effect.asVoid(store.compact))
      const blocks = new Database(path)
      expect((blocks.query("SELECT count(*) AS n FROM market_blocks").get() as { n: number }).n).toBeGreaterThan(0)
      blocks.close()
      for (const coalesced of [true, false])
        await expectRefused(
          inStore(path, {}, (store) => scanAll(store, { coalesced })),
          bad,
        )
      // A query hands it on as stored.
      const page = await inStore(path, {}, (store) => store.query({ type: bad.type, limit: 100 }))
      expect(page.events.map((e) => e.id)).toContain(bad.id)
    })
  }

test("a warm day file's malformed book or trade batch fails a replay's read, naming its day", async () => {
  for (const bad of BAD) {
    const dir = tempDir()
    const path = join(dir, "events.db")
    // The day's events moved to the warm tier whole (`hot` 0), then one line replaced.
    await inStore(path, { hot: "0 millis", foldAfter: 0 }, (store) =>
      Effect.flatMap(store.append(good()), () => Effect.asVoid(store.compact)),
    )
    const file = join(dir, "warm", "2025-01-01.ndjson.gz")
    const lines = gunzipSync(await Bun.file(file).bytes())
      .toString()
      .trimEnd()
      .split("\n")
      .map((line) => {
        const e = JSON.parse(line) as { id: string; payload: unknown }
        return JSON.stringify(e.id === bad.id ? { ...e, payload: bad.payload } : e)
      })
    await Bun.write(file, Bun.gzipSync(Buffer.from(`${lines.join("\n")}\n`)))
    const read = inStore(path, {}, (store) => scanAll(store, { coalesced: true }))
    await expectRefused(read, bad)
    await expect(read).rejects.toThrow("warm day 2025-01-01: ")
  }
})
