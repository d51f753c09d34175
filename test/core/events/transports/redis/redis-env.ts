/**
 * The real Redis these tests run against (127.0.0.1:6379 unless VIRTUOSO_TEST_REDIS_URL).
 * Unreachable Redis skips the suites with a loud warning, except under CI, where it fails.
 * Every run uses its own key prefix and deletes its keys afterwards.
 */
import { RedisClient } from "bun"

export const REDIS_URL = process.env.VIRTUOSO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379"

const probe = async (): Promise<boolean> => {
  const client = new RedisClient(REDIS_URL, { connectionTimeout: 1000, autoReconnect: false, maxRetries: 0 })
  try {
    await Promise.race([
      client.connect().then(() => client.send("PING", [])),
      Bun.sleep(1500).then(() => {
        throw new Error("timeout")
      }),
    ])
    return true
  } catch {
    return false
  } finally {
    client.close()
  }
}

export const redisAvailable = await probe()

if (!redisAvailable) {
  const message =
    `\n${"!".repeat(78)}\n!! Redis is not reachable at ${REDIS_URL}: the Redis transport and cluster ` +
    `tests are SKIPPED.\n!! Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" ` +
    `--appendonly no\n${"!".repeat(78)}\n`
  if (process.env.CI)
    throw new Error(`CI requires Redis for the transport and cluster tests: not reachable at ${REDIS_URL}`)
  console.warn(message)
}

let counter = 0
/** A key prefix no other run (or test) uses. */
export const uniquePrefix = (name: string) => `vtest:${name}:${process.pid}:${Date.now().toString(36)}:${++counter}`

/** Deletes every key under the prefix. */
export const cleanup = async (prefix: string) => {
  const client = new RedisClient(REDIS_URL)
  try {
    // Cluster keys carry the prefix as a hash tag (`{prefix}:…`); test streams use it bare.
    for (const pattern of [`${prefix}*`, `{${prefix}}*`]) {
      let cursor = "0"
      do {
        const [next, keys] = (await client.send("SCAN", [cursor, "MATCH", pattern, "COUNT", "1000"])) as [
          string,
          Array<string>,
        ]
        cursor = next
        if (keys.length > 0) await client.send("DEL", keys)
      } while (cursor !== "0")
    }
  } finally {
    client.close()
  }
}

/** A raw client for assertions. */
export const rawClient = () => new RedisClient(REDIS_URL)

/**
 * How much longer than its nominal deadline a wait may take: these tests run real engine
 * processes, and a loaded 2-core CI machine can be several times slower than a quiet one. A
 * passing wait returns as soon as its condition holds, so slack costs nothing when all is well.
 */
const SLACK = 3

/** Polls `check` (real I/O) until it returns true or the deadline passes. */
export const until = async (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = performance.now() + timeoutMs * SLACK
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await Bun.sleep(20)
  }
}
