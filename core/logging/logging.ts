/**
 * @module The logger of the process: pretty lines for people, JSON lines for machines, the
 * minimum level from config. Logs go to stderr so stdout stays free for data (CLI output).
 * Secrets never reach it in clear: config holds them as `Redacted`, which prints as `<redacted>`.
 */
import { Layer, Logger, References } from "effect"
import type { LogLevel } from "effect/LogLevel"
import type { VirtuosoConfig } from "../config/index.ts"

const LEVELS: Record<VirtuosoConfig["log"]["level"], LogLevel> = {
  trace: "Trace",
  debug: "Debug",
  info: "Info",
  warn: "Warn",
  error: "Error",
}

/**
 * Logger + minimum level for a `log` config section. `extra` loggers receive every line too
 * (tests use one to watch finalizers run).
 */
export const loggingLayer = (log: VirtuosoConfig["log"], extra: ReadonlyArray<Logger.Logger<unknown, unknown>> = []) =>
  Layer.mergeAll(
    Logger.layer([
      log.format === "json" ? Logger.withConsoleError(Logger.formatJson) : Logger.consolePretty({ mode: "tty" }),
      ...extra,
    ]),
    Layer.succeed(References.MinimumLogLevel, LEVELS[log.level]),
    Layer.succeed(Logger.LogToStderr, true),
  )
