/**
 * @module The exchange's clock against ours, from its time endpoint. A candle is closed when its
 * period has ended by the exchange's clock; a host clock a few seconds fast would otherwise call
 * a candle closed that the exchange is still updating (and a slow one would hold back the newest
 * closed candle). The reading's uncertainty is half the round trip; callers subtract it, so a
 * candle is only ever taken as closed once it surely is. Clocks drift (an NTP step, a VM resumed),
 * so the reading is taken again every few minutes for as long as the exchange session lives
 * (`trackClockSkew`).
 */
import { Clock, Duration, Effect, type Scope } from "effect"
import type { ExchangeAdapter } from "../plugins/exchange-adapter.ts"

export interface ClockSkew {
  /** Exchange clock minus ours, ms (positive: the exchange is ahead). */
  readonly skewMs: number
  /** Half the round trip of the reading, ms. */
  readonly uncertaintyMs: number
}

/**
 * One reading (none when the exchange has no time endpoint or it fails). `charge` pays for the
 * request first (the host's rate budget), outside the timed round trip so a wait does not widen it.
 */
export const measureClockSkew = (
  adapter: ExchangeAdapter,
  charge: Effect.Effect<void, unknown> = Effect.void,
): Effect.Effect<ClockSkew | undefined> =>
  Effect.gen(function* () {
    const fetchTime = adapter.fetchTime
    if (fetchTime === undefined) return undefined
    yield* charge
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

/** How often the skew is measured again. */
export const CLOCK_SKEW_EVERY_MS = 10 * 60_000

/** A change of the skew this large is logged (smaller ones are jitter of the round trip). */
const LOG_CHANGE_MS = 250

export interface ClockOffset {
  /** The latest reading (none until one succeeded). */
  readonly skew: () => ClockSkew | undefined
  /** `closeOffsetMs` of the latest reading. */
  readonly closeOffset: () => number
}

/**
 * Measures now, then every `everyMs` for the life of the scope, each reading charged by `charge`.
 * A failed reading keeps the last good one (the clocks did not jump because the endpoint failed);
 * a changed one is logged.
 */
export const trackClockSkew = (
  adapter: ExchangeAdapter,
  everyMs: number = CLOCK_SKEW_EVERY_MS,
  charge: Effect.Effect<void, unknown> = Effect.void,
): Effect.Effect<ClockOffset, never, Scope.Scope> =>
  Effect.gen(function* () {
    let last = yield* measureClockSkew(adapter, charge)
    if (last !== undefined)
      yield* Effect.logInfo(`${adapter.id} clock: ${last.skewMs} ms from ours (±${last.uncertaintyMs} ms)`)
    if (adapter.fetchTime !== undefined) {
      const remeasure = Effect.gen(function* () {
        const next = yield* measureClockSkew(adapter, charge)
        if (next === undefined) return
        if (last === undefined || Math.abs(next.skewMs - last.skewMs) >= LOG_CHANGE_MS) {
          yield* Effect.logInfo(
            `${adapter.id} clock: now ${next.skewMs} ms from ours (±${next.uncertaintyMs} ms)` +
              (last === undefined ? "" : `, was ${last.skewMs} ms`),
          )
        }
        last = next
      })
      yield* Effect.sleep(Duration.millis(everyMs)).pipe(Effect.andThen(remeasure), Effect.forever, Effect.forkScoped)
    }
    return { skew: () => last, closeOffset: () => closeOffsetMs(last) }
  })
