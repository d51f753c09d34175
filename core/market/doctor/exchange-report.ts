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

type CheckStatus = "ok" | "warn" | "fail" | "n/a"

interface ReportRow {
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

    /** Asks for `name` for every configured symbol: ok when all are served, else who is not and why. */
    const dataType = (
      name: string,
      run: ((symbol: string) => Promise<unknown>) | undefined,
      served: (value: unknown, symbol: string) => string,
    ) =>
      Effect.gen(function* () {
        if (run === undefined) return rows.push(row(name, "n/a", "not offered by this exchange"))
        const results = yield* Effect.forEach(
          options.symbols,
          (s) =>
            Effect.map(
              probe(() => run(s), timeoutMs, adapter.id),
              ({ result }) => ({ symbol: s, result }),
            ),
          { concurrency: 4 },
        )
        const failed = results.flatMap((r) =>
          r.result._tag === "Failure" ? [`${r.symbol} (${r.result.failure})`] : [],
        )
        const first = results.find((r) => r.result._tag === "Success")
        const example = first?.result._tag === "Success" ? served(first.result.success, first.symbol) : ""
        const total = results.length
        if (failed.length === 0)
          return rows.push(row(name, "ok", total === 1 ? example : `${example}; all ${total} symbols`))
        const named = failed.slice(0, 3).join("; ") + (failed.length > 3 ? `; and ${failed.length - 3} more` : "")
        rows.push(row(name, "warn", `served for ${total - failed.length} of ${total} symbols; not for ${named}`))
      })
    const length = (v: unknown, s: string) => `${Array.isArray(v) ? v.length : 0} for ${s}`
    yield* dataType("candles", (s) => adapter.fetchOHLCV(s, "1m", undefined, 5), length)
    yield* dataType(
      "order book",
      (s) => adapter.fetchOrderBook(s, 20),
      (b, s) => `${levels(b)} levels for ${s}`,
    )
    yield* dataType("trades", (s) => adapter.fetchTrades(s, undefined, 20), length)
    yield* dataType(
      "ticker",
      (s) => adapter.fetchTicker(s),
      (_, s) => `last price for ${s}`,
    )
    const derivative = <K extends "fetchFundingRate" | "fetchOpenInterest" | "fetchLiquidations">(
      k: K,
      has: boolean,
    ) =>
      has && adapter[k] !== undefined
        ? (s: string) => (adapter[k] as (s: string) => Promise<unknown>).call(adapter, s)
        : undefined
    yield* dataType(
      "funding rate",
      derivative("fetchFundingRate", adapter.has.fetchFundingRate),
      (_, s) => `for ${s}'s perpetual`,
    )
    yield* dataType(
      "open interest",
      derivative("fetchOpenInterest", adapter.has.fetchOpenInterest),
      (_, s) => `for ${s}'s perpetual`,
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
