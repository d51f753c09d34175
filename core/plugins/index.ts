/** @module Public surface of the plugin host; plugins themselves import only `./sdk.ts`. */
export * from "./sdk.ts"
export { PluginHost, DEFAULT_FOLDERS } from "./plugin-host.ts"
export { PluginNotFoundError } from "./errors.ts"
export { validatePlugin, resolveParams } from "./schema.ts"
export type { BaseContext } from "./call-context.ts"
export type * from "./types.ts"
export { PluginEventsLive } from "./plugin-events-live.ts"
export { TradeTape } from "./trade-tape.ts"
