/**
 * The Hono app's guards over in-memory services: the DLQ routes and the bearer token, body
 * limits, absent or failing dependencies, timeouts and CORS.
 */
import { describe, expect, test } from "bun:test"
import { Redacted } from "effect"
import { makeApp } from "../../../core/http/app.ts"
import { HttpUnavailableError } from "../../../core/http/errors.ts"
import { memoryDeps } from "./memory-deps.ts"
import { get } from "./request.ts"

describe("dead-letter queue and the bearer token", () => {
  const token = "s3cret-token-value"

  test("without a token (loopback) replay works and reports missing ids", async () => {
    const deps = memoryDeps()
    const app = makeApp(deps)
    const answer = await get(app, "/v1/dlq/replay", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: ["dlq-1", "nope", "dlq-1"] }),
    })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ replayed: ["dlq-1"], missing: ["nope"], kept: [] })
    expect((await get(app, "/v1/dlq")).body.items.map((i: any) => i.id)).toEqual(["dlq-2"])
  })

  test("with a token, admin and mutating routes need it; reads do not; the token never leaks", async () => {
    const deps = memoryDeps()
    const app = makeApp(deps, { token: Redacted.make(token) })
    const replay = (auth?: string) =>
      get(app, "/v1/dlq/replay", {
        method: "POST",
        headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
        body: '{"ids":["dlq-2"]}',
      })
    for (const auth of [undefined, "Bearer wrong", `Basic ${token}`, `Bearer ${token}x`, "Bearer"]) {
      const answer = await replay(auth)
      expect(answer.status).toBe(401)
      expect(answer.headers.get("www-authenticate")).toContain("Bearer")
    }
    expect(deps.replayed).toEqual([])
    expect((await get(app, "/v1/dlq")).status).toBe(401)
    expect((await get(app, "/v1/dlq", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    expect((await get(app, "/v1/confluence")).status).toBe(200)
    const ok = await replay(`bearer ${token}`)
    expect(ok.status).toBe(200)
    expect(deps.replayed).toEqual(["dlq-2"])
    for (const path of ["/", "/health", "/metrics", "/v1/confluence", "/v1/plugins", "/nope"]) {
      const answer = await get(app, path)
      expect(answer.text).not.toContain(token)
      expect([...answer.headers.values()].join(" ")).not.toContain(token)
    }
  })

  test.each([
    ["malformed JSON", "application/json", '{"ids": ['],
    ["wrong content type", "text/plain", '{"ids":["dlq-1"]}'],
    ["empty ids", "application/json", '{"ids":[]}'],
    ["extra key", "application/json", '{"ids":["dlq-1"],"all":true}'],
    ["bad id", "application/json", '{"ids":["../../etc"]}'],
    ["not an object", "application/json", "[1,2,3]"],
  ])("replay with %s is a 400", async (_, type, body) => {
    const app = makeApp(memoryDeps())
    const answer = await get(app, "/v1/dlq/replay", { method: "POST", headers: { "content-type": type }, body })
    expect(answer.status).toBe(400)
    expect(answer.body.error).toBe("bad_request")
  })

  test("an oversize body is a 413, announced or streamed", async () => {
    const app = makeApp(memoryDeps(), { bodyLimitBytes: 1024 })
    const big = JSON.stringify({ ids: Array.from({ length: 200 }, (_, i) => `id-${i}`) })
    const announced = await get(app, "/v1/dlq/replay", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    })
    expect(announced.status).toBe(413)
    expect(announced.body.error).toBe("payload_too_large")
    const chunks = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big))
        controller.close()
      },
    })
    const streamed = await get(app, "/v1/dlq/replay", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunks,
      duplex: "half",
    } as RequestInit)
    expect(streamed.status).toBe(413)
  })
})

describe("absent dependencies, failures and CORS", () => {
  test("an absent group answers not_enabled; liveness still answers", async () => {
    const app = makeApp({ log: () => {} })
    for (const [path, status] of [
      ["/v1/confluence", 404],
      ["/v1/confluence/BTC-USDT", 404],
      ["/v1/events", 404],
      ["/v1/signals", 404],
      ["/v1/plugins", 404],
      ["/v1/dlq", 404],
      ["/v1/stream", 404],
      ["/metrics", 404],
      ["/health", 503],
      ["/health/ready", 503],
    ] as const) {
      const answer = await get(app, path)
      expect(answer.status).toBe(status)
      expect(answer.body.error).toBe("not_enabled")
    }
    expect((await get(app, "/health/live")).status).toBe(200)
  })

  test("a dependency defect is a logged 500 without details; an unavailable backend is a 503", async () => {
    const deps = memoryDeps()
    const app = makeApp({
      ...deps,
      confluence: {
        list: async () => {
          throw new Error("analysis exploded at 0xdeadbeef")
        },
      },
      events: {
        query: async () => {
          throw new HttpUnavailableError("store is busy")
        },
      },
    })
    const defect = await get(app, "/v1/confluence")
    expect(defect.status).toBe(500)
    expect(defect.body).toEqual({ error: "internal", message: "internal error" })
    expect(deps.logs.some((l) => l.level === "error" && String(l.annotations?.error).includes("0xdeadbeef"))).toBe(true)
    const busy = await get(app, "/v1/events")
    expect(busy.status).toBe(503)
    expect(busy.headers.get("retry-after")).toBe("5")
  })

  test("a hanging dependency answers 503 after the request timeout", async () => {
    const deps = memoryDeps()
    const app = makeApp({ ...deps, plugins: { list: () => new Promise(() => {}) } }, { requestTimeoutMs: 50 })
    const answer = await get(app, "/v1/plugins")
    expect(answer.status).toBe(503)
    expect(answer.body.error).toBe("unavailable")
  })

  test("no CORS headers unless origins are configured", async () => {
    const closed = await makeApp(memoryDeps()).request("/v1/confluence", {
      headers: { origin: "https://evil.example" },
    })
    expect(closed.headers.get("access-control-allow-origin")).toBeNull()
    const open = makeApp(memoryDeps(), { cors: ["https://grafana.example"] })
    const allowed = await open.request("/v1/confluence", { headers: { origin: "https://grafana.example" } })
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://grafana.example")
    const denied = await open.request("/v1/confluence", { headers: { origin: "https://evil.example" } })
    expect(denied.headers.get("access-control-allow-origin")).toBeNull()
  })
})
