/**
 * @module Admitting a batch's calls when it is flushed: worker by worker, the calls of the
 * contexts that go to that worker (breaker, data needs, lookback, declared inputs read), and
 * after every share is out the inline slots' calls, run in the host's thread.
 */
import type { BaseContext } from "../call-context.ts"
import { runInline, sameSymbolData, type InputSource } from "../evaluate.ts"
import type { ResolvedInputs } from "../inputs/index.ts"
import type { IndicatorSlot } from "../registry.ts"
import { errorText } from "../result-check.ts"
import type { InputValues } from "../sdk.ts"
import { admit, failCall, type Limits } from "../settle.ts"
import type { IndicatorOutcome, PluginEvent } from "../types.ts"
import { type AdmittedCalls, loading } from "./admitted-calls.ts"

/** A slot as admission sees it: its index in the pool's plugin list (-1 inline, null loading). */
export interface SlotPlan {
  readonly slot: IndicatorSlot
  readonly plugin: number | null
  readonly scoped: boolean
  readonly inputs: ResolvedInputs | undefined
}

/** One symbol's contexts asked for in the current turn, with what admitting them needs. */
export interface Request {
  readonly ctxs: ReadonlyArray<BaseContext>
  /** Looked up again when the batch is flushed: a plugin reload may have run in between. */
  plan: ReadonlyArray<SlotPlan>
  /** One outcome list per context, in plan order; a worker call's place is filled when its share returns. */
  readonly outs: Array<Array<IndicatorOutcome>>
  readonly now: number
  /** The caller's events (quarantines while admitting). */
  readonly events: Array<PluginEvent>
  /** By context: the worker slot of its symbol, set when the batch is flushed. */
  readonly slots: Array<number>
  /** Told once every outcome of the request is in (while other workers may still compute). */
  readonly settled: (() => void) | undefined
  /** Shares (and the host's own calls) the request still waits for. */
  waiting: number
}

/** 0, 1, …, n - 1: a share that is every call admitted for its worker. */
let identity = new Int32Array(0)
export const everyCall = (n: number): Int32Array => {
  if (identity.length < n) identity = Int32Array.from({ length: Math.max(n, 2 * identity.length) }, (_, i) => i)
  return identity.subarray(0, n)
}

/** By context of the request being admitted: its position in the share's contexts, -1 when another worker's. */
let positions = new Int32Array(16)

/**
 * Admits the calls of request `r`'s contexts that go to worker `s`: each such context joins the
 * share's contexts (`local`), each call that may run joins `batch` (its place in the outcome
 * lists is filled when the share returns); a call that may not gets its outcome now.
 */
export const admitShare = (
  request: Request,
  r: number,
  s: number,
  batch: AdmittedCalls,
  local: Array<BaseContext>,
  source: InputSource,
): void => {
  const { ctxs, plan, outs, now, events, slots } = request
  if (positions.length < ctxs.length) positions = new Int32Array(2 * ctxs.length)
  const at = positions
  for (let i = 0; i < ctxs.length; i++) at[i] = slots[i] === s ? local.push(ctxs[i]) - 1 : -1
  const share = sameSymbolData(ctxs)
  for (let j = 0; j < plan.length; j++) {
    const { slot, plugin, scoped, inputs: declared } = plan[j]
    if (plugin === null || plugin < 0) continue
    const once = share && scoped
    for (let i = 0; i < (once ? 1 : ctxs.length); i++) {
      if (at[i] < 0) continue
      let o: IndicatorOutcome | null = null
      const permit = admit(slot, ctxs[i], now)
      if (typeof permit !== "number") o = permit
      else {
        // Declared inputs are host work (the input engine lives here): read now, shipped with the call.
        let inputs: InputValues | undefined
        try {
          if (declared !== undefined) inputs = source.read(ctxs[i], declared)
        } catch (e) {
          o = failCall(slot, permit, `compute threw ${errorText(e)}`, 0, now, events)
        }
        if (o === null) batch.add(r, j, permit, plugin, at[i], inputs, once ? -1 : i, j)
      }
      if (o === null) continue
      if (once) for (const l of outs) l[j] = o
      else outs[i][j] = o
    }
  }
}

/** The outcomes of `ctxs`' inline slots (run now, in the host's thread) and of slots still loading. */
export const admitLocal = (
  plan: ReadonlyArray<SlotPlan>,
  ctxs: ReadonlyArray<BaseContext>,
  now: number,
  limits: Limits,
  source: InputSource,
  events: Array<PluginEvent>,
  outs: Array<Array<IndicatorOutcome>>,
): void => {
  const share = sameSymbolData(ctxs)
  for (let j = 0; j < plan.length; j++) {
    const { slot, plugin, scoped } = plan[j]
    if (plugin !== null && plugin >= 0) continue
    const once = share && scoped
    for (let i = 0; i < (once ? 1 : ctxs.length); i++) {
      const o = plugin === null ? loading(slot) : runInline(slot, ctxs[i], now, limits, events, source)
      if (once) for (const l of outs) l[j] = o
      else outs[i][j] = o
    }
  }
}
