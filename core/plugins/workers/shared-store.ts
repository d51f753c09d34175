/**
 * @module Books, tapes and market data for plugin workers, kept per symbol and kind with a
 * version, so a worker gets only what changed since the batch it last ran.
 *
 * A book or market value that is the same object as last batch is unchanged (the market state
 * replaces them, never edits them). A tape is compared trade by trade (by identity: trades are
 * immutable), so one that only dropped old trades and appended new ones travels as the new
 * trades alone; a worker holding the previous version drops and appends, one that holds an older
 * one gets the whole tape. Texts are JSON (Bun's structured clone of many small objects costs
 * ten times as much), made once per version and only when some worker needs them.
 */
import type { Trade } from "../../market-schema/index.ts"
import type { SharedKind, SharedUpdate } from "./protocol.ts"

interface Entry {
  readonly id: number
  readonly kind: SharedKind
  version: number
  value: unknown
  /** The tape as last seen (own copy of the references: the market state edits its tape in place). */
  tape: ReadonlyArray<Trade> | null
  /** Version `version - 1` → this one as a tail: drop `drop` trades, append `tail`. */
  delta: { readonly drop: number; readonly tail: ReadonlyArray<Trade>; text?: string } | null
  text?: string
}

/** Where `next` continues `prev` (dropped some head, appended some tail), or null. */
const continues = (prev: ReadonlyArray<Trade>, next: ReadonlyArray<Trade>): number | null => {
  if (next.length === 0) return null
  const drop = prev.indexOf(next[0])
  if (drop < 0) return null
  const overlap = prev.length - drop
  if (overlap > next.length) return null
  for (let j = 1; j < overlap; j++) if (prev[drop + j] !== next[j]) return null
  return drop
}

const sameTape = (prev: ReadonlyArray<Trade>, next: ReadonlyArray<Trade>): boolean => {
  if (prev.length !== next.length) return false
  for (let j = 0; j < next.length; j++) if (prev[j] !== next[j]) return false
  return true
}

export const makeSharedStore = () => {
  const entries: Array<Entry> = []
  const bySymbol = new Map<string, Partial<Record<SharedKind, Entry>>>()
  /** Entries of the current batch, with the value each was given in it. */
  let claimed = new Map<Entry, unknown>()

  const fresh = (kind: SharedKind): Entry => {
    const e: Entry = { id: entries.length, kind, version: 0, value: undefined, tape: null, delta: null }
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
        e.delta = null
      }
      return e.id
    }
    const tape = value as ReadonlyArray<Trade>
    if (e.tape !== null && sameTape(e.tape, tape)) {
      e.value = tape
      return e.id
    }
    const drop = e.tape === null ? null : continues(e.tape, tape)
    e.delta = drop === null ? null : { drop, tail: tape.slice(e.tape!.length - drop) }
    e.value = tape
    e.tape = tape.slice()
    e.text = undefined
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
      if (e.delta !== null && had === e.version - 1) {
        e.delta.text ??= JSON.stringify(e.delta.tail)
        out.push({ id: e.id, kind: e.kind, version: e.version, text: e.delta.text, drop: e.delta.drop })
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

export type SharedStore = ReturnType<typeof makeSharedStore>
