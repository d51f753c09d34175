/** Helpers of the recording-file tests: the fixtures, a writer as `record` writes, a packed file's frames. */
import { expect } from "bun:test"
import { Effect } from "effect"
import { parseConfig } from "../../../core/config/index.ts"
import type { VirtuosoEvent } from "../../../core/events/index.ts"
import { readRecording, RECORDING_FORMAT, RecordingWriter, replayRecordingFile } from "../../../core/replay/index.ts"
import { join } from "node:path"
import { ROOT } from "./support.ts"

export const FIXTURE = join(ROOT, "test/fixtures/recordings/binance-local.vrec")
export const FIXTURE_V1 = join(ROOT, "test/fixtures/recordings/binance-local-v1.vrec")

export const config = parseConfig({ log: { level: "warn" } })
/** A file's replay report, horizons 1 and 2. */
export const replayOf = (path: string) => Effect.runPromise(replayRecordingFile(config, path, [1, 2]))
/** A file's replay that must fail: its failure as text. */
export const failureOf = (path: string) =>
  Effect.runPromiseExit(replayRecordingFile(config, path, [1])).then((exit) => {
    expect(exit._tag).toBe("Failure")
    return String(exit)
  })

/** `events` written as `record` writes them, one append per event (each flushed as it closes frames). */
export const writePacked = (path: string, events: ReadonlyArray<VirtuosoEvent>) => {
  const header = readRecording(FIXTURE).header
  const writer = new RecordingWriter(path, {
    format: RECORDING_FORMAT,
    exchange: header.exchange,
    symbols: header.symbols,
    timeframes: header.timeframes,
  })
  for (const e of events) writer.append([e])
  writer.close()
}

/** Where each frame of a packed file ends, read from the layout (kind, u32 LE length, body, CRC-32). */
export const frameEnds = (bytes: Uint8Array): Array<number> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const ends: Array<number> = []
  for (let at = 9; at < bytes.length; at += 9 + view.getUint32(at + 1, true))
    ends.push(at + 9 + view.getUint32(at + 1, true))
  return ends
}

/** Each frame of a packed file: its kind, where it starts and where it ends. */
export const framesOf = (bytes: Uint8Array): Array<{ kind: number; at: number; end: number }> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Array<{ kind: number; at: number; end: number }> = []
  for (let at = 9; at < bytes.length; at += 9 + view.getUint32(at + 1, true))
    out.push({ kind: bytes[at]!, at, end: at + 9 + view.getUint32(at + 1, true) })
  return out
}
export const BOOKS_FRAME = 5

/** Events as published, for comparing one file's events with another's (seq and the symbol column are the store's). */
export const published = (events: ReadonlyArray<VirtuosoEvent>) =>
  events.map((e) => {
    const { seq: _seq, ...rest } = JSON.parse(JSON.stringify(e)) as VirtuosoEvent & { seq?: number }
    return rest
  })
