/**
 * A recording replays the same from the warm tier as from the hot one: the fixture's events,
 * stored and then half moved to a day file by the tiering job, replay through the live layers to
 * exactly the report the recording file gives.
 */
import { expect, test } from "bun:test"
import { Effect } from "effect"
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { readRecording, replayRecording, replayRecordingFile } from "../../../core/replay/index.ts"
import { EventStore } from "../../../core/store/index.ts"
import { ROOT, withTempDir } from "./support.ts"

const FIXTURE = join(ROOT, "test/fixtures/recordings/binance-local.vrec")

test("a store whose recording is half in warm day files replays as the recording file does", () =>
  withTempDir(async (dir) => {
    const file = readRecording(FIXTURE)
    const config = parseConfig({ log: { level: "warn" }, timeframes: file.header.timeframes })
    const db = join(dir, "virtuoso.db")
    const keepAll = { hot: "36500 days", warm: "36500 days", compactEvery: "36500 days" } as const
    await Effect.runPromise(
      Effect.scoped(Effect.flatMap(EventStore, (store) => store.append(file.events))).pipe(
        Effect.provide(EventStore.layer({ path: db, ...keepAll })),
      ),
    )
    // Reopened with a hot window ending mid-recording: tiering moves the first half.
    const middle = file.events[Math.floor(file.events.length / 2)]!.time
    const moved = await Effect.runPromise(
      Effect.scoped(Effect.flatMap(EventStore, (store) => store.compact)).pipe(
        Effect.provide(EventStore.layer({ path: db, ...keepAll, hot: `${Date.now() - middle} millis` })),
      ),
    )
    expect(moved.moved).toBeGreaterThan(10)
    expect(moved.moved).toBeLessThan(file.events.length)
    expect(readdirSync(join(dir, "warm")).length).toBe(1)

    const fromStore = await Effect.runPromise(replayRecording(config, { db, horizons: [1, 2] }))
    const fromFile = await Effect.runPromise(replayRecordingFile(config, FIXTURE, [1, 2]))
    expect(fromStore.events).toBe(file.events.length)
    expect(JSON.stringify(fromStore.symbols)).toBe(JSON.stringify(fromFile.symbols))
    expect(fromStore.symbols.every((s) => s.confluence.length > 1)).toBe(true)
  }))
