/**
 * @module Evaluating through the worker pool: every evaluation asked for in one turn of the
 * host's event loop becomes one batch (one message per worker), and each outcome is settled on
 * the slot's breaker exactly as an inline call is (`evaluate.ts`).
 *
 * Inline slots run at once in the host's thread; worker slots are admitted (breaker, data needs,
 * lookback) here, run in the pool, and settled when their share returns. A batch is split across
 * the workers by symbol, each symbol always to the same worker (which then holds copies of its
 * own symbols' windows, books and tapes only); each share is built and posted in turn, so a
 * worker computes while the next share is built. One batch or one plugin reload at a time: the
 * pool's workers are replaced only between batches.
 */
import type { BaseContext } from "../call-context.ts"
import { runInline, sameSymbolData, symbolScoped, type InputSource } from "../evaluate.ts"
import { admit, failCall, type Limits } from "../settle.ts"
import { errorText } from "../result-check.ts"
import { inputsOf, type ResolvedInputs } from "../inputs/index.ts"
import { recordCall, type IndicatorSlot } from "../registry.ts"
import type { Component, InputValues } from "../sdk.ts"
import type { IndicatorOutcome, PluginEvent } from "../types.ts"
import type { Permit } from "../../resilience/index.ts"
import { AdmittedCalls, loading } from "./admitted-calls.ts"
import { makeBatchBuilder, type InputLayout } from "./batch-builder.ts"
import { CALL_FAILED, type PluginRef } from "./protocol.ts"
import { settleResult } from "./settle-result.ts"
import type { BatchResult, WorkerPool } from "./worker-pool.ts"

/** A slot as admission sees it: its index in the pool's plugin list (-1 inline, null loading). */
interface SlotPlan {
  readonly slot: IndicatorSlot
  readonly plugin: number | null
  readonly scoped: boolean
  readonly inputs: ResolvedInputs | undefined
}

/** `publish` receives the quarantine / recovery events that settling a batch produced. */
export const makeDispatcher = (
  pool: WorkerPool,
  limits: Limits,
  source: InputSource,
  publish: (events: ReadonlyArray<PluginEvent>) => void,
) => {
  let indexOf = new Map<IndicatorSlot, number>()
  let layouts: ReadonlyArray<InputLayout> = []
  const builder = makeBatchBuilder()
  let lock: Promise<unknown> = Promise.resolve()
  const serially = <A>(f: () => Promise<A>): Promise<A> => {
    const next = lock.then(f, f)
    lock = next.catch(() => undefined)
    return next
  }

  /** Replaces the pool's workers when the set of worker slots (or their versions) changed. */
  let key = ""
  const setSlots = (slots: ReadonlyArray<IndicatorSlot>) =>
    serially(async () => {
      const worker = slots.filter((s) => s.isolation === "worker")
      const next = worker.map((s) => `${s.path}@${s.version}:${JSON.stringify(s.params)}`).join("\n")
      if (next === key) return
      key = next
      const refs: Array<PluginRef> = worker.map((s) => ({
        path: s.path,
        file: s.file,
        version: s.version,
        params: s.params,
        inputs: inputsOf(s.plugin, s.params).list.map((r) => [r.name, r.history] as const),
      }))
      await pool.setPlugins(refs)
      indexOf = new Map(worker.map((s, i) => [s, i]))
      layouts = refs.map((r) => r.inputs)
    })

  /** Symbols by group, numbered as first seen: a symbol stays with one worker from batch to batch. */
  const symbolGroups = new Map<string, number>()
  const groupOf = (symbol: string): number => {
    let g = symbolGroups.get(symbol)
    if (g === undefined) symbolGroups.set(symbol, (g = symbolGroups.size))
    return g
  }

  // Symbols asked for in the current turn (each with its calls' range in `calls`), flushed
  // together as one batch; `waiters` resolve after it.
  interface Request {
    readonly ctxs: ReadonlyArray<BaseContext>
    readonly plan: ReadonlyArray<SlotPlan>
    readonly outs: Array<Array<IndicatorOutcome>>
    readonly from: number
    readonly to: number
  }
  let queue: Array<Request> = []
  let calls = new AdmittedCalls()
  /** The columns of the last batch flushed, emptied, for the next one (see `AdmittedCalls`). */
  let spare: AdmittedCalls | null = null
  let waiters: Array<() => void> = []
  let scheduled = false

  /** What admitting needs of each slot, looked up once per batch call rather than per call. */
  const planOf = (
    slots: ReadonlyArray<IndicatorSlot>,
    components: ReadonlySet<Component> | undefined,
  ): ReadonlyArray<SlotPlan> =>
    slots
      .filter((slot) => components === undefined || components.has(slot.component))
      .map((slot) => ({
        slot,
        plugin: slot.isolation === "inline" ? -1 : (indexOf.get(slot) ?? null),
        scoped: symbolScoped(slot),
        inputs: slot.plugin.inputs === undefined ? undefined : inputsOf(slot.plugin, slot.params),
      }))

  /**
   * Admits every call of one symbol's contexts: inline slots run at once, worker slots that may
   * run are added to `calls` (their place in `outs` is filled when the batch returns).
   */
  const admitSymbol = (
    plan: ReadonlyArray<SlotPlan>,
    ctxs: ReadonlyArray<BaseContext>,
    now: number,
    events: Array<PluginEvent>,
    outs: Array<Array<IndicatorOutcome>>,
    request: number,
  ): void => {
    const share = sameSymbolData(ctxs)
    for (let j = 0; j < plan.length; j++) {
      const { slot, plugin, scoped, inputs: declared } = plan[j]
      const once = share && scoped
      for (let i = 0; i < (once ? 1 : ctxs.length); i++) {
        let o: IndicatorOutcome | null = null
        if (plugin === -1) o = runInline(slot, ctxs[i], now, limits, events, source)
        else if (plugin === null) o = loading(slot)
        else {
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
            if (o === null) calls.add(request, j, permit, plugin, i, inputs, once ? -1 : i, outs[i].length)
          }
        }
        // A pending slot's place is filled when its batch returns.
        if (once) for (const l of outs) l.push(o as IndicatorOutcome)
        else outs[i].push(o as IndicatorOutcome)
      }
    }
  }

  /**
   * Evaluates every symbol's contexts (one list per symbol, one context per timeframe): one
   * outcome list per context. All of it, with whatever else was asked for in the same turn,
   * becomes one batch — one message per worker, one promise for the caller.
   */
  const evaluateBatch = (
    slots: ReadonlyArray<IndicatorSlot>,
    symbols: ReadonlyArray<ReadonlyArray<BaseContext>>,
    components: ReadonlySet<Component> | undefined,
    now: number,
    events: Array<PluginEvent>,
  ): Promise<Array<Array<Array<IndicatorOutcome>>>> => {
    const all: Array<Array<Array<IndicatorOutcome>>> = []
    const plan = planOf(slots, components)
    let queued = false
    for (const ctxs of symbols) {
      const outs: Array<Array<IndicatorOutcome>> = ctxs.map(() => [])
      all.push(outs)
      if (ctxs.length === 0) continue
      const from = calls.length
      admitSymbol(plan, ctxs, now, events, outs, queue.length)
      if (calls.length === from) continue
      queue.push({ ctxs, plan, outs, from, to: calls.length })
      queued = true
    }
    if (!queued) return Promise.resolve(all)
    return new Promise((resolve) => {
      waiters.push(() => resolve(all))
      if (!scheduled) {
        scheduled = true
        setImmediate(() => void serially(() => flush(now)))
      }
    })
  }

  /** Builds one worker's share, runs it, and settles each call (a cut-off one the moment it happens). */
  const runShare = async (
    slot: number,
    ctxs: ReadonlyArray<BaseContext>,
    batch: AdmittedCalls,
    requests: ReadonlyArray<Request>,
    share: ReadonlyArray<number>,
    now: number,
    events: Array<PluginEvent>,
  ) => {
    const slotAt = (c: number) => requests[batch.requests[c]].plan[batch.plans[c]].slot
    const early = new Map<number, IndicatorOutcome>()
    const onCutOff = (k: number, note: string, micros: number) => {
      const c = share[k]
      const slot = slotAt(c)
      recordCall(slot.stats, micros)
      const cut: Array<PluginEvent> = []
      early.set(k, failCall(slot, batch.permits[c] as Permit, note, micros, now, cut, true))
      if (cut.length > 0) publish(cut)
    }
    const input = builder.build(slot, ctxs, batch, share, (plugin) => layouts[plugin])
    const r = await pool.run(slot, { ...input, onCutOff }).catch((e: unknown): BatchResult => {
      // A host-side bug in the pool must not leave the callers waiting: every call fails.
      const n = share.length
      const notes = new Array<string | undefined>(n).fill(`plugin worker pool failed: ${String(e)}`)
      return {
        status: new Uint8Array(n).fill(CALL_FAILED),
        scores: new Float64Array(n),
        micros: new Float64Array(n),
        values: new Array(n),
        notes,
      }
    })
    const { permits, lists, ats } = batch
    for (let k = 0; k < share.length; k++) {
      const c = share[k]
      const request = requests[batch.requests[c]]
      const slot = request.plan[batch.plans[c]].slot
      const permit = permits[c] as Permit
      const o = (early.size > 0 ? early.get(k) : undefined) ?? settleResult(slot, permit, r, k, now, limits, events)
      if (lists[c] >= 0) request.outs[lists[c]][ats[c]] = o
      else for (const l of request.outs) l[ats[c]] = o
    }
  }

  const flush = async (now: number) => {
    scheduled = false
    const events: Array<PluginEvent> = []
    const requests = queue
    const batch = calls
    const done = waiters
    queue = []
    calls = spare ?? new AdmittedCalls()
    spare = null
    waiters = []
    // Each symbol's calls go to its worker, in the order they were asked for: symbol by symbol,
    // and within a symbol slot by slot over its timeframes, as the host runs inline plugins. A
    // symbol's candles, book and tape then stay in the CPU's caches while every plugin reads
    // them (running one plugin over all of a worker's contexts before the next reads them all
    // from memory again for each plugin: measured half again to twice the CPU per call).
    const size = pool.slots
    const shares: Array<Array<number>> = Array.from({ length: size }, () => [])
    const local: Array<Array<BaseContext>> = Array.from({ length: size }, () => [])
    const contexts = batch.contexts
    for (const r of requests) {
      // Each context to its symbol's worker: slot and position there, by position in the request.
      const slotOf = r.ctxs.map((c) => groupOf(c.symbol) % size)
      const atOf = r.ctxs.map((c, i) => local[slotOf[i]].push(c) - 1)
      for (let c = r.from; c < r.to; c++) {
        const i = contexts[c]
        contexts[c] = atOf[i]
        shares[slotOf[i]].push(c)
      }
    }
    builder.begin()
    // Share by share: built, then posted at once, so a worker computes while the next is built;
    // each share is settled as soon as it is back, while the other workers still compute.
    const runs: Array<Promise<void>> = []
    for (let s = 0; s < size; s++)
      if (shares[s].length > 0) runs.push(runShare(s, local[s], batch, requests, shares[s], now, events))
    await Promise.all(runs)
    batch.clear()
    spare = batch
    if (events.length > 0) publish(events)
    for (const d of done) d()
  }

  return { evaluateBatch, retainSymbols: builder.retain, setSlots, close: () => pool.close() }
}
