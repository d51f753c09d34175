/**
 * @module The ccxt exchange plugin: any ccxt exchange id (binance, bybit, okx, ...) behind the
 * ExchangeAdapter contract. Settings: see `options.ts`; usage and examples: `README.md`.
 *
 * ccxt itself (about a thousand modules, ≈ 35 MB of resident memory) loads with the first
 * adapter, not when the plugin host discovers this file, so an engine on another exchange plugin
 * (the simulated one) never pays for it. `require` keeps `createCcxtAdapter` synchronous and
 * yields the same ccxt module instance as a static `import` (its error classes are the same).
 */
import { defineExchange, type ExchangePluginConfig } from "virtuoso/sdk"
import type { CcxtAdapter } from "./ccxt-adapter.ts"

type AdapterModule = typeof import("./ccxt-adapter.ts")

export const createCcxtAdapter = (config: ExchangePluginConfig): CcxtAdapter =>
  (require("./ccxt-adapter.ts") as AdapterModule).createCcxtAdapter(config)

export default defineExchange({
  apiVersion: 1,
  kind: "exchange",
  name: "ccxt",
  description: "Real exchanges through ccxt (REST + ccxt.pro websockets), any ccxt exchange id",
  create: (config) => createCcxtAdapter(config),
})

export type { CcxtAdapter } from "./ccxt-adapter.ts"
export { CcxtConfigError, DEFAULT_TIMEOUTS, type CcxtSettings, type CcxtTimeouts } from "./options.ts"
