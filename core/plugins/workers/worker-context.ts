/**
 * @module What a plugin worker keeps between batches and builds the contexts from: a private
 * mirror of the host's candle arena (updated by the ranges the host wrote since the last batch),
 * the series it has been told of, and every symbol's book, tape and market data (parsed and
 * frozen as they arrive, kept until a newer version comes).
 */
import type { Timeframe } from "../../market-schema/index.ts"
import type { IndicatorContext, InputValues, ParamValue } from "../sdk.ts"
import * as ta from "../../ta/index.ts"
import { COLUMNS, CONTEXT_INTS, type HostMessage, type SeriesDef, type SharedUpdate } from "./protocol.ts"

/** Freezes plain objects and arrays; typed arrays cannot be frozen (each call gets its own copy). */
export const deepFreeze = <T>(v: T): T => {
  if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v) && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k])
  }
  return v
}

/** What a call's context is built from: the series' fields and the ids of its symbol's shared values. */
export interface Base {
  readonly symbol: string
  readonly timeframe: Timeframe
  readonly candles: IndicatorContext["candles"]
  readonly market: number
  readonly book: number
  readonly trades: number
  readonly extra: Readonly<Record<string, unknown>> | undefined
  /** Where the window lies in the arena (f64 index of its first time value), its length and stride. */
  readonly start: number
  readonly length: number
  readonly stride: number
}

// ---- candle arena mirror -------------------------------------------------------------------

/** The host's arena (read by the integrity check only) and the worker's private copy plugins read. */
export let master: Float64Array<ArrayBufferLike> = new Float64Array(0)
export let mirror: Float64Array<ArrayBufferLike> = new Float64Array(0)
let generation = 0
const series: Array<SeriesDef> = []

/** Brings the mirror up to the host's arena: all of it when a new buffer came, else the dirty ranges. */
export const syncArena = (m: Extract<HostMessage, { type: "run" }>): void => {
  for (const s of m.series) series[s.id] = s
  if (m.arena !== undefined) {
    master = new Float64Array(m.arena)
    mirror = new Float64Array(master.length)
    mirror.set(master)
    generation++
    return
  }
  const d = m.dirty
  for (let i = 0; i < d.length; i += 2) mirror.set(master.subarray(d[i], d[i + 1]), d[i])
}

// ---- books, tapes, market data -----------------------------------------------------------------

/**
 * Each entry's current value. Updates are applied as they arrive: after the first batch only
 * what changed comes (a new book, a tape's new trades), so parsing costs what changed.
 *
 * Read-only by contract, and enforced two ways: plain objects (a trade, a book, the market
 * data) are frozen, so a write throws; arrays (a tape, a book side, a level) are not — JSC reads
 * a frozen array about ten times slower — but each is kept with a copy of its elements, checked
 * after the batch (`sharedIntact`) and put back when a plugin changed it.
 */
const shared: Array<unknown> = []
const guards: Array<Array<readonly [Array<unknown>, ReadonlyArray<unknown>]>> = []

const protect = (v: unknown, into: Array<readonly [Array<unknown>, ReadonlyArray<unknown>]>): void => {
  if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return
  if (Array.isArray(v)) {
    into.push([v, v.slice()])
    for (let i = 0; i < v.length; i++) protect(v[i], into)
    return
  }
  if (Object.isFrozen(v)) return
  Object.freeze(v)
  for (const k of Object.keys(v)) protect((v as Record<string, unknown>)[k], into)
}

export const receiveShared = (updates: ReadonlyArray<SharedUpdate>): void => {
  for (const u of updates) {
    const parsed = JSON.parse(u.text) as unknown
    const into: Array<readonly [Array<unknown>, ReadonlyArray<unknown>]> = []
    if (u.drop === undefined) {
      protect(parsed, into)
      shared[u.id] = parsed
    } else {
      // A tape: its older trades are frozen already; the new array and the new trades are guarded.
      const next = (shared[u.id] as ReadonlyArray<unknown>).slice(u.drop)
      const tail = parsed as Array<unknown>
      for (let i = 0; i < tail.length; i++) next.push(tail[i])
      protect(next, into)
      shared[u.id] = next
    }
    guards[u.id] = into
  }
}

const sameElements = (a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !Object.is(a[i], b[i])) return false
  return true
}

/** Whether every book, tape and market array is as the host sent it; a changed one is put back. */
export const sharedIntact = (): boolean => {
  let ok = true
  for (const list of guards) {
    if (list === undefined) continue
    for (const [a, copy] of list) {
      if (sameElements(a, copy)) continue
      ok = false
      a.length = 0
      for (let i = 0; i < copy.length; i++) a.push(copy[i])
    }
  }
  return ok
}

// ---- contexts ----------------------------------------------------------------------------------

/** Bases of the last batch by context position, reused while a series' window stays where it was. */
let previous: Array<Base> = []
let previousGeneration = -1

export const basesOf = (
  contexts: Int32Array,
  extra: ReadonlyArray<readonly [number, Readonly<Record<string, unknown>>]>,
): Array<Base> => {
  const n = contexts.length / CONTEXT_INTS
  const extras = new Map(extra)
  const out = new Array<Base>(n)
  const reuse = previousGeneration === generation
  for (let i = 0; i < n; i++) {
    const o = i * CONTEXT_INTS
    const def = series[contexts[o]]
    const start = contexts[o + 1]
    const length = contexts[o + 2]
    const stride = contexts[o + 3]
    const old = reuse ? previous[i] : undefined
    const candles =
      old !== undefined && old.start === start && old.length === length && old.stride === stride
        ? old.candles
        : columnsAt(start, length, stride)
    const x = extras.get(i)
    out[i] = {
      symbol: def.symbol,
      timeframe: def.timeframe,
      candles,
      market: contexts[o + 4],
      book: contexts[o + 5],
      trades: contexts[o + 6],
      extra: x === undefined ? undefined : deepFreeze(x),
      start,
      length,
      stride,
    }
  }
  previous = out
  previousGeneration = generation
  return out
}

const columnsAt = (start: number, length: number, stride: number): IndicatorContext["candles"] => {
  const cols = {} as Record<(typeof COLUMNS)[number], Float64Array>
  for (let k = 0; k < COLUMNS.length; k++)
    cols[COLUMNS[k]] = mirror.subarray(start + k * stride, start + k * stride + length)
  return Object.freeze(cols)
}

/**
 * A fresh context per call (a plugin may keep it); absent book or tape stay absent keys. One
 * literal per shape, so every call's context has the same hidden class (property reads stay
 * fast); only a context with extra fields takes the generic path.
 */
export const contextFor = (b: Base, params: Readonly<Record<string, ParamValue>>, v: InputValues): IndicatorContext => {
  const { symbol, timeframe, candles } = b
  const { inputs, history } = v
  const market = shared[b.market] as IndicatorContext["market"]
  let ctx: IndicatorContext
  if (b.book >= 0 && b.trades >= 0) {
    const orderbook = shared[b.book] as IndicatorContext["orderbook"]
    const trades = shared[b.trades] as IndicatorContext["trades"]
    ctx = { symbol, timeframe, candles, ta, market, orderbook, trades, params, inputs, history }
  } else if (b.book >= 0) {
    const orderbook = shared[b.book] as IndicatorContext["orderbook"]
    ctx = { symbol, timeframe, candles, ta, market, orderbook, params, inputs, history }
  } else if (b.trades >= 0) {
    const trades = shared[b.trades] as IndicatorContext["trades"]
    ctx = { symbol, timeframe, candles, ta, market, trades, params, inputs, history }
  } else ctx = { symbol, timeframe, candles, ta, market, params, inputs, history }
  return b.extra === undefined ? ctx : { ...ctx, ...b.extra }
}
