export { AppConfig } from "./app-config.ts"
export { ConfigError } from "./errors.ts"
export { loadConfig, parseConfig } from "./load.ts"
export type { VirtuosoConfig, VirtuosoConfigInput } from "./schema.ts"
