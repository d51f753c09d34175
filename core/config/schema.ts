/**
 * @module The configuration schema: every key, its default and its limits, one section per file.
 *
 * Defaults make zero config work: the simulated exchange, an embedded SQLite file under
 * `./data`, HTTP on 127.0.0.1:8080. Secrets are turned into Effect `Redacted` values here, so
 * nothing downstream can print them by accident.
 */
import { z } from "zod"
import { AlertsSettings } from "./sections/alerts.ts"
import { BusSettings, ClusterSettings } from "./sections/distributed.ts"
import { ExchangeSettings, SymbolsSettings, TimeframesSettings } from "./sections/market.ts"
import { AnalysisSettings, PluginsSettings, SignalsSettings } from "./sections/scoring.ts"
import { HttpSettings, LogSettings, OtelSettings } from "./sections/server.ts"
import { StoreSettings } from "./sections/storage.ts"

/** Every key, section by section (`sections/`); unknown keys are refused at every level. */
export const ConfigSchema = z
  .object({
    http: HttpSettings,
    store: StoreSettings,
    exchange: ExchangeSettings,
    symbols: SymbolsSettings,
    timeframes: TimeframesSettings,
    analysis: AnalysisSettings,
    plugins: PluginsSettings,
    signals: SignalsSettings,
    alerts: AlertsSettings,
    bus: BusSettings,
    cluster: ClusterSettings,
    log: LogSettings,
    otel: OtelSettings,
  })
  .strict()

/** The validated configuration (secrets as `Redacted`). */
export type VirtuosoConfig = z.output<typeof ConfigSchema>
/** What a config file or test may provide: any subset of the keys. */
export type VirtuosoConfigInput = z.input<typeof ConfigSchema>
