/**
 * Three engine processes (`bun core/main.ts`, Redis transport) on one Redis: the symbols are
 * split among them, every instance answers for every symbol, and after `kill -9` of one under
 * load the survivors take over its symbols, reclaim its pending events, lose no acknowledged
 * event, apply none twice, and say so on `/health`; a fourth instance joining gets its share,
 * and its clean shutdown hands it back at once.
 */
import { afterAll, describe, expect, test } from "bun:test"
import type { Subprocess } from "bun"
import { assign, clusterKeys } from "../../../core/cluster/index.ts"
import { cleanup, rawClient, redisAvailable, uniquePrefix, until } from "../events/transports/redis/redis-env.ts"
import { clusterHealth, loadEvent, startEngine, SYMBOLS } from "./engine-process.ts"

const prefix = uniquePrefix("cluster")
const keys = clusterKeys(prefix)
const children: Array<Subprocess<"ignore", "pipe", "pipe">> = []
// Starting an engine (plugins, WASM, backfill) can hold its event loop for seconds when three
// engines start at once on a loaded 2-core machine; a ttl shorter than that stall makes the
// peers declare a healthy instance dead. The ttl still bounds the kill -9 takeover below; a clean
// leave is told apart from an expiry by what the survivors record ("left", not "died").
const TTL_MS = 6000

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  await Promise.all(children.map((c) => c.exited))
  await cleanup(prefix)
})

const start = (id: string) => {
  const engine = startEngine(id, prefix, TTL_MS)
  children.push(engine.child)
  return engine
}

describe.skipIf(!redisAvailable)("three engine instances on one Redis", () => {
  test("split, shared answers, kill -9 under load: takeover, reclaim, nothing lost or applied twice", async () => {
    const redis = rawClient()
    const instances = ["a", "b", "c"].map(start)
    const urls = await Promise.all(instances.map((i) => i.url))

    // 1. The split: disjoint, complete, and the rendezvous assignment of the three live ids.
    const expected3 = assign(SYMBOLS, ["a", "b", "c"])
    // The views the split was seen in: a second read could catch a later rebalance mid-way.
    let owned: Array<ReadonlyArray<string>> = []
    await until(
      async () => {
        const views = await Promise.all(urls.map(clusterHealth))
        owned = views.map((v) => v.details.owned)
        return (
          views.every((v) => v.details.live.length === 3) &&
          views.every(
            (v, i) =>
              v.details.owned.join() ===
              SYMBOLS.filter((s) => expected3.get(s) === instances[i]!.id)
                .sort()
                .join(),
          )
        )
      },
      20_000,
      "the three-way split",
    )
    expect(owned.flat().sort()).toEqual([...SYMBOLS].sort())
    for (const list of owned) expect(list.length).toBeGreaterThan(0)
    // Each instance fetches live data only for its own share (MarketData follows ownership).
    const marketSymbols = async (url: string) =>
      ((await (await fetch(`${url}/health`)).json()) as { components: { market: { details: { symbols: number } } } })
        .components.market.details.symbols
    await until(
      async () => (await Promise.all(urls.map(marketSymbols))).every((n, i) => n === owned[i]!.length),
      10_000,
      "market data only for owned symbols",
    )

    // 2. Every instance answers for every symbol (shared latest state).
    await until(
      async () => {
        const body = (await (await fetch(`${urls[0]}/v1/confluence?timeframe=all`)).json()) as {
          items: Array<{ symbol: string }>
        }
        return SYMBOLS.every((s) => body.items.some((item) => item.symbol === s))
      },
      20_000,
      "confluence for all symbols on instance a",
    )
    const foreign = SYMBOLS.find((s) => expected3.get(s) === "c")!
    const answer = await fetch(`${urls[0]}/v1/confluence/${encodeURIComponent(foreign)}`)
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as { count: number }).count).toBeGreaterThan(0)

    // Every instance's store holds the other instances' durable events too: a no longer scores
    // c's symbol, yet newer confluence events for it keep arriving in a's store.
    const newestInA = async () => {
      const query = `type=analysis.confluence&symbol=${encodeURIComponent(foreign)}&order=desc&limit=1`
      const body = (await (await fetch(`${urls[0]}/v1/events?${query}`)).json()) as {
        items: Array<{ time: number; id: string }>
      }
      return body.items[0]?.id ?? ""
    }
    const seenInA = await newestInA()
    await until(async () => (await newestInA()) > seenInA, 10_000, "c's newer confluence events in a's store")

    // 3. Load: a foreign publisher appends durable events in pipelined batches (at least 20k,
    // and on until the kill); kill -9 instance b while it holds some it has not acknowledged.
    const MIN_EVENTS = 20_000
    let killed = false
    let sent = 0
    const published = (async () => {
      while (!killed || sent < MIN_EVENTS) {
        const replies: Array<Promise<unknown>> = []
        for (let i = sent; i < sent + 500; i++)
          replies.push(redis.send("XADD", [keys.bus, "*", "e", loadEvent(i), "o", "loadgen"]))
        await Promise.all(replies)
        sent += 500
        await Bun.sleep(5)
      }
    })()
    const victim = instances[1]!
    let pendingAtKill = 0
    for (let attempt = 0; attempt < 2000 && pendingAtKill === 0; attempt++) {
      victim.child.kill("SIGSTOP")
      const rows = (await redis.send("XPENDING", [keys.bus, keys.stateGroup, "-", "+", "1000", "b"])) as Array<unknown>
      pendingAtKill = rows.length
      if (pendingAtKill === 0) {
        victim.child.kill("SIGCONT")
        await Bun.sleep(3)
      }
    }
    victim.child.kill("SIGKILL")
    killed = true
    await victim.child.exited
    expect(pendingAtKill).toBeGreaterThan(0)
    await published
    const N = sent

    // 4. No acknowledged event lost, none applied twice: the shared log holds each exactly once.
    const loadIds = async () => {
      const ids = new Map<string, number>()
      let cursor = "-"
      while (true) {
        const page = (await redis.send("XRANGE", [keys.log, cursor, "+", "COUNT", "5000"])) as Array<
          [string, Array<string>]
        >
        for (const [, fields] of page) {
          const id = /"id":"(LOAD-\d+)"/.exec(fields[1] ?? "")?.[1]
          if (id !== undefined) ids.set(id, (ids.get(id) ?? 0) + 1)
        }
        if (page.length < 5000) return ids
        cursor = `(${page.at(-1)![0]}`
      }
    }
    let ids = new Map<string, number>()
    await until(async () => (ids = await loadIds()).size === N, 20_000, "all load events in the shared log")
    expect([...ids.values()].every((n) => n === 1)).toBe(true)
    // What b held when it died is reclaimed by a survivor (after claimIdleMs).
    await until(
      async () =>
        ((await redis.send("XPENDING", [keys.bus, keys.stateGroup, "-", "+", "10", "b"])) as Array<unknown>).length ===
        0,
      10_000,
      "b's pending entries reclaimed",
    )

    // 5. The survivors split b's symbols and say what happened.
    const survivors = [urls[0]!, urls[2]!]
    const expected2 = assign(SYMBOLS, ["a", "c"])
    await until(
      async () => {
        const views = await Promise.all(survivors.map(clusterHealth))
        return (
          views.every((v) => v.details.live.join() === "a,c") &&
          views.every(
            (v, i) =>
              v.details.owned.join() ===
              SYMBOLS.filter((s) => expected2.get(s) === ["a", "c"][i])
                .sort()
                .join(),
          )
        )
      },
      TTL_MS + 10_000,
      "the survivors' split",
    )
    const views = await Promise.all(survivors.map(clusterHealth))
    for (const view of views) {
      expect(view.status).toBe("degraded")
      expect(view.reason).toContain("instance b died (heartbeat lost)")
    }
    const gainedFromB = SYMBOLS.filter((s) => expected3.get(s) === "b")
    const reasons = views.map((v) => v.reason ?? "").join(" | ")
    expect(reasons).toMatch(/took over \d+ symbols? \(.+\) from instance b/)
    for (const symbol of gainedFromB) expect(reasons).toContain(symbol)
    await until(
      async () =>
        (await Promise.all(survivors.map(clusterHealth))).some((v) =>
          /reclaimed \d+ pending events from b/.test(v.reason ?? ""),
        ),
      5000,
      "the reclaim in /health",
    )

    // 6. b's symbols are analysed again, by their new owners.
    const before = (await redis.send("HMGET", [keys.latestAt, ...gainedFromB])) as Array<string>
    await until(
      async () => {
        const now = (await redis.send("HMGET", [keys.latestAt, ...gainedFromB])) as Array<string>
        return now.every((t, i) => Number(t) > Number(before[i]))
      },
      10_000,
      "fresh confluence for the taken-over symbols",
    )

    // 7. A new instance joins: it gets its share, and the others say they handed it over.
    const joiner = start("d")
    const all = [urls[0]!, urls[2]!, await joiner.url]
    const expected3b = assign(SYMBOLS, ["a", "c", "d"])
    await until(
      async () => {
        const views = await Promise.all(all.map(clusterHealth))
        return views.every(
          (v, i) =>
            v.details.live.join() === "a,c,d" &&
            v.details.owned.join() ===
              SYMBOLS.filter((s) => expected3b.get(s) === ["a", "c", "d"][i])
                .sort()
                .join(),
        )
      },
      10_000,
      "the split with d",
    )
    const summaries = async () =>
      (await Promise.all(survivors.map(clusterHealth)))
        .flatMap((v) => (v.details as unknown as { changes: Array<{ summary: string }> }).changes.map((c) => c.summary))
        .join(" | ")
    expect(await summaries()).toMatch(/handed \d+ symbols? \(.+\) to instance d/)

    // 8. A clean shutdown deregisters at once: the others rebalance on its leave, not on its
    // heartbeat expiring. The survivors' own record says which it was ("left" vs "died"), so the
    // check holds however slow the machine is.
    joiner.child.kill("SIGTERM")
    expect(await joiner.child.exited).toBe(0)
    await until(
      async () => (await Promise.all(survivors.map(clusterHealth))).every((v) => v.details.live.join() === "a,c"),
      2 * TTL_MS,
      "d's leave",
    )
    expect(await summaries()).toContain("instance d left")
    expect(await summaries()).not.toContain("instance d died")

    redis.close()
    for (const survivor of [instances[0]!, instances[2]!]) survivor.child.kill("SIGTERM")
    const codes = await Promise.all([instances[0]!.child.exited, instances[2]!.child.exited])
    if (codes.some((code) => code !== 0)) console.error(instances[0]!.log().slice(-3000))
    expect(codes).toEqual([0, 0])
  }, 180_000)
})
