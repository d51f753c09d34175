export {
  ExchangeServer,
  startExchangeServer,
  type ExchangeServerOptions,
  type RequestRecord,
} from "./exchange-server.ts"
export { binanceUrlsAt, bybitUrlsAt, okxUrlsAt } from "./urls.ts"
export { FaultSwitches, type HttpFault } from "./faults.ts"
export { GeneratedMarket, type GeneratedLiquidation, hash01, type Kline } from "./market.ts"
export { EXTRA_SPOT, loadJson, loadMarketsFixture, loadResponseFixture } from "./fixtures.ts"
export { closedPort } from "./closed-port.ts"
export { BINANCE_SPOT_LIMIT_PER_MIN, binanceSpotWeight, WeightMeter } from "./binance-weights.ts"
export { startFixtureExchange } from "./fixture-server.ts"
