/** @module Alert delivery: formats, channels (webhook, Discord, Telegram, log) and the AlertManager. */
export { alertOfHealth, alertOfSignal, type Alert, type AlertKind, type HealthAlertInput } from "./alert.ts"
export { AlertManager, type ChannelStats } from "./alert-manager.ts"
export { AlertDeliveryError, makeChannels, type AlertChannel } from "./channels.ts"
export { discordBody, telegramBody, webhookBody } from "./formats.ts"
