/**
 * @module The contexts a plugin worker hands to `compute`: candle columns as views of the
 * worker's copy of the batch's arena, books, tapes and market data parsed and frozen on first
 * read, and one object literal per shape so every call's context has the same hidden class.
 */
import type { IndicatorContext, InputValues, ParamValue } from "../sdk.ts"
import * as ta from "../../ta/index.ts"
import { COLUMNS, type ContextRef, type SharedInputs, type SharedTexts } from "./protocol.ts"

/** Freezes plain objects and arrays; typed arrays cannot be frozen (each call gets its own copy). */
export const deepFreeze = <T>(v: T): T => {
  if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v) && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k])
  }
  return v
}

/** What a call's context is built from: the series' fields, and its symbol's shared inputs. */
export interface Base {
  readonly symbol: string
  readonly timeframe: IndicatorContext["timeframe"]
  readonly candles: IndicatorContext["candles"]
  readonly shared: number
  readonly hasBook: boolean
  readonly hasTrades: boolean
  readonly extra: Readonly<Record<string, unknown>> | undefined
}

/**
 * Book, tape and market data of the batch (JSON per symbol and kind), parsed and frozen when a
 * plugin first reads them (getters on each call's context), so a worker whose plugins never
 * read the tape does not pay for parsing and freezing ~100 k trades.
 */
let sharedTexts: ReadonlyArray<SharedTexts> = []
let parsed: Array<{ -readonly [K in keyof SharedInputs]?: SharedInputs[K] }> = []
const sharedAt = <K extends keyof SharedInputs>(i: number, kind: K): SharedInputs[K] => {
  const p = (parsed[i] ??= {})
  if (!(kind in p)) {
    const text = sharedTexts[i][kind]
    p[kind] = text === undefined ? undefined : deepFreeze(JSON.parse(text))
  }
  return p[kind] as SharedInputs[K]
}

export const contextsOf = (
  refs: ReadonlyArray<ContextRef>,
  shared: ReadonlyArray<SharedTexts>,
  arena: Float64Array,
): Array<Base> => {
  sharedTexts = shared
  parsed = []
  return refs.map((r) => {
    const cols = {} as Record<(typeof COLUMNS)[number], Float64Array>
    for (let i = 0; i < COLUMNS.length; i++)
      cols[COLUMNS[i]] = arena.subarray(r.offset + i * r.length, r.offset + (i + 1) * r.length)
    const s = shared[r.shared]
    return {
      symbol: r.symbol,
      timeframe: r.timeframe,
      candles: Object.freeze(cols),
      shared: r.shared,
      hasBook: s.orderbook !== undefined,
      hasTrades: s.trades !== undefined,
      extra: r.extra === undefined ? undefined : deepFreeze(r.extra),
    }
  })
}

/**
 * A fresh context per call (a plugin may keep it); absent book or tape stay absent keys. One
 * literal per shape, so every call's context has the same hidden class (property reads stay
 * fast); only a context with extra fields takes the generic path.
 */
export const contextFor = (b: Base, params: Readonly<Record<string, ParamValue>>, v: InputValues): IndicatorContext => {
  const i = b.shared
  const { symbol, timeframe, candles } = b
  const { inputs, history } = v
  let ctx: IndicatorContext
  if (b.hasBook && b.hasTrades) {
    ctx = {
      symbol,
      timeframe,
      candles,
      ta,
      params,
      inputs,
      history,
      get market() {
        return sharedAt(i, "market")
      },
      get orderbook() {
        return sharedAt(i, "orderbook")
      },
      get trades() {
        return sharedAt(i, "trades")
      },
    }
  } else if (b.hasBook) {
    ctx = {
      symbol,
      timeframe,
      candles,
      ta,
      params,
      inputs,
      history,
      get market() {
        return sharedAt(i, "market")
      },
      get orderbook() {
        return sharedAt(i, "orderbook")
      },
    }
  } else if (b.hasTrades) {
    ctx = {
      symbol,
      timeframe,
      candles,
      ta,
      params,
      inputs,
      history,
      get market() {
        return sharedAt(i, "market")
      },
      get trades() {
        return sharedAt(i, "trades")
      },
    }
  } else {
    ctx = {
      symbol,
      timeframe,
      candles,
      ta,
      params,
      inputs,
      history,
      get market() {
        return sharedAt(i, "market")
      },
    }
  }
  return b.extra === undefined ? ctx : { ...ctx, ...b.extra }
}
