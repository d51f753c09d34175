/**
 * @module AlertManager: delivers signals (and, if configured, health changes) to every channel.
 *
 * One bus subscription per channel, so a failing Discord never delays the webhook. Each
 * delivery waits for the channel's rate budget, retries on the configured `Schedule` when the
 * failure is retryable, then records `alert.sent` or `alert.failed`; a failed delivery is also
 * dead-lettered by the bus, where it can be listed and replayed.
 */
import { Clock, Context, Duration, Effect, Layer, Schedule } from "effect"
import { AppConfig } from "../../config/index.ts"
import { EventBus, makeEvent, type VirtuosoEvent } from "../../events/index.ts"
import { TokenBucket, withRetry } from "../../resilience/index.ts"
import { decodeSignal } from "../signal-payload.ts"
import { alertOfHealth, alertOfSignal, type Alert } from "./alert.ts"
import { AlertDeliveryError, makeChannels, type AlertChannel } from "./channels.ts"

export interface ChannelStats {
  readonly sent: number
  readonly failed: number
  readonly retried: number
}

export class AlertManager extends Context.Service<
  AlertManager,
  {
    readonly channels: ReadonlyArray<string>
    readonly stats: Effect.Effect<Readonly<Record<string, ChannelStats>>>
  }
>()("virtuoso/signals/alerts/AlertManager") {
  static readonly layer = Layer.effect(
    AlertManager,
    Effect.gen(function* () {
      const { alerts: config } = yield* AppConfig
      const bus = yield* EventBus
      const clock = yield* Clock.Clock
      const channels = makeChannels(config)
      const stats: Record<string, { sent: number; failed: number; retried: number }> = {}

      /** The alert an event raises, none, or why its payload cannot be read (a string, dead-lettered). */
      const alertOf = (event: VirtuosoEvent): Alert | undefined | string => {
        if (event.type === "signal.emitted") {
          const decoded = decodeSignal(event.payload)
          return decoded.ok ? alertOfSignal(decoded.signal) : decoded.error
        }
        if (event.type === "health.changed" && event.payload.component === "overall") {
          return alertOfHealth({ ...event.payload, at: event.payload.at ?? event.time })
        }
        return undefined
      }
      const malformed = (channel: string, message: string) =>
        Effect.fail(new AlertDeliveryError({ channel, retryable: false, message }))

      const record = (type: "alert.sent" | "alert.failed", channel: string, alert: Alert, error?: string) =>
        makeEvent(
          type,
          {
            channel,
            alertId: alert.id,
            kind: alert.kind,
            ...(alert.signal ? { signalId: alert.signal.id } : {}),
            ...(error === undefined ? {} : { error }),
          },
          { source: "alerts" },
        ).pipe(
          Effect.flatMap((event) => bus.publish(event)),
          Effect.catch((e) => Effect.logWarning(`${type} not recorded: ${String(e)}`)),
        )

      const deliverTo = (channel: AlertChannel) => {
        const bucket = new TokenBucket(config.perMinute, config.perMinute / 60_000)
        const counters = (stats[channel.name] = { sent: 0, failed: 0, retried: 0 })
        const attempt = (alert: Alert) =>
          Effect.gen(function* () {
            const wait = bucket.reserve(clock.currentTimeMillisUnsafe(), 1)
            if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
            yield* Effect.tryPromise({
              try: () => channel.send(alert),
              catch: (cause) =>
                cause instanceof AlertDeliveryError
                  ? cause
                  : new AlertDeliveryError({
                      channel: channel.name,
                      retryable: false,
                      message: `${channel.name}: ${String(cause)}`,
                    }),
            })
          })
        return (event: VirtuosoEvent) => {
          const alert = alertOf(event)
          if (typeof alert === "string") return malformed(channel.name, alert)
          if (!alert || (event.replayed === true && event.type !== "signal.emitted") || !channel.accepts(alert.kind))
            return Effect.void
          return attempt(alert).pipe(
            withRetry({
              maxAttempts: config.retry.attempts,
              baseMs: config.retry.baseMs,
              isRetryable: (e) => e instanceof AlertDeliveryError && e.retryable,
              retryAfterMs: (e) => (e instanceof AlertDeliveryError ? e.retryAfterMs : undefined),
              onRetry: () =>
                Effect.sync(() => {
                  counters.retried++
                }),
            }),
            Effect.tap(() =>
              Effect.sync(() => {
                counters.sent++
              }).pipe(Effect.andThen(record("alert.sent", channel.name, alert))),
            ),
            Effect.tapError((error) =>
              Effect.sync(() => {
                counters.failed++
              }).pipe(
                Effect.andThen(Effect.logWarning(`alert ${alert.id} not delivered: ${error.message}`)),
                Effect.andThen(record("alert.failed", channel.name, alert, error.message)),
              ),
            ),
          )
        }
      }

      const patterns = config.health ? (["signal.emitted", "health.changed"] as const) : (["signal.emitted"] as const)
      for (const channel of channels) {
        const handler = deliverTo(channel)
        for (const pattern of patterns) {
          // Retries happen inside the handler (they know the failure); the bus goes straight to the DLQ.
          yield* bus.subscribe(pattern, handler, {
            name: `alert:${channel.name}:${pattern}`,
            retry: Schedule.recurs(0),
          })
        }
      }
      if (config.log) {
        for (const pattern of patterns) {
          yield* bus.subscribe(
            pattern,
            (event) => {
              const alert = alertOf(event)
              if (typeof alert === "string") return malformed("log", alert)
              return alert ? Effect.logInfo(`alert: ${alert.title} — ${alert.text}`) : Effect.void
            },
            { name: `alert:log:${pattern}` },
          )
        }
      }

      return AlertManager.of({
        channels: [...channels.map((c) => c.name), ...(config.log ? ["log"] : [])],
        stats: Effect.sync(() => Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, { ...v }]))),
      })
    }),
  )
}
