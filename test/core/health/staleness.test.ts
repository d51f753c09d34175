import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { makeStalenessMonitor } from "../../../core/health/index.ts"

describe("staleness monitor", () => {
  test("per-stream last message vs threshold", async () => {
    await Effect.runPromise(
      Effect.gen(function* () {
        const m = makeStalenessMonitor({ thresholdMs: 5000, thresholds: { "BTC/USDT:1h": 4_000_000 } })
        m.expect("BTC/USDT:trades")
        expect(yield* m.check).toMatchObject({ status: "degraded", reason: "no data yet: BTC/USDT:trades" })
        yield* m.touchNow("BTC/USDT:trades")
        yield* m.touchNow("ETH/USDT:trades")
        yield* m.touchNow("BTC/USDT:1h")
        expect((yield* m.check).status).toBe("healthy")
        yield* TestClock.adjust(3000)
        yield* m.touchNow("ETH/USDT:trades")
        yield* TestClock.adjust(3000)
        expect(yield* m.check).toMatchObject({ status: "degraded", reason: "stale: BTC/USDT:trades (6000 ms)" })
        yield* TestClock.adjust(4_000_000)
        const r = yield* m.check
        expect(r.status).toBe("unhealthy")
        expect(r.details).toMatchObject({ streams: { "BTC/USDT:1h": { ageMs: 4_006_000, thresholdMs: 4_000_000 } } })
        yield* m.touchNow("BTC/USDT:trades")
        expect((yield* m.check).status).toBe("degraded")
      }).pipe(Effect.provide(TestClock.layer())),
    )
  })
})
