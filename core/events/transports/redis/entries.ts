/**
 * @module Stream entry encoding and the reply shapes of the stream commands.
 *
 * One entry = one event: field `e` holds the event's JSON, `o` the publishing instance, so a
 * receiver can skip what it already dispatched locally. Replies are parsed defensively: the
 * client speaks RESP3 (maps) but a proxy may answer RESP2 (arrays).
 */
import { decodeEvent, type DecodeResult } from "../../catalogue.ts"

export interface StreamEntry {
  readonly id: string
  /** The raw event JSON (field `e`); undefined when the entry has no such field. */
  readonly raw: string | undefined
  /** Publishing instance (field `o`). */
  readonly origin: string | undefined
}

const toEntry = (item: unknown): StreamEntry | undefined => {
  if (!Array.isArray(item) || typeof item[0] !== "string") return undefined
  const fields = Array.isArray(item[1]) ? (item[1] as Array<unknown>) : []
  let raw: string | undefined
  let origin: string | undefined
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "e") raw = String(fields[i + 1])
    else if (fields[i] === "o") origin = String(fields[i + 1])
  }
  return { id: item[0], raw, origin }
}

const toEntries = (list: unknown): Array<StreamEntry> => {
  if (!Array.isArray(list)) return []
  const out: Array<StreamEntry> = []
  for (const item of list) {
    const entry = toEntry(item)
    if (entry !== undefined) out.push(entry)
  }
  return out
}

/** `XREADGROUP ... STREAMS key id` → the entries of that one stream (none on timeout). */
export const parseReadGroup = (reply: unknown): Array<StreamEntry> => {
  if (reply === null || reply === undefined) return []
  if (Array.isArray(reply)) {
    // RESP2: [[key, entries]]
    const first = reply[0]
    return Array.isArray(first) ? toEntries(first[1]) : []
  }
  if (typeof reply === "object") {
    for (const value of Object.values(reply as Record<string, unknown>)) return toEntries(value)
  }
  return []
}

export interface AutoClaimReply {
  readonly next: string
  readonly entries: Array<StreamEntry>
  /** Ids that were pending but trimmed from the stream: their payload is gone. */
  readonly deleted: Array<string>
}

/** `XAUTOCLAIM` → next cursor, claimed entries, ids deleted from the stream meanwhile. */
export const parseAutoClaim = (reply: unknown): AutoClaimReply => {
  if (!Array.isArray(reply)) return { next: "0-0", entries: [], deleted: [] }
  const deleted = Array.isArray(reply[2]) ? (reply[2] as Array<unknown>).map(String) : []
  return { next: String(reply[0] ?? "0-0"), entries: toEntries(reply[1]), deleted }
}

export interface PendingRow {
  readonly id: string
  readonly consumer: string
  readonly idleMs: number
  readonly deliveries: number
}

/** `XPENDING key group [IDLE ms] start end count [consumer]` → one row per pending entry. */
export const parsePendingRows = (reply: unknown): Array<PendingRow> =>
  Array.isArray(reply)
    ? reply.flatMap(
        (row): Array<PendingRow> =>
          Array.isArray(row)
            ? [{ id: String(row[0]), consumer: String(row[1]), idleMs: Number(row[2]), deliveries: Number(row[3]) }]
            : [],
      )
    : []

export interface PendingSummary {
  readonly count: number
  readonly consumers: ReadonlyArray<{ readonly name: string; readonly pending: number }>
}

/** `XPENDING key group` → total and per-consumer counts. */
export const parsePendingSummary = (reply: unknown): PendingSummary => {
  if (!Array.isArray(reply)) return { count: 0, consumers: [] }
  const consumers = Array.isArray(reply[3])
    ? (reply[3] as Array<unknown>).flatMap((row) =>
        Array.isArray(row) ? [{ name: String(row[0]), pending: Number(row[1]) }] : [],
      )
    : []
  return { count: Number(reply[0] ?? 0), consumers }
}

/** `XINFO GROUPS key` → lag and pending per group (lag is null when Redis cannot tell). */
export const parseGroupsInfo = (
  reply: unknown,
): Map<string, { readonly pending: number; readonly lag: number | null }> => {
  const out = new Map<string, { pending: number; lag: number | null }>()
  if (!Array.isArray(reply)) return out
  for (const group of reply) {
    const fields: Record<string, unknown> = {}
    if (Array.isArray(group)) for (let i = 0; i + 1 < group.length; i += 2) fields[String(group[i])] = group[i + 1]
    else if (group !== null && typeof group === "object") Object.assign(fields, group)
    if (typeof fields.name !== "string") continue
    const lag = fields.lag === null || fields.lag === undefined ? null : Number(fields.lag)
    out.set(fields.name, { pending: Number(fields.pending ?? 0), lag })
  }
  return out
}

/** Parses and validates an entry's event against the catalogue. */
export const decodeEntry = (entry: StreamEntry): DecodeResult => {
  if (entry.raw === undefined) return { ok: false, error: "entry has no event field" }
  let value: unknown
  try {
    value = JSON.parse(entry.raw)
  } catch (cause) {
    return { ok: false, error: `not JSON: ${cause instanceof Error ? cause.message : String(cause)}` }
  }
  return decodeEvent(value)
}

/**
 * The `XADD` arguments that park an entry nobody could handle on the dead-letter stream: its raw
 * payload under `e`, then `details` (where it came from, why) in the given order; the dead-letter
 * stream is capped at about 100,000 entries.
 */
export const deadLetterArgs = (
  deadLetters: string,
  entry: StreamEntry,
  details: Readonly<Record<string, string>>,
): Array<string> => [deadLetters, "MAXLEN", "~", "100000", "*", "e", entry.raw ?? "", ...Object.entries(details).flat()]
