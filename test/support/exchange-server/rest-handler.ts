/**
 * @module The local exchange server's HTTP side: fault rules first (status, hang, malformed,
 * recorded reply), then each exchange's REST router in turn, with every request recorded and
 * Binance's spot weight metered (its replies carry `x-mbx-used-weight-1m`).
 */
import { binanceSpotWeight, type WeightMeter } from "./binance-weights.ts"
import type { FaultSwitches } from "./faults.ts"
import type { RestResult } from "./wire.ts"

export interface RequestRecord {
  readonly path: string
  readonly query: string
  readonly status: number
  readonly fault?: string
  /** Arrival, `performance.now()` ms (windows of request rates). */
  readonly at: number
}

export type RestRouter = (path: string, query: URLSearchParams) => RestResult

export interface RestContext {
  readonly faults: FaultSwitches
  readonly routers: ReadonlyArray<RestRouter>
  readonly spotWeight: WeightMeter
  /** Releases of requests a "hang" fault holds (answered on `releaseHeld()` or stop). */
  readonly held: Set<() => void>
  readonly record: (r: RequestRecord) => void
}

const DEFAULT_ERROR = JSON.stringify({
  code: -1001,
  msg: "Internal error; unable to process your request. Please try again.",
})

const route = (routers: ReadonlyArray<RestRouter>, path: string, q: URLSearchParams): NonNullable<RestResult> => {
  try {
    for (const r of routers) {
      const result = r(path, q)
      if (result) return result
    }
  } catch (e) {
    return { status: 500, body: { code: -1000, msg: String(e) } }
  }
  return { status: 404, body: { code: -1000, msg: `no route ${path}` } }
}

export const answerRest = async (ctx: RestContext, url: URL): Promise<Response> => {
  const fault = ctx.faults.take(url.pathname)
  const spot = url.pathname.startsWith("/api/v3/")
  if (spot) ctx.spotWeight.add(performance.now(), binanceSpotWeight(url.pathname, url.searchParams))
  const record = (status: number, fault?: string) =>
    ctx.record({ path: url.pathname, query: url.search, status, at: performance.now(), ...(fault ? { fault } : {}) })
  if (fault?.kind === "status") {
    record(fault.status, "status")
    const headers: Record<string, string> = { "content-type": "application/json" }
    if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter)
    return new Response(fault.body ?? DEFAULT_ERROR, { status: fault.status, headers })
  }
  if (fault?.kind === "respond") {
    record(fault.status, "respond")
    return Response.json(fault.body, { status: fault.status })
  }
  if (fault?.kind === "hang") {
    record(0, "hang")
    await new Promise<void>((resolve) => {
      const release = () => resolve()
      ctx.held.add(release)
      setTimeout(() => {
        ctx.held.delete(release)
        resolve()
      }, fault.ms)
    })
  }
  const result = route(ctx.routers, url.pathname, url.searchParams)
  if (fault?.kind === "malformed") {
    record(200, "malformed")
    return new Response('{"symbol":"BTCUSDT","truncated', {
      status: 200,
      headers: { "content-type": "application/json" },
    })
  }
  if (fault?.kind !== "hang") record(result.status)
  const headers = spot
    ? { "x-mbx-used-weight-1m": String(ctx.spotWeight.usedInLast(60_000, performance.now())) }
    : undefined
  return Response.json(result.body, { status: result.status, ...(headers ? { headers } : {}) })
}
