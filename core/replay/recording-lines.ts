/**
 * @module Reads a JSON-lines recording file (format version 1, what builds before the packed
 * format wrote): one JSON header line, then one recorded event per line, in recording order. A
 * last line without its newline (killed mid-write) is skipped and counted.
 *
 * Every event is checked against the catalogue (known type, payload schema, and a version this
 * build reads); anything else is an error naming the type and version, never a silent skip.
 * Books and trade batches are checked by hand (`market-line-check.ts`, same verdicts as the
 * schemas), the rest by the schemas.
 */
import { readSync } from "node:fs"
import { decodeEvent, EVENT_CATALOGUE, EventEnvelopeSchema, isEventType, type VirtuosoEvent } from "../events/index.ts"
import { ReplayInputError } from "./errors.ts"
import { checkedMarketEvent } from "./market-line-check.ts"
import type { RecordingTail } from "./recording-frames.ts"

const fail = (message: string): never => {
  throw new ReplayInputError({ message })
}

/** One event line, checked; `line` is 1-based for the message. */
export const lineEventOf = (path: string, text: string, line: number): VirtuosoEvent => {
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
export const faultOf = (raw: unknown): string | undefined => {
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
export function* fileLines(fd: number, tail: RecordingTail): Generator<string> {
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
