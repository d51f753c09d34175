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

/** One isolated call of one slot against `ctx` in the host's thread (or the reason it was not made). */
const runSlot = (
  slot: IndicatorSlot,
  ctx: BaseContext,
  shape: number,
  now: number,
  limits: Limits,
  events: Array<PluginEvent>,
  watch: Stopwatch,
  source: InputSource,
): IndicatorOutcome => {
  const permit = admit(slot, ctx, now)
  if (typeof permit !== "number") return permit
  const plugin = slot.plugin
  let result: unknown
  let thrown: unknown
  let threw = false
  try {
    // Declared inputs are read before the call: host work (usually a cache hit after the
    // cycle's one `advance`), so the plugin's clock starts after it; a failure to read them
    // counts against the plugin like a throw from compute.
    let values = NO_INPUTS
    if (plugin.inputs !== undefined) {
      values = source.read(ctx, inputsOf(plugin, slot.params))
      watch.last = performance.now()
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
 * Runs every slot against each of one symbol's contexts (one per timeframe) and returns one
 * outcome list per context, each what `runIndicators` gives for that context. A
 * symbol-scoped slot (see `scopeOf`) is called once, on the first context, and its outcome is
 * shared by all of them — provided the contexts carry the same book, tape and market objects;
 * otherwise every context gets its own call.
 */
export const runIndicatorsForSymbol = (
  slots: ReadonlyArray<IndicatorSlot>,
  ctxs: ReadonlyArray<BaseContext>,
  components: ReadonlySet<Component> | undefined,
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
  const watch: Stopwatch = { last: performance.now() }
  // Slot by slot, each over all the symbol's timeframes: one plugin's code and the symbol's
  // candles stay hot together (measurably faster than timeframe by timeframe). Every list still
  // comes out in slot order.
  for (let j = 0; j < slots.length; j++) {
    const slot = slots[j]
    if (components !== undefined && !components.has(slot.component)) continue
    if (share && symbolScoped(slot)) {
      const o = runSlot(slot, ctxs[0], shapes[0], now, limits, events, watch, source)
      for (let i = 0; i < ctxs.length; i++) outs[i].push(o)
    } else {
      for (let i = 0; i < ctxs.length; i++)
        outs[i].push(runSlot(slot, ctxs[i], shapes[i], now, limits, events, watch, source))
    }
  }
  return outs
}
