/**
 * Format version 3 of the recording file: a block's superseded books sit in a books frame after the
 * block frame, which a replay passes over. The version-2 fixture written again in version 3 reads
 * as the same events and replays to the same report; a damaged books frame does not reach a
 * replay but is refused by a read of every event; a books frame whose length is not its block's,
 * and one cut short, are handled as damage and as a truncated tail.
 */
import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { openRecording, readRecording, replayRecordingFile } from "../../../core/replay/index.ts"
import {
  BOOKS_FRAME,
  FIXTURE,
  framesOf,
  published,
  writePacked,
  config,
  failureOf,
  replayOf,
} from "./recording-support.ts"
import { withTempDir } from "./support.ts"

describe("a recording file of version 3", () => {
  test("a version-2 file written again in version 3 reads the same events and replays to the same report", () =>
    withTempDir(async (dir) => {
      const two = readRecording(FIXTURE)
      expect(two.header.version).toBe(2)
      const three = join(dir, "three.vrec")
      writePacked(three, two.events)
      const read = readRecording(three)
      expect(read.header.version).toBe(3)
      expect(read.skippedBytes).toBe(0)
      expect(published(read.events)).toEqual(published(two.events))
      // The superseded books are in frames of their own.
      const frames = framesOf(readFileSync(three))
      expect(frames.filter((f) => f.kind === BOOKS_FRAME).length).toBeGreaterThan(0)
      // What a replay reads (books frames passed over) is what it reads from version 2.
      const thinned = (path: string) => [...openRecording(path, { coalesced: true }).events]
      expect(JSON.stringify(thinned(three))).toBe(JSON.stringify(thinned(FIXTURE)))
      const fromTwo = await replayOf(FIXTURE)
      const fromThree = await replayOf(three)
      expect(fromThree.events).toBe(fromTwo.events)
      expect(JSON.stringify(fromThree.symbols)).toBe(JSON.stringify(fromTwo.symbols))
    }))

  test("version 3: a replay passes over the books frames, checked by kind and length against their block", () =>
    withTempDir(async (dir) => {
      const three = join(dir, "three.vrec")
      writePacked(three, readRecording(FIXTURE).events)
      const whole = readFileSync(three)
      const frames = framesOf(whole)
      const books = frames.filter((f) => f.kind === BOOKS_FRAME)
      const target = books[Math.floor(books.length / 2)]!
      const expected = JSON.stringify((await replayOf(three)).symbols)
      // A damaged byte in a books frame's body: what a replay reads is unchanged, a read of every event refuses it.
      const flipped = Buffer.from(whole)
      flipped[target.at + 20]! ^= 0x10
      const bad = join(dir, "bad.vrec")
      writeFileSync(bad, flipped)
      expect(JSON.stringify((await replayOf(bad)).symbols)).toBe(expected)
      expect(() => readRecording(bad)).toThrow(`damaged frame at byte ${target.at}: checksum mismatch`)
      // A length other than its block's: the replay stops there, naming it.
      const longer = Buffer.from(whole)
      longer.writeUInt32LE(longer.readUInt32LE(target.at + 1) + 1, target.at + 1)
      writeFileSync(bad, longer)
      expect(await failureOf(bad)).toContain(`damaged frame at byte ${target.at}: books of`)
      // A books frame cut short takes its block with it: the tail skipped starts at the block frame.
      const block = frames[frames.indexOf(target) - 1]!
      for (const at of [target.at + 3, target.end - 1]) {
        const cut = join(dir, `cut-${at}.vrec`)
        writeFileSync(cut, whole.subarray(0, at))
        const part = readRecording(cut)
        expect(part.skippedBytes).toBe(at - block.at)
        const report = await Effect.runPromise(replayRecordingFile(config, cut, [1]))
        expect(report.skippedBytes).toBe(at - block.at)
        const full = readRecording(three).events
        const seqs = new Set(part.events.map((e) => (e as { seq?: number }).seq))
        // Nothing of the cut block is read, and everything before it is.
        expect(part.events.length).toBeLessThan(full.length)
        for (const e of full)
          if ((e as { seq?: number }).seq! < (part.events.at(-1) as { seq?: number }).seq!)
            expect(seqs.has((e as { seq?: number }).seq)).toBe(true)
      }
    }))
})
