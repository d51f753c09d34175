/**
 * @module Loads the ccxt fixtures copied into `test/fixtures/ccxt` (see its README for source and
 * licence) and the generated extra spot pairs used by TopSymbols scenarios.
 */
import { join } from "node:path"

const DIR = join(import.meta.dir, "../../fixtures/ccxt")

export const loadJson = async <T = any>(relative: string): Promise<T> =>
  Bun.file(join(DIR, relative)).json() as Promise<T>

export const loadMarketsFixture = (exchange: "binance" | "bybit" | "okx") =>
  loadJson<Record<string, any>>(`markets/${exchange}.json`)
export const loadResponseFixture = (exchange: "binance" | "bybit" | "okx") =>
  loadJson<{ methods: Record<string, Array<any>> }>(`response/${exchange}.json`)

/** 30 extra USDT pairs with spread-out turnovers, plus two non-USDT pairs the USDT filter must drop. */
export const EXTRA_SPOT: ReadonlyArray<{ base: string; quote: string; turnover: number }> = [
  "SOL",
  "BNB",
  "DOT",
  "AVAX",
  "LINK",
  "ATOM",
  "NEAR",
  "APT",
  "ARB",
  "OP",
  "SUI",
  "FIL",
  "INJ",
  "TIA",
  "SEI",
  "UNI",
  "AAVE",
  "ETC",
  "XLM",
  "HBAR",
  "ICP",
  "VET",
  "ALGO",
  "GRT",
  "SAND",
  "MANA",
  "AXS",
  "FTM",
  "EGLD",
  "THETA",
]
  .map((base, i) => ({ base, quote: "USDT", turnover: Math.round(90_000_000 / (i + 1)) }))
  .concat([
    { base: "ETH", quote: "BTC", turnover: 900_000_000 },
    { base: "SOL", quote: "EUR", turnover: 800_000_000 },
  ])
