/**
 * @module Alert bodies in each receiver's format: a generic JSON webhook, Discord webhook
 * embeds, and Telegram Bot API `sendMessage` (HTML parse mode).
 */
import type { Alert } from "./alert.ts"

const DISCORD_COLOURS = { good: 0x2ecc71, bad: 0xe74c3c, warn: 0xf1c40f } as const

export const webhookBody = (alert: Alert) => ({
  id: alert.id,
  kind: alert.kind,
  time: new Date(alert.time).toISOString(),
  title: alert.title,
  text: alert.text,
  fields: alert.fields,
  ...(alert.signal ? { signal: alert.signal } : {}),
})

/** Discord limits: title 256, description 4096, field value 1024, 25 fields. */
export const discordBody = (alert: Alert) => ({
  username: "Virtuoso",
  embeds: [
    {
      title: alert.title.slice(0, 256),
      description: alert.text.slice(0, 4096),
      color: DISCORD_COLOURS[alert.tone],
      timestamp: new Date(alert.time).toISOString(),
      fields: alert.fields
        .slice(0, 25)
        .map((f) => ({ name: f.name.slice(0, 256), value: f.value.slice(0, 1024) || "-", inline: true })),
      footer: { text: alert.id.slice(0, 2048) },
    },
  ],
})

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** Telegram messages are at most 4096 characters. */
export const telegramBody = (alert: Alert, chatId: string) => ({
  chat_id: chatId,
  parse_mode: "HTML",
  disable_web_page_preview: true,
  text: [
    `<b>${escapeHtml(alert.title)}</b>`,
    escapeHtml(alert.text),
    ...alert.fields.map((f) => `<b>${escapeHtml(f.name)}:</b> ${escapeHtml(f.value)}`),
  ]
    .join("\n")
    .slice(0, 4096),
})
