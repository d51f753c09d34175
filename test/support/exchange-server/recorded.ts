/**
 * @module ccxt's recorded websocket sessions (`test/fixtures/ccxt-ws/<exchange>.json`, MIT; see
 * that folder's README): per `watch*` method, cases of the messages the exchange sent, the
 * subscribe the client sent, and ccxt's parse of each data message. `server.replay(topic,
 * messages)` serves one on the local server; `replayed` drives a watch through it.
 */
import { join } from "node:path"
import type { ExchangeServer } from "./exchange-server.ts"

export interface RecordedCase {
  readonly description: string
  readonly input: ReadonlyArray<unknown>
  /** Where the exchange's socket lives (not used locally: the plugin's `urls` point here). */
  readonly url: string
  /** What the exchange sent, acks included, in order. */
  readonly messages: ReadonlyArray<unknown>
  readonly sentMessages: ReadonlyArray<unknown>
  /** ccxt's result after each data message. */
  readonly parsedResponses?: ReadonlyArray<unknown>
  /** ccxt's result after the last message (cases recorded as one final state). */
  readonly parsedResponse?: unknown
  /** The REST reply ccxt fetched during the session (Binance's order book snapshot). */
  readonly httpResponse?: unknown
}

export interface RecordedSessions {
  readonly exchange: string
  readonly methods: Readonly<Record<string, ReadonlyArray<RecordedCase>>>
}

export const recordedWs = (exchange: "binance" | "bybit" | "okx"): Promise<RecordedSessions> =>
  Bun.file(join(import.meta.dir, "../../fixtures/ccxt-ws", `${exchange}.json`)).json() as Promise<RecordedSessions>

/** The case of `method` named `description`; a missing one fails loudly instead of skipping a check. */
export const recordedCase = (sessions: RecordedSessions, method: string, description: string): RecordedCase => {
  const found = sessions.methods[method]?.find((c) => c.description === description)
  if (!found) throw new Error(`no recorded ${sessions.exchange} ${method} case "${description}"`)
  return found
}

/**
 * One watch per data message of the recording: the first subscribes, then each `advance(0)` sends
 * the next data message (with the acks before it). Returns what each watch resolved with.
 */
export const replayed = async <A>(
  server: ExchangeServer,
  c: RecordedCase,
  topic: string,
  watch: () => Promise<A>,
  count = c.parsedResponses?.length ?? 1,
): Promise<Array<A>> => {
  server.replay(topic, c.messages)
  const out: Array<A> = []
  for (let i = 0; i < count; i++) {
    const next = watch()
    if (i === 0) await server.waitFor(() => server.activeStreams().has(topic), 10_000, topic)
    server.advance(0)
    out.push(await next)
  }
  return out
}
