import { describe, expect, test } from "bun:test"
import { Effect, Exit, Layer, Redacted } from "effect"
import { HttpServer, HttpServerStartError, isLoopback } from "../../../core/http/http-server.ts"
import { memoryDeps } from "./memory-deps.ts"
import { open } from "./open-layer.ts"

const portIsClosed = async (url: string) => {
  try {
    await fetch(url)
    return false
  } catch {
    return true
  }
}

describe("HttpServer.layerWith", () => {
  test("serves over TCP on a free port, then the finalizer stops it and closes the port", async () => {
    const server = await open(HttpServer.layerWith({ port: 0 }, memoryDeps()))
    const info = server.context.mapUnsafe.get(HttpServer.key) as HttpServer["Service"]
    expect(info.hostname).toBe("127.0.0.1")
    expect(info.port).toBeGreaterThan(0)
    for (const spelling of ["BTC-USDT", "BTC%2FUSDT", "BTC/USDT"]) {
      const response = await fetch(`${info.url}v1/confluence/${spelling}`)
      expect(response.status).toBe(200)
      expect((await response.json()).symbol).toBe("BTC/USDT")
    }
    expect(server.logs.some((l) => l.includes(`http listening on ${info.url}`))).toBe(true)
    await server.close()
    expect(server.logs).toContain("finalizer: http server closed")
    expect(await portIsClosed(info.url)).toBe(true)
  })

  test("an open SSE stream does not hold up shutdown", async () => {
    const deps = memoryDeps()
    const server = await open(HttpServer.layerWith({ port: 0 }, deps))
    const info = server.context.mapUnsafe.get(HttpServer.key) as HttpServer["Service"]
    const response = await fetch(new URL("/v1/stream", info.url))
    const reader = response.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("event: ready")
    const started = performance.now()
    await server.close()
    expect(performance.now() - started).toBeLessThan(2000)
    expect(await portIsClosed(info.url)).toBe(true)
  })

  test("binding beyond loopback without a token is refused with a message naming http.token", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.scoped(Layer.build(HttpServer.layerWith({ host: "0.0.0.0", port: 0 }, memoryDeps()))),
    )
    expect(Exit.isFailure(exit)).toBe(true)
    const error = Exit.isFailure(exit)
      ? ((exit.cause as any).reasons?.[0]?.error ?? JSON.stringify(exit.cause))
      : undefined
    expect(error).toBeInstanceOf(HttpServerStartError)
    expect(error.message).toContain("http.token")
  })

  test("beyond loopback with a token starts, and the token guards replay", async () => {
    const server = await open(
      HttpServer.layerWith({ host: "0.0.0.0", port: 0, token: Redacted.make("tok-123") }, memoryDeps()),
    )
    const info = server.context.mapUnsafe.get(HttpServer.key) as HttpServer["Service"]
    const url = `http://127.0.0.1:${info.port}/v1/dlq/replay`
    const init = { method: "POST", headers: { "content-type": "application/json" }, body: '{"ids":["dlq-1"]}' }
    expect((await fetch(url, init)).status).toBe(401)
    expect((await fetch(url, { ...init, headers: { ...init.headers, authorization: "Bearer tok-123" } })).status).toBe(
      200,
    )
    await server.close()
  })

  test("a port already in use is a start error, not a crash", async () => {
    const busy = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("busy") })
    try {
      const exit = await Effect.runPromiseExit(
        Effect.scoped(Layer.build(HttpServer.layerWith({ port: busy.port }, memoryDeps()))),
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(JSON.stringify(exit)).toContain("HttpServerStartError")
    } finally {
      await busy.stop(true)
    }
  })

  test("isLoopback", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"]) expect(isLoopback(host)).toBe(true)
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com", "128.0.0.1"])
      expect(isLoopback(host)).toBe(false)
  })
})
