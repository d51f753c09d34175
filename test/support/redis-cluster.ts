/**
 * A 3-node Redis Cluster on loopback ports (no replicas), for tests: each node a `redis-server`
 * child with cluster mode on, joined with `redis-cli --cluster create`. `null` when redis-server
 * or redis-cli is missing. Slots are spread over the three nodes, so any key's owner is one of
 * them and the other two answer its commands with MOVED.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { closedPort } from "./exchange-server/closed-port.ts"
import { eventually } from "./eventually.ts"

export const redisServer = Bun.which("redis-server")
export const redisCli = Bun.which("redis-cli")

// Outside CI a machine without Redis skips the cluster suites; CI installs it, so there its
// absence is a failure rather than a silent skip.
if (process.env.CI && (redisServer === null || redisCli === null))
  throw new Error("CI requires redis-server and redis-cli for the Redis Cluster tests")

export interface RedisCluster {
  readonly ports: ReadonlyArray<number>
  /** Runs redis-cli against one node and returns its stdout. */
  readonly cli: (port: number, ...args: Array<string>) => Promise<string>
  readonly slotOf: (key: string) => Promise<number>
  /** The port of the master serving `slot`. */
  readonly ownerOf: (slot: number) => Promise<number>
  /** The cluster node id of the node on `port`. */
  readonly nodeId: (port: number) => Promise<string>
  readonly stop: () => Promise<void>
}

/** Starts the cluster and waits for `cluster_state:ok` on every node; call `stop()` in a finally. */
export const startRedisCluster = async (): Promise<RedisCluster> => {
  if (redisServer === null || redisCli === null) throw new Error("redis-server and redis-cli are needed")
  const dir = mkdtempSync(join(tmpdir(), "virtuoso-redis-cluster-"))
  const ports = [closedPort(), closedPort(), closedPort()]
  const nodes = ports.map((port) =>
    Bun.spawn(
      [
        redisServer,
        ...["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes"],
        ...["--cluster-config-file", join(dir, `nodes-${port}.conf`), "--dir", dir, "--save", "", "--appendonly", "no"],
      ],
      { stdout: "ignore", stderr: "ignore" },
    ),
  )
  const cli = (port: number, ...args: Array<string>) =>
    new Response(Bun.spawn([redisCli, "-p", String(port), ...args], { stdout: "pipe", stderr: "ignore" }).stdout).text()
  const stop = async () => {
    for (const node of nodes) node.kill()
    await Promise.all(nodes.map((n) => n.exited))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    for (const port of ports)
      await eventually(
        `node ${port}`,
        () => cli(port, "ping"),
        (out) => out.includes("PONG"),
      )
    const create = Bun.spawn(
      [
        redisCli,
        "--cluster",
        "create",
        ...ports.map((p) => `127.0.0.1:${p}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { stdout: "pipe", stderr: "pipe" },
    )
    if ((await create.exited) !== 0)
      throw new Error(`redis-cli --cluster create failed: ${await new Response(create.stderr).text()}`)
    // Every node must see the whole slot map: a node that has not yet heard of the others'
    // slots answers CLUSTERDOWN instead of MOVED.
    for (const port of ports)
      await eventually(
        `cluster_state:ok on ${port}`,
        () => cli(port, "cluster", "info"),
        (out) => out.includes("cluster_state:ok"),
      )
  } catch (e) {
    await stop()
    throw e
  }
  /** `cluster nodes` lines: "<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <state> <slot ranges…>". */
  const nodeLines = async () =>
    (await cli(ports[0]!, "cluster", "nodes"))
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => l.trim().split(" "))
  return {
    ports,
    cli,
    slotOf: async (key) => Number((await cli(ports[0]!, "cluster", "keyslot", key)).trim()),
    ownerOf: async (slot) => {
      for (const f of await nodeLines()) {
        const ranges = f.slice(8).map((r) => r.split("-").map(Number))
        if (ranges.some(([from, to]) => slot >= from! && slot <= (to ?? from)!))
          return Number(f[1]!.split(":")[1]!.split("@")[0])
      }
      throw new Error(`no node serves slot ${slot}`)
    },
    nodeId: async (port) => {
      const line = (await nodeLines()).find((f) => f[1]!.split("@")[0]!.endsWith(`:${port}`))
      if (line === undefined) throw new Error(`no cluster node on port ${port}`)
      return line[0]!
    },
    stop,
  }
}
