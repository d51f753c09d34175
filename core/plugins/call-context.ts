/**
 * @module The context object each plugin call receives: the caller's base context plus the
 * slot's params and the declared inputs, built as a literal of a fixed shape where it can be.
 */
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
  "market",
  "candlesVersion",
])

/**
 * How to build each call's context from `ctx`: 0 = spread (unknown keys), else a fixed literal
 * (1 + has orderbook + 2·has trades). One object per call either way — a plugin may keep its
 * ctx — but a literal of a fixed shape costs a fraction of a generic spread.
 */
export const shapeOf = (ctx: BaseContext): number => {
  for (const key in ctx) if (!CONTEXT_KEYS.has(key)) return 0
  if (Object.getOwnPropertySymbols(ctx).length > 0) return 0
  return 1 + (Object.hasOwn(ctx, "orderbook") ? 1 : 0) + (Object.hasOwn(ctx, "trades") ? 2 : 0)
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
