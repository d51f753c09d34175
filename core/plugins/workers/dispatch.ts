/**
 * @module Evaluating through the worker pool: every evaluation asked for in one turn of the
 * host's event loop becomes one batch (one message per worker), and each outcome is settled on
 * the slot's breaker exactly as an inline call is (`evaluate.ts`).
 *
 * A batch is split across the workers by symbol, each symbol always to the same worker (which
 * then holds copies of its own symbols' windows, books and tapes only). When the batch is flushed
 * each worker's calls are admitted (breaker, data needs, lookback: `admit-share.ts`), its share
 * built and posted in turn, so a worker computes while the host admits and builds the next
 * share (admitting every call first left the second core idle for the milliseconds that took);
 * the inline slots run once every share is out, and each share is settled when it returns. One
 * batch or one plugin reload at a time: the pool's workers are replaced only between batches.
 * The pool (and the shared memory the shares are built in) starts with the first worker slot:
 * a host whose plugins all run inline never starts one.
 */
import type { BaseContext } from "../call-context.ts"
import { symbolScoped, type InputSource } from "../evaluate.ts"
import { failCall, type Limits } from "../settle.ts"
import { inputsOf } from "../inputs/index.ts"
import { recordCall, type IndicatorSlot } from "../registry.ts"
import type { Component } from "../sdk.ts"
import type { IndicatorOutcome, PluginEvent } from "../types.ts"
import type { Permit } from "../../resilience/index.ts"
import { admitLocal, admitShare, everyCall, type Request, type SlotPlan } from "./admit-share.ts"
import { AdmittedCalls } from "./admitted-calls.ts"
import { makeBatchBuilder, type BatchBuilder, type InputLayout } from "./batch-builder.ts"
import { CALL_FAILED, type PluginRef } from "./protocol.ts"
import { settleResult } from "./settle-result.ts"
import { GatheredResult, type ShareResult } from "./share-result.ts"
import type { WorkerPool } from "./worker-pool.ts"

/**
 * Told the outcomes of symbol `index` of a batch (one list per context) once all of them are in,
 * while other symbols' calls may still run: the caller can use them before the whole batch ends.
 */
export type SymbolSettled = (index: number, outcomes: Array<Array<IndicatorOutcome>>) => void

/** `publish` receives the quarantine / recovery events that settling a batch produced. */
export const makeDispatcher = (
  startPool: () => WorkerPool,
  limits: Limits,
  source: InputSource,
  publish: (events: ReadonlyArray<PluginEvent>) => void,
) => {
  let indexOf = new Map<IndicatorSlot, number>()
  let layouts: ReadonlyArray<InputLayout> = []
  let started: { readonly pool: WorkerPool; readonly builder: BatchBuilder } | undefined
  let closed = false
  const workers = () => (started ??= { pool: startPool(), builder: makeBatchBuilder() })
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
      if (next === key || closed) return
      key = next
      if (worker.length === 0 && started === undefined) return
      const refs: Array<PluginRef> = worker.map((s) => ({
        path: s.path,
        file: s.file,
        version: s.version,
        params: s.params,
        inputs: inputsOf(s.plugin, s.params).list.map((r) => [r.name, r.history] as const),
      }))
      await workers().pool.setPlugins(refs)
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

  /** The symbols asked for in the current turn, flushed together as one batch; `waiters` resolve after it. */
  let queue: Array<Request> = []
  let waiters: Array<(error?: unknown) => void> = []
  let scheduled = false
  /** By worker slot: the calls admitted for it in the batch being flushed (grown once, reused). */
  const admitted: Array<AdmittedCalls> = []

  /** What admitting needs of a slot: its index in the pool's plugin list as the pool holds it now. */
  const entryOf = (slot: IndicatorSlot): SlotPlan => ({
    slot,
    plugin: slot.isolation === "inline" ? -1 : (indexOf.get(slot) ?? null),
    scoped: symbolScoped(slot),
    inputs: slot.plugin.inputs === undefined ? undefined : inputsOf(slot.plugin, slot.params),
  })
  /** What admitting needs of each slot, looked up once per batch call rather than per call. */
  const planOf = (
    slots: ReadonlyArray<IndicatorSlot>,
    components: ReadonlySet<Component> | undefined,
  ): ReadonlyArray<SlotPlan> =>
    slots.filter((slot) => components === undefined || components.has(slot.component)).map(entryOf)

  /**
   * Evaluates every symbol's contexts (one list per symbol, one context per timeframe): one
   * outcome list per context. All of it, with whatever else was asked for in the same turn,
   * becomes one batch — one message per worker, one promise for the caller. The calls are
   * admitted when the batch is flushed, worker by worker, so the first worker starts computing
   * while the host still admits the others' calls.
   */
  const evaluateBatch = (
    slots: ReadonlyArray<IndicatorSlot>,
    symbols: ReadonlyArray<ReadonlyArray<BaseContext>>,
    components: ReadonlySet<Component> | undefined,
    now: number,
    events: Array<PluginEvent>,
    onSymbol?: SymbolSettled,
  ): Promise<Array<Array<Array<IndicatorOutcome>>>> => {
    const plan = planOf(slots, components)
    const all = symbols.map((ctxs) => ctxs.map(() => new Array<IndicatorOutcome>(plan.length)))
    // Nothing for the workers (every slot inline or still loading): settled now.
    if (!plan.some((p) => p.plugin !== null && p.plugin >= 0)) {
      for (let r = 0; r < symbols.length; r++) {
        if (symbols[r].length > 0) admitLocal(plan, symbols[r], now, limits, source, events, all[r])
        onSymbol?.(r, all[r])
      }
      return Promise.resolve(all)
    }
    for (let r = 0; r < symbols.length; r++) {
      const ctxs = symbols[r]
      const outs = all[r]
      const settled = onSymbol === undefined ? undefined : () => onSymbol(r, outs)
      if (ctxs.length > 0) queue.push({ ctxs, plan, outs, now, events, slots: [], settled, waiting: 0 })
      else settled?.()
    }
    return new Promise((resolve, reject) => {
      waiters.push((error) => (error === undefined ? resolve(all) : reject(error)))
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
    now: number,
    events: Array<PluginEvent>,
  ) => {
    const slotAt = (c: number) => requests[batch.requests[c]].plan[batch.plans[c]].slot
    const early = new Map<number, IndicatorOutcome>()
    const onCutOff = (c: number, note: string, micros: number) => {
      const slot = slotAt(c)
      recordCall(slot.stats, micros)
      const cut: Array<PluginEvent> = []
      early.set(c, failCall(slot, batch.permits[c] as Permit, note, micros, now, cut, true))
      if (cut.length > 0) publish(cut)
    }
    const { pool, builder } = workers()
    const input = builder.build(slot, ctxs, batch, everyCall(batch.length), (plugin) => layouts[plugin])
    const r = await pool.run(slot, { ...input, onCutOff }).catch((e: unknown): ShareResult => {
      // A host-side bug in the pool must not leave the callers waiting: every call fails.
      const failed = new GatheredResult(batch.length)
      for (let c = 0; c < batch.length; c++) failed.fail(c, CALL_FAILED, `plugin worker pool failed: ${String(e)}`)
      return failed
    })
    const { permits, lists, ats } = batch
    for (let c = 0; c < batch.length; c++) {
      const request = requests[batch.requests[c]]
      const slot = request.plan[batch.plans[c]].slot
      const permit = permits[c] as Permit
      const o = (early.size > 0 ? early.get(c) : undefined) ?? settleResult(slot, permit, r, c, now, limits, events)
      if (lists[c] >= 0) request.outs[lists[c]][ats[c]] = o
      else for (const l of request.outs) l[ats[c]] = o
    }
  }

  const flush = async (now: number) => {
    scheduled = false
    const requests = queue
    const done = waiters
    queue = []
    waiters = []
    // Whatever goes wrong in the host (a caller's `onSymbol` included), every caller hears of it.
    const failure = await run(requests, now).then(
      () => undefined,
      (e: unknown) => e ?? new Error("plugin batch failed"),
    )
    for (const d of done) d(failure)
  }

  const run = async (requests: ReadonlyArray<Request>, now: number) => {
    const events: Array<PluginEvent> = []
    // A caller's `onSymbol` that throws fails the batch once every share is back, never before:
    // a worker must not be left busy under the next batch.
    let thrown: { readonly error: unknown } | undefined
    /** One request's part (a share, or the host's own calls) is in; the last one settles it. */
    const partIn = (request: Request) => {
      if (--request.waiting > 0 || request.settled === undefined || thrown !== undefined) return
      try {
        request.settled()
      } catch (error) {
        thrown = { error }
      }
    }
    // The pool's plugin list is the one this flush runs on: a reload (`setSlots`) that ran after
    // a request was planned replaced the workers and renumbered their plugins, so each plan's
    // indices are looked up again (a slot the reload removed reads as loading, never another's).
    const replanned = new Map<ReadonlyArray<SlotPlan>, ReadonlyArray<SlotPlan>>()
    for (const r of requests) {
      let plan = replanned.get(r.plan)
      if (plan === undefined) replanned.set(r.plan, (plan = r.plan.map((p) => entryOf(p.slot))))
      r.plan = plan
    }
    const { pool, builder } = workers()
    const size = pool.slots
    // Each context to its symbol's worker; each worker's requests, in the order they came.
    const bySlot: Array<Array<number>> = Array.from({ length: size }, () => [])
    for (let r = 0; r < requests.length; r++) {
      const { ctxs, slots } = requests[r]
      // The host's own calls (inline, loading) are one part; each share it has calls in is another.
      requests[r].waiting = 1
      for (let i = 0; i < ctxs.length; i++) {
        const s = groupOf(ctxs[i].symbol) % size
        if (!slots.includes(s)) {
          bySlot[s].push(r)
          requests[r].waiting++
        }
        slots.push(s)
      }
    }
    builder.begin()
    // Worker by worker: its calls admitted, its share built and posted at once, so it computes
    // while the host admits and builds the next share; each share is settled as soon as it is
    // back, while the other workers still compute. Inline calls run once every share is out.
    // A request is settled when its last part is in: the host's calls run synchronously below,
    // before any share can be back; a share with no calls is in at once.
    const runs: Array<Promise<void>> = []
    const empty: Array<number> = []
    for (let s = 0; s < size; s++) {
      const batch = (admitted[s] ??= new AdmittedCalls())
      batch.clear()
      const local: Array<BaseContext> = []
      for (const r of bySlot[s]) admitShare(requests[r], r, s, batch, local, source)
      if (batch.length === 0) empty.push(s)
      else
        runs.push(
          runShare(s, local, batch, requests, now, events).then(() => {
            for (const r of bySlot[s]) partIn(requests[r])
          }),
        )
    }
    for (const r of requests) admitLocal(r.plan, r.ctxs, r.now, limits, source, r.events, r.outs)
    for (const r of requests) partIn(r)
    for (const s of empty) for (const r of bySlot[s]) partIn(requests[r])
    // Every share is waited for, so a failure never leaves a worker busy under the next batch.
    const ended = await Promise.allSettled(runs)
    if (events.length > 0) publish(events)
    for (const e of ended) if (e.status === "rejected") throw e.reason
    if (thrown !== undefined) throw thrown.error
  }

  return {
    evaluateBatch,
    retainSymbols: (symbols: ReadonlySet<string>) => started?.builder.retain(symbols),
    setSlots,
    close: () => {
      closed = true
      started?.pool.close()
    },
  }
}
