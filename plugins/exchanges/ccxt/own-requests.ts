/**
 * @module Requests ccxt makes on its own, which the host's guard never sees as a call of ours:
 *
 * - Loading the market list is one request per market type and page (Bybit: 11 against the local
 *   server, OKX 5, Binance 3: spot, USDⓈ-M and COIN-M), all inside one call.
 * - ccxt.pro seeds a Binance order book with a REST snapshot it fetches from its websocket message
 *   handling, on every (re)subscribe and after every sequence gap; `depth` is priced by its limit.
 *
 * With ccxt's throttle off they would all go out beside the guarded calls, unpaid. Each is charged
 * here, before it is sent, what ccxt's throttle charges it (`calculateRateLimiterCost`).
 *
 * The host has already charged the engine's calls (`paid`), so requests made inside one are not
 * charged again; every other request is. The scope is an async context, not a flag, so a request
 * ccxt starts on its own while a paid call is under way is still charged, and the market list
 * (`charged`) is charged page by page even when a paid call is what loads it.
 */
import { AsyncLocalStorage } from "node:async_hooks"

/** ccxt's `fetch2(path, api, method, params, headers, body, config)`: every REST request passes it. */
interface RequestingExchange {
  fetch2: (...args: Array<unknown>) => Promise<unknown>
  calculateRateLimiterCost(api: unknown, method: unknown, path: unknown, params: unknown, config: unknown): number
}

type Run = <A>(run: () => Promise<A>) => Promise<A>

export interface OwnRequests {
  /** Runs `run`, charging each request it makes (the innermost scope decides). */
  readonly charged: Run
  /** Runs a call the host has charged: its requests are not charged again. */
  readonly paid: Run
}

/** Wraps `fetch2` so that every request made outside a `paid` call spends `spend(cost)` first. */
export const chargeOwnRequests = (
  ex: RequestingExchange,
  spend: ((cost: number) => Promise<void>) | undefined,
): OwnRequests => {
  if (spend === undefined) return { charged: (run) => run(), paid: (run) => run() }
  const paidScope = new AsyncLocalStorage<boolean>()
  const original = ex.fetch2.bind(ex)
  ex.fetch2 = async (...args) => {
    if (paidScope.getStore() !== true) {
      // ccxt's defaults for the arguments a caller left out
      const [path, api = "public", method = "GET", params = {}, , , config = {}] = args
      const cost = Number(ex.calculateRateLimiterCost(api, method, path, params, config))
      await spend(Number.isFinite(cost) && cost > 0 ? cost : 1)
    }
    return original(...args)
  }
  return { charged: (run) => paidScope.run(false, run), paid: (run) => paidScope.run(true, run) }
}
