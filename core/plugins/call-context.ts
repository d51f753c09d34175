/**
 * @module The context object each plugin call receives: the caller's base context plus the
 * slot's params and the declared inputs, built as a literal of a fixed shape where it can be.
 */
import { tapeColumns } from "./scoring/tape.ts"
import type { IndicatorContext, InputValues } from "./sdk.ts"

/** What the caller provides per context; the host adds `params` and the declared `inputs`/`history`. */
export type BaseContext = Omit<IndicatorContext, "params" | "inputs" | "history"> & {
  /**
   * Optional stamp of the candles, from a caller that only ever appends to a series: the same
   * stamp for one symbol × timeframe (over the same memory) means the same candles, a new one
   * that candles were only appended (older ones never rewritten). With it the worker host writes
   * a window's new candles without comparing the rest with what it holds. Not passed to plugins.
   */
  readonly candlesVersion?: number
}

/** The keys a `BaseContext` may have; a context with others gets the generic spread. */
export const CONTEXT_KEYS: ReadonlySet<string> = new Set([
  "symbol",
  "timeframe",
  "candles",
  "ta",
  "orderbook",
  "trades",
  "tape",
  "market",
  "candlesVersion",
])

/**
 * How to build each call's context from `ctx`: 0 = spread (unknown keys), else a fixed literal
 * (1 + has orderbook + 2·has trades). One object per call either way — a plugin may keep its
 * ctx — but a literal of a fixed shape costs a fraction of a generic spread.
 *
 * A context with trades gets both `tape` (the caller's, or columns of its trade objects) and
 * `trades`, read from the caller's context only when the plugin reads it: Analysis's contexts
 * make their trade objects on first read (`TapeContext`).
 */
export const shapeOf = (ctx: BaseContext): number => {
  // Own keys: what a spread would copy (a `for…in` also walked the prototype chain, at twice the cost).
  const keys = Object.keys(ctx)
  for (let i = 0; i < keys.length; i++) if (!CONTEXT_KEYS.has(keys[i]!)) return 0
  if (Object.getOwnPropertySymbols(ctx).length > 0) return 0
  const trades = Object.hasOwn(ctx, "tape") || Object.hasOwn(ctx, "trades")
  return 1 + (Object.hasOwn(ctx, "orderbook") ? 1 : 0) + (trades ? 2 : 0)
}

/** A context's tape as columns: its own, else its trade objects' (undefined with neither). */
const tapeOfContext = (ctx: BaseContext): IndicatorContext["tape"] =>
  ctx.tape ?? (ctx.trades === undefined ? undefined : tapeColumns(ctx.trades))

/**
 * The context of a call on a tape (shapes 3 and 4): one class per shape, so the contexts share a
 * hidden class, with `trades` a getter on the prototype that reads the caller's context's
 * `trades` only when the plugin does (no function made per call). Inline calls are the
 * built-ins', which read `tape`.
 */
class TapeContext implements IndicatorContext {
  readonly symbol: string
  readonly timeframe: IndicatorContext["timeframe"]
  readonly candles: IndicatorContext["candles"]
  readonly ta: IndicatorContext["ta"]
  readonly market: IndicatorContext["market"]
  readonly #base: BaseContext
  constructor(
    base: BaseContext,
    readonly tape: IndicatorContext["tape"],
    readonly params: IndicatorContext["params"],
    readonly inputs: IndicatorContext["inputs"],
    readonly history: IndicatorContext["history"],
  ) {
    this.symbol = base.symbol
    this.timeframe = base.timeframe
    this.candles = base.candles
    this.ta = base.ta
    this.market = base.market
    this.#base = base
  }
  get trades(): IndicatorContext["trades"] {
    return this.#base.trades
  }
}

class BookTapeContext extends TapeContext {
  readonly orderbook: IndicatorContext["orderbook"]
  constructor(
    base: BaseContext,
    tape: IndicatorContext["tape"],
    params: IndicatorContext["params"],
    inputs: IndicatorContext["inputs"],
    history: IndicatorContext["history"],
  ) {
    super(base, tape, params, inputs, history)
    this.orderbook = base.orderbook
  }
}

export const callContext = (
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
      return new TapeContext(ctx, tapeOfContext(ctx), params, inputs, history)
    case 4:
      return new BookTapeContext(ctx, tapeOfContext(ctx), params, inputs, history)
    default:
      return { ...ctx, params, inputs, history }
  }
}
