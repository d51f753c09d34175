/**
 * @module Fault switches for the local exchange server.
 *
 * HTTP faults are queued rules consumed by matching requests (so "the next 2 klines requests get
 * 429" is exact); websocket faults act on the live sockets. Tests flip them between steps.
 */

export type HttpFault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: number; readonly body?: string }
  | { readonly kind: "hang"; readonly ms: number }
  | { readonly kind: "malformed" }
  /** Answer with this exact body (replaying a recorded exchange reply). */
  | { readonly kind: "respond"; readonly status: number; readonly body: unknown }

interface HttpRule {
  readonly fault: HttpFault
  /** Substring of the request path, or undefined for every path. */
  readonly path?: string
  remaining: number
}

export class FaultSwitches {
  private readonly rules: Array<HttpRule> = []
  /** When true the server accepts websocket frames but sends no data (a stale stream). */
  silent = false
  /** Streams (e.g. "ltcusdt@kline_1m") that get no data while the rest flows. */
  readonly silentStreams = new Set<string>()
  /** When true websocket upgrades are refused with 503 (streaming unavailable). */
  refuseWs = false
  /** Next N outgoing websocket data frames are replaced by broken JSON. */
  malformedWsFrames = 0
  /** Per "<ID>@<tf>": the open candle loses its final frame and the next N candles are never sent (a gap). */
  readonly candleGaps = new Map<string, number>()
  /** Diff-depth streams (exchange ids) whose next update is lost: a sequence gap. */
  readonly depthGaps = new Set<string>()
  /** Requests that a rule answered, by fault kind (what the test can assert on). */
  readonly injected = { status: 0, hang: 0, malformed: 0, respond: 0, malformedWs: 0, drops: 0, gaps: 0 }

  /** Queue `fault` for the next `times` requests whose path contains `path`. */
  http(fault: HttpFault, opts: { times?: number; path?: string } = {}): void {
    this.rules.push({ fault, path: opts.path, remaining: opts.times ?? 1 })
  }

  /** Shorthand: HTTP 429 (or 418) with a Retry-After header, like Binance's weight limiter. */
  rateLimit(opts: { status?: 429 | 418; retryAfter?: number; times?: number; path?: string } = {}): void {
    const status = opts.status ?? 429
    const body = JSON.stringify({
      code: status === 418 ? -1003 : -1003,
      msg:
        status === 418
          ? "Way too many requests; IP banned until 0."
          : "Too many requests; current limit is 6000 request weight per 1 MINUTE.",
    })
    this.http({ kind: "status", status, retryAfter: opts.retryAfter ?? 1, body }, opts)
  }

  /** Lose the next diff-depth update of `exchangeSymbolId`: the client sees a gap in update ids. */
  depthGap(exchangeSymbolId: string): void {
    this.depthGaps.add(exchangeSymbolId)
  }

  /** Make one kline stream skip `candles` whole candles (plus the open one's final frame). */
  candleGap(exchangeSymbolId: string, timeframe: string, candles: number): void {
    this.candleGaps.set(`${exchangeSymbolId}@${timeframe}`, candles)
  }

  clear(): void {
    this.rules.length = 0
    this.silent = false
    this.refuseWs = false
    this.silentStreams.clear()
    this.malformedWsFrames = 0
    this.candleGaps.clear()
    this.depthGaps.clear()
  }

  /** The fault for this request, consuming one use of the first matching rule. */
  take(path: string): HttpFault | undefined {
    const index = this.rules.findIndex((r) => r.remaining > 0 && (r.path === undefined || path.includes(r.path)))
    if (index < 0) return undefined
    const rule = this.rules[index]!
    rule.remaining -= 1
    if (rule.remaining <= 0) this.rules.splice(index, 1)
    this.injected[rule.fault.kind] += 1
    return rule.fault
  }

  pending(): number {
    return this.rules.reduce((n, r) => n + r.remaining, 0)
  }
}
