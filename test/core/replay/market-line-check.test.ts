/**
 * The hand-written check of recorded books and trade batches against the catalogue's schemas: it
 * accepts only events the schemas accept and hand back as they are, so reading a recording gives
 * the same events, and the same errors, as decoding every line with the schemas.
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { decodeEvent } from "../../../core/events/index.ts"
import { readRecording, replayRecordingFile } from "../../../core/replay/index.ts"
import { checkedMarketEvent } from "../../../core/replay/market-line-check.ts"
import { ROOT, withTempDir } from "./support.ts"

// The JSON-lines form (format version 1) is what this check reads.
const FIXTURE = join(ROOT, "test/fixtures/recordings/binance-local-v1.vrec")
const lines = readFileSync(FIXTURE, "utf8").trimEnd().split("\n").slice(1)
const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
const book = parsed.find((e) => e.type === "market.orderbook")!
const trades = parsed.find((e) => e.type === "market.trades")!

/** The check's verdict beside the schemas': never accepts what they refuse, never differs from what they give. */
const sameAsSchemas = (raw: unknown) => {
  const checked = checkedMarketEvent(raw, 1)
  const decoded = decodeEvent(raw)
  if (checked !== undefined) {
    expect(decoded.ok).toBe(true)
    if (decoded.ok) expect(checked).toEqual(decoded.event)
  }
  return { checked: checked !== undefined, decoded: decoded.ok }
}

/** A parsed line, typed loosely enough to be broken on purpose. */
interface LineJson {
  [field: string]: unknown
  payload: {
    [field: string]: unknown
    bids: Array<Array<unknown>>
    asks: Array<Array<unknown>>
    trades: Array<Record<string, unknown>>
  }
}

const edit = (event: Record<string, unknown>, f: (copy: LineJson) => void): unknown => {
  const copy = structuredClone(event) as LineJson
  f(copy)
  return copy
}

describe("the recorded book and trade check", () => {
  test("accepts every book and trade batch of a real recording, as the schemas decode them", () => {
    let market = 0
    for (const raw of parsed) {
      const verdict = sameAsSchemas(raw)
      if (raw.type === "market.orderbook" || raw.type === "market.trades") {
        expect(verdict.checked).toBe(true)
        market++
      } else expect(verdict.checked).toBe(false)
    }
    expect(market).toBeGreaterThan(100)
  })

  test("leaves to the schemas every malformed field and every field they would strip", () => {
    const variants: Array<[string, unknown]> = [
      ["not an object", [book]],
      ["empty id", edit(book, (e) => (e.id = ""))],
      ["time as text", edit(book, (e) => (e.time = "1"))],
      ["infinite time", { ...book, time: Number.POSITIVE_INFINITY }],
      ["source missing", edit(book, (e) => delete e.source)],
      ["correlationId null", edit(book, (e) => (e.correlationId = null))],
      ["replayed as text", edit(book, (e) => (e.replayed = "yes"))],
      ["an unknown envelope field", edit(book, (e) => (e.extra = 1))],
      ["payload null", edit(book, (e) => ((e as Record<string, unknown>).payload = null))],
      ["book symbol missing", edit(book, (e) => delete e.payload.symbol)],
      ["book exchange null", edit(book, (e) => (e.payload.exchange = null))],
      ["book time missing", edit(book, (e) => delete e.payload.time)],
      ["a bid amount as text", edit(book, (e) => (e.payload.bids[0][1] = "2"))],
      ["a three-number ask", edit(book, (e) => e.payload.asks[0].push(1))],
      ["a one-number bid", edit(book, (e) => e.payload.bids[0].pop())],
      ["asks as an object", edit(book, (e) => ((e.payload as Record<string, unknown>).asks = {}))],
      ["an unknown book field", edit(book, (e) => (e.payload.depth = 20))],
      ["trades missing", edit(trades, (e) => delete (e.payload as Record<string, unknown>).trades)],
      ["a trade side neither buy nor sell", edit(trades, (e) => (e.payload.trades[0].side = "x"))],
      ["a trade id as a number", edit(trades, (e) => (e.payload.trades[0].id = 7))],
      ["a trade price null", edit(trades, (e) => (e.payload.trades[0].price = null))],
      ["a trade as an array", edit(trades, (e) => ((e.payload.trades as Array<unknown>)[0] = [1]))],
      ["an unknown trade field", edit(trades, (e) => (e.payload.trades[0].fee = 0))],
      ["an unknown trades field", edit(trades, (e) => (e.payload.extra = true))],
      ["another version", edit(trades, (e) => (e.version = 2))],
    ]
    for (const [name, raw] of variants) {
      const verdict = sameAsSchemas(raw)
      expect({ name, checked: verdict.checked }).toEqual({ name, checked: false })
    }
    // Fields the schemas allow stay accepted.
    expect(sameAsSchemas(edit(book, (e) => delete e.payload.exchange)).checked).toBe(true)
    expect(sameAsSchemas(edit(trades, (e) => (e.replayed = false))).checked).toBe(true)
    expect(sameAsSchemas(edit(trades, (e) => (e.correlationId = "c"))).checked).toBe(true)
    expect(sameAsSchemas(edit(trades, (e) => (e.payload.trades = []))).checked).toBe(true)
  })

  test("a recording reads as the same events as every line decoded by the schemas", () => {
    const events = readRecording(FIXTURE).events
    expect(events).toEqual(parsed.map((raw) => (decodeEvent(raw) as { event: unknown }).event) as never)
  })

  /** The replay's error for the fixture with its first event of `type` edited by `f`, and that event's line. */
  const replayWithBad = (dir: string, type: string, f: (copy: LineJson) => void) => {
    const [header, ...rest] = readFileSync(FIXTURE, "utf8").trimEnd().split("\n")
    const at = rest.findIndex((line) => line.includes(`"type":"${type}"`))
    rest[at] = JSON.stringify(edit(JSON.parse(rest[at]!), f))
    const path = join(dir, "bad.vrec")
    writeFileSync(path, `${[header, ...rest].join("\n")}\n`)
    return Effect.runPromiseExit(replayRecordingFile(parseConfig({ log: { level: "warn" } }), path, [1])).then(
      (exit) => ({ exit, prefix: `${path}: line ${at + 2}: ${type} version 1: ` }),
    )
  }

  test("a malformed book or trade batch is reported by line, type, version and field, superseded or not", () =>
    withTempDir(async (dir) => {
      // Lines are checked as they are read, before coalescing drops superseded books.
      const book = await replayWithBad(dir, "market.orderbook", (e) => (e.payload.bids[0]![1] = "2"))
      expect(book.exit._tag).toBe("Failure")
      expect(String(book.exit)).toContain(
        `${book.prefix}payload.bids.0.1: Invalid input: expected number, received string`,
      )
      const trade = await replayWithBad(dir, "market.trades", (e) => (e.payload.trades[0]!.side = "x"))
      expect(String(trade.exit)).toContain(`${trade.prefix}payload.trades.0.side: Invalid option: expected one of`)
      const envelope = await replayWithBad(dir, "market.trades", (e) => (e.time = "1"))
      expect(String(envelope.exit)).toContain(`${envelope.prefix}time: Invalid input: expected number, received string`)
    }))
})
