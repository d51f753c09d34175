/**
 * @module The portable recording file (`.vrec`): one JSON header line, then one recorded event
 * per line, in recording order. Plain NDJSON, so a session killed mid-write still reads: the
 * replay stops at the last complete event and says how many bytes it skipped.
 *
 * Every event is checked against the catalogue (known type, payload schema, and a version this
 * build reads); anything else is an error naming the type and version, never a silent skip.
 * Books and trade batches are checked by hand (`market-line-check.ts`, same verdicts as the
 * schemas), the rest by the schemas.
 */
import { closeSync, existsSync, openSync, readSync, writeSync } from "node:fs"
import { decodeEvent, EVENT_CATALOGUE, EventEnvelopeSchema, isEventType, type VirtuosoEvent } from "../events/index.ts"
import type { Timeframe } from "../market-schema/index.ts"
import { ReplayInputError } from "./errors.ts"
import { checkedMarketEvent } from "./market-line-check.ts"

export const RECORDING_FORMAT = "virtuoso-recording"
export const RECORDING_VERSION = 1

export interface RecordingHeader {
  readonly format: typeof RECORDING_FORMAT
  readonly version: number
  readonly exchange: string
  readonly symbols: ReadonlyArray<string>
  /** The recording engine's timeframes (weight and depth), which a replay must use to match it. */
  readonly timeframes: Readonly<Partial<Record<Timeframe, { readonly weight: number; readonly candles: number }>>>
  /** Epoch ms of the first and last event. */
  readonly from: number
  readonly to: number
}

export interface RecordingFile {
  readonly header: RecordingHeader
  readonly events: ReadonlyArray<VirtuosoEvent>
  /** Bytes after the last complete event (a truncated tail), 0 for a whole file. */
  readonly skippedBytes: number
}

/** Writes a recording: the header, then each event on its own line. */
export const writeRecording = (path: string, header: RecordingHeader, events: Iterable<VirtuosoEvent>): number => {
  const fd = openSync(path, "w")
  let bytes = 0
  try {
    const put = (line: string) => {
      bytes += writeSync(fd, `${line}\n`)
    }
    put(JSON.stringify(header))
    for (const event of events) {
      // As published: the store's commit number and the replay flag are not part of an event.
      const { replayed: _replayed, seq: _seq, ...stored } = event as VirtuosoEvent & { seq?: number }
      put(JSON.stringify(stored))
    }
  } finally {
    closeSync(fd)
  }
  return bytes
}

const fail = (message: string): never => {
  throw new ReplayInputError({ message })
}

/** One event line, checked; `line` is 1-based for the message. */
const eventOf = (path: string, text: string, line: number): VirtuosoEvent => {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return fail(`${path}: line ${line} is not JSON`)
  }
  const { type, version } = (raw ?? {}) as { type?: unknown; version?: unknown }
  if (
    typeof type === "string" &&
    isEventType(type) &&
    typeof version === "number" &&
    version !== EVENT_CATALOGUE[type].version
  ) {
    return fail(
      `${path}: line ${line}: ${type} version ${version} is not one this build reads (it reads version ` +
        `${EVENT_CATALOGUE[type].version})`,
    )
  }
  // Books and trade batches, most of the file, by the hand-written check; anything it does not
  // accept (including every malformed one) by the catalogue's schemas, which name the fault.
  if (typeof type === "string" && isEventType(type)) {
    const checked = checkedMarketEvent(raw, EVENT_CATALOGUE[type].version)
    if (checked !== undefined) return checked
  }
  const decoded = decodeEvent(raw)
  if (!decoded.ok) {
    return fail(
      `${path}: line ${line}: ` +
        `${typeof type === "string" ? `${type} version ${String(version)}: ` : ""}` +
        (faultOf(raw) ?? decoded.error.split("\n")[0]),
    )
  }
  return decoded.event
}

/**
 * What the catalogue's schemas find wrong first, as `field.path: what` (the envelope's fields, then
 * the payload's): zod's own message is the whole list as JSON, too long for one line. Undefined
 * when the fault is not a field's (an unknown type), for the decoder's message.
 */
const faultOf = (raw: unknown): string | undefined => {
  const envelope = EventEnvelopeSchema.safeParse(raw)
  let issue: { readonly path: ReadonlyArray<PropertyKey>; readonly message: string } | undefined
  if (!envelope.success) issue = envelope.error.issues[0]
  else if (isEventType(envelope.data.type)) {
    const payload = EVENT_CATALOGUE[envelope.data.type].schema.safeParse(envelope.data.payload)
    const first = payload.success ? undefined : payload.error.issues[0]
    if (first !== undefined) issue = { path: ["payload", ...first.path], message: first.message }
  }
  if (issue === undefined) return undefined
  return issue.path.length === 0 ? issue.message : `${issue.path.map(String).join(".")}: ${issue.message}`
}

/** Lines of a file read a chunk at a time; what follows the last newline is counted, not yielded. */
function* fileLines(fd: number, tail: RecordingTail): Generator<string> {
  const chunk = Buffer.allocUnsafe(1 << 20)
  const utf8 = new TextDecoder()
  let rest = ""
  while (true) {
    const n = readSync(fd, chunk, 0, chunk.length, null)
    if (n === 0) break
    tail.readBytes += n
    const text = rest + utf8.decode(chunk.subarray(0, n), { stream: true })
    const lines = text.split("\n")
    rest = lines.pop()!
    yield* lines
  }
  // A write cut short leaves a last line without its newline: that tail is skipped.
  tail.skippedBytes = Buffer.byteLength(rest + utf8.decode())
}

export interface RecordingTail {
  /** Bytes after the last complete event, known once the events were read to the end. */
  skippedBytes: number
  /** Bytes read from the file so far. */
  readBytes: number
}

export interface RecordingStream {
  readonly header: RecordingHeader
  /** The events, read and checked as they are iterated (once); a bad line throws a ReplayInputError. */
  readonly events: Iterable<VirtuosoEvent>
  readonly tail: RecordingTail
}

/**
 * Opens a recording and reads its header; the events are read a chunk of the file at a time as
 * they are iterated, so a long recording replays in bounded memory. The file closes when the
 * events were read to the end (or the reading stopped).
 */
export const openRecording = (path: string): RecordingStream => {
  if (!existsSync(path)) fail(`recording not found: ${path}`)
  const fd = openSync(path, "r")
  const tail: RecordingTail = { skippedBytes: 0, readBytes: 0 }
  const lines = fileLines(fd, tail)
  try {
    const first = lines.next()
    if (first.done) fail(`${path}: no header line (empty or truncated recording)`)
    let header: RecordingHeader
    try {
      header = JSON.parse(first.value as string) as RecordingHeader
    } catch {
      return fail(`${path}: the first line is not a recording header`)
    }
    if (header.format !== RECORDING_FORMAT)
      fail(`${path}: not a Virtuoso recording (format "${String(header.format)}")`)
    if (header.version !== RECORDING_VERSION) {
      fail(`${path}: recording format version ${header.version} is not one this build reads (${RECORDING_VERSION})`)
    }
    function* events() {
      try {
        let line = 1
        for (const text of lines) yield eventOf(path, text, ++line)
      } finally {
        closeSync(fd)
      }
    }
    return { header, events: events(), tail }
  } catch (e) {
    closeSync(fd)
    throw e
  }
}

/** A whole recording in memory (tests, tools); a replay streams it (`openRecording`). */
export const readRecording = (path: string): RecordingFile => {
  const stream = openRecording(path)
  const events = [...stream.events]
  return { header: stream.header, events, skippedBytes: stream.tail.skippedBytes }
}
