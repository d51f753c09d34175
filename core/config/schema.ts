/**
 * @module The configuration schema: every key, its default and its limits, in one place.
 *
 * Defaults make zero config work: the simulated exchange, an embedded SQLite file under
 * `./data`, HTTP on 127.0.0.1:8080. Secrets are turned into Effect `Redacted` values here, so
 * nothing downstream can print them by accident.
 */
import { Redacted } from "effect"
import { z } from "zod"
import {
  type Component,
  COMPONENTS,
  DEFAULT_COMPONENT_WEIGHTS,
  DEFAULT_TIMEFRAME_WEIGHTS,
  TIMEFRAMES,
  type Timeframe,
} from "../market-schema/index.ts"

/** A secret: a non-empty string that leaves the schema wrapped in `Redacted`. */
const secret = z
  .string()
  .min(1, "must not be empty")
  .transform((value) => Redacted.make(value))

/** Env values arrive JSON-parsed, so "123" becomes 123; string keys accept numbers back. */
const text = z.union([z.string(), z.number().transform(String)])

const timeframe = z.enum(TIMEFRAMES)

/** Candles kept resident per default timeframe: enough history for the slowest indicator on each. */
const DEFAULT_CANDLES: Readonly<Partial<Record<Timeframe, number>>> = { "1m": 1000, "5m": 300, "30m": 200, "4h": 200 }

const defaultTimeframes = Object.fromEntries(
  Object.entries(DEFAULT_TIMEFRAME_WEIGHTS).map(([tf, weight]) => [
    tf,
    { weight, candles: DEFAULT_CANDLES[tf as Timeframe] ?? 200 },
  ]),
)

const componentSetting = (weight: number) =>
  z
    .object({
      enabled: z.boolean().default(true),
      weight: z.number().min(0).max(100).default(weight),
    })
    .strict()
    .prefault({})

const timeframeSetting = z
  .object({
    weight: z.number().min(0).max(100),
    /** Candles kept resident (and backfilled at start). */
    candles: z.number().int().min(10).max(100_000),
  })
  .strict()

export const ConfigSchema = z
  .object({
    http: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().min(1).default("127.0.0.1"),
        port: z.number().int().min(0).max(65_535).default(8080),
        /** Bearer token for mutating/admin routes; required when binding beyond loopback. */
        token: secret.optional(),
        cors: z.array(z.string().min(1)).default([]),
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
      })
      .strict()
      .prefault({}),

    store: z
      .object({
        enabled: z.boolean().default(true),
        path: z.string().min(1).default("./data/virtuoso.db"),
        /** Hot tier in SQLite, then daily gzip NDJSON files, then dropped. */
        hotHours: z
          .number()
          .min(1)
          .max(24 * 365)
          .default(24),
        warmDays: z.number().min(0).max(3650).default(30),
        /**
         * Event types (or `prefix.*` patterns) recorded beside the durable ones, in the order
         * Analysis receives them. The default is every market input an indicator reads (books are
         * already thinned to `exchange.book`), so a replay of the store sees what live saw.
         */
        record: z
          .array(z.string().regex(/^[a-z]+(\.[a-z]+)*(\.\*)?$|^\*$/, "expected an event type or a prefix.* pattern"))
          .default(["market.*"]),
      })
      .strict()
      .prefault({}),

    exchange: z
      .object({
        /** "sim" (built-in simulated exchange) or "ccxt"; any other name is a plugin in the exchanges folder. */
        plugin: z.string().min(1).default("sim"),
        /** Exchange id within the plugin, e.g. ccxt's "binance" or "bybit". */
        id: z.string().min(1).optional(),
        options: z.record(z.string(), z.unknown()).default({}),
        urls: z.record(z.string(), z.unknown()).optional(),
        apiKey: secret.optional(),
        secret: secret.optional(),
        password: secret.optional(),
        /** Simulated exchange: RNG seed and speed in 1m candles per wall-clock second. */
        seed: z.number().int().default(42),
        speed: z.number().positive().max(1000).default(1),
        /**
         * Order-book events: the top `levels` of each side, at most every `everyMs`, sooner when
         * the mid price moved by `changeBps` basis points since the last published book.
         */
        book: z
          .object({
            levels: z.number().int().min(1).max(1000).default(20),
            everyMs: z.number().int().min(0).max(600_000).default(1000),
            changeBps: z.number().min(0).max(10_000).default(10),
          })
          .strict()
          .prefault({}),
        /** How often MarketData polls the exchange for new candles, books and trades. */
        pollMs: z.number().int().min(10).max(600_000).default(250),
        /**
         * One request budget shared by every caller of this exchange (token bucket), in the plugin's
         * request-weight units (ccxt: its cost units, see plugins/exchanges/ccxt/README.md). Default:
         * none for the simulator, 90 % of the exchange's own limit when the plugin knows it, else
         * 20 burst / 10 per second.
         */
        rateBudget: z
          .object({
            capacity: z.number().int().min(1),
            perSecond: z.number().positive(),
          })
          .strict()
          .optional(),
        /** Requests in flight at once per exchange. */
        maxConcurrent: z.number().int().min(1).max(256).default(8),
        /** ccxt: its own request throttle (keep it on against real exchanges) and spacing in ms. */
        enableRateLimit: z.boolean().default(true),
        rateLimit: z.number().positive().optional(),
        /** ccxt: per-operation timeouts in ms (defaults: ticker 10 s, book 15 s, trades 15 s, OHLCV 30 s, markets 20 s). */
        timeouts: z
          .object({
            ticker: z.number().positive(),
            orderBook: z.number().positive(),
            trades: z.number().positive(),
            ohlcv: z.number().positive(),
            markets: z.number().positive(),
          })
          .partial()
          .strict()
          .optional(),
        /** ccxt: which markets to track, spot or linear perpetuals. */
        marketType: z.enum(["spot", "swap"]).default("spot"),
        /** ccxt: use ccxt.pro websockets where the exchange has them. */
        websocket: z.boolean().default(true),
        /** ccxt: pre-loaded markets (skips the exchange-info request). */
        markets: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .prefault({}),

    symbols: z
      .object({
        /** Always tracked. */
        static: z.array(text).default(["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT", "XRP/USDT"]),
        top: z.number().int().min(0).max(500).default(20),
        quote: z.string().min(1).default("USDT"),
        minQuoteVolume: z.number().min(0).default(1_000_000),
        include: z.array(text).default([]),
        exclude: z.array(text).default([]),
        refreshMs: z.number().int().min(1000).default(300_000),
      })
      .strict()
      .prefault({}),

    timeframes: z.partialRecord(timeframe, timeframeSetting).default(defaultTimeframes),

    analysis: z
      .object({
        enabled: z.boolean().default(true),
        components: z
          .object(
            Object.fromEntries(COMPONENTS.map((name) => [name, componentSetting(DEFAULT_COMPONENT_WEIGHTS[name])])) as {
              [K in Component]: ReturnType<typeof componentSetting>
            },
          )
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),

    plugins: z
      .object({
        /** Extra plugin folders, scanned after the built-in `plugins/indicators` and `plugins/exchanges`. */
        folders: z.array(z.string().min(1)).default([]),
        watch: z.boolean().default(true),
        budgetMs: z.number().positive().max(10_000).default(5),
        maxFailures: z.number().int().min(1).default(3),
        quarantineMs: z.number().int().min(100).default(60_000),
        /**
         * Where the built-in indicators run: "inline" (the host's thread, fastest) or "worker".
         * Every other plugin (plugins.folders, files dropped into the plugin folders) always runs in
         * a worker, where a call over its budget is cut off.
         */
        isolation: z
          .enum(["inline", "worker"], {
            error: 'must be "inline" (built-ins run in the host) or "worker" (built-ins run in plugin workers)',
          })
          .default("inline"),
        /** Plugin worker threads; default: the machine's parallelism (1..8). */
        workers: z.number().int().min(1).max(64).optional(),
        /** A plugin that makes its worker take more memory than this in one batch is cut off. */
        workerHeapMb: z.number().int().min(64).max(16_384).default(1024),
        /** Per-plugin settings by plugin name. */
        config: z
          .record(
            z.string(),
            z
              .object({
                enabled: z.boolean().optional(),
                weight: z.number().min(0).optional(),
                params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
              })
              .strict(),
          )
          .default({}),
      })
      .strict()
      .prefault({}),

    signals: z
      .object({
        enabled: z.boolean().default(true),
        /** Long when the score reaches this. */
        longAt: z.number().min(0).max(100).default(70),
        /** Short when the score falls to this. */
        shortAt: z.number().min(0).max(100).default(35),
        /** Hysteresis: a side re-arms only after the score crosses back past threshold ∓ buffer. */
        neutralBuffer: z.number().min(0).max(50).default(5),
        /** No second signal for the same symbol and timeframe within this time. */
        cooldownMs: z
          .number()
          .int()
          .min(0)
          .default(15 * 60_000),
        /** Share of scored components that must point the signal's way. */
        minAgreement: z.number().min(0).max(1).default(0.5),
        /** Stop distance in ATR(14) multiples, and targets in multiples of that risk. */
        stopAtr: z.number().positive().max(20).default(1.5),
        targets: z.array(z.number().positive()).min(1).max(5).default([1, 2, 3]),
      })
      .strict()
      .refine((s) => s.shortAt < s.longAt, { message: "shortAt must be below longAt", path: ["shortAt"] })
      .prefault({}),

    alerts: z
      .object({
        /** Also alert on health status changes of the whole engine. */
        health: z.boolean().default(false),
        /** Log every alert (at info level). */
        log: z.boolean().default(true),
        webhook: z.object({ url: secret }).strict().optional(),
        discord: z
          .object({
            /** Main webhook; per-kind webhooks fall back to it. */
            url: secret,
            signals: secret.optional(),
            liquidations: secret.optional(),
            system: secret.optional(),
          })
          .strict()
          .optional(),
        telegram: z
          .object({
            token: secret,
            chatId: text,
            /** Bot API base URL (override for a local Bot API server or tests). */
            apiUrl: z.string().url().default("https://api.telegram.org"),
          })
          .strict()
          .optional(),
        /** Per-channel delivery rate limit. */
        perMinute: z.number().int().min(1).max(10_000).default(20),
        retry: z
          .object({
            attempts: z.number().int().min(1).max(20).default(3),
            baseMs: z.number().int().min(1).default(1000),
          })
          .strict()
          .prefault({}),
        timeoutMs: z.number().int().min(100).default(10_000),
      })
      .strict()
      .prefault({}),

    bus: z
      .object({
        transport: z.enum(["memory", "redis"]).default("memory"),
        url: secret.optional(),
        /** Redis transport: key prefix of every stream, hash and key the cluster uses. */
        prefix: z.string().min(1).max(100).default("virtuoso"),
        /** Approximate cap (`MAXLEN ~`) of the event stream and of the shared log (a confluence event is ≈10 KB). */
        maxLen: z.number().int().min(1000).default(100_000),
        /** Entries per `XREADGROUP`. */
        batch: z.number().int().min(1).max(10_000).default(500),
        /** A pending entry idle this long is reclaimed (`XAUTOCLAIM`) by a live consumer. */
        claimIdleMs: z.number().int().min(100).default(3000),
        /** Deliveries after which an entry goes to the dead-letter stream. */
        maxDeliveries: z.number().int().min(1).max(100).default(5),
      })
      .strict()
      .prefault({}),

    /** Distributed mode (with `bus.transport: "redis"`): instances split the tracked symbols. */
    cluster: z
      .object({
        /** Unique per instance; default: host name + process id. */
        instanceId: z
          .string()
          .min(1)
          .max(100)
          .regex(/^[A-Za-z0-9._-]+$/, "letters, digits, . _ - only")
          .optional(),
        heartbeatMs: z.number().int().min(50).default(1000),
        /** An instance whose heartbeat is older than this is dead; its symbols move. */
        ttlMs: z.number().int().min(150).default(3000),
      })
      .strict()
      .prefault({}),

    log: z
      .object({
        level: z.enum(["trace", "debug", "info", "warn", "error"]).default("info"),
        format: z.enum(["pretty", "json"]).default("pretty"),
      })
      .strict()
      .prefault({}),

    /**
     * OpenTelemetry export over OTLP/HTTP (JSON): traces, metrics and logs go to
     * `<endpoint>/v1/traces`, `/v1/metrics`, `/v1/logs`. Off (and costing nothing) without an endpoint.
     */
    otel: z
      .object({
        /** Base URL of an OTLP/HTTP receiver, e.g. http://127.0.0.1:4318 (a collector's default). */
        endpoint: z
          .string()
          .url()
          .refine((u) => /^https?:\/\//.test(u), "expected an http(s) URL")
          .optional(),
        serviceName: z.string().min(1).max(100).default("virtuoso"),
        /** How often buffered spans, metrics and logs are sent. */
        exportIntervalMs: z.number().int().min(100).max(600_000).default(5000),
        /** Sent with every export (e.g. an auth header a vendor endpoint asks for); held redacted. */
        headers: z.record(z.string().min(1).max(100), secret).default({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()

/** The validated configuration (secrets as `Redacted`). */
export type VirtuosoConfig = z.output<typeof ConfigSchema>
/** What a config file or test may provide: any subset of the keys. */
export type VirtuosoConfigInput = z.input<typeof ConfigSchema>
