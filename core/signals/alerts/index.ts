/** @module Alert delivery: formats, channels (webhook, Discord, Telegram, log) and the AlertManager. */

export { AlertManager } from "./alert-manager.ts"
