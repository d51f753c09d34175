export { ExchangeServer, startExchangeServer, type ExchangeServerOptions, type RequestRecord } from "./exchange-server.ts"
export { FaultSwitches, type HttpFault } from "./faults.ts"
export { GeneratedMarket, hash01, type Kline } from "./market.ts"
export { EXTRA_SPOT, loadJson, loadMarketsFixture, loadResponseFixture } from "./fixtures.ts"
