/**
 * @module The symbol page's data: `/v1/candles/:symbol`, `/v1/confluence/:symbol/history` and
 * `/v1/confluence/:symbol/contributors`. Registered before the confluence group so that
 * `/v1/confluence/BTC-USDT/history` is not read as a `BASE/QUOTE` pair.
 */
import { Hono } from "hono"
import { z } from "zod"
import { TIMEFRAMES, type Timeframe } from "../../market-schema/index.ts"
import type { HttpDeps } from "../deps.ts"
import { symbolParam } from "../symbol.ts"
import { limitParam, validate } from "../validate.ts"
import { notEnabled, notFound } from "./respond.ts"

const timeframe = z.enum(TIMEFRAMES)
const SymbolPath = z.object({ symbol: symbolParam }).strict()

const CandlesQuery = z.object({ timeframe, limit: limitParam(5000).default(1000) }).strict()
const HistoryQuery = z
  .object({
    timeframe: z.union([z.literal("all"), timeframe]).default("all"),
    limit: limitParam(5000).default(1000),
  })
  .strict()
const ContributorsQuery = z.object({ timeframe }).strict()

export const symbolDataRoutes = (deps: HttpDeps) => {
  const app = new Hono()

  const untracked = (symbol: string, tf: Timeframe) => {
    const tracked = deps.candles?.timeframes ?? []
    return tracked.length > 0 && !tracked.includes(tf)
      ? `timeframe ${tf} is not tracked for ${symbol}; tracked: ${tracked.join(", ")}`
      : undefined
  }

  app.get("/v1/candles/:symbol", validate("param", SymbolPath), validate("query", CandlesQuery), async (c) => {
    if (deps.candles === undefined) return notEnabled(c, "market data")
    const { symbol } = c.req.valid("param")
    const query = c.req.valid("query")
    const problem = untracked(symbol, query.timeframe)
    if (problem !== undefined) return notFound(c, problem)
    const items = await deps.candles.read(symbol, query.timeframe, query.limit)
    if (items === undefined) return notFound(c, `unknown symbol ${symbol}`)
    return c.json({ symbol, timeframe: query.timeframe, items, count: items.length })
  })

  app.get(
    "/v1/confluence/:symbol/history",
    validate("param", SymbolPath),
    validate("query", HistoryQuery),
    async (c) => {
      if (deps.scores === undefined) return notEnabled(c, "confluence history")
      const { symbol } = c.req.valid("param")
      const query = c.req.valid("query")
      if (query.timeframe !== "all") {
        const problem = untracked(symbol, query.timeframe)
        if (problem !== undefined) return notFound(c, problem)
      }
      const items = await deps.scores.history(symbol, query.timeframe, query.limit)
      return c.json({
        symbol,
        timeframe: query.timeframe,
        thresholds: deps.scores.thresholds,
        items,
        count: items.length,
      })
    },
  )

  app.get(
    "/v1/confluence/:symbol/contributors",
    validate("param", SymbolPath),
    validate("query", ContributorsQuery),
    async (c) => {
      if (deps.scores === undefined) return notEnabled(c, "confluence history")
      const { symbol } = c.req.valid("param")
      const { timeframe: tf } = c.req.valid("query")
      const problem = untracked(symbol, tf)
      if (problem !== undefined) return notFound(c, problem)
      const answer = await deps.scores.contributors(symbol, tf)
      if (answer === undefined) return notFound(c, `no score yet for ${symbol} on ${tf}`)
      return c.json({ symbol, timeframe: tf, ...answer, count: answer.items.length })
    },
  )
  return app
}
