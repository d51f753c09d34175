/**
 * HTTP latency and throughput: the Hono app in-process (`app.request`) vs over TCP through
 * `Bun.serve`, on /v1/confluence/:symbol, /metrics-free /health/live and a 400 path.
 * Reports medians over 5 repetitions and the TCP/in-process ratio measured in the same run.
 *   bun run bench:http
 */
import { Effect, Exit, Layer, Scope } from "effect"
import { makeApp } from "../../core/http/app.ts"
import { HttpServer } from "../../core/http/http-server.ts"
import { memoryDeps } from "../core/http/memory-deps.ts"

const REPS = 5
const N = 2000
const CONCURRENCY = 32
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const quantile = (xs: Array<number>, q: number) => xs.sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!

const deps = memoryDeps()
const app = makeApp(deps)
const scope = Effect.runSync(Scope.make())
const context = await Effect.runPromise(Layer.buildWithScope(HttpServer.layerWith({ port: 0 }, deps), scope))
const base = (context.mapUnsafe.get(HttpServer.key) as HttpServer["Service"]).url.replace(/\/$/, "")

const sequential = async (call: (path: string) => Promise<Response>, path: string) => {
  const latencies: Array<number> = []
  for (let i = 0; i < N; i++) {
    const t0 = performance.now()
    await (await call(path)).arrayBuffer()
    latencies.push(performance.now() - t0)
  }
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) }
}
const throughput = async (call: (path: string) => Promise<Response>, path: string) => {
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < N / CONCURRENCY; i++) await (await call(path)).arrayBuffer()
    }),
  )
  return (Math.floor(N / CONCURRENCY) * CONCURRENCY) / ((performance.now() - t0) / 1000)
}

const inProcess = (path: string) => Promise.resolve(app.request(path))
const overTcp = (path: string) => fetch(base + path)

for (const path of ["/v1/confluence/BTC-USDT", "/health/live", "/v1/events?limit=0"]) {
  await sequential(inProcess, path)
  await sequential(overTcp, path) // warm-up
  const rows: Record<string, Array<number>> = {
    appP50: [],
    appP99: [],
    tcpP50: [],
    tcpP99: [],
    appRps: [],
    tcpRps: [],
    ratio: [],
  }
  for (let r = 0; r < REPS; r++) {
    const a = await sequential(inProcess, path)
    const t = await sequential(overTcp, path)
    rows.appP50!.push(a.p50)
    rows.appP99!.push(a.p99)
    rows.tcpP50!.push(t.p50)
    rows.tcpP99!.push(t.p99)
    rows.ratio!.push(t.p50 / a.p50)
    rows.appRps!.push(await throughput(inProcess, path))
    rows.tcpRps!.push(await throughput(overTcp, path))
  }
  const m = (k: string) => median(rows[k]!)
  console.log(
    `${path.padEnd(26)} in-process p50 ${(m("appP50") * 1000).toFixed(0)} µs p99 ${(m("appP99") * 1000).toFixed(0)} ` +
      `µs, ${m("appRps").toFixed(0)} req/s | ` +
      `TCP p50 ${(m("tcpP50") * 1000).toFixed(0)} µs p99 ${(m("tcpP99") * 1000).toFixed(0)} µs, ` +
      `${m("tcpRps").toFixed(0)} req/s (${CONCURRENCY} clients) | TCP/in-process p50 ×${m("ratio").toFixed(1)}`,
  )
}
await Effect.runPromise(Scope.close(scope, Exit.void))
