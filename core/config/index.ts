export { AppConfig } from "./app-config.ts"
export { ConfigError } from "./errors.ts"
export { configFilePath, DEFAULT_CONFIG_FILE, deepMerge, loadConfig, parseConfig } from "./load.ts"
export { ConfigSchema, type VirtuosoConfig, type VirtuosoConfigInput } from "./schema.ts"
