/**
 * The built-in simulated exchange: zero-config market data for demos and tests.
 * Settings (from `exchange` in the config): `seed`, `speed` (1m candles per second), `symbols`.
 */
import { defineExchange } from "virtuoso/sdk"
import { makeSimExchange } from "./sim-exchange.ts"

const DEFAULT_SYMBOLS = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT", "XRP/USDT"]

export default defineExchange({
  apiVersion: 1,
  kind: "exchange",
  name: "sim",
  description: "Deterministic simulated exchange (random walk with volatility regimes and trends)",
  create: (config) =>
    makeSimExchange({
      seed: typeof config.seed === "number" ? config.seed : 42,
      speed: typeof config.speed === "number" ? config.speed : 1,
      symbols: Array.isArray(config.symbols) ? config.symbols.map(String) : DEFAULT_SYMBOLS,
      historyMinutes: typeof config.historyMinutes === "number" ? config.historyMinutes : 50_000,
      now:
        typeof config.now === "function"
          ? (config.now as () => number)
          : () => performance.timeOrigin + performance.now(),
    }),
})
