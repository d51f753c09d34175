/**
 * @module The exchange check behind `bun run doctor`: one row per thing a user needs to know
 * before (or instead of) starting the engine — REST and websocket reachability, markets loaded,
 * clock skew, rate-limit headroom, and which data types the exchange serves for the configured
 * symbols. Every check runs on its own with a time limit; a failing one is a row, never a crash.
 */
import { Clock, Duration, Effect } from "effect"
import type { ExchangeAdapter } from "../../plugins/exchange-adapter.ts"
import { classifyCcxtError, describeFailure } from "../../resilience/index.ts"
import { measureClockSkew } from "../clock-skew.ts"

export type CheckStatus = "ok" | "warn" | "fail" | "n/a"

export interface ReportRow {
  readonly check: string
  readonly status: CheckStatus
  readonly detail: string
}

export interface ExchangeReport {
  readonly exchange: string
  readonly rows: ReadonlyArray<ReportRow>
  /** No row failed. */
  readonly ok: boolean
}

export interface ReportOptions {
  readonly symbols: ReadonlyArray<string>
  /** Per check. @default 10 s */
  readonly timeoutMs?: number
  /** Clock skew beyond this is a warning. @default 1 s */
  readonly maxSkewMs?: number
}

const row = (check: string, status: CheckStatus, detail: string): ReportRow => ({ check, status, detail })

/** Runs `run` with a time limit; its value or the failure described. */
const probe = <A>(run: () => Promise<A>, timeoutMs: number, exchange: string) =>
  Effect.gen(function* () {
    const started = yield* Clock.currentTimeMillis
    const result = yield* Effect.tryPromise({
      try: run,
      catch: (e) => describeFailure(classifyCcxtError(e, { exchange })),
    }).pipe(
      Effect.timeoutOrElse({
        duration: Duration.millis(timeoutMs),
        orElse: () => Effect.fail(`no answer within ${timeoutMs} ms`),
      }),
      Effect.result,
    )
    const ms = (yield* Clock.currentTimeMillis) - started
    return { result, ms }
  })

export const exchangeReport = (adapter: ExchangeAdapter, options: ReportOptions): Effect.Effect<ExchangeReport> =>
  Effect.gen(function* () {
    const timeoutMs = options.timeoutMs ?? 10_000
    const rows: Array<ReportRow> = []
    const symbol = options.symbols[0]

    const markets = yield* probe(() => adapter.loadSymbols(), timeoutMs, adapter.id)
    if (markets.result._tag === "Success") {
      const listed = new Set(markets.result.success)
      const missing = options.symbols.filter((s) => !listed.has(s))
      rows.push(row("REST reachable", "ok", `answered in ${markets.ms} ms`))
      rows.push(
        row(
          "markets loaded",
          missing.length === 0 ? "ok" : "fail",
          `${listed.size} symbols${missing.length === 0 ? "" : `; not listed: ${missing.join(", ")}`}`,
        ),
      )
    } else {
      rows.push(row("REST reachable", "fail", markets.result.failure))
      rows.push(row("markets loaded", "fail", "no market list (REST unreachable)"))
    }

    const skew = yield* measureClockSkew(adapter)
    const maxSkew = options.maxSkewMs ?? 1_000
    rows.push(
      skew === undefined
        ? row(
            "clock skew",
            adapter.fetchTime === undefined ? "n/a" : "warn",
            adapter.fetchTime === undefined ? "no time endpoint" : "time endpoint did not answer",
          )
        : row(
            "clock skew",
            Math.abs(skew.skewMs) > maxSkew ? "warn" : "ok",
            `${skew.skewMs} ms (±${skew.uncertaintyMs} ms); exchange ${skew.skewMs >= 0 ? "ahead" : "behind"}`,
          ),
    )

    // Last: after the calls above, the exchange's own count of used weight is current.
    const headroom = () => {
      const budget = adapter.rateBudget
      const used = adapter.stats?.().usedWeight1m
      rows.push(
        row(
          "rate-limit headroom",
          budget === undefined ? "n/a" : "ok",
          [
            budget === undefined
              ? "no limit known"
              : `engine budget ${round(budget.perSecond)}/s, burst ${budget.capacity} (request-weight units)`,
            ...(used === undefined ? [] : [`exchange reports ${used} weight used in the last minute`]),
          ].join("; "),
        ),
      )
    }
    if (symbol === undefined) {
      headroom()
      return { exchange: adapter.id, rows, ok: !rows.some((r) => r.status === "fail") }
    }

    if (adapter.watchOHLCV !== undefined && adapter.has.watchOHLCV) {
      const ws = yield* probe(() => adapter.watchOHLCV!(symbol, "1m"), timeoutMs, adapter.id)
      rows.push(
        ws.result._tag === "Success"
          ? row("websocket reachable", "ok", `first ${symbol} 1m update in ${ws.ms} ms`)
          : row("websocket reachable", "warn", `${ws.result.failure} — the engine polls REST instead`),
      )
    } else {
      rows.push(row("websocket reachable", "n/a", "no websocket streams: the engine polls REST"))
    }

    const dataType = (name: string, run: (() => Promise<unknown>) | undefined, count: (value: unknown) => string) =>
      Effect.gen(function* () {
        if (run === undefined) return rows.push(row(name, "n/a", "not offered by this exchange"))
        const r = yield* probe(run, timeoutMs, adapter.id)
        rows.push(
          r.result._tag === "Success" ? row(name, "ok", count(r.result.success)) : row(name, "warn", r.result.failure),
        )
      })
    const length = (v: unknown) => `${Array.isArray(v) ? v.length : 0} for ${symbol}`
    yield* dataType("candles", () => adapter.fetchOHLCV(symbol, "1m", undefined, 5), length)
    yield* dataType(
      "order book",
      () => adapter.fetchOrderBook(symbol, 20),
      (b) => `${levels(b)} levels for ${symbol}`,
    )
    yield* dataType("trades", () => adapter.fetchTrades(symbol, undefined, 20), length)
    yield* dataType(
      "ticker",
      () => adapter.fetchTicker(symbol),
      () => `last price for ${symbol}`,
    )
    const derivative = <K extends "fetchFundingRate" | "fetchOpenInterest" | "fetchLiquidations">(
      k: K,
      has: boolean,
    ) =>
      has && adapter[k] !== undefined
        ? () => (adapter[k] as (s: string) => Promise<unknown>).call(adapter, symbol)
        : undefined
    yield* dataType(
      "funding rate",
      derivative("fetchFundingRate", adapter.has.fetchFundingRate),
      () => `for ${symbol}'s perpetual`,
    )
    yield* dataType(
      "open interest",
      derivative("fetchOpenInterest", adapter.has.fetchOpenInterest),
      () => `for ${symbol}'s perpetual`,
    )
    if (!adapter.has.fetchLiquidations && adapter.has.watchLiquidations === true) {
      // Not probed: a liquidation stream only speaks when a position is liquidated.
      rows.push(row("liquidations", "ok", `websocket stream for ${symbol}'s perpetual (no REST endpoint)`))
    } else {
      yield* dataType("liquidations", derivative("fetchLiquidations", adapter.has.fetchLiquidations), length)
    }
    headroom()
    return { exchange: adapter.id, rows, ok: !rows.some((r) => r.status === "fail") }
  })

const round = (n: number) => Math.round(n * 100) / 100

const levels = (book: unknown): number => {
  const b = book as { bids?: ReadonlyArray<unknown>; asks?: ReadonlyArray<unknown> }
  return (b.bids?.length ?? 0) + (b.asks?.length ?? 0)
}

/** The report as a fixed-width table a user can paste into a bug report. */
export const formatReport = (report: ExchangeReport): string => {
  const header: ReportRow = { check: "check", status: "n/a", detail: "detail" }
  const all = [header, ...report.rows]
  const w1 = Math.max(...all.map((r) => r.check.length))
  const w2 = Math.max(6, ...report.rows.map((r) => r.status.length))
  const line = (r: ReportRow, status: string) => `| ${r.check.padEnd(w1)} | ${status.padEnd(w2)} | ${r.detail} |`
  return [
    `exchange: ${report.exchange}`,
    line(header, "status"),
    `|${"-".repeat(w1 + 2)}|${"-".repeat(w2 + 2)}|---|`,
    ...report.rows.map((r) => line(r, r.status)),
    report.ok ? "result: ok" : "result: FAILED (see the fail rows)",
  ].join("\n")
}
