/**
 * SymbolOwnership against a real Redis: the split covers the union of the sets the live
 * instances announce (static plus top-N, different per instance), follows `track` when an
 * instance's set changes, and drops a leaving instance's extra symbols.
 */
import { afterAll, describe, expect, test } from "bun:test"
import { Context, Effect, Exit, Layer, Redacted, Scope } from "effect"
import { assign, SymbolOwnership } from "../../../core/cluster/index.ts"
import { RedisConnection } from "../../../core/events/transports/redis/index.ts"
import { cleanup, REDIS_URL, redisAvailable, uniquePrefix, until } from "../events/transports/redis/redis-env.ts"

const prefix = uniquePrefix("ownership")
afterAll(() => cleanup(prefix))

const A_SET = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "AVAX/USDT"]
const B_SET = ["AVAX/USDT", "XRP/USDT", "ADA/USDT", "DOGE/USDT"]
const sorted = (list: ReadonlyArray<string>) => [...new Set(list)].sort()

const instance = (instanceId: string, symbols: ReadonlyArray<string>, scope: Scope.Scope) =>
  Layer.buildWithScope(
    SymbolOwnership.layer({ instanceId, symbols, heartbeatMs: 100, ttlMs: 2000 }).pipe(
      Layer.provide(RedisConnection.layer({ url: Redacted.make(REDIS_URL), prefix })),
    ),
    scope,
  ).pipe(Effect.map((context) => Context.get(context, SymbolOwnership)))

/** Both agree on the tracked set, and each owns exactly its rendezvous share of it. */
const agreeOn = async (expected: ReadonlyArray<string>, owners: ReadonlyArray<SymbolOwnership["Service"]>) => {
  const ids = owners.map((o) => o.instanceId).sort()
  const split = assign(expected, ids)
  for (const owner of owners) {
    const snap = await Effect.runPromise(owner.snapshot)
    if (snap.live.join() !== ids.join() || snap.tracked.join() !== sorted(expected).join()) return false
    if (
      snap.owned.join() !==
      expected
        .filter((s) => split.get(s) === owner.instanceId)
        .sort()
        .join()
    )
      return false
  }
  return true
}

const summaries = async (owner: SymbolOwnership["Service"]) =>
  (await Effect.runPromise(owner.snapshot)).changes.map((c) => c.summary).join(" | ")

describe.skipIf(!redisAvailable)("SymbolOwnership over the tracked set", () => {
  test("splits the union of announced sets, follows track, forgets a leaver's symbols", async () => {
    const scopeA = await Effect.runPromise(Scope.make())
    const scopeB = await Effect.runPromise(Scope.make())
    try {
      const a = await Effect.runPromise(instance("a", A_SET, scopeA))
      const b = await Effect.runPromise(instance("b", B_SET, scopeB))

      // 1. The union of both static sets is split, not just one instance's list.
      const union = sorted([...A_SET, ...B_SET])
      await until(() => agreeOn(union, [a, b]), 5000, "the split of the union")
      expect(a.ownerOf("DOGE/USDT")).toBe(assign(union, ["a", "b"]).get("DOGE/USDT")!)

      // 2. b's top-N churns: a symbol only b tracked leaves, a new one joins; both follow.
      const bNext = ["AVAX/USDT", "XRP/USDT", "ADA/USDT", "LINK/USDT"]
      await Effect.runPromise(b.track(bNext))
      const union2 = sorted([...A_SET, ...bNext])
      await until(() => agreeOn(union2, [a, b]), 5000, "the split after b's change")
      expect(a.ownerOf("DOGE/USDT")).toBeUndefined()
      const dogeOwner = assign(union, ["a", "b"]).get("DOGE/USDT")!
      const linkOwner = assign(union2, ["a", "b"]).get("LINK/USDT")!
      expect(await summaries(dogeOwner === "a" ? a : b)).toMatch(
        /dropped \d+ symbols? \(.*DOGE\/USDT.*\) no longer tracked/,
      )
      expect(await summaries(linkOwner === "a" ? a : b)).toMatch(
        /took up \d+ symbols? \(.*LINK\/USDT.*\) newly tracked/,
      )

      // 3. b leaves cleanly: a owns its own set, and b's extra symbols are tracked no more.
      await Effect.runPromise(Scope.close(scopeB, Exit.void))
      await until(() => agreeOn(A_SET, [a]), 5000, "a alone with its own set")
      expect(await Effect.runPromise(a.owned)).toEqual(sorted(A_SET))
      expect(await summaries(a)).toContain("instance b left")
    } finally {
      await Effect.runPromise(Scope.close(scopeB, Exit.void))
      await Effect.runPromise(Scope.close(scopeA, Exit.void))
    }
  }, 30_000)
})
