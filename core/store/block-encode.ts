/**
 * @module A block's bytes as fold.ts and the recording writer write them: format 3 of
 * market-blocks.ts, the superseded books apart in the tail so a replay need read neither their
 * payloads nor their headers.
 *
 * Two chains of headers: the lead's events (every event but a superseded book) and the tail's
 * (the superseded books), each with its own seq, time and id deltas, so either is walked without
 * the other. Where superseded books stood among the lead's events, the lead says how many.
 */
import { BYTES, FORMAT_SKIPPABLE, type MarketRow, SKIPPED, SKIPPED_ONE, TEXT, TYPE_INDEX } from "./market-blocks.ts"
import { ByteWriter } from "./packed-bytes.ts"

/** A block's bytes: the lead and the tail (the superseded books; null if none). */
export interface EncodedBlock {
  readonly lead: Uint8Array
  readonly tail: Uint8Array | null
}

const utf8 = new TextEncoder()
const leadWriter = new ByteWriter()
const tailWriter = new ByteWriter()

/** The last event written to a chain: the deltas and the id's shared prefix start from it. */
interface Chain {
  seq: number
  time: number
  id: Uint8Array
}

/** `row`'s header after its type: seq and time deltas, version, source, id. */
const header = (w: ByteWriter, chain: Chain, row: MarketRow, source: number): void => {
  w.uvarint(row.seq - chain.seq)
  w.svarint(row.time - chain.time)
  chain.seq = row.seq
  chain.time = row.time
  w.uvarint(row.version)
  w.uvarint(source)
  const id = utf8.encode(row.id)
  let shared = 0
  const most = Math.min(id.length, chain.id.length)
  while (shared < most && id[shared] === chain.id[shared]) shared++
  w.uvarint(shared)
  w.bytes(id.subarray(shared))
  chain.id = id
}

const payload = (w: ByteWriter, row: MarketRow): void => {
  const isText = typeof row.payload === "string"
  w.byte(isText ? TEXT : BYTES)
  w.bytes(isText ? utf8.encode(row.payload as string) : (row.payload as Uint8Array))
}

/**
 * The block of `rows` (one symbol, commit order). Its row's `seq` is the first row's and its
 * `time` is `baseTime` (the earliest), where both chains' deltas start.
 */
export const encodeBlock = (rows: ReadonlyArray<MarketRow>, baseTime: number): EncodedBlock => {
  const w = leadWriter.reset()
  const tail = tailWriter.reset()
  w.byte(FORMAT_SKIPPABLE)
  w.uvarint(rows.length)
  const sources = [...new Set(rows.map((r) => r.source))]
  w.uvarint(sources.length)
  for (const s of sources) w.string(s)
  let lastBook = -1
  for (let i = rows.length - 1; i >= 0 && lastBook < 0; i--) if (rows[i]!.type === "market.orderbook") lastBook = i
  const first = rows[0]!.seq
  const lead: Chain = { seq: first, time: baseTime, id: new Uint8Array(0) }
  const behind: Chain = { seq: first, time: baseTime, id: new Uint8Array(0) }
  let skipped = 0
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    const source = sources.indexOf(row.source)
    if (row.type === "market.orderbook" && i !== lastBook) {
      header(tail, behind, row, source)
      payload(tail, row)
      skipped++
      continue
    }
    // Books and trade batches alternate: most runs of superseded books are one book, one byte.
    if (skipped === 1) w.byte(SKIPPED_ONE)
    else if (skipped > 1) {
      w.byte(SKIPPED)
      w.uvarint(skipped)
    }
    skipped = 0
    w.byte(TYPE_INDEX.get(row.type)!)
    header(w, lead, row, source)
    payload(w, row)
  }
  // Superseded books come before the last book, so none are left over.
  return { lead: w.finish(), tail: tail.length === 0 ? null : tail.finish() }
}
