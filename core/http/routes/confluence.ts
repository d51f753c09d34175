/** @module `/v1/confluence` and `/v1/confluence/:symbol`: latest scores, filtered by timeframe and components. */
import { Hono } from "hono"
import { z } from "zod"
import { COMPONENTS, TIMEFRAMES } from "../../market-schema/index.ts"
import type { ConfluenceSnapshot, HttpDeps } from "../deps.ts"
import { symbolParam } from "../symbol.ts"
import { csv, validate } from "../validate.ts"
import { notEnabled, notFound } from "./respond.ts"

const timeframe = z.enum(["all", ...TIMEFRAMES])

export const ConfluenceQuery = z
  .object({
    timeframe: csv(timeframe, 9).optional(),
    components: csv(z.enum(COMPONENTS), COMPONENTS.length).optional(),
  })
  .strict()
type ConfluenceQuery = z.output<typeof ConfluenceQuery>

const SymbolPath = z.object({ symbol: symbolParam }).strict()
const SplitSymbolPath = z.object({ base: z.string().max(24), quote: z.string().max(40) }).strict()

const select = (items: ReadonlyArray<ConfluenceSnapshot>, query: ConfluenceQuery) => {
  const timeframes = query.timeframe === undefined ? undefined : new Set<string>(query.timeframe)
  const components = query.components
  return items
    .filter((item) => timeframes === undefined || timeframes.has(item.timeframe))
    .map((item) =>
      components === undefined
        ? item
        : { ...item, components: Object.fromEntries(components.map((name) => [name, item.components[name] ?? null])) },
    )
}

export const confluenceRoutes = (deps: HttpDeps) => {
  const app = new Hono()
  const confluence = deps.confluence

  app.get("/v1/confluence", validate("query", ConfluenceQuery), async (c) => {
    if (confluence === undefined) return notEnabled(c, "confluence")
    const items = select(await confluence.list(), c.req.valid("query"))
    return c.json({ items, count: items.length })
  })

  /** The symbol's snapshots (and ready JSON when the deps cache it); undefined for an untracked symbol. */
  const bySymbol = async (
    symbol: string,
  ): Promise<{ items: ReadonlyArray<ConfluenceSnapshot>; body?: string } | undefined> => {
    const mine =
      confluence!.forSymbol !== undefined
        ? await confluence!.forSymbol(symbol)
        : { items: (await confluence!.list()).filter((item) => item.symbol === symbol) }
    if (mine !== undefined && mine.items.length > 0) return mine
    const tracked = (await confluence!.symbols?.()) ?? []
    return tracked.includes(symbol) ? { items: [] } : undefined
  }
  const unfiltered = (query: ConfluenceQuery) => query.timeframe === undefined && query.components === undefined

  app.get("/v1/confluence/:symbol", validate("param", SymbolPath), validate("query", ConfluenceQuery), async (c) => {
    if (confluence === undefined) return notEnabled(c, "confluence")
    const symbol = c.req.valid("param").symbol
    const query = c.req.valid("query")
    const found = await bySymbol(symbol)
    if (found === undefined) return notFound(c, `unknown symbol ${symbol}`)
    // The common request: the whole answer, serialised once when the symbol was last scored.
    if (found.body !== undefined && unfiltered(query))
      return c.body(found.body, 200, { "content-type": "application/json" })
    const items = select(found.items, query)
    return c.json({ symbol, items, count: items.length })
  })

  // An unencoded slash (`/v1/confluence/BTC/USDT`) splits the symbol across two segments.
  app.get(
    "/v1/confluence/:base/:quote",
    validate("param", SplitSymbolPath),
    validate("query", ConfluenceQuery),
    async (c) => {
      if (confluence === undefined) return notEnabled(c, "confluence")
      const { base, quote } = c.req.valid("param")
      const parsed = symbolParam.safeParse(`${base}/${quote}`)
      if (!parsed.success) {
        return c.json(
          {
            error: "bad_request",
            message: "invalid param",
            issues: [{ path: ["symbol"], code: "custom", message: "expected BASE/QUOTE, e.g. BTC/USDT" }],
          },
          400,
        )
      }
      const found = await bySymbol(parsed.data)
      if (found === undefined) return notFound(c, `unknown symbol ${parsed.data}`)
      const items = select(found.items, c.req.valid("query"))
      return c.json({ symbol: parsed.data, items, count: items.length })
    },
  )
  return app
}
