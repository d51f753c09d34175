/**
 * @module Warm and cold tiers: one gzip NDJSON file per UTC day (`YYYY-MM-DD.ndjson.gz`).
 * New rows are added as an extra gzip member written to a temp file and renamed over the old
 * one, so a crash never leaves a torn file; a crash between the rename and the SQLite delete
 * can leave an event in both tiers, which readers dedup by id. Books and trade batches are
 * written in their integer-column form (payload-codec.ts), which gzip shrinks about twice as far
 * as their JSON; a line whose payload is an array is that form (payloads are objects), so files
 * written before it read as they are.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"
import { gzipMembers } from "./gzip-members.ts"
import { compactPayload, expandPayload } from "./payload-codec.ts"
import type { StoredEvent } from "./schema.ts"

const DAY_MS = 86_400_000
const FILE = /^(\d{4}-\d{2}-\d{2})\.ndjson\.gz$/

export const dayOf = (time: number): string => new Date(Math.floor(time / DAY_MS) * DAY_MS).toISOString().slice(0, 10)
export const dayStart = (day: string): number => Date.parse(`${day}T00:00:00.000Z`)

const eventsOf = (text: string): Array<StoredEvent> => {
  const out: Array<StoredEvent> = []
  for (const line of text.split("\n")) {
    if (line.length === 0) continue
    const event = JSON.parse(line) as StoredEvent
    out.push(
      Array.isArray(event.payload) ? ({ ...event, payload: expandPayload(event.payload) } as StoredEvent) : event,
    )
  }
  return out
}

export class DayFiles {
  constructor(readonly dir: string) {}

  private file(day: string): string {
    return join(this.dir, `${day}.ndjson.gz`)
  }

  /** Days present, ascending. */
  days(): Array<string> {
    if (!existsSync(this.dir)) return []
    return readdirSync(this.dir)
      .map((f) => FILE.exec(f)?.[1])
      .filter((d): d is string => d !== undefined)
      .sort()
  }

  append(day: string, events: ReadonlyArray<StoredEvent>): void {
    mkdirSync(this.dir, { recursive: true })
    const target = this.file(day)
    const temp = `${target}.tmp`
    const lines = events.map((e) => JSON.stringify({ ...e, payload: compactPayload(e) }))
    const member = Bun.gzipSync(Buffer.from(lines.join("\n") + "\n"))
    const fd = openSync(temp, "w")
    try {
      if (existsSync(target)) writeSync(fd, readFileSync(target))
      writeSync(fd, member)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, target)
  }

  read(day: string): Array<StoredEvent> {
    const target = this.file(day)
    if (!existsSync(target)) return []
    // node:zlib reads every gzip member; Bun.gunzipSync stops after the first.
    return eventsOf(gunzipSync(readFileSync(target)).toString())
  }

  /**
   * The day's events one gzip member at a time (one tiering pass's rows each, at most its chunk),
   * in file order: a reader holds one member's events, not the day's.
   */
  *readMembers(day: string): Generator<Array<StoredEvent>> {
    const target = this.file(day)
    if (!existsSync(target)) return
    for (const text of gzipMembers(readFileSync(target))) yield eventsOf(text)
  }

  /** Moves a day's file to another tier directory. */
  moveTo(day: string, other: DayFiles): void {
    mkdirSync(other.dir, { recursive: true })
    renameSync(this.file(day), other.file(day))
  }

  remove(day: string): void {
    rmSync(this.file(day), { force: true })
  }
}
