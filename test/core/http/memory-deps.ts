/**
 * In-memory implementations of `HttpDeps` for tests: a confluence table, pages cut with a
 * numeric cursor, a DLQ and a stream hub that fans messages out to subscribers.
 */
import type { ConfluenceSnapshot, HttpDeps, Json, LogLevel, Page, StreamMessage } from "../../../core/http/deps.ts"
import { HttpInputError } from "../../../core/http/errors.ts"

export const snapshot = (
  symbol: string,
  score: number,
  timeframe: ConfluenceSnapshot["timeframe"] = "1m",
  time = 1_700_000_000_000,
): ConfluenceSnapshot => ({
  symbol,
  timeframe,
  score,
  time,
  components: {
    technical: score - 5,
    volume: score + 5,
    orderflow: null,
    orderbook: 50,
    sentiment: 40,
    price_structure: 60,
  },
})

/** Pages over `items` with a cursor that is the next offset; a non-numeric cursor is a client error. */
export const paginate = <A>(items: ReadonlyArray<A>, limit: number, cursor: string | undefined): Page<A> => {
  const start = cursor === undefined ? 0 : Number(cursor)
  if (!Number.isInteger(start) || start < 0) throw new HttpInputError("stale or foreign cursor")
  const page = items.slice(start, start + limit)
  return { items: page, nextCursor: start + limit < items.length ? String(start + limit) : null }
}

export class StreamHub {
  readonly listeners = new Set<(message: StreamMessage) => void>()
  subscribe = (onMessage: (message: StreamMessage) => void) => {
    this.listeners.add(onMessage)
    return () => {
      this.listeners.delete(onMessage)
    }
  }
  publish(message: StreamMessage) {
    for (const listener of this.listeners) listener(message)
  }
}

export interface MemoryDeps extends HttpDeps {
  readonly logs: Array<{ level: LogLevel; message: string; annotations?: Readonly<Record<string, unknown>> }>
  readonly table: Map<string, ConfluenceSnapshot>
  readonly hub: StreamHub
  readonly dead: Map<string, Json>
  readonly replayed: Array<string>
  readonly eventRows: Array<{ type: string; symbol?: string; time: number }>
}

export const memoryDeps = (): MemoryDeps => {
  const logs: MemoryDeps["logs"] = []
  const table = new Map<string, ConfluenceSnapshot>()
  for (const [symbol, score] of [
    ["BTC/USDT", 62],
    ["ETH/USDT", 41],
    ["SOL/USDT", 55],
  ] as const) {
    table.set(`${symbol}|1m`, snapshot(symbol, score))
    table.set(`${symbol}|5m`, snapshot(symbol, score + 1, "5m"))
  }
  const hub = new StreamHub()
  const dead = new Map<string, Json>([
    ["dlq-1", { type: "signal.emitted" }],
    ["dlq-2", { type: "market.candle.closed" }],
  ])
  const replayed: Array<string> = []
  const eventRows = Array.from({ length: 25 }, (_, i) => ({
    type: i % 2 === 0 ? "market.candle.closed" : "confluence.updated",
    symbol: i % 3 === 0 ? "ETH/USDT" : "BTC/USDT",
    time: 1_700_000_000_000 + i * 60_000,
  }))
  const signalRows = Array.from({ length: 7 }, (_, i) => ({
    symbol: "BTC/USDT",
    timeframe: "1m",
    kind: i % 2 === 0 ? "long" : "short",
    score: 70 + i,
    time: 1_700_000_000_000 + i,
  }))
  return {
    logs,
    table,
    hub,
    dead,
    replayed,
    eventRows,
    log: (level, message, annotations) => {
      logs.push({ level, message, annotations })
    },
    confluence: {
      list: async () => [...table.values()],
      symbols: async () => ["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT"],
    },
    health: {
      report: async () => ({
        status: 200,
        body: { status: "healthy", components: { bus: { status: "up" }, market: { status: "up" } } },
      }),
      live: async () => ({ status: 200, body: { status: "up" } }),
      ready: async () => ({ status: 503, body: { status: "unhealthy", components: { store: { status: "down" } } } }),
    },
    metrics: { render: async () => "# HELP virtuoso_up Up.\n# TYPE virtuoso_up gauge\nvirtuoso_up 1\n" },
    events: {
      query: async (q) => {
        const rows = eventRows.filter(
          (row) =>
            (q.type === undefined ||
              (q.type.endsWith(".*") ? row.type.startsWith(q.type.slice(0, -1)) : row.type === q.type)) &&
            (q.symbol === undefined || row.symbol === q.symbol) &&
            (q.from === undefined || row.time >= q.from) &&
            (q.to === undefined || row.time < q.to),
        )
        return paginate(rows, q.limit, q.cursor)
      },
    },
    signals: {
      query: async (q) =>
        paginate(
          signalRows.filter((s) => q.kind === undefined || s.kind === q.kind),
          q.limit,
          q.cursor,
        ),
    },
    plugins: { list: async () => [{ name: "rsi-14", kind: "indicator", component: "technical", status: "active" }] },
    dlq: {
      list: async (q) =>
        paginate(
          [...dead].map(([id, event]) => ({ id, event })),
          q.limit,
          q.cursor,
        ),
      replay: async (ids) => {
        const found = ids.filter((id) => dead.has(id))
        for (const id of found) {
          dead.delete(id)
          replayed.push(id)
        }
        return { replayed: found, missing: ids.filter((id) => !found.includes(id)), kept: [] }
      },
      discard: async (ids) => {
        const found = ids.filter((id) => dead.has(id))
        for (const id of found) dead.delete(id)
        return { discarded: found, missing: ids.filter((id) => !found.includes(id)) }
      },
    },
    stream: { subscribe: hub.subscribe },
  }
}
