/**
 * A minimal OTLP/HTTP receiver for tests: accepts JSON-encoded OTLP exports on
 * /v1/traces, /v1/metrics and /v1/logs (the paths and body shapes of the OTLP spec), decodes
 * them and keeps flat lists of spans, metric names and log lines. Anything else is a 400/404.
 */
export interface ReceivedSpan {
  readonly name: string
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly kind: number
  readonly attributes: Readonly<Record<string, unknown>>
  readonly service: string | undefined
}

interface KeyValue {
  readonly key: string
  readonly value: Readonly<Record<string, unknown>>
}

/** OTLP's AnyValue → a plain value (stringValue, intValue as a string of digits, ...). */
const plain = (value: Readonly<Record<string, unknown>>): unknown => {
  if ("stringValue" in value) return value.stringValue
  if ("intValue" in value) return Number(value.intValue)
  if ("doubleValue" in value) return value.doubleValue
  if ("boolValue" in value) return value.boolValue
  return value
}
const attributesOf = (list: ReadonlyArray<KeyValue> | undefined) =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, plain(kv.value)]))

export const startOtlpReceiver = () => {
  const spans: Array<ReceivedSpan> = []
  const metrics = new Set<string>()
  const logs: Array<{ readonly body: unknown; readonly severity: string | undefined }> = []
  const requests: Array<{ readonly path: string; readonly contentType: string | null }> = []
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname
      requests.push({ path, contentType: request.headers.get("content-type") })
      if (request.method !== "POST") return new Response("POST only", { status: 405 })
      if (!(request.headers.get("content-type") ?? "").startsWith("application/json"))
        return new Response("JSON only", { status: 415 })
      let body: any
      try {
        body = await request.json()
      } catch {
        return new Response("bad JSON", { status: 400 })
      }
      switch (path) {
        case "/v1/traces":
          for (const resource of body.resourceSpans ?? []) {
            const service = attributesOf(resource.resource?.attributes)["service.name"] as string | undefined
            for (const scope of resource.scopeSpans ?? []) {
              for (const span of scope.spans ?? []) {
                spans.push({
                  name: span.name,
                  traceId: span.traceId,
                  spanId: span.spanId,
                  parentSpanId: span.parentSpanId === "" ? undefined : span.parentSpanId,
                  kind: span.kind,
                  attributes: attributesOf(span.attributes),
                  service,
                })
              }
            }
          }
          break
        case "/v1/metrics":
          for (const resource of body.resourceMetrics ?? [])
            for (const scope of resource.scopeMetrics ?? [])
              for (const metric of scope.metrics ?? []) metrics.add(metric.name)
          break
        case "/v1/logs":
          for (const resource of body.resourceLogs ?? []) {
            for (const scope of resource.scopeLogs ?? [])
              for (const record of scope.logRecords ?? [])
                logs.push({ body: plain(record.body ?? {}), severity: record.severityText })
          }
          break
        default:
          return new Response("unknown OTLP path", { status: 404 })
      }
      return Response.json({})
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, spans, metrics, logs, requests, stop: () => server.stop(true) }
}
