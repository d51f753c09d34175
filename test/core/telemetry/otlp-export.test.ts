/**
 * OpenTelemetry export of the whole engine to a local OTLP/HTTP receiver: spans of the analysis
 * cycle with child spans per symbol and per plugin batch, store commits and HTTP requests;
 * metrics of the same registry `/metrics` serves; and the logs. Off by default, where the span
 * wrapper hands every effect back untouched.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { parseConfig } from "../../../core/config/index.ts"
import { spanner, TracingEnabled } from "../../../core/telemetry/index.ts"
import { telemetryLayer } from "../../../core/telemetry/telemetry.ts"
import { type RunningApp, startApp } from "../../support/app.ts"
import { eventually } from "../../support/eventually.ts"
import { startOtlpReceiver } from "./otlp-receiver.ts"

/** Polls until `ready` holds; fails naming `what` before the test's own timeout would. */
const until = (what: string, ready: () => boolean) =>
  eventually(what, ready, Boolean, { timeoutMs: 50_000, intervalMs: 50 })

describe("OTLP export", () => {
  const receiver = startOtlpReceiver()
  let app: RunningApp | undefined
  let dir = ""

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "virtuoso-otel-"))
    app = await startApp(
      parseConfig({
        http: { port: 0 },
        store: { path: join(dir, "v.db") },
        plugins: { watch: false },
        exchange: { speed: 20, pollMs: 50 },
        log: { level: "info" },
        symbols: { static: ["BTC/USDT", "ETH/USDT"] },
        otel: { endpoint: receiver.url, serviceName: "virtuoso-test", exportIntervalMs: 200 },
      }),
    )
  }, 60_000)

  afterAll(async () => {
    await app?.close()
    receiver.stop()
    if (dir !== "") rmSync(dir, { recursive: true, force: true })
  })

  test("traces: cycle → plugin batch, store commits, HTTP requests", async () => {
    expect((await fetch(new URL("/v1/confluence", app!.url()))).status).toBe(200)
    const named = (name: string) => receiver.spans.filter((s) => s.name === name)
    await until("a cycle, plugin batch, store commit and HTTP span", () =>
      ["analysis.cycle", "plugins.evaluate", "store.commit", "http GET"].every((n) => named(n).length > 0),
    )

    const byId = new Map(receiver.spans.map((s) => [s.spanId, s]))
    const batch = named("plugins.evaluate")[0]!
    expect(batch.attributes.symbols).toBeGreaterThan(0)
    expect(batch.attributes.series).toBeGreaterThanOrEqual(batch.attributes.symbols as number)
    const cycle = byId.get(batch.parentSpanId!)!
    expect(cycle.name).toBe("analysis.cycle")
    expect(cycle.parentSpanId).toBeUndefined()
    expect(cycle.traceId).toBe(batch.traceId)

    expect(named("store.commit")[0]!.attributes.events).toBeGreaterThan(0)
    const request = named("http GET").find((s) => s.attributes["http.route"] === "/v1/confluence")!
    expect(request.attributes["http.response.status_code"]).toBe(200)
    expect(request.kind).toBe(2) // SPAN_KIND_SERVER
    expect(receiver.spans.every((s) => s.service === "virtuoso-test")).toBe(true)
    expect(receiver.requests.every((r) => r.contentType?.startsWith("application/json"))).toBe(true)
  }, 60_000)

  test("metrics and logs", async () => {
    await until(
      "the computations metric and the market-data-ready log",
      () =>
        receiver.metrics.has("virtuoso_confluence_computations_total") &&
        receiver.logs.some((l) => String(l.body).includes("market data ready")),
    )
    expect(receiver.metrics.has("virtuoso_confluence_compute_seconds")).toBe(true)
    expect(receiver.logs.find((l) => String(l.body).includes("market data ready"))!.severity).toBe("Info")
  }, 60_000)
})

describe("off by default", () => {
  test("no endpoint: no layer output, tracing off, the span wrapper returns the effect itself", async () => {
    const config = parseConfig({})
    expect(config.otel.endpoint).toBeUndefined()
    const effect = Effect.succeed(1)
    const span = await Effect.runPromise(spanner.pipe(Effect.provide(telemetryLayer(config.otel))))
    expect(span("analysis.cycle")(effect)).toBe(effect)
    const enabled = Effect.gen(function* () {
      return yield* TracingEnabled
    })
    expect(await Effect.runPromise(enabled.pipe(Effect.provide(telemetryLayer(config.otel))))).toBe(false)
  })

  test("a bad endpoint is a config error naming otel.endpoint", () => {
    expect(() => parseConfig({ otel: { endpoint: "not a url" } })).toThrow(/otel\.endpoint/)
    expect(() => parseConfig({ otel: { endpoint: "ftp://127.0.0.1:4318" } })).toThrow(/otel\.endpoint/)
  })
})
