/**
 * @module What a plugin worker keeps between batches and builds the contexts from: private
 * copies of the candle windows of the host's arena (copied again when the host wrote one), the
 * series it has been told of, and every symbol's book, tape and market data (parsed and
 * frozen as they arrive, kept until a newer version comes).
 */
import type { Timeframe } from "../../market-schema/index.ts"
import type { IndicatorContext, InputValues, ParamValue } from "../sdk.ts"
import * as ta from "../../ta/index.ts"
import { CALL_INTS, COLUMNS, CONTEXT_INTS, type HostMessage, type SeriesDef, type SharedUpdate } from "./protocol.ts"

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
  /** The window copy its candles view. */
  readonly copy: WindowCopy
}

// ---- candle windows ----------------------------------------------------------------------------

/**
 * A private copy of one series' window: its six columns back to back in a buffer of its own, so
 * a plugin reaches (through `candles.close.buffer`) only the candles it was given.
 */
export interface WindowCopy {
  readonly id: number
  /** Where the window lies in the arena (f64 index of its first time value), its length and stride. */
  readonly start: number
  readonly length: number
  readonly stride: number
  /** The arena version that last wrote the window: a newer one means the copy is stale. */
  readonly written: number
  buffer: ArrayBuffer
  /** A byte view of `buffer`, for comparing it with the arena. */
  bytes: Buffer
  /** Views of `buffer`; null after the buffer was detached, until the copy is handed out again. */
  candles: IndicatorContext["candles"] | null
  /** The batch that last handed it to plugins. */
  batch: number
}

/** The host's arena: read to copy windows and to check them after a batch. */
let master: Float64Array<ArrayBufferLike> = new Float64Array(0)
let masterBytes: Buffer = Buffer.alloc(0)
const series: Array<SeriesDef> = []
/** By series id: the copy of its window last handed out. */
let copies: Array<WindowCopy | undefined> = []
/** The copies handed to plugins in the current batch. */
let exposed: Array<WindowCopy> = []
let batchNo = 0

/** Takes the batch's new series and, when the host sent one, a new arena (older copies are dropped). */
export const syncArena = (m: Extract<HostMessage, { type: "run" }>): void => {
  for (const s of m.series) series[s.id] = s
  if (m.arena === undefined) return
  master = new Float64Array(m.arena)
  masterBytes = Buffer.from(m.arena)
  copies = []
  exposed = []
}

const viewsOf = (buffer: ArrayBuffer, length: number): IndicatorContext["candles"] => {
  const cols = {} as Record<(typeof COLUMNS)[number], Float64Array>
  for (let k = 0; k < COLUMNS.length; k++) cols[COLUMNS[k]] = new Float64Array(buffer, 8 * k * length, length)
  return Object.freeze(cols)
}

/**
 * A current copy of a window. A window the host wrote since (usually: slid forward by a candle)
 * refills the buffer of its previous copy when that has the same length and is not detached —
 * no new buffer and views per window and batch; a plugin that kept those views reads this
 * batch's candles, which is what it is handed anyway.
 */
const copyWindow = (
  id: number,
  start: number,
  length: number,
  stride: number,
  written: number,
  previous: WindowCopy | undefined,
): WindowCopy => {
  // Not a copy this batch already handed out (the same series twice in one batch keeps both).
  const reuse =
    previous !== undefined && previous.length === length && previous.candles !== null && previous.batch !== batchNo
  const buffer = reuse ? previous.buffer : new ArrayBuffer(8 * COLUMNS.length * length)
  const f = new Float64Array(buffer)
  for (let k = 0; k < COLUMNS.length; k++) {
    const at = start + k * stride
    f.set(master.subarray(at, at + length), k * length)
  }
  if (reuse) return { ...previous, start, stride, written, batch: 0 }
  const candles = viewsOf(buffer, length)
  return { id, start, length, stride, written, buffer, bytes: Buffer.from(buffer), candles, batch: 0 }
}

/** Whether `c` still holds what the arena holds; a changed column is put back. */
export const windowIntact = (c: WindowCopy): boolean => {
  const bytes = c.bytes
  const n = 8 * c.length
  let ok = true
  for (let k = 0; k < COLUMNS.length; k++) {
    const at = 8 * (c.start + k * c.stride)
    if (masterBytes.compare(bytes, k * n, (k + 1) * n, at, at + n) === 0) continue
    ok = false
    masterBytes.copy(bytes, k * n, at, at + n)
  }
  return ok
}

/** Whether every window handed out in this batch is as the host wrote it (a changed one is put back). */
export const windowsIntact = (): boolean => {
  let ok = true
  for (const c of exposed) if (!windowIntact(c)) ok = false
  return ok
}

// ---- books, tapes, market data -----------------------------------------------------------------

/**
 * Each entry's current value. Updates are applied as they arrive: after the first batch only
 * what changed comes (a new book, a tape's new trades), so parsing costs what changed.
 *
 * Read-only by contract, and enforced two ways: plain objects (a trade, a book, the market
 * data) are frozen, so a write throws; arrays (a tape, a book side, a level) are not — JSC reads
 * a frozen array about ten times slower — but each is kept with a copy of its elements, checked
 * after a batch that handed it out (`sharedIntact`) and put back when a plugin changed it.
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

/** The book, tape and market entries the current batch hands out, each once. */
let handedOut: Array<number> = []
const handedIn: Array<number> = []

const handOut = (id: number, batch: number) => {
  if (id < 0 || handedIn[id] === batch) return
  handedIn[id] = batch
  handedOut.push(id)
}

/**
 * Whether every book, tape and market array the batch handed out is as the host sent it; a
 * changed one is put back. Arrays a plugin kept from an earlier batch and changed meanwhile are
 * found when a batch next hands them out, before its results go back.
 */
export const sharedIntact = (): boolean => {
  let ok = true
  for (const id of handedOut) {
    const list = guards[id]
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

/**
 * The batch's bases by context position. A window is copied when it is new to this worker or
 * the host wrote it since; otherwise the copy is reused. Copies handed out in the previous batch
 * and not in this one are detached (their buffer moves to a new one, old views read as empty),
 * so a plugin that kept candles from an earlier call can write only into windows this batch
 * hands out — the ones compared after it.
 */
export const basesOf = (
  contexts: Int32Array,
  calls: Int32Array,
  extra: ReadonlyArray<readonly [number, Readonly<Record<string, unknown>>]>,
): Array<Base> => {
  const n = contexts.length / CONTEXT_INTS
  const extras = new Map(extra)
  const out = new Array<Base>(n)
  const batch = ++batchNo
  const previous = exposed
  exposed = []
  handedOut = []
  // Only the contexts this worker's calls use: the batch's other contexts are other workers'.
  const used = new Uint8Array(n)
  for (let j = 1; j < calls.length; j += CALL_INTS) used[calls[j]] = 1
  for (let i = 0; i < n; i++) {
    if (used[i] === 0) continue
    const o = i * CONTEXT_INTS
    const id = contexts[o]
    const def = series[id]
    const start = contexts[o + 1]
    const length = contexts[o + 2]
    const stride = contexts[o + 3]
    const written = contexts[o + 7]
    let c = copies[id]
    if (c === undefined || c.start !== start || c.length !== length || c.stride !== stride || c.written !== written)
      copies[id] = c = copyWindow(id, start, length, stride, written, c)
    if (c.batch !== batch) {
      c.batch = batch
      c.candles ??= viewsOf(c.buffer, c.length)
      exposed.push(c)
    }
    handOut(contexts[o + 4], batch)
    handOut(contexts[o + 5], batch)
    handOut(contexts[o + 6], batch)
    const x = extras.get(i)
    out[i] = {
      symbol: def.symbol,
      timeframe: def.timeframe,
      candles: c.candles!,
      market: contexts[o + 4],
      book: contexts[o + 5],
      trades: contexts[o + 6],
      extra: x === undefined ? undefined : deepFreeze(x),
      copy: c,
    }
  }
  for (const c of previous) {
    if (c.batch === batch || copies[c.id] !== c) continue
    c.buffer = c.buffer.transfer()
    c.bytes = Buffer.from(c.buffer)
    c.candles = null
  }
  return out
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
