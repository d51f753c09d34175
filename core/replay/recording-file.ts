/**
 * @module The portable recording file (`.vrec`): one JSON header line, then one recorded event
 * per line, in recording order. Plain NDJSON, so a session killed mid-write still reads: the
 * replay stops at the last complete event and says how many bytes it skipped.
 *
 * Every event is checked against the catalogue (known type, payload schema, and a version this
 * build reads); anything else is an error naming the type and version, never a silent skip.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs"
import { decodeEvent, EVENT_CATALOGUE, isEventType, type VirtuosoEvent } from "../events/index.ts"
import type { Timeframe } from "../market-schema/index.ts"
import { ReplayInputError } from "./errors.ts"

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
  const decoded = decodeEvent(raw)
  if (!decoded.ok) {
    return fail(
      `${path}: line ${line}: ` +
        `${typeof type === "string" ? `${type} version ${String(version)}: ` : ""}${decoded.error.split("\n")[0]}`,
    )
  }
  return decoded.event
}

export const readRecording = (path: string): RecordingFile => {
  if (!existsSync(path)) fail(`recording not found: ${path}`)
  const bytes = readFileSync(path)
  const text = bytes.toString("utf8")
  // A write cut short leaves a last line without its newline: everything after the last
  // newline is the skipped tail.
  const end = text.lastIndexOf("\n") + 1
  const skippedBytes = Buffer.byteLength(text.slice(end))
  const lines = text.slice(0, end).split("\n")
  lines.pop()
  if (lines.length === 0) fail(`${path}: no header line (empty or truncated recording)`)
  let header: RecordingHeader
  try {
    header = JSON.parse(lines[0]!) as RecordingHeader
  } catch {
    return fail(`${path}: the first line is not a recording header`)
  }
  if (header.format !== RECORDING_FORMAT) fail(`${path}: not a Virtuoso recording (format "${String(header.format)}")`)
  if (header.version !== RECORDING_VERSION) {
    fail(`${path}: recording format version ${header.version} is not one this build reads (${RECORDING_VERSION})`)
  }
  const events = lines.slice(1).map((line, i) => eventOf(path, line, i + 2))
  return { header, events, skippedBytes }
}
