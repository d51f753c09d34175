/**
 * @module Running indicator plugins for one context, each one isolated from the others.
 *
 * This is the per-cycle hot loop (symbols × timeframes × plugins), so it is plain synchronous
 * code: results are checked by hand rather than with zod (the zod schema already checked the
 * plugin's shape at load), and time is read once per call with `performance.now()` because a
 * compute budget is about real CPU time, which a virtual clock does not advance.
 */
import { callContext, shapeOf, type BaseContext } from "./call-context.ts"
import { inputsOf, type ResolvedInputs } from "./inputs/resolve.ts"
import { recordCall, type IndicatorSlot } from "./registry.ts"
import { errorText, problemWith } from "./result-check.ts"
import { scopeOf, type Component, type InputValues } from "./sdk.ts"
import { admit, failCall, overBudget, succeedCall, type Limits } from "./settle.ts"
import type { IndicatorOutcome, PluginEvent } from "./types.ts"

/** Where declared inputs come from: the host's input engine (`inputs/input-engine.ts`). */
export interface InputSource {
  read(series: BaseContext, inputs: ResolvedInputs): InputValues
  /** Times the source fed and computed its engine so far (see `runSlot`); without it every read counts as feeding. */
  feeds?(): number
}

const NO_INPUTS: InputValues = Object.freeze({ inputs: Object.freeze({}), history: Object.freeze({}) })

/**
 * The host's stopwatch for one batch of calls. Each call is timed from the previous reading to
 * the reading after it returns, so a batch costs one clock read per call instead of two; a
 * call's time therefore also holds the host's bookkeeping since the previous call (well under a
 * microsecond), which both the budget and the stats can absorb.
 */
interface Stopwatch {
  last: number
}

/** Slots run once per symbol (see `scopeOf`), cached per plugin object (a reload brings a new one). */
const scopes = new WeakMap<object, boolean>()
export const symbolScoped = (slot: IndicatorSlot): boolean => {
  let s = scopes.get(slot.plugin)
  if (s === undefined) scopes.set(slot.plugin, (s = scopeOf(slot.plugin) === "symbol"))
  return s
}

/**
 * One isolated call of one slot against `ctx` in the host's thread (or the reason it was not
 * made). `declared`: the slot's resolved declared inputs, when the caller has them at hand.
 */
const runSlot = (
  slot: IndicatorSlot,
  ctx: BaseContext,
  shape: number,
  now: number,
  limits: Limits,
  events: Array<PluginEvent>,
  watch: Stopwatch,
  source: InputSource,
  declared?: ResolvedInputs,
): IndicatorOutcome => {
  const permit = admit(slot, ctx, now)
  if (typeof permit !== "number") return permit
  const plugin = slot.plugin
  let result: unknown
  let thrown: unknown
  let threw = false
  try {
    // Declared inputs are read before the call; a failure to read them counts against the plugin
    // like a throw from compute. A read that had to feed the engine (a context the cycle's one
    // `advance` did not cover) is host work: the plugin's clock starts after it. One that only
    // read the plugin's values out (the cycle's usual case) is part of the call, as the host's
    // bookkeeping between two readings is: the clock is not read again (a reading costs about as
    // much as the rest of the host's work on a call).
    let values = NO_INPUTS
    if (plugin.inputs !== undefined) {
      const fed = source.feeds?.()
      values = source.read(ctx, declared ?? inputsOf(plugin, slot.params))
      if (fed === undefined || source.feeds!() !== fed) watch.last = performance.now()
    }
    result = plugin.compute(callContext(ctx, shape, slot.params, values))
  } catch (e) {
    threw = true
    thrown = e
  }
  const ended = performance.now()
  const micros = (ended - watch.last) * 1000
  watch.last = ended
  recordCall(slot.stats, micros)

  const problem = threw ? `compute threw ${errorText(thrown)}` : (overBudget(micros, limits) ?? problemWith(result))
  if (problem !== null) return failCall(slot, permit, problem, micros, now, events)
  const r = result as { score: number | null; values?: Record<string, number>; reason?: unknown }
  return succeedCall(slot, permit, r.score, r.values, r.reason, micros, now, events)
}

/** One call of an inline slot, outside a batch (the worker dispatcher's inline share). */
export const runInline = (
  slot: IndicatorSlot,
  ctx: BaseContext,
  now: number,
  limits: Limits,
  events: Array<PluginEvent>,
  source: InputSource,
) => runSlot(slot, ctx, shapeOf(ctx), now, limits, events, { last: performance.now() }, source)

/**
 * Runs every slot (optionally only some components) against `ctx`. Failures are counted on the
 * slot's breaker; quarantine and recovery transitions are appended to `events`.
 */
export const runIndicators = (
  slots: ReadonlyArray<IndicatorSlot>,
  ctx: BaseContext,
  components: ReadonlySet<Component> | undefined,
  now: number,
  limits: Limits,
  events: Array<PluginEvent>,
  source: InputSource,
): Array<IndicatorOutcome> => {
  const out: Array<IndicatorOutcome> = []
  const shape = shapeOf(ctx)
  const watch: Stopwatch = { last: performance.now() }
  for (let j = 0; j < slots.length; j++) {
    const slot = slots[j]
    if (components !== undefined && !components.has(slot.component)) continue
    out.push(runSlot(slot, ctx, shape, now, limits, events, watch, source))
  }
  return out
}

/** What identifies a context's tape: the tape itself, or the trade objects of a context without one. */
const tapeKey = (ctx: BaseContext): unknown => ctx.tape ?? ctx.trades

/** The contexts are one symbol's: same symbol and the very same book, tape and market data. */
export const sameSymbolData = (ctxs: ReadonlyArray<BaseContext>): boolean => {
  const a = ctxs[0]
  for (let i = 1; i < ctxs.length; i++) {
    const b = ctxs[i]
    if (b.symbol !== a.symbol || b.orderbook !== a.orderbook || tapeKey(b) !== tapeKey(a) || b.market !== a.market)
      return false
  }
  return true
}

/**
 * What a batch of symbols runs, worked out once per batch rather than per symbol and slot: the
 * slots of the wanted components, which of them are symbol-scoped, and their declared inputs.
 * Slots change only when the host re-scans its folders, never during a batch.
 */
export interface SlotPlan {
  readonly slots: ReadonlyArray<IndicatorSlot>
  /** By slot: 1 when it is symbol-scoped (see `scopeOf`). */
  readonly scoped: Uint8Array
  /** By slot: its resolved declared inputs (undefined when it declares none). */
  readonly declared: ReadonlyArray<ResolvedInputs | undefined>
}

export const slotPlan = (
  slots: ReadonlyArray<IndicatorSlot>,
  components: ReadonlySet<Component> | undefined,
): SlotPlan => {
  const active = components === undefined ? slots : slots.filter((slot) => components.has(slot.component))
  return {
    slots: active,
    scoped: Uint8Array.from(active, (slot) => (symbolScoped(slot) ? 1 : 0)),
    declared: active.map(declaredOf),
  }
}

/**
 * A slot's resolved declared inputs; a declaration that does not resolve is left to the call,
 * where it counts as a failure.
 */
const declaredOf = (slot: IndicatorSlot): ResolvedInputs | undefined => {
  if (slot.plugin.inputs === undefined) return undefined
  try {
    return inputsOf(slot.plugin, slot.params)
  } catch {
    return undefined
  }
}

/**
 * Runs every slot of the plan against each of one symbol's contexts (one per timeframe) and
 * returns one outcome list per context, each what `runIndicators` gives for that context. A
 * symbol-scoped slot (see `scopeOf`) is called once, on the first context, and its outcome is
 * shared by all of them — provided the contexts carry the same book, tape and market objects;
 * otherwise every context gets its own call.
 */
export const runIndicatorsForSymbol = (
  plan: SlotPlan,
  ctxs: ReadonlyArray<BaseContext>,
  now: number,
  limits: Limits,
  events: Array<PluginEvent>,
  source: InputSource,
): Array<Array<IndicatorOutcome>> => {
  const outs: Array<Array<IndicatorOutcome>> = []
  if (ctxs.length === 0) return outs
  const share = sameSymbolData(ctxs)
  const shapes: Array<number> = []
  for (let i = 0; i < ctxs.length; i++) {
    outs.push([])
    shapes.push(shapeOf(ctxs[i]))
  }
  const { slots, scoped, declared } = plan
  const watch: Stopwatch = { last: performance.now() }
  // Slot by slot, each over all the symbol's timeframes: one plugin's code and the symbol's
  // candles stay hot together (measurably faster than timeframe by timeframe). Every list still
  // comes out in slot order.
  for (let j = 0; j < slots.length; j++) {
    const slot = slots[j]
    if (share && scoped[j] === 1) {
      const o = runSlot(slot, ctxs[0], shapes[0], now, limits, events, watch, source, declared[j])
      for (let i = 0; i < ctxs.length; i++) outs[i].push(o)
    } else {
      for (let i = 0; i < ctxs.length; i++)
        outs[i].push(runSlot(slot, ctxs[i], shapes[i], now, limits, events, watch, source, declared[j]))
    }
  }
  return outs
}
