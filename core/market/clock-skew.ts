/**
 * @module The exchange's clock against ours, from its time endpoint. A candle is closed when its
 * period has ended by the exchange's clock; a host clock a few seconds fast would otherwise call
 * a candle closed that the exchange is still updating (and a slow one would hold back the newest
 * closed candle). The reading's uncertainty is half the round trip; callers subtract it, so a
 * candle is only ever taken as closed once it surely is.
 */
import { Clock, Effect } from "effect"
import type { ExchangeAdapter } from "../plugins/exchange-adapter.ts"

export interface ClockSkew {
  /** Exchange clock minus ours, ms (positive: the exchange is ahead). */
  readonly skewMs: number
  /** Half the round trip of the reading, ms. */
  readonly uncertaintyMs: number
}

/** One reading (none when the exchange has no time endpoint or it fails). */
export const measureClockSkew = (adapter: ExchangeAdapter): Effect.Effect<ClockSkew | undefined> =>
  Effect.gen(function* () {
    const fetchTime = adapter.fetchTime
    if (fetchTime === undefined) return undefined
    const sentAt = yield* Clock.currentTimeMillis
    const exchangeTime = yield* Effect.tryPromise(() => fetchTime.call(adapter))
    const receivedAt = yield* Clock.currentTimeMillis
    if (!Number.isFinite(exchangeTime)) return undefined
    return {
      skewMs: Math.round(exchangeTime - (sentAt + receivedAt) / 2),
      uncertaintyMs: Math.ceil((receivedAt - sentAt) / 2),
    }
  }).pipe(Effect.orElseSucceed(() => undefined))

/**
 * The offset to add to our clock for "has this candle closed?": the skew, less its uncertainty
 * (closing late by a round trip is harmless; closing early would score an unfinished candle).
 */
export const closeOffsetMs = (skew: ClockSkew | undefined): number =>
  skew === undefined ? 0 : skew.skewMs - skew.uncertaintyMs
