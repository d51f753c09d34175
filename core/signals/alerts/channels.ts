/**
 * @module Delivery channels. Each posts its format to its URL with a timeout; a non-2xx answer
 * or a network failure is an `AlertDeliveryError` whose reason says whether to retry (429 with
 * its Retry-After, 5xx, network, timeout: yes; other 4xx: no). Messages never contain the URL:
 * webhook URLs and bot tokens are secrets.
 */
import { Data, Redacted } from "effect"
import type { VirtuosoConfig } from "../../config/index.ts"
import { parseRetryAfter } from "../../resilience/index.ts"
import type { Alert, AlertKind } from "./alert.ts"
import { discordBody, telegramBody, webhookBody } from "./formats.ts"

export class AlertDeliveryError extends Data.TaggedError("AlertDeliveryError")<{
  readonly channel: string
  readonly status?: number
  readonly retryable: boolean
  readonly retryAfterMs?: number
  readonly message: string
}> {}

export interface AlertChannel {
  readonly name: string
  readonly accepts: (kind: AlertKind) => boolean
  readonly send: (alert: Alert) => Promise<void>
}

const post = async (channel: string, url: string, body: unknown, timeoutMs: number): Promise<void> => {
  let response: Response
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError")
    throw new AlertDeliveryError({
      channel,
      retryable: true,
      message: `${channel}: ${timedOut ? `no answer within ${timeoutMs} ms` : "network error"}`,
    })
  }
  // Drain the body so the connection can be reused.
  await response.arrayBuffer().catch(() => undefined)
  if (response.ok) return
  const status = response.status
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after") ?? undefined)
  throw new AlertDeliveryError({
    channel,
    status,
    retryable: status === 429 || status >= 500,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    message: `${channel}: HTTP ${status}`,
  })
}

type AlertsConfig = VirtuosoConfig["alerts"]

export const makeChannels = (config: AlertsConfig): ReadonlyArray<AlertChannel> => {
  const channels: Array<AlertChannel> = []
  const timeout = config.timeoutMs
  if (config.webhook) {
    const url = config.webhook.url
    channels.push({
      name: "webhook",
      accepts: () => true,
      send: (alert) => post("webhook", Redacted.value(url), webhookBody(alert), timeout),
    })
  }
  if (config.discord) {
    const discord = config.discord
    // Each kind has its own webhook when configured, else the main one.
    const urlFor = (kind: AlertKind) => Redacted.value(discord[kind] ?? discord.url)
    channels.push({
      name: "discord",
      accepts: () => true,
      send: (alert) => post("discord", urlFor(alert.kind), discordBody(alert), timeout),
    })
  }
  if (config.telegram) {
    const { token, chatId, apiUrl } = config.telegram
    channels.push({
      name: "telegram",
      accepts: () => true,
      send: (alert) =>
        post(
          "telegram",
          `${apiUrl.replace(/\/$/, "")}/bot${Redacted.value(token)}/sendMessage`,
          telegramBody(alert, chatId),
          timeout,
        ),
    })
  }
  return channels
}
