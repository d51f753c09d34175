/**
 * @module Books, tapes and market data for plugin workers, kept per symbol and kind with a
 * version, so a worker gets only what changed since the batch it last ran.
 *
 * A book or market value that is the same object as last batch is unchanged (the market state
 * replaces them, never edits them). A tape (`TradeTape`) counts the trades it ever appended and
 * dropped, so one that only dropped old trades and appended new ones travels as the new trades
 * alone; a worker holding the previous version drops and appends, one that holds an older one gets
 * the whole tape. A tape's trades travel as columns in a SharedArrayBuffer (time, price and amount
 * as Float64, then the sides as bytes) and their ids as JSON; books and market data as JSON (Bun's
 * structured clone of many small objects costs ten times as much). Each is made once per version
 * and only when some worker needs it.
 */
import { idOf } from "../../market-schema/index.ts"
import type { TradeTape } from "../trade-tape.ts"
import type { SharedKind, SharedUpdate } from "./protocol.ts"

/** What a worker is sent of trades: columns (see the module note) and the ids as JSON. */
interface TapePart {
  /** Trades of the tape, by position: [from, to). */
  readonly from: number
  readonly to: number
  columns?: SharedArrayBuffer
  text?: string
}

interface Entry {
  readonly id: number
  readonly kind: SharedKind
  version: number
  value: unknown
  /** The tape's counts as last versioned (the tape itself changes in place). */
  dropped: number
  appended: number
  /** Version `version - 1` → this one as a tail: drop `drop` trades, append `tail`. */
  delta: { readonly drop: number; readonly tail: TapePart } | null
  /** The whole tape of this version. */
  whole: TapePart | null
  text?: string
}

/** Trades [from, to) of `tape` as a worker reads them: columns in shared memory, ids as JSON. */
const sendable = (tape: TradeTape, part: TapePart): { columns: SharedArrayBuffer; text: string } => {
  if (part.columns === undefined || part.text === undefined) {
    const { from, to } = part
    const n = to - from
    const columns = new SharedArrayBuffer(24 * n + n)
    const f = new Float64Array(columns, 0, 3 * n)
    f.set(tape.time.subarray(from, to), 0)
    f.set(tape.price.subarray(from, to), n)
    f.set(tape.amount.subarray(from, to), 2 * n)
    new Int8Array(columns, 24 * n, n).set(tape.buy.subarray(from, to))
    const ids = new Array<string | number>(n)
    for (let i = 0; i < n; i++) ids[i] = idOf(tape.refs[from + i]!, tape.refAt[from + i]!)
    part.columns = columns
    part.text = JSON.stringify(ids)
  }
  return { columns: part.columns, text: part.text }
}

export const makeSharedStore = () => {
  const entries: Array<Entry> = []
  const bySymbol = new Map<string, Partial<Record<SharedKind, Entry>>>()
  /** Entries of the current batch, with the value each was given in it. */
  let claimed = new Map<Entry, unknown>()

  const fresh = (kind: SharedKind): Entry => {
    const e: Entry = {
      id: entries.length,
      kind,
      version: 0,
      value: undefined,
      dropped: 0,
      appended: 0,
      delta: null,
      whole: null,
    }
    entries.push(e)
    return e
  }

  /** Sets one symbol's value of `kind` for this batch; returns the entry id the contexts refer to. */
  const put = (symbol: string, kind: SharedKind, value: unknown): number => {
    let bucket = bySymbol.get(symbol)
    if (bucket === undefined) bySymbol.set(symbol, (bucket = {}))
    let e = (bucket[kind] ??= fresh(kind))
    const already = claimed.get(e)
    // A symbol's timeframes carry the same objects: the first context of the batch settled it.
    if (already !== undefined && already === value) return e.id
    // Two contexts of one symbol with different objects in one batch (rare): the second gets an entry of its own.
    if (already !== undefined) e = fresh(kind)
    claimed.set(e, value)
    if (kind !== "trades") {
      if (e.value !== value || e.version === 0) {
        e.value = value
        e.version++
        e.text = undefined
      }
      return e.id
    }
    const tape = value as TradeTape
    const { dropped, appended } = tape
    if (e.value === tape && e.dropped === dropped && e.appended === appended && e.version > 0) return e.id
    // Built from the tape's current state when some worker needs it: nothing changes it during a batch.
    const continued = e.value === tape && e.version > 0 && dropped >= e.dropped && dropped <= e.appended
    e.delta = continued
      ? { drop: dropped - e.dropped, tail: { from: e.appended - dropped, to: appended - dropped } }
      : null
    e.whole = { from: 0, to: tape.length }
    e.value = tape
    e.dropped = dropped
    e.appended = appended
    e.version++
    return e.id
  }

  /**
   * The updates a worker needs for the entries of this batch it is `wanted` for (by entry id),
   * given the versions it holds (updated in place to what it will hold after this batch).
   */
  const updatesFor = (held: Map<number, number>, wanted: Uint8Array): Array<SharedUpdate> => {
    const out: Array<SharedUpdate> = []
    for (const e of claimed.keys()) {
      if (wanted[e.id] !== 1) continue
      const had = held.get(e.id)
      if (had === e.version) continue
      held.set(e.id, e.version)
      if (e.kind === "trades") {
        const tape = e.value as TradeTape
        if (e.delta !== null && had === e.version - 1) {
          const { columns, text } = sendable(tape, e.delta.tail)
          out.push({ id: e.id, kind: e.kind, version: e.version, text, columns, drop: e.delta.drop })
        } else {
          const { columns, text } = sendable(tape, e.whole!)
          out.push({ id: e.id, kind: e.kind, version: e.version, text, columns })
        }
      } else {
        e.text ??= JSON.stringify(e.value)
        out.push({ id: e.id, kind: e.kind, version: e.version, text: e.text })
      }
    }
    return out
  }

  return {
    put,
    updatesFor,
    /** Entry ids are below this. */
    get size() {
      return entries.length
    },
    /** Starts a new batch. */
    begin: () => {
      claimed = new Map()
    },
  }
}
