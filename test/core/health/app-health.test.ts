/**
 * The whole engine (simulated exchange, `appLayer` with its engine checks): /health lists a real
 * check per service, /health/ready turns 200 once markets are loaded and the first data is in.
 */
import { afterAll, expect, test } from "bun:test"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseConfig } from "../../../core/config/index.ts"
import { HttpServer } from "../../../core/http/index.ts"
import { appLayer } from "../../../core/main.ts"
import { eventually } from "../../support/eventually.ts"

const dir = mkdtempSync(join(tmpdir(), "virtuoso-health-"))
const scope = Effect.runSync(Scope.make())
afterAll(async () => {
  await Effect.runPromise(Scope.close(scope, Exit.void))
  rmSync(dir, { recursive: true, force: true })
})

test("engine health: real checks per component, ready after the first data", async () => {
  const config = parseConfig({
    http: { port: 0 },
    store: { path: join(dir, "v.db") },
    plugins: { watch: false },
    log: { level: "error" },
    exchange: { speed: 5, pollMs: 100 },
  })
  const context = await Effect.runPromise(Layer.buildWithScope(appLayer(config), scope))
  // appLayer only adds HttpServer when http.enabled, so its type leaves it out
  const { url } = Context.get(context as unknown as Context.Context<HttpServer>, HttpServer)

  const ready = await eventually(
    "/health/ready to answer 200",
    () => fetch(new URL("/health/ready", url)),
    (r) => r.status === 200,
  )
  expect(ready.status).toBe(200)

  const health = await fetch(new URL("/health", url))
  const body = (await health.json()) as { status: string; components: Record<string, { status: string }> }
  expect(Object.keys(body.components)).toEqual(
    expect.arrayContaining(["market", "analysis", "plugins", "bus", "store", "memory"]),
  )
  expect(["healthy", "degraded"]).toContain(body.status)
  expect(health.status).toBe(200)
  expect((await fetch(new URL("/health/live", url))).status).toBe(200)
}, 30_000)
