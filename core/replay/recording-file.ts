/**
 * @module The portable recording file (`.vrec`), read a chunk at a time as a replay takes its
 * events, in either of its format versions:
 *
 * - 3 and 2, packed (3 is what `bun run record` writes, recording-writer.ts): a magic and the
 *   version byte, then checksummed frames — a JSON header, and the store's own block and row forms
 *   (recording-packed.ts), read by the store's decoders; 3 keeps a block's superseded books in a
 *   frame of their own, which a replay passes over;
 * - 1, JSON lines (earlier builds): a JSON header line, then one event per line
 *   (recording-lines.ts).
 *
 * Either way, a file cut short (killed mid-write) replays up to its last complete event (line or
 * frame) and says how many bytes it skipped; an unknown format version, an event type or version
 * this build does not read, and a damaged line or frame are errors naming what and where.
 */
import { closeSync, existsSync, openSync, readSync } from "node:fs"
import type { VirtuosoEvent } from "../events/index.ts"
import type { Timeframe } from "../market-schema/index.ts"
import { ReplayInputError } from "./errors.ts"
import { FileBytes, FRAME_BOOKS, FRAME_HEADER, MAGIC, readFrames, type RecordingTail } from "./recording-frames.ts"
import { fileLines, lineEventOf } from "./recording-lines.ts"
import { packedEvents } from "./recording-packed.ts"
import { PACKED_VERSION } from "./recording-writer.ts"

export const RECORDING_FORMAT = "virtuoso-recording"
const LINES_VERSION = 1
/** Packed, every payload of a block in its frame (earlier builds). */
const WHOLE_BLOCKS_VERSION = 2
const READS = `${LINES_VERSION} as JSON lines, ${WHOLE_BLOCKS_VERSION} and ${PACKED_VERSION} packed`

export interface RecordingHeader {
  readonly format: typeof RECORDING_FORMAT
  readonly version: number
  readonly exchange: string
  readonly symbols: ReadonlyArray<string>
  /** The recording engine's timeframes (weight and depth), which a replay must use to match it. */
  readonly timeframes: Readonly<Partial<Record<Timeframe, { readonly weight: number; readonly candles: number }>>>
  /** Epoch ms of the first and last event: in version 1 headers (2 and 3 are written before either is known). */
  readonly from?: number
  readonly to?: number
}

export interface RecordingFile {
  readonly header: RecordingHeader
  readonly events: ReadonlyArray<VirtuosoEvent>
  /** Bytes after the last complete event (a truncated tail), 0 for a whole file. */
  readonly skippedBytes: number
}

export interface RecordingStream {
  readonly header: RecordingHeader
  /**
   * The events, read and checked as they are iterated (once); a bad line or frame throws a
   * ReplayInputError. From a packed file, an event may stand for several (`storedCount`).
   */
  readonly events: Iterable<VirtuosoEvent>
  readonly tail: RecordingTail
}

export interface OpenOptions {
  /**
   * A packed file's blocks thinned as a replay from the store thins them (their last book, their
   * trade batches merged; `storedCount` says how many events each stands for). @default false
   */
  readonly coalesced?: boolean
}

const fail = (message: string): never => {
  throw new ReplayInputError({ message })
}

const checkedHeader = (path: string, text: string, version: number): RecordingHeader => {
  let header: RecordingHeader
  try {
    header = JSON.parse(text) as RecordingHeader
  } catch {
    return fail(`${path}: the header is not JSON`)
  }
  if (header?.format !== RECORDING_FORMAT)
    fail(`${path}: not a Virtuoso recording (format "${String(header?.format)}")`)
  if (header.version !== version) fail(`${path}: the header says version ${header.version}, the file ${version}`)
  return header
}

const versionError = (path: string, version: unknown): never =>
  fail(`${path}: recording format version ${String(version)} is not one this build reads (${READS})`)

/** A JSON-lines file (version 1) from its start. */
const openLines = (path: string, fd: number): RecordingStream => {
  const tail: RecordingTail = { skippedBytes: 0, readBytes: 0 }
  const lines = fileLines(fd, tail)
  const first = lines.next()
  if (first.done) fail(`${path}: no header line (empty or truncated recording)`)
  let raw: { format?: unknown; version?: unknown }
  try {
    raw = JSON.parse(first.value as string)
  } catch {
    return fail(`${path}: the first line is not a recording header`)
  }
  if (raw?.format !== RECORDING_FORMAT) fail(`${path}: not a Virtuoso recording (format "${String(raw?.format)}")`)
  if (raw.version !== LINES_VERSION) versionError(path, raw.version)
  const header = raw as unknown as RecordingHeader
  function* events() {
    try {
      let line = 1
      for (const text of lines) yield lineEventOf(path, text, ++line)
    } finally {
      closeSync(fd)
    }
  }
  return { header, events: events(), tail }
}

/** A packed file (version 2 or 3) after its magic and version byte. */
const openPacked = (path: string, fd: number, coalesced: boolean, version: number): RecordingStream => {
  const tail: RecordingTail = { skippedBytes: 0, readBytes: 0 }
  const bytes = new FileBytes(fd, tail)
  bytes.has(MAGIC.length + 1)
  bytes.take(MAGIC.length + 1)
  const split = version === PACKED_VERSION
  // A replay passes over the superseded books (recording-packed.ts).
  const frames = readFrames(bytes, tail, path, split && coalesced ? FRAME_BOOKS : -1)
  const first = frames.next()
  if (first.done === true || first.value.kind !== FRAME_HEADER)
    fail(`${path}: no header frame (empty or truncated recording)`)
  const header = checkedHeader(path, new TextDecoder().decode(first.value!.body), version)
  function* events() {
    try {
      yield* packedEvents(frames, path, coalesced, split, tail)
    } finally {
      closeSync(fd)
    }
  }
  return { header, events: events(), tail }
}

/**
 * Opens a recording and reads its header; the events are read a chunk of the file at a time as
 * they are iterated, so a long recording replays in bounded memory. The file closes when the
 * events were read to the end (or the reading stopped).
 */
export const openRecording = (path: string, options: OpenOptions = {}): RecordingStream => {
  if (!existsSync(path)) fail(`recording not found: ${path}`)
  const fd = openSync(path, "r")
  try {
    // The first bytes, read without moving the file's position: a magic, or a JSON header line.
    const start = new Uint8Array(MAGIC.length + 1)
    const n = readSync(fd, start, 0, start.length, 0)
    if (n > 0 && start[0] === 0x7b) return openLines(path, fd)
    if (n < start.length) fail(`${path}: no header (empty or truncated recording)`)
    for (let i = 0; i < MAGIC.length; i++) if (start[i] !== MAGIC[i]) fail(`${path}: not a Virtuoso recording`)
    const version = start[MAGIC.length]!
    if (version !== PACKED_VERSION && version !== WHOLE_BLOCKS_VERSION) versionError(path, version)
    return openPacked(path, fd, options.coalesced === true, version)
  } catch (e) {
    closeSync(fd)
    throw e
  }
}

/** A whole recording in memory, every event (tests, tools); a replay streams it (`openRecording`). */
export const readRecording = (path: string): RecordingFile => {
  const stream = openRecording(path)
  const events = [...stream.events]
  return { header: stream.header, events, skippedBytes: stream.tail.skippedBytes }
}
