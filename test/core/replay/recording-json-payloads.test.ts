/**
 * A recording's books, trade batches, tickers and derivatives in JSON form inside a block (a
 * `.vrec` block frame, a store's block row) are checked against the catalogue's schemas as the
 * replay reads them, as its candle and served-set frames are: `bun run replay` refuses a malformed
 * one with one line naming the frame (or store), the event type, symbol and faulty field, exit 1.
 */
import { Database } from "bun:sqlite"
import { expect, test } from "bun:test"
import { Effect } from "effect"
import { join } from "node:path"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { readRecording } from "../../../core/replay/index.ts"
import { EventStore } from "../../../core/store/index.ts"
import { failureOf, writePacked } from "./recording-support.ts"
import { runReplayCli, withTempDir } from "./support.ts"

const T0 = Date.UTC(2025, 0, 1)
const SYMBOL = "BTC/USDT"

/** A book and a trade batch a second for 10 s, then a ticker; `bad` replaces the payload of the event it names. */
const events = (bad?: { readonly id: string; readonly payload: unknown }): Array<VirtuosoEvent> => {
  const out: Array<VirtuosoEvent> = []
  for (let k = 0; k < 10; k++) {
    const time = T0 + k * 1000
    const base = { version: 1, time, source: "test" }
    const bids: Array<[number, number]> = [[100 - k / 10, 1]]
    const book = { symbol: SYMBOL, time, bids, asks: [[101, 2]] as Array<[number, number]> }
    out.push({ ...base, id: `b${k}`, type: "market.orderbook", payload: book })
    const trade = { id: `t${k}`, time, price: 100.5, amount: 0.1, side: "buy" as const }
    out.push({ ...base, id: `t${k}`, type: "market.trades", payload: { symbol: SYMBOL, trades: [trade] } })
  }
  const time = T0 + 10_000
  out.push({
    version: 1,
    time,
    source: "test",
    id: "tk",
    type: "market.ticker",
    payload: { symbol: SYMBOL, time, last: 1 },
  })
  return bad === undefined ? out : out.map((e) => (e.id === bad.id ? ({ ...e, payload: bad.payload } as never) : e))
}

// Written by `record`'s writer, these go into the block in JSON form: a ticker as text, a book
// or batch whose numbers the integer columns cannot carry deflated.
const BAD = [
  {
    id: "b9",
    payload: { symbol: SYMBOL, time: T0, bids: [["x", 1]], asks: [[101, 2]] },
    says: /market\.orderbook version 1 of BTC\/USDT at seq 19: payload\.bids\.0\.0: .*expected number/,
  },
  {
    id: "t4",
    payload: { symbol: SYMBOL, trades: [{ id: "t4", time: T0, price: "100.5", amount: 0.1, side: "buy" }] },
    says: /market\.trades version 1 of BTC\/USDT at seq 10: payload\.trades\.0\.price: .*expected number/,
  },
  {
    id: "tk",
    payload: { symbol: SYMBOL, time: T0, last: "1" },
    says: /market\.ticker version 1 of BTC\/USDT at seq 21: payload\.last: .*expected number/,
  },
]

const replay = async (args: ReadonlyArray<string>) => {
  const { code, stdout, stderr } = await runReplayCli(args)
  return { code, stdout, lines: stderr.trimEnd().split("\n") }
}

test("an intact recording's block reads whole", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "ok.vrec")
    writePacked(path, events())
    expect(readRecording(path).events.map((e) => e.id)).toEqual(events().map((e) => e.id))
  }))

test("a .vrec block frame's malformed book, trade batch or ticker in JSON form fails the replay, naming it", () =>
  withTempDir(async (dir) => {
    for (const bad of BAD) {
      const path = join(dir, `${bad.id}.vrec`)
      writePacked(path, events(bad))
      const failure = await failureOf(path)
      expect(failure).toContain(`${path}: damaged frame at byte `)
      expect(failure).toMatch(bad.says)
      // A read of every event refuses it too.
      expect(() => readRecording(path)).toThrow(bad.says)
    }
  }))

test("bun run replay: a malformed payload in JSON form in a file or a store's block → exit 1 with one line", () =>
  withTempDir(async (dir) => {
    const bad = BAD[0]!
    const file = join(dir, "bad.vrec")
    writePacked(file, events(bad))
    const fromFile = await replay(["--input", file])
    expect(fromFile.code).toBe(1)
    expect(fromFile.stdout).toBe("")
    expect(fromFile.lines).toHaveLength(1)
    expect(fromFile.lines[0]!).toMatch(/^replay: .*bad\.vrec: damaged frame at byte \d+: market\.orderbook/)
    expect(fromFile.lines[0]!).toMatch(bad.says)

    // A store whose book sits in its row as JSON text (an earlier build's form): the replay folds
    // it into a block as it is and reads it from there.
    const db = join(dir, "events.db")
    const keepAll = { hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" } as const
    await Effect.runPromise(
      Effect.scoped(Effect.flatMap(EventStore, (store) => store.append(events()))).pipe(
        Effect.provide(EventStore.layer({ path: db, ...keepAll })),
      ),
    )
    const sqlite = new Database(db)
    sqlite.query("UPDATE market_events SET payload = ? WHERE id = ?").run(JSON.stringify(bad.payload), bad.id)
    sqlite.close()
    const fromStore = await replay(["--from-store", "--store", db])
    expect(fromStore.code).toBe(1)
    expect(fromStore.stdout).toBe("")
    expect(fromStore.lines).toHaveLength(1)
    expect(fromStore.lines[0]!).toMatch(/^replay: .*events\.db: market\.orderbook version 1 of BTC\/USDT at seq 19: /)
    expect(fromStore.lines[0]!).toMatch(bad.says)
    const blocks = new Database(db)
    expect((blocks.query("SELECT count(*) AS n FROM market_blocks").get() as { n: number }).n).toBeGreaterThan(0)
    blocks.close()
  }))
