/**
 * @module Scrape-time samples from the services' `stats` snapshots: pure functions over the
 * snapshot shapes; `metric-collectors.ts` registers them with `Metrics`. They live at
 * composition, not in `core/metrics`, so the registry knows nothing of the services it scrapes.
 *
 * Labels stay bounded: lanes, event types, breaker and plugin names are closed or configured
 * sets; SSE subscriber names lose their `#n` suffix; symbols are capped.
 */
import type { SymbolConfluence } from "../analysis/index.ts"
import type { BusStats } from "../events/index.ts"
import type { MarketStats } from "../market/index.ts"
import type { PluginInfo } from "../plugins/index.ts"
import type { BreakerSnapshot } from "../resilience/index.ts"
import type { StoreStats } from "../store/index.ts"
import type { Sample } from "../metrics/index.ts"

const CIRCUIT = { closed: 0, "half-open": 1, open: 2 } as const
const CIRCUIT_HELP = "0 closed, 1 half-open, 2 open."

const gauge = (name: string, help: string, value: number, labels?: Record<string, string>): Sample => ({
  name,
  type: "gauge",
  help,
  value,
  labels,
})
const counter = (name: string, help: string, value: number, labels?: Record<string, string>): Sample => ({
  name,
  type: "counter",
  help,
  value,
  labels,
})

/** Lane depths and drops, events by type, dedup, DLQ and per-subscriber queues of the bus. */
export const busSamples = (
  stats: BusStats,
  laneOf: (type: string) => string,
  maxSubscribers = 100,
): ReadonlyArray<Sample> => {
  const out: Array<Sample> = []
  for (const [lane, { depth, dropped }] of Object.entries(stats.lanes)) {
    out.push(gauge("virtuoso_bus_queue_depth", "Events queued across subscriptions, by lane.", depth, { lane }))
    out.push(
      counter("virtuoso_bus_events_dropped_total", "Events dropped by backpressure, by lane.", dropped, { lane }),
    )
  }
  for (const [type, count] of Object.entries(stats.published)) {
    out.push(
      counter("virtuoso_bus_events_published_total", "Events published on the bus, by event type and lane.", count, {
        type,
        lane: laneOf(type),
      }),
    )
  }
  out.push(counter("virtuoso_bus_events_deduplicated_total", "Events dropped as duplicates by id.", stats.deduplicated))
  out.push(gauge("virtuoso_bus_dead_letters", "Entries in the dead-letter queue.", stats.deadLetters))
  out.push(
    counter(
      "virtuoso_bus_dead_letters_evicted_total",
      "Dead letters evicted because the queue was full.",
      stats.deadLettersEvicted,
    ),
  )
  const bySubscriber = new Map<
    string,
    { depth: number; dropped: number; superseded: number; failed: number; circuit: number }
  >()
  for (const s of stats.subscribers) {
    const name = s.name.replace(/#\d+$/, "")
    const entry = bySubscriber.get(name) ?? { depth: 0, dropped: 0, superseded: 0, failed: 0, circuit: 0 }
    if (!bySubscriber.has(name) && bySubscriber.size >= maxSubscribers) continue
    entry.depth += s.depth
    entry.dropped += s.dropped
    entry.superseded += s.superseded
    entry.failed += s.failed
    entry.circuit = Math.max(entry.circuit, CIRCUIT[s.circuit])
    bySubscriber.set(name, entry)
  }
  for (const [subscriber, s] of bySubscriber) {
    out.push(gauge("virtuoso_bus_subscriber_queue_depth", "Events queued for one subscriber.", s.depth, { subscriber }))
    out.push(
      counter(
        "virtuoso_bus_subscriber_dropped_total",
        "Events dropped for one subscriber by backpressure.",
        s.dropped,
        { subscriber },
      ),
    )
    out.push(
      counter(
        "virtuoso_bus_subscriber_superseded_total",
        "Snapshots (books, tickers) that took the place of an older one queued for one subscriber.",
        s.superseded,
        { subscriber },
      ),
    )
    out.push(
      counter(
        "virtuoso_bus_subscriber_failures_total",
        "Handler failures of one subscriber (after retries).",
        s.failed,
        { subscriber },
      ),
    )
    out.push(
      gauge("virtuoso_bus_subscriber_circuit_state", `Circuit of one subscriber: ${CIRCUIT_HELP}`, s.circuit, {
        subscriber,
      }),
    )
  }
  return out
}

/** State and call counts of every circuit breaker. */
export const breakerSamples = (snapshots: ReadonlyArray<BreakerSnapshot>): ReadonlyArray<Sample> =>
  snapshots.flatMap((b) => {
    const labels = { breaker: b.name }
    return [
      gauge("virtuoso_resilience_circuit_state", `Circuit breaker state: ${CIRCUIT_HELP}`, CIRCUIT[b.state], labels),
      counter("virtuoso_resilience_circuit_calls_total", "Calls through a circuit breaker.", b.calls, labels),
      counter(
        "virtuoso_resilience_circuit_failures_total",
        "Failed calls through a circuit breaker.",
        b.failures,
        labels,
      ),
      counter(
        "virtuoso_resilience_circuit_rejected_total",
        "Calls rejected while a circuit was open.",
        b.rejected,
        labels,
      ),
      counter(
        "virtuoso_resilience_circuit_transitions_total",
        "State changes of a circuit breaker.",
        b.transitions,
        labels,
      ),
    ]
  })

/** Calls, errors, compute time and state of every plugin. */
export const pluginSamples = (plugins: ReadonlyArray<PluginInfo>): ReadonlyArray<Sample> =>
  plugins.flatMap((p) => {
    const labels = { plugin: p.name }
    return [
      counter("virtuoso_plugin_calls_total", "Calls of a plugin.", p.calls, labels),
      counter("virtuoso_plugin_errors_total", "Errors of a plugin (load or call).", p.errors, labels),
      gauge("virtuoso_plugin_compute_mean_seconds", "Mean compute time of a plugin call.", p.meanMicros / 1e6, labels),
      gauge(
        "virtuoso_plugin_compute_p99_seconds",
        "99th percentile compute time over a plugin's recent calls.",
        p.p99Micros / 1e6,
        labels,
      ),
      gauge(
        "virtuoso_plugin_active",
        "1 when the plugin is active, 0 when quarantined, failed or disabled.",
        p.state === "active" ? 1 : 0,
        { ...labels, state: p.state },
      ),
    ]
  })

/** Commits, duplicates and backlog of the event store. */
export const storeSamples = (stats: StoreStats): ReadonlyArray<Sample> => [
  counter("virtuoso_store_events_committed_total", "Events committed to the store since start.", stats.committed),
  counter("virtuoso_store_duplicates_total", "Appended events skipped as already stored.", stats.duplicates),
  counter("virtuoso_store_transactions_total", "Store write transactions.", stats.transactions),
  counter(
    "virtuoso_store_commit_seconds_total",
    "Time spent writing and committing transactions.",
    stats.commitSeconds,
  ),
  gauge("virtuoso_store_pending_events", "Events waiting for the next commit.", stats.pending),
  gauge("virtuoso_store_warm_files", "Day files (one per UTC day) in the warm tier.", stats.warmDays),
]

/** Polls, errors and data age of the market data feed. */
export const marketSamples = (stats: MarketStats): ReadonlyArray<Sample> => {
  const labels = { exchange: stats.exchange }
  return [
    gauge("virtuoso_market_symbols", "Symbols tracked.", stats.symbols, labels),
    counter("virtuoso_market_polls_total", "Exchange polls.", stats.polls, labels),
    counter("virtuoso_market_poll_errors_total", "Exchange polls that failed.", stats.errors, labels),
    counter(
      "virtuoso_market_candles_appended_total",
      "Candles appended to the resident series.",
      stats.candlesAppended,
      labels,
    ),
    counter("virtuoso_market_candles_malformed_total", "Candles rejected as malformed.", stats.malformed, labels),
    counter("virtuoso_market_gaps_backfilled_total", "Candle gaps backfilled.", stats.gapsBackfilled, labels),
    gauge(
      "virtuoso_market_data_age_seconds",
      "Seconds since the last successful poll of any symbol.",
      stats.lastPollAgeMs / 1000,
      labels,
    ),
  ]
}

/**
 * Latest confluence per symbol × timeframe × component ("total" = the overall score), for at
 * most `maxSymbols` symbols (alphabetical, so the kept set is stable); unavailable scores are
 * left out rather than exported as a made-up value.
 */
export const confluenceSamples = (
  latest: ReadonlyArray<SymbolConfluence>,
  maxSymbols: number,
): ReadonlyArray<Sample> => {
  const help =
    "Latest confluence score (0-100, 50 neutral) by symbol, timeframe and component; " +
    'component="total" is the overall score, timeframe="all" the roll-up.'
  const sorted = [...latest].sort((a, b) => a.symbol.localeCompare(b.symbol))
  const kept = sorted.slice(0, maxSymbols)
  const out: Array<Sample> = [
    gauge(
      "virtuoso_confluence_symbols_over_cap",
      "Scored symbols left out of virtuoso_confluence_score by the cardinality cap.",
      sorted.length - kept.length,
    ),
  ]
  const push = (symbol: string, timeframe: string, component: string, score: number | null) => {
    if (score !== null && Number.isFinite(score))
      out.push(gauge("virtuoso_confluence_score", help, score, { symbol, timeframe, component }))
  }
  for (const c of kept) {
    push(c.symbol, "all", "total", c.score)
    for (const [component, score] of Object.entries(c.components)) push(c.symbol, "all", component, score)
    for (const result of Object.values(c.results)) {
      if (result === undefined) continue
      push(c.symbol, result.timeframe, "total", result.score)
      for (const [component, r] of Object.entries(result.components))
        push(c.symbol, result.timeframe, component, r.score)
    }
  }
  return out
}
