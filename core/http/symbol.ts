/**
 * @module Symbols in URLs: `BTC-USDT`, `btc_usdt` and URL-encoded `BTC%2FUSDT` all mean the
 * canonical ccxt symbol `BTC/USDT` (a perpetual's settle suffix `:USDT` is kept).
 */
import { z } from "zod"

const SYMBOL = /^([A-Za-z0-9]{1,24})[-/_]([A-Za-z0-9]{1,24})(?::([A-Za-z0-9]{1,24}))?$/

/** Parses a symbol from a path or query into its canonical form, or `undefined`. */
const canonicalSymbol = (text: string): string | undefined => {
  const match = SYMBOL.exec(text)
  if (match === null) return undefined
  const [, base, quote, settle] = match
  return `${base!.toUpperCase()}/${quote!.toUpperCase()}${settle === undefined ? "" : `:${settle.toUpperCase()}`}`
}

/** The zod form of `canonicalSymbol`. */
export const symbolParam = z
  .string()
  .max(80)
  .transform((text, ctx) => {
    const symbol = canonicalSymbol(text)
    if (symbol === undefined) {
      ctx.addIssue({ code: "custom", message: "expected BASE-QUOTE or BASE/QUOTE, e.g. BTC-USDT" })
      return z.NEVER
    }
    return symbol
  })
