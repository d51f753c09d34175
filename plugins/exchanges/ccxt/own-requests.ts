/**
 * @module Requests ccxt makes on its own inside one of our calls: loading the market list is one
 * request per market type and page (Bybit: 11 against the local server, OKX 5, Binance 1). The
 * host's guard sees one call, so its rate budget would not charge those pages, and with ccxt's
 * throttle off they would all go out at once beside the guarded calls. Each page is charged here,
 * before it is sent, what ccxt's throttle charges it (`calculateRateLimiterCost`).
 *
 * Only requests made inside `charged(run)` are charged (an async context, not a flag): a guarded
 * call running meanwhile is already paid for by the host.
 */
import { AsyncLocalStorage } from "node:async_hooks"

/** ccxt's `fetch2(path, api, method, params, headers, body, config)`: every REST request passes it. */
interface RequestingExchange {
  fetch2: (...args: Array<unknown>) => Promise<unknown>
  calculateRateLimiterCost(api: unknown, method: unknown, path: unknown, params: unknown, config: unknown): number
}

/** Returns `charged`: runs `run`, spending `spend(cost)` before each request it makes. */
export const chargeOwnRequests = (
  ex: RequestingExchange,
  spend: ((cost: number) => Promise<void>) | undefined,
): (<A>(run: () => Promise<A>) => Promise<A>) => {
  if (spend === undefined) return (run) => run()
  const inside = new AsyncLocalStorage<true>()
  const original = ex.fetch2.bind(ex)
  ex.fetch2 = async (...args) => {
    if (inside.getStore() === true) {
      // ccxt's defaults for the arguments a caller left out
      const [path, api = "public", method = "GET", params = {}, , , config = {}] = args
      const cost = Number(ex.calculateRateLimiterCost(api, method, path, params, config))
      await spend(Number.isFinite(cost) && cost > 0 ? cost : 1)
    }
    return original(...args)
  }
  return (run) => inside.run(true, run)
}
