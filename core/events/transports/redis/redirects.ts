/**
 * @module Redis Cluster redirects for one logical connection.
 *
 * A cluster node answers a command for a slot it does not serve with `MOVED <slot> <host:port>`
 * (the slot lives there now) or, while the slot migrates, `ASK <slot> <host:port>` (this one
 * command goes there, preceded by `ASKING`). Every key Virtuoso writes carries one hash tag, so
 * all of them share one slot: after a MOVED the connection simply moves to the named node, and
 * `bus.url` may name any node of the cluster. Clients to other nodes open on first use (same
 * credentials, host and port from the redirect) and close with the connection.
 */
import type { RedisClient } from "bun"

export interface Redirect {
  readonly kind: "MOVED" | "ASK"
  readonly slot: number
  /** host:port as the cluster announces it. */
  readonly address: string
}

/** The redirect a Redis error names, if any. */
export const redirectOf = (error: unknown): Redirect | undefined => {
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : ""
  const m = /\b(MOVED|ASK) (\d+) (\S+:\d+)/.exec(message)
  return m ? { kind: m[1] as Redirect["kind"], slot: Number(m[2]), address: m[3]! } : undefined
}

/** The same URL (credentials kept) pointing at `address`. */
export const urlAt = (url: string, address: string): string => {
  const parsed = new URL(url)
  const colon = address.lastIndexOf(":")
  parsed.hostname = address.slice(0, colon)
  parsed.port = address.slice(colon + 1)
  return parsed.toString()
}

/** Hops before giving up: a healthy cluster redirects once (MOVED) or twice (MOVED, then ASK). */
const MAX_REDIRECTS = 5

export interface RoutedClient {
  readonly send: (command: string, args: Array<string>) => Promise<unknown>
  /** The address commands go to now (after any MOVED). */
  readonly address: () => string
  /** Redirects followed so far, by kind. */
  readonly redirects: { moved: number; ask: number }
  readonly close: () => void
}

export const routedClient = (url: string, first: RedisClient, open: (url: string) => RedisClient): RoutedClient => {
  const parsed = new URL(url)
  let address = `${parsed.hostname}:${parsed.port || "6379"}`
  const clients = new Map<string, { client: RedisClient; ready: Promise<unknown> }>([
    [address, { client: first, ready: Promise.resolve() }],
  ])
  const nodeAt = (target: string) => {
    let node = clients.get(target)
    if (node === undefined) {
      const client = open(urlAt(url, target))
      node = { client, ready: client.connect() }
      clients.set(target, node)
    }
    return node
  }
  const redirects = { moved: 0, ask: 0 }
  const send = async (command: string, args: Array<string>, hops = 0): Promise<unknown> => {
    const node = nodeAt(address)
    await node.ready
    try {
      return await node.client.send(command, args)
    } catch (error) {
      const redirect = redirectOf(error)
      if (redirect === undefined || hops >= MAX_REDIRECTS) throw error
      if (redirect.kind === "MOVED") {
        redirects.moved++
        address = redirect.address
        return send(command, args, hops + 1)
      }
      redirects.ask++
      const target = nodeAt(redirect.address)
      await target.ready
      // ASKING and the command go out back to back on one pipelined connection.
      const [, reply] = await Promise.all([target.client.send("ASKING", []), target.client.send(command, args)])
      return reply
    }
  }
  return {
    send: (command, args) => send(command, args),
    address: () => address,
    redirects,
    close: () => {
      for (const { client } of clients.values()) client.close()
    },
  }
}
