/**
 * @module The ccxt exchange plugin: any ccxt exchange id (binance, bybit, okx, ...) behind the
 * ExchangeAdapter contract. Settings: see `options.ts`; usage and examples: `README.md`.
 */
import { defineExchange } from "virtuoso/sdk"
import { createCcxtAdapter } from "./ccxt-adapter.ts"

export default defineExchange({
  apiVersion: 1,
  kind: "exchange",
  name: "ccxt",
  description: "Real exchanges through ccxt (REST + ccxt.pro websockets), any ccxt exchange id",
  create: (config) => createCcxtAdapter(config),
})

export { createCcxtAdapter, type CcxtAdapter } from "./ccxt-adapter.ts"
export { CcxtConfigError, DEFAULT_TIMEOUTS, type CcxtSettings, type CcxtTimeouts } from "./options.ts"
