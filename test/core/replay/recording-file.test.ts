/**
 * The recording fixture (`bun run record` against the local Binance-protocol server, see
 * test/support/make-recording-fixture.ts) replays through the live layers: deterministic, with
 * book and tape components scored. Its JSON-lines twin (format version 1, what earlier builds
 * wrote) still replays, to the same report (version 3, recording-books.test.ts). In every form a
 * truncated tail is skipped and reported; an unknown format version, an event version this build
 * does not read and a damaged frame are refused by name and place; the file is read a chunk at a
 * time as the replay takes its events.
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { openRecording, readRecording, replayRecordingFile } from "../../../core/replay/index.ts"
import {
  FIXTURE,
  FIXTURE_V1,
  frameEnds,
  published,
  writePacked,
  config,
  failureOf,
  replayOf,
} from "./recording-support.ts"
import { withTempDir } from "./support.ts"

describe("a recording file", () => {
  test("replays deterministically, with every input the recording carries", async () => {
    expect(readFileSync(FIXTURE).subarray(1, 5).toString()).toBe("VREC")
    const file = readRecording(FIXTURE)
    expect(file.skippedBytes).toBe(0)
    expect(file.header.exchange).toBe("binance")
    expect(file.header.version).toBe(2)
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
    const a = await replayOf(FIXTURE)
    const b = await replayOf(FIXTURE)
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    expect(a.events).toBe(file.events.length)
    expect(a.symbols.map((s) => s.symbol)).toEqual(["BTC/USDT", "ETH/USDT"])
    for (const s of a.symbols) {
      expect(s.confluence.length).toBeGreaterThan(1)
      // After the first book and trades, the book and tape components have scores.
      const last = s.confluence.at(-1)!
      expect(last.components.orderbook).not.toBeNull()
      expect(last.components.orderflow).not.toBeNull()
    }
  })

  test("a JSON-lines recording (format version 1) replays as the same events packed do", () =>
    withTempDir(async (dir) => {
      const lines = readRecording(FIXTURE_V1)
      expect(lines.header.version).toBe(1)
      const packed = join(dir, "packed.vrec")
      writePacked(packed, lines.events)
      expect(readFileSync(packed).length).toBeLessThan(readFileSync(FIXTURE_V1).length / 2)
      expect(published(readRecording(packed).events)).toEqual(lines.events as never)
      const fromLines = await replayOf(FIXTURE_V1)
      const fromPacked = await replayOf(packed)
      expect(fromPacked.events).toBe(fromLines.events)
      expect(JSON.stringify(fromPacked.symbols)).toBe(JSON.stringify(fromLines.symbols))
      expect(fromLines.symbols.every((s) => s.signals.length + s.confluence.length > 1)).toBe(true)
    }))

  test("a truncated JSON-lines tail replays up to the last complete event and says how many bytes it skipped", () =>
    withTempDir(async (dir) => {
      const whole = readFileSync(FIXTURE_V1)
      const cut = join(dir, "cut.vrec")
      writeFileSync(cut, whole.subarray(0, whole.length - 40))
      const full = readRecording(FIXTURE_V1)
      const part = readRecording(cut)
      expect(part.events.length).toBe(full.events.length - 1)
      const lastLine = whole.toString("utf8").trimEnd().split("\n").at(-1)!
      expect(part.skippedBytes).toBe(Buffer.byteLength(lastLine) - 39)
      const report = await Effect.runPromise(replayRecordingFile(config, cut, [1]))
      expect(report.skippedBytes).toBe(part.skippedBytes)
    }))

  test("a truncated packed tail replays up to the last complete frame and says how many bytes it skipped", () =>
    withTempDir(async (dir) => {
      const whole = readFileSync(FIXTURE)
      const ends = frameEnds(whole)
      expect(ends.at(-1)).toBe(whole.length)
      const full = readRecording(FIXTURE)
      // Cut inside the last frame, inside one in the middle, and inside a frame's length field.
      for (const at of [whole.length - 3, ends[Math.floor(ends.length / 2)]! + 20, ends[4]! + 2]) {
        const cut = join(dir, `cut-${at}.vrec`)
        writeFileSync(cut, whole.subarray(0, at))
        const complete = ends.filter((end) => end <= at).at(-1)!
        const part = readRecording(cut)
        expect(part.skippedBytes).toBe(at - complete)
        expect(part.events.length).toBeLessThan(full.events.length)
        // What the complete frames hold, in commit order (a stretch cut short keeps its whole blocks).
        const bySeq = new Map(full.events.map((e) => [(e as { seq?: number }).seq, e]))
        const seqs = part.events.map((e) => (e as { seq?: number }).seq!)
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
        for (const e of part.events) expect(e).toEqual(bySeq.get((e as { seq?: number }).seq) as never)
        const report = await Effect.runPromise(replayRecordingFile(config, cut, [1]))
        expect(report.skippedBytes).toBe(at - complete)
        expect(report.events).toBe(part.events.length)
      }
    }))

  test("a format version this build does not read is an error naming it", () =>
    withTempDir(async (dir) => {
      const packed = Buffer.from(readFileSync(FIXTURE))
      packed[8] = 4
      const four = join(dir, "four.vrec")
      writeFileSync(four, packed)
      expect(await failureOf(four)).toContain("recording format version 4 is not one this build reads")
      const seven = join(dir, "seven.vrec")
      writeFileSync(seven, readFileSync(FIXTURE_V1, "utf8").replace('"version":1', '"version":7'))
      expect(await failureOf(seven)).toContain("recording format version 7 is not one this build reads")
      const other = join(dir, "other.vrec")
      writeFileSync(other, "timestamp,open,high,low,close,volume\n")
      expect(await failureOf(other)).toContain("not a Virtuoso recording")
    }))

  test("a damaged frame is an error naming its byte offset", () =>
    withTempDir(async (dir) => {
      const bytes = Buffer.from(readFileSync(FIXTURE))
      const ends = frameEnds(bytes)
      const frame = ends[Math.floor(ends.length / 2)]!
      const flipped = Buffer.from(bytes)
      flipped[frame + 30]! ^= 0x10
      const bad = join(dir, "bad.vrec")
      writeFileSync(bad, flipped)
      expect(await failureOf(bad)).toContain(`${bad}: damaged frame at byte ${frame}: checksum mismatch`)
      // A length no frame can have, in a file that goes on past it: damage, not a truncated tail.
      const long = Buffer.from(bytes)
      long.writeUInt32LE(0x7fffffff, frame + 1)
      writeFileSync(bad, long)
      expect(await failureOf(bad)).toContain(`${bad}: damaged frame at byte ${frame}: a frame of 2147483647 bytes`)
    }))

  test("an event version this build does not read is an error naming the type and version", () =>
    withTempDir(async (dir) => {
      const events = readRecording(FIXTURE).events
      for (const type of ["market.orderbook", "market.candle.closed"] as const) {
        const odd = join(dir, `odd-${type}.vrec`)
        writePacked(
          odd,
          events.map((e) => (e.type === type ? { ...e, version: 9 } : e)),
        )
        expect(await failureOf(odd)).toContain(`${type} version 9 is not one this build reads`)
      }
      const text = readFileSync(FIXTURE_V1, "utf8").replace(
        '"type":"market.orderbook","version":1',
        '"type":"market.orderbook","version":9',
      )
      const odd = join(dir, "odd.vrec")
      writeFileSync(odd, text)
      expect(await failureOf(odd)).toContain("market.orderbook version 9 is not one this build reads")
    }))

  test("a plain event whose JSON payload the schemas refuse is reported by frame, type and field", () =>
    withTempDir(async (dir) => {
      const events = readRecording(FIXTURE).events
      const bad = join(dir, "bad.vrec")
      let edited = false
      writePacked(
        bad,
        events.map((e) => {
          if (edited || e.type !== "market.candle.closed") return e
          edited = true
          return { ...e, payload: { ...e.payload, candle: { ...e.payload.candle, close: "x" as never } } }
        }),
      )
      expect(await failureOf(bad)).toMatch(
        /frame at byte \d+: market\.candle\.closed version 1: payload\.candle\.close/,
      )
    }))

  test("events are read a chunk of the file at a time, as they are taken", () =>
    withTempDir(async (dir) => {
      // The fixture's events many times over, in both forms: more than two chunks each.
      const events = readRecording(FIXTURE).events
      const packed = join(dir, "long.vrec")
      writePacked(packed, Array.from({ length: 60 }, () => events).flat())
      const [header, ...lines] = readFileSync(FIXTURE_V1, "utf8").trimEnd().split("\n")
      const jsonLines = join(dir, "long-v1.vrec")
      writeFileSync(jsonLines, `${[header, ...Array.from({ length: 15 }, () => lines).flat()].join("\n")}\n`)
      for (const [path, count] of [
        [packed, 60 * events.length],
        [jsonLines, 15 * lines.length],
      ] as const) {
        const size = readFileSync(path).length
        expect(size).toBeGreaterThan(2 << 20)
        const stream = openRecording(path)
        const read = stream.events[Symbol.iterator]()
        expect(read.next().done).toBe(false)
        expect(stream.tail.readBytes).toBeLessThanOrEqual(1 << 20)
        let n = 1
        while (!read.next().done) n++
        expect(n).toBe(count)
        expect(stream.tail.readBytes).toBe(size)
        expect(stream.tail.skippedBytes).toBe(0)
      }
    }))
})
