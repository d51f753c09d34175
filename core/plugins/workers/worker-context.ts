/**
 * @module What a plugin worker keeps between batches and builds the contexts from: every
 * symbol's book, tape and market data (parsed and frozen as they arrive, kept until a newer
 * version comes) and, from `worker-windows.ts`, its private copies of the candle windows.
 */
import type { Timeframe, Trade } from "../../market-schema/index.ts"
import type { TapeColumns } from "../scoring/tape.ts"
import type { IndicatorContext, InputValues, ParamValue } from "../sdk.ts"
import * as ta from "../../ta/index.ts"
import { CALL_INTS, CONTEXT_INTS, type SharedUpdate } from "./protocol.ts"
import { receiveTape, tapeIntact, tapeTrades } from "./worker-tape.ts"
import { beginWindows, detachUnused, seriesDef, windowFor, type WindowCopy } from "./worker-windows.ts"

/** Freezes plain objects and arrays; typed arrays cannot be frozen (each call gets its own copy). */
const deepFreeze = <T>(v: T): T => {
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

// ---- books, tapes, market data -----------------------------------------------------------------

/**
 * Each entry's current value. Updates are applied as they arrive: after the first batch only
 * what changed comes (a new book, a tape's new trades), so parsing costs what changed.
 *
 * Read-only by contract, and enforced two ways: plain objects (a trade, a book, the market
 * data, a tape's view of its columns) are frozen, so a write throws; arrays (a book side, a
 * level, the tape's trade objects) and a tape's typed columns are not — JSC reads a frozen array
 * about ten times slower, and a typed array cannot be frozen — but each is kept with a copy of
 * its elements, checked after a batch that handed it out (`sharedIntact`) and put back when a
 * plugin changed it.
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

/** The tape's trades as objects, made when a plugin first reads them (frozen, the array guarded). */
const tradesOf = (id: number): ReadonlyArray<Trade> =>
  tapeTrades(id, (trades) => {
    const into: Array<readonly [Array<unknown>, ReadonlyArray<unknown>]> = []
    protect(trades, into)
    guards[id] = into
  })

export const receiveShared = (updates: ReadonlyArray<SharedUpdate>): void => {
  for (const u of updates) {
    if (u.kind === "trades") {
      shared[u.id] = receiveTape(u)
      guards[u.id] = []
      continue
    }
    const parsed = JSON.parse(u.text) as unknown
    const into: Array<readonly [Array<unknown>, ReadonlyArray<unknown>]> = []
    protect(parsed, into)
    shared[u.id] = parsed
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
let batchNo = 0

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
    if (!tapeIntact(id)) ok = false
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
 * The batch's bases by context position: each window's copy as of this batch
 * (`worker-windows.ts`), and the ids of its symbol's book, tape and market data.
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
  const previous = beginWindows()
  handedOut = []
  // Only the contexts this worker's calls use: the batch's other contexts are other workers'.
  const used = new Uint8Array(n)
  for (let j = 1; j < calls.length; j += CALL_INTS) used[calls[j]] = 1
  for (let i = 0; i < n; i++) {
    if (used[i] === 0) continue
    const o = i * CONTEXT_INTS
    const c = windowFor(
      {
        id: contexts[o],
        start: contexts[o + 1],
        length: contexts[o + 2],
        stride: contexts[o + 3],
        written: contexts[o + 7],
        writtenFrom: contexts[o + 8],
        writtenAfter: contexts[o + 9],
      },
      batch,
    )
    const def = seriesDef(c.id)
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
  detachUnused(previous, batch)
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
    const tape = shared[b.trades] as TapeColumns
    const id = b.trades
    ctx = {
      symbol,
      timeframe,
      candles,
      ta,
      market,
      orderbook,
      tape,
      get trades() {
        return tradesOf(id)
      },
      params,
      inputs,
      history,
    }
  } else if (b.book >= 0) {
    const orderbook = shared[b.book] as IndicatorContext["orderbook"]
    ctx = { symbol, timeframe, candles, ta, market, orderbook, params, inputs, history }
  } else if (b.trades >= 0) {
    const tape = shared[b.trades] as TapeColumns
    const id = b.trades
    ctx = {
      symbol,
      timeframe,
      candles,
      ta,
      market,
      tape,
      get trades() {
        return tradesOf(id)
      },
      params,
      inputs,
      history,
    }
  } else ctx = { symbol, timeframe, candles, ta, market, params, inputs, history }
  return b.extra === undefined ? ctx : { ...ctx, ...b.extra }
}
