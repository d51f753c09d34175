/**
 * The recording fixture (`bun run record` against the local Binance-protocol server, see
 * test/support/make-recording-fixture.ts) replays through the live layers: deterministic, with
 * book and tape components scored; a truncated tail is skipped and reported; an event version
 * this build does not read is refused by name; the file is read a chunk at a time as the replay
 * takes its events.
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { openRecording, readRecording, replayRecordingFile } from "../../../core/replay/index.ts"
import { ROOT, withTempDir } from "./support.ts"

const FIXTURE = join(ROOT, "test/fixtures/recordings/binance-local.vrec")
const config = parseConfig({ log: { level: "warn" } })

describe("a recording file", () => {
  test("replays deterministically, with every input the recording carries", async () => {
    const file = readRecording(FIXTURE)
    expect(file.skippedBytes).toBe(0)
    expect(file.header.exchange).toBe("binance")
    const types = new Set(file.events.map((e) => e.type))
    for (const t of [
      "market.symbols",
      "market.candles",
      "market.candle.closed",
      "market.orderbook",
      "market.trades",
      "market.ticker",
    ]) {
      expect(types.has(t as never)).toBe(true)
    }
    const a = await Effect.runPromise(replayRecordingFile(config, FIXTURE, [1, 2]))
    const b = await Effect.runPromise(replayRecordingFile(config, FIXTURE, [1, 2]))
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    expect(a.symbols.map((s) => s.symbol)).toEqual(["BTC/USDT", "ETH/USDT"])
    for (const s of a.symbols) {
      expect(s.confluence.length).toBeGreaterThan(1)
      // After the first book and trades, the book and tape components have scores.
      const last = s.confluence.at(-1)!
      expect(last.components.orderbook).not.toBeNull()
      expect(last.components.orderflow).not.toBeNull()
    }
  })

  test("a truncated tail replays up to the last complete event and says how many bytes it skipped", () =>
    withTempDir(async (dir) => {
      const whole = readFileSync(FIXTURE)
      const cut = join(dir, "cut.vrec")
      writeFileSync(cut, whole.subarray(0, whole.length - 40))
      const full = readRecording(FIXTURE)
      const part = readRecording(cut)
      expect(part.events.length).toBe(full.events.length - 1)
      const lastLine = whole.toString("utf8").trimEnd().split("\n").at(-1)!
      expect(part.skippedBytes).toBe(Buffer.byteLength(lastLine) - 39)
      const report = await Effect.runPromise(replayRecordingFile(config, cut, [1]))
      expect(report.skippedBytes).toBe(part.skippedBytes)
    }))

  test("an event version this build does not read is an error naming the type and version", () =>
    withTempDir(async (dir) => {
      const text = readFileSync(FIXTURE, "utf8").replace(
        '"type":"market.orderbook","version":1',
        '"type":"market.orderbook","version":9',
      )
      const odd = join(dir, "odd.vrec")
      writeFileSync(odd, text)
      const exit = await Effect.runPromiseExit(replayRecordingFile(config, odd, [1]))
      expect(exit._tag).toBe("Failure")
      expect(String(exit)).toContain("market.orderbook version 9 is not one this build reads")
    }))

  test("events are read a chunk of the file at a time, as they are taken", () =>
    withTempDir(async (dir) => {
      // The fixture's events fifteen times over: ≈ 2.5 MB, more than two chunks.
      const [header, ...lines] = readFileSync(FIXTURE, "utf8").trimEnd().split("\n")
      const long = join(dir, "long.vrec")
      writeFileSync(long, `${[header, ...Array.from({ length: 15 }, () => lines).flat()].join("\n")}\n`)
      const size = readFileSync(long).length
      expect(size).toBeGreaterThan(2 << 20)
      const stream = openRecording(long)
      const events = stream.events[Symbol.iterator]()
      expect(events.next().done).toBe(false)
      expect(stream.tail.readBytes).toBeLessThanOrEqual(1 << 20)
      let count = 1
      while (!events.next().done) count++
      expect(count).toBe(15 * lines.length)
      expect(stream.tail.readBytes).toBe(size)
      expect(stream.tail.skippedBytes).toBe(0)
    }))
})
