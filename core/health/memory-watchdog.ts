/**
 * @module Memory watchdog: samples the heap on a schedule and reports degraded when it keeps
 * growing across a window (leak detection), unhealthy above a hard limit. The sampler is
 * injected so tests drive it with synthetic values and `TestClock`.
 *
 * "Keeps growing" = the least-squares trend over the window adds at least `minGrowthBytes`
 * AND at least `minRisingRatio` of the steps go up. A GC sawtooth has a flat trend; a leak has
 * a rising one even between collections.
 */
import { Clock, Effect, Layer } from "effect"
import { HealthRegistry } from "./health-registry.ts"
import { type CheckResult, degraded, healthy, unhealthy } from "./schema.ts"

export interface MemoryWatchdogOptions {
  /** Heap bytes in use now. @default process.memoryUsage().heapUsed */
  readonly sampler?: () => number
  /** @default 10_000 */
  readonly intervalMs?: number
  /** Samples in the window. @default 30 (5 minutes at 10 s) */
  readonly windowSize?: number
  /** Trend growth over the window that counts as a leak. @default 64 MiB */
  readonly minGrowthBytes?: number
  /** Fraction of rising steps needed. @default 0.6 */
  readonly minRisingRatio?: number
  /** Unhealthy above this heap size. @default none */
  readonly maxHeapBytes?: number
}

export interface MemoryTrend {
  readonly samples: number
  readonly heapBytes: number
  readonly growthBytes: number
  readonly bytesPerMinute: number
  readonly risingRatio: number
}

/** Least-squares trend of (t, bytes) samples. Pure. */
export const memoryTrend = (times: ReadonlyArray<number>, bytes: ReadonlyArray<number>): MemoryTrend => {
  const n = bytes.length
  if (n < 2) return { samples: n, heapBytes: bytes[n - 1] ?? 0, growthBytes: 0, bytesPerMinute: 0, risingRatio: 0 }
  let mt = 0
  let mb = 0
  for (let i = 0; i < n; i++) {
    mt += times[i]
    mb += bytes[i]
  }
  mt /= n
  mb /= n
  let num = 0
  let den = 0
  let rising = 0
  for (let i = 0; i < n; i++) {
    num += (times[i] - mt) * (bytes[i] - mb)
    den += (times[i] - mt) ** 2
    if (i > 0 && bytes[i] > bytes[i - 1]) rising++
  }
  const slope = den === 0 ? 0 : num / den // bytes per ms
  return {
    samples: n,
    heapBytes: bytes[n - 1],
    growthBytes: Math.round(slope * (times[n - 1] - times[0])),
    bytesPerMinute: Math.round(slope * 60_000),
    risingRatio: rising / (n - 1),
  }
}

export interface MemoryWatchdog {
  /** Take one sample now. */
  readonly sample: Effect.Effect<void>
  /** Verdict over the current window. */
  readonly check: Effect.Effect<CheckResult>
  /** Sample every `intervalMs` forever (fork it; `memoryWatchdogLayer` does). */
  readonly run: Effect.Effect<never>
  readonly trend: () => MemoryTrend
}

const MiB = 1024 * 1024

export const makeMemoryWatchdog = (options: MemoryWatchdogOptions = {}): MemoryWatchdog => {
  const sampler = options.sampler ?? (() => process.memoryUsage().heapUsed)
  const intervalMs = options.intervalMs ?? 10_000
  const windowSize = Math.max(3, options.windowSize ?? 30)
  const minGrowth = options.minGrowthBytes ?? 64 * MiB
  const minRising = options.minRisingRatio ?? 0.6
  const times: Array<number> = []
  const bytes: Array<number> = []

  const sample = Effect.map(Clock.currentTimeMillis, (now) => {
    times.push(now)
    bytes.push(sampler())
    if (times.length > windowSize) {
      times.shift()
      bytes.shift()
    }
  })
  const trend = () => memoryTrend(times, bytes)
  const check = Effect.sync((): CheckResult => {
    const t = trend()
    const details = { ...t, windowSize, intervalMs }
    if (t.samples === 0) return degraded("no memory samples yet", details)
    if (options.maxHeapBytes !== undefined && t.heapBytes > options.maxHeapBytes) {
      return unhealthy(
        `heap ${(t.heapBytes / MiB).toFixed(0)} MiB above limit ${(options.maxHeapBytes / MiB).toFixed(0)} MiB`,
        details,
      )
    }
    if (t.samples >= windowSize && t.growthBytes >= minGrowth && t.risingRatio >= minRising) {
      return degraded(
        `heap keeps growing: +${(t.growthBytes / MiB).toFixed(1)} MiB over ${t.samples} samples ` +
          `(${Math.round(t.risingRatio * 100)}% rising)`,
        details,
      )
    }
    return healthy(details)
  })
  const run = Effect.forever(Effect.andThen(sample, Effect.sleep(intervalMs))) as Effect.Effect<never>
  return { sample, check, run, trend }
}

/** Registers the "memory" check and samples in the background for the layer's lifetime. */
export const memoryWatchdogLayer = (options: MemoryWatchdogOptions = {}) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const health = yield* HealthRegistry
      const watchdog = makeMemoryWatchdog(options)
      yield* health.register("memory", watchdog.check, { critical: false })
      yield* Effect.forkScoped(watchdog.run)
    }),
  )
