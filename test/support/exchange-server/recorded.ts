/**
 * @module ccxt's recorded websocket sessions (`test/fixtures/ccxt-ws/<exchange>.json`, MIT; see
 * that folder's README): per `watch*` method, cases of the messages the exchange sent, the
 * subscribe the client sent, and ccxt's parse of each data message. `server.replay(topic,
 * messages)` serves one on the local server.
 */
import { join } from "node:path"

export interface RecordedCase {
  readonly description: string
  readonly input: ReadonlyArray<unknown>
  /** Where the exchange's socket lives (not used locally: the plugin's `urls` point here). */
  readonly url: string
  /** What the exchange sent, acks included, in order. */
  readonly messages: ReadonlyArray<unknown>
  readonly sentMessages: ReadonlyArray<unknown>
  /** ccxt's result after each data message. */
  readonly parsedResponses: ReadonlyArray<unknown>
}

export interface RecordedSessions {
  readonly exchange: string
  readonly methods: Readonly<Record<string, ReadonlyArray<RecordedCase>>>
}

export const recordedWs = (exchange: "okx"): Promise<RecordedSessions> =>
  Bun.file(join(import.meta.dir, "../../fixtures/ccxt-ws", `${exchange}.json`)).json() as Promise<RecordedSessions>
