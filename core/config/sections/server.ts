/** @module Configuration keys for HTTP serving, logging and OpenTelemetry export. */
import { z } from "zod"
import { secret } from "./fields.ts"

export const HttpSettings = z
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
  .prefault({})

export const LogSettings = z
  .object({
    level: z.enum(["trace", "debug", "info", "warn", "error"]).default("info"),
    format: z.enum(["pretty", "json"]).default("pretty"),
  })
  .strict()
  .prefault({})

/**
 * OpenTelemetry export over OTLP/HTTP (JSON): traces, metrics and logs go to
 * `<endpoint>/v1/traces`, `/v1/metrics`, `/v1/logs`. Off (and costing nothing) without an endpoint.
 */
export const OtelSettings = z
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
  .prefault({})
