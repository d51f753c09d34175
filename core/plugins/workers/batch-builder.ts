/**
 * @module Turning one batch of evaluations into what plugin workers read: each context's candles
 * placed in the resident arena (only what changed is written), its symbol's book, tape and market
 * data versioned in the shared store, the calls as Int32 records, and the declared input values
 * of every call in a block of shared memory at the call's offset. `sync` then says, per worker,
 * what is new to it since its last batch — also for a share run again on a replacement worker
 * after the other shares of its batch were built (`begin` starts the batch, not each share).
 */
import { type BaseContext, CONTEXT_KEYS } from "../call-context.ts"
import type { Trade } from "../../market-schema/index.ts"
import type { InputValues } from "../sdk.ts"
import { tapeOf, TradeTape } from "../trade-tape.ts"
import { makeCandleArena } from "./candle-arena.ts"
import { CALL_INTS, CONTEXT_INTS } from "./protocol.ts"
import { makeSharedStore } from "./shared-store.ts"
import type { BatchInput, WorkerSync } from "./worker-pool.ts"
import type { WorkerHandle } from "./worker-handle.ts"

/** Declared inputs of a plugin in the order their values are written: name, history length. */
export type InputLayout = ReadonlyArray<readonly [string, number]>

/**
 * The calls of a batch, column by column (one entry per call, no object per call): plugin index,
 * index of its context in the share's contexts, declared input values. A share is a list of
 * positions in these columns.
 */
export interface CallColumns {
  readonly plugins: ArrayLike<number>
  readonly contexts: ArrayLike<number>
  readonly inputs: ReadonlyArray<InputValues | undefined>
}

const sizeOf = (layout: InputLayout): number => {
  let n = layout.length
  for (let j = 0; j < layout.length; j++) if (layout[j][1] > 0) n += 1 + layout[j][1]
  return n
}

const writeInputs = (f: Float64Array, at: number, layout: InputLayout, v: InputValues): void => {
  let o = at
  for (let j = 0; j < layout.length; j++) f[o++] = v.inputs[layout[j][0]] ?? Number.NaN
  for (let j = 0; j < layout.length; j++) {
    const [name, h] = layout[j]
    if (h === 0) continue
    const hist = v.history[name] as ArrayLike<number> | undefined
    const n = hist === undefined ? 0 : Math.min(hist.length, h)
    f[o] = n
    for (let k = 0; k < n; k++) f[o + 1 + k] = hist![hist!.length - n + k]
    o += 1 + h
  }
}

/**
 * An Int32Array of `n` values in `blocks[slot]`, a SharedArrayBuffer grown as needed: posted to a
 * worker, a shared block travels as a handle where a plain array is copied (the records of a
 * share are tens of kilobytes). A slot's block is rewritten only when its worker has answered.
 */
const sharedInts = (blocks: Array<Int32Array>, slot: number, n: number): Int32Array => {
  let b = blocks[slot]
  if (b === undefined || b.length < n)
    blocks[slot] = b = new Int32Array(new SharedArrayBuffer(4 * Math.max(n, 2 * (b?.length ?? 0), 4096)))
  return b.subarray(0, n)
}

/** The tapes made for contexts that carry trade objects rather than a tape (callers other than Analysis). */
const tapesOfArrays = new WeakMap<
  ReadonlyArray<Trade>,
  { tape: TradeTape; length: number; first: Trade | undefined; last: Trade | undefined }
>()

/** A context's tape as a `TradeTape`: Analysis's own, else one made of its trade objects (remade when they change). */
const tradeTapeOf = (c: BaseContext): TradeTape | undefined => {
  if (c.tape instanceof TradeTape) return c.tape
  const trades = c.trades
  if (trades === undefined) return undefined
  const known = tapesOfArrays.get(trades)
  const first = trades[0]
  const last = trades[trades.length - 1]
  if (known?.length === trades.length && known.first === first && known.last === last) return known.tape
  const tape = tapeOf(trades)
  tapesOfArrays.set(trades, { tape, length: trades.length, first, last })
  return tape
}

export const makeBatchBuilder = () => {
  const arena = makeCandleArena()
  const store = makeSharedStore()
  /** One block of declared input values per worker slot: a share is read while the next is built. */
  const blocks: Array<Float64Array> = []
  /** Per worker slot: its share's context and call records. */
  const contextBlocks: Array<Int32Array> = []
  const callBlocks: Array<Int32Array> = []

  /** Places every context (starting the arena over in a larger buffer when it is full). */
  const place = (ctxs: ReadonlyArray<BaseContext>, out: Int32Array) => {
    for (;;) {
      let i = 0
      for (; i < ctxs.length; i++) {
        const c = ctxs[i]
        const p = arena.place(c.symbol, c.timeframe, c.candles, c.candlesVersion)
        if (p === null) break
        const o = i * CONTEXT_INTS
        out[o] = p.id
        out[o + 1] = p.start
        out[o + 2] = p.length
        out[o + 3] = p.stride
        out[o + 7] = p.written
        out[o + 8] = p.writtenFrom
        out[o + 9] = p.writtenAfter
      }
      if (i === ctxs.length) return
      let total = 0
      for (const c of ctxs) total += 8 * 6 * 2 * c.candles.time.length
      arena.restart(total)
    }
  }

  const build = (
    slot: number,
    ctxs: ReadonlyArray<BaseContext>,
    calls: CallColumns,
    share: ArrayLike<number>,
    layoutOf: (plugin: number) => InputLayout,
  ): Pick<BatchInput, "contexts" | "calls" | "inputs" | "extra" | "sync"> => {
    const contexts = sharedInts(contextBlocks, slot, ctxs.length * CONTEXT_INTS)
    place(ctxs, contexts)
    const extra: Array<readonly [number, Record<string, unknown>]> = []
    for (let i = 0; i < ctxs.length; i++) {
      const c = ctxs[i]
      const o = i * CONTEXT_INTS
      const p = ctxs[i - 1]
      // A symbol's timeframes come one after another with the same objects: settled once.
      if (
        p?.symbol === c.symbol &&
        p.market === c.market &&
        p.orderbook === c.orderbook &&
        (p.tape ?? p.trades) === (c.tape ?? c.trades)
      ) {
        contexts[o + 4] = contexts[o + 4 - CONTEXT_INTS]
        contexts[o + 5] = contexts[o + 5 - CONTEXT_INTS]
        contexts[o + 6] = contexts[o + 6 - CONTEXT_INTS]
      } else {
        contexts[o + 4] = store.put(c.symbol, "market", c.market)
        contexts[o + 5] = c.orderbook === undefined ? -1 : store.put(c.symbol, "orderbook", c.orderbook)
        const tape = tradeTapeOf(c)
        contexts[o + 6] = tape === undefined ? -1 : store.put(c.symbol, "trades", tape)
      }
      let x: Record<string, unknown> | undefined
      for (const key in c) if (Object.hasOwn(c, key) && !CONTEXT_KEYS.has(key)) (x ??= {})[key] = Reflect.get(c, key)
      if (x !== undefined) extra.push([i, x])
    }
    arena.seal()

    let size = 0
    for (let k = 0; k < share.length; k++)
      if (calls.inputs[share[k]] !== undefined) size += sizeOf(layoutOf(calls.plugins[share[k]]))
    let inputs = (blocks[slot] ??= new Float64Array(new SharedArrayBuffer(8 * 65536)))
    if (size > inputs.length)
      blocks[slot] = inputs = new Float64Array(new SharedArrayBuffer(8 * Math.max(size, 2 * inputs.length)))
    const records = sharedInts(callBlocks, slot, share.length * CALL_INTS)
    let at = 0
    for (let k = 0; k < share.length; k++) {
      const c = share[k]
      const plugin = calls.plugins[c]
      const values = calls.inputs[c]
      records[CALL_INTS * k] = plugin
      records[CALL_INTS * k + 1] = calls.contexts[c]
      records[CALL_INTS * k + 2] = values === undefined ? -1 : at
      if (values === undefined) continue
      const layout = layoutOf(plugin)
      writeInputs(inputs, at, layout, values)
      at += sizeOf(layout)
    }

    const sync = (w: WorkerHandle, share: Int32Array): WorkerSync => {
      const buffer = arena.bufferFor(w.arenaGeneration)
      w.arenaGeneration = arena.generation
      const series = arena.seriesFrom(w.seriesKnown)
      w.seriesKnown = arena.seriesCount
      // Only the books, tapes and market data of the contexts its calls use.
      const wanted = new Uint8Array(store.size)
      for (let j = 1; j < share.length; j += CALL_INTS) {
        const o = share[j] * CONTEXT_INTS
        for (let k = 4; k < 7; k++) if (contexts[o + k] >= 0) wanted[contexts[o + k]] = 1
      }
      const shared = store.updatesFor(w.sharedHeld, wanted)
      return { ...(buffer === undefined ? {} : { arena: buffer }), series, shared }
    }
    return { contexts, calls: records, inputs: inputs.buffer as SharedArrayBuffer, extra, sync }
  }

  return {
    /** Starts a batch: the books, tapes and market data of all its shares are versioned together. */
    begin: () => store.begin(),
    build,
    retain: arena.retain,
  }
}

export type BatchBuilder = ReturnType<typeof makeBatchBuilder>
