/**
 * @module One engine process (`bun core/main.ts` on the Redis transport) for the cluster test:
 * started with its cluster settings in the environment, its URL read from its log, its cluster
 * health read over HTTP; and the load events a foreign publisher appends.
 */
import type { Subprocess } from "bun"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { REDIS_URL } from "../events/transports/redis/redis-env.ts"

const ROOT = resolve(import.meta.dir, "../../..")
export const SYMBOLS = [
  "BTC/USDT",
  "ETH/USDT",
  "SOL/USDT",
  "AVAX/USDT",
  "XRP/USDT",
  "ADA/USDT",
  "DOGE/USDT",
  "LINK/USDT",
  "DOT/USDT",
]
export interface EngineProcess {
  readonly id: string
  readonly child: Subprocess<"ignore", "pipe", "pipe">
  /** Resolves with the HTTP base URL once the engine listens. */
  readonly url: Promise<string>
  readonly log: () => string
}

/** Starts an instance with HTTP on a free port; stderr is drained into `log()`. */
export const startEngine = (id: string, prefix: string, ttlMs: number): EngineProcess => {
  const dir = mkdtempSync(join(tmpdir(), `virtuoso-cluster-${id}-`))
  const child = Bun.spawn([process.execPath, "core/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      VIRTUOSO_BUS_TRANSPORT: "redis",
      VIRTUOSO_BUS_URL: REDIS_URL,
      VIRTUOSO_BUS_PREFIX: prefix,
      VIRTUOSO_BUS_CLAIM_IDLE_MS: "800",
      VIRTUOSO_CLUSTER_INSTANCE_ID: id,
      VIRTUOSO_CLUSTER_HEARTBEAT_MS: "250",
      VIRTUOSO_CLUSTER_TTL_MS: String(ttlMs),
      VIRTUOSO_HTTP_PORT: "0",
      VIRTUOSO_STORE_PATH: join(dir, "v.db"),
      VIRTUOSO_PLUGINS_WATCH: "false",
      VIRTUOSO_SYMBOLS_STATIC: JSON.stringify(SYMBOLS),
      VIRTUOSO_TIMEFRAMES: JSON.stringify({ "1m": { weight: 1, candles: 120 } }),
      VIRTUOSO_ALERTS_LOG: "false",
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  })
  // stderr is read to the end (a full pipe would block the child) and searched for the URL.
  let text = ""
  let found: (url: string) => void = () => {}
  const url = new Promise<string>((resolve, reject) => {
    found = resolve
    void (async () => {
      const decoder = new TextDecoder()
      for await (const chunk of child.stderr) {
        text += decoder.decode(chunk)
        const match = /http listening on (http:\/\/[^\s]+)/.exec(text)
        if (match) found(match[1]!.replace(/\/$/, ""))
      }
      reject(new Error(`instance ${id} exited before listening:\n${text}`))
    })()
  })
  return { id, child, url, log: () => text }
}

export interface ClusterDetails {
  readonly live: ReadonlyArray<string>
  readonly owned: ReadonlyArray<string>
  readonly reclaimed: number
  readonly stateApplied: number
}
export const clusterHealth = async (url: string) => {
  const body = (await (await fetch(`${url}/health`)).json()) as {
    components: { cluster: { status: string; reason?: string; details: ClusterDetails } }
  }
  return body.components.cluster
}

/** One durable event per load entry, as a foreign publisher would append it. */
export const loadEvent = (i: number) =>
  JSON.stringify({
    id: `LOAD-${i}`,
    type: "health.changed",
    version: 1,
    time: 1_700_000_000_000 + i,
    source: "loadgen",
    payload: { component: `load-${i % SYMBOLS.length}`, status: "healthy" },
  })
