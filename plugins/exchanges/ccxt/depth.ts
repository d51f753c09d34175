/**
 * @module The depth to ask a websocket order book for: exchanges accept a few fixed values and
 * ccxt rejects anything else (Bybit spot: 1, 50, 200, 1000), and some price the initial REST
 * snapshot by it (Binance: 1,000 levels weigh 10× 100, per symbol and resubscribe).
 */

/** Accepted depths per exchange (and market type where they differ), smallest first. */
const DEPTHS: Readonly<Record<string, { readonly spot: ReadonlyArray<number>; readonly swap: ReadonlyArray<number> }>> =
  {
    // Binance seeds its diff stream with a REST snapshot of this depth: keep twice the levels used
    // so deltas near the edge are covered, no more.
    binance: { spot: [100, 500, 1000], swap: [100, 500, 1000] },
    bybit: { spot: [50, 200, 1000], swap: [50, 200, 500] },
    // ccxt maps 5 → "books5" and 400 → "books" (snapshot + sequenced updates); 50 would be the
    // VIP-only "books50-l2-tbt" channel, which needs credentials.
    okx: { spot: [5, 400], swap: [5, 400] },
  }

export const streamDepth = (exchangeId: string, marketType: "spot" | "swap", levels: number): number => {
  const table = DEPTHS[exchangeId]
  if (table === undefined) return levels
  const accepted = table[marketType]
  const wanted = exchangeId === "binance" ? 2 * levels : levels
  return accepted.find((n) => n >= wanted) ?? accepted.at(-1)!
}
