import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { HealthRegistry, makeMemoryWatchdog, memoryTrend, memoryWatchdogLayer } from "../../../core/health/index.ts"

const MiB = 1024 * 1024

describe("memoryTrend", () => {
  test("slope of a steady leak, flat for a sawtooth", () => {
    const t = [0, 1, 2, 3, 4].map((i) => i * 60_000)
    expect(
      memoryTrend(
        t,
        [100, 110, 120, 130, 140].map((m) => m * MiB),
      ).bytesPerMinute,
    ).toBe(10 * MiB)
    expect(
      memoryTrend(
        t,
        [100, 150, 100, 150, 100].map((m) => m * MiB),
      ).growthBytes,
    ).toBe(0)
  })
})

describe("memory watchdog", () => {
  test(
    "driven by TestClock and synthetic samples: healthy " + "while flat, degraded when the heap keeps growing",
    async () => {
      let heap = 200 * MiB
      let step = 0
      const sampler = () => heap
      await Effect.runPromise(
        Effect.gen(function* () {
          const health = yield* HealthRegistry
          yield* TestClock.adjust(0)
          // 10 samples at 10 s, flat with GC noise
          for (let i = 0; i < 10; i++) {
            heap = 200 * MiB + (i % 2) * 30 * MiB
            yield* TestClock.adjust(10_000)
          }
          let r = yield* health.report
          expect(r.components.memory.status).toBe("healthy")
          // now leak 10 MiB per sample with small dips
          for (let i = 0; i < 10; i++) {
            step++
            heap = 230 * MiB + step * 10 * MiB - (i % 3 === 2 ? 2 * MiB : 0)
            yield* TestClock.adjust(10_000)
          }
          r = yield* health.report
          expect(r.components.memory.status).toBe("degraded")
          expect(r.components.memory.reason).toMatch(/^heap keeps growing: \+\d+\.\d MiB over 10 samples/)
          expect(r.status).toBe("degraded") // memory is non-critical
          // the leak stops: once the window is flat again, healthy
          for (let i = 0; i < 10; i++) yield* TestClock.adjust(10_000)
          r = yield* health.report
          expect(r.components.memory.status).toBe("healthy")
        }).pipe(
          Effect.provide(
            memoryWatchdogLayer({ sampler, intervalMs: 10_000, windowSize: 10, minGrowthBytes: 50 * MiB }).pipe(
              Layer.provideMerge(HealthRegistry.layer),
            ),
          ),
          Effect.provide(TestClock.layer()),
        ),
      )
    },
  )

  test("unhealthy above the hard limit; degraded before any sample", async () => {
    let heap = 10 * MiB
    const w = makeMemoryWatchdog({ sampler: () => heap, maxHeapBytes: 100 * MiB })
    await Effect.runPromise(
      Effect.gen(function* () {
        expect((yield* w.check).reason).toBe("no memory samples yet")
        yield* w.sample
        expect((yield* w.check).status).toBe("healthy")
        heap = 150 * MiB
        yield* w.sample
        expect(yield* w.check).toMatchObject({ status: "unhealthy", reason: "heap 150 MiB above limit 100 MiB" })
      }).pipe(Effect.provide(TestClock.layer())),
    )
  })
})
