/**
 * @module Running indicator plugins for one context, each one isolated from the others.
 *
 * This is the per-cycle hot loop (symbols × timeframes × plugins), so it is plain synchronous
 * code: results are checked by hand rather than with zod (the zod schema already checked the
 * plugin's shape at load), and time is read once per call with `performance.now()` because a
 * compute budget is about real CPU time, which a virtual clock does not advance.
 */
import { Permit } from "../resilience/index.ts"
import { recordCall, recordError, type IndicatorSlot } from "./registry.ts"
import { inputsOf, type ResolvedInputs } from "./inputs/resolve.ts"
import { scopeOf, type Component, type DataNeed, type IndicatorContext, type InputValues } from "./sdk.ts"
import { errorText, problemWith } from "./result-check.ts"
import type { IndicatorOutcome, PluginEvent } from "./types.ts"

export interface Limits {
  readonly budgetMs: number
}

/** What the caller provides per context; the host adds `params` and the declared `inputs`/`history`. */
export type BaseContext = Omit<IndicatorContext, "params" | "inputs" | "history">

/** Where declared inputs come from: the host's input engine (`inputs/input-engine.ts`). */
export interface InputSource {
  read(series: BaseContext, inputs: ResolvedInputs): InputValues
}

export const NO_INPUTS: InputValues = Object.freeze({ inputs: Object.freeze({}), history: Object.freeze({}) })

const NO_VALUES: Readonly<Record<string, number>> = Object.freeze({})

const hasNeed = (ctx: BaseContext, need: DataNeed): boolean => {
  switch (need) {
    case "orderbook":
      return ctx.orderbook !== undefined
    case "trades":
      return ctx.trades !== undefined
    case "ticker":
      return ctx.market?.ticker !== undefined
    case "fundingRate":
      return ctx.market?.fundingRate !== undefined
    case "openInterest":
      return ctx.market?.openInterest !== undefined
    case "longShortRatio":
      return ctx.market?.longShortRatio !== undefined
    case "liquidations":
      return ctx.market?.liquidations !== undefined
  }
}

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

/** The keys a `BaseContext` may have; a context with others gets the generic spread. */
const CONTEXT_KEYS: ReadonlySet<string> = new Set([
  "symbol",
  "timeframe",
  "candles",
  "ta",
  "orderbook",
  "trades",
  "market",
])

/**
 * How to build each call's context from `ctx`: 0 = spread (unknown keys), else a fixed literal
 * (1 + has orderbook + 2·has trades). One object per call either way — a plugin may keep its
 * ctx — but a literal of a fixed shape costs a fraction of a generic spread.
 */
const shapeOf = (ctx: BaseContext): number => {
  for (const key in ctx) if (!CONTEXT_KEYS.has(key)) return 0
  if (Object.getOwnPropertySymbols(ctx).length > 0) return 0
  return 1 + (Object.hasOwn(ctx, "orderbook") ? 1 : 0) + (Object.hasOwn(ctx, "trades") ? 2 : 0)
}

const callContext = (
  ctx: BaseContext,
  shape: number,
  params: IndicatorContext["params"],
  v: InputValues,
): IndicatorContext => {
  const { inputs, history } = v
  switch (shape) {
    case 1:
      return {
        symbol: ctx.symbol,
        timeframe: ctx.timeframe,
        candles: ctx.candles,
        ta: ctx.ta,
        market: ctx.market,
        params,
        inputs,
        history,
      }
    case 2:
      return {
        symbol: ctx.symbol,
        timeframe: ctx.timeframe,
        candles: ctx.candles,
        ta: ctx.ta,
        market: ctx.market,
        orderbook: ctx.orderbook,
        params,
        inputs,
        history,
      }
    case 3:
      return {
        symbol: ctx.symbol,
        timeframe: ctx.timeframe,
        candles: ctx.candles,
        ta: ctx.ta,
        market: ctx.market,
        trades: ctx.trades,
        params,
        inputs,
        history,
      }
    case 4:
      return {
        symbol: ctx.symbol,
        timeframe: ctx.timeframe,
        candles: ctx.candles,
        ta: ctx.ta,
        market: ctx.market,
        orderbook: ctx.orderbook,
        trades: ctx.trades,
        params,
        inputs,
        history,
      }
    default:
      return { ...ctx, params, inputs, history }
  }
}

/**
 * Whether `slot` may be called on `ctx` now: a breaker permit, or the outcome that stands in for
 * the call (quarantined, or unavailable for missing data — no verdict for the breaker then).
 */
export const admit = (slot: IndicatorSlot, ctx: BaseContext, now: number): Permit | IndicatorOutcome => {
  const { name, component, weight } = slot
  const permit = slot.breaker.allow(now)
  if (permit === Permit.Rejected) {
    return {
      name,
      component,
      weight,
      status: "quarantined",
      score: null,
      values: NO_VALUES,
      error: slot.stats.lastError ?? "quarantined",
      micros: 0,
    }
  }
  const plugin = slot.plugin
  let missing: DataNeed | undefined
  const needs = plugin.needs
  if (needs !== undefined) {
    for (let i = 0; i < needs.length; i++) {
      if (!hasNeed(ctx, needs[i])) {
        missing = needs[i]
        break
      }
    }
  }
  const candles = ctx.candles.close.length
  if (missing !== undefined || candles < plugin.lookback) {
    slot.breaker.release(permit) // no call was made: no verdict for the breaker
    const reason = missing !== undefined ? `no ${missing} data` : `needs ${plugin.lookback} candles, has ${candles}`
    return { name, component, weight, status: "unavailable", score: null, values: NO_VALUES, reason, micros: 0 }
  }
  return permit
}

/** A call's failure: counted on the slot's breaker; a quarantine it causes goes into `events`. */
export const failCall = (
  slot: IndicatorSlot,
  permit: Permit,
  problem: string,
  micros: number,
  now: number,
  events: Array<PluginEvent>,
  opensNow = false,
): IndicatorOutcome => {
  const { name, component, weight } = slot
  recordError(slot.stats, problem, now)
  const before = slot.breaker.state
  slot.breaker.onFailure(now, permit)
  // A call that had to be cut off cost a worker: quarantine at once rather than after N of them.
  while (opensNow && slot.breaker.state === "closed") slot.breaker.onFailure(now, Permit.Call)
  if (before !== "open" && slot.breaker.state === "open") {
    const retryAt = slot.breaker.openedAt + slot.breaker.openMs
    const after = opensNow
      ? "a call that was cut off"
      : permit === Permit.Probe
        ? "a failed trial call"
        : `${slot.breaker.consecutiveFailures} consecutive failures`
    events.push({
      type: "quarantined",
      name,
      kind: "indicator",
      file: slot.file,
      version: slot.version,
      error: `${problem} (quarantined after ${after}; retry at ${new Date(retryAt).toISOString()})`,
      time: now,
    })
  }
  return { name, component, weight, status: "failed", score: null, values: NO_VALUES, error: problem, micros }
}

/** A call that returned a valid result (already checked by `problemWith`). */
export const succeedCall = (
  slot: IndicatorSlot,
  permit: Permit,
  result: { score: number | null; values?: Record<string, number>; reason?: unknown },
  micros: number,
  now: number,
  events: Array<PluginEvent>,
): IndicatorOutcome => {
  const { name, component, weight } = slot
  slot.breaker.onSuccess(now, permit)
  if (permit === Permit.Probe && slot.breaker.state === "closed") {
    events.push({ type: "recovered", name, kind: "indicator", file: slot.file, version: slot.version, time: now })
  }
  const values = result.values ?? NO_VALUES
  const reason = typeof result.reason === "string" ? result.reason : undefined
  if (result.score === null) {
    return {
      name,
      component,
      weight,
      status: "unavailable",
      score: null,
      values,
      reason: reason ?? "plugin returned no score",
      micros,
    }
  }
  return reason === undefined
    ? { name, component, weight, status: "ok", score: result.score, values, micros }
    : { name, component, weight, status: "ok", score: result.score, values, reason, micros }
}

export const overBudget = (micros: number, limits: Limits): string | null =>
  micros > limits.budgetMs * 1000
    ? `compute took ${(micros / 1000).toFixed(2)} ms, over the ${limits.budgetMs} ms budget`
    : null

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
  return succeedCall(slot, permit, result as { score: number | null }, micros, now, events)
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

/** The contexts are one symbol's: same symbol and the very same book, tape and market data. */
export const sameSymbolData = (ctxs: ReadonlyArray<BaseContext>): boolean => {
  const a = ctxs[0]
  for (let i = 1; i < ctxs.length; i++) {
    const b = ctxs[i]
    if (b.symbol !== a.symbol || b.orderbook !== a.orderbook || b.trades !== a.trades || b.market !== a.market)
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
