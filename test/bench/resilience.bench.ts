/**
 * bench:resilience — overhead of the resilience primitives on the hot path.
 *
 * 1. Sync breaker (plugin hot loop): `allow(now) / onSuccess(now)` around a trivial call, closed
 *    state, vs the bare call — consecutive-failures policy and failure-rate window policy.
 * 2. Effect combinator: `breaker.protect(eff)` vs `eff`, inside one running fiber, with and
 *    without the 30 s call timeout (the timeout forks a timer fiber per call).
 * 3. ResilientCache hit, TokenBucket.tryTake.
 * Each case runs REPS times; the median ns/op is reported with ratios from the same run.
 */
import { Effect } from "effect"
import { BreakerState, makeCircuitBreaker, makeResilientCache, TokenBucket } from "../../core/resilience/index.ts"

const REPS = 7
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const time = (fn: () => void): number => {
  const t0 = Bun.nanoseconds()
  fn()
  return Bun.nanoseconds() - t0
}
const measure = (name: string, ops: number, fn: () => void) => {
  fn() // warm up
  const samples: Array<number> = []
  for (let r = 0; r < REPS; r++) samples.push(time(fn) / ops)
  return { name, nsPerOp: median(samples), samples }
}
const measureAsync = async (name: string, ops: number, fn: () => Promise<void>) => {
  await fn()
  const samples: Array<number> = []
  for (let r = 0; r < REPS; r++) {
    const t0 = Bun.nanoseconds()
    await fn()
    samples.push((Bun.nanoseconds() - t0) / ops)
  }
  return { name, nsPerOp: median(samples), samples }
}

let sink = 0
const work = (i: number) => (sink = (sink + i) | 0)

const N = 5_000_000
const bare = measure("bare call", N, () => {
  for (let i = 0; i < N; i++) work(i)
})
/** N successful calls guarded by one breaker (clock = call index). */
const guarded = (b: BreakerState) => () => {
  for (let i = 0; i < N; i++) {
    const now = i
    const p = b.allow(now)
    if (p) {
      work(i)
      b.onSuccess(now, p)
    }
  }
}
const consecutive = new BreakerState({ name: "plugin:x" })
const syncConsecutive = measure("sync breaker, consecutive policy", N, guarded(consecutive))
const windowed = new BreakerState({
  name: "plugin:y",
  policy: [
    { _tag: "ConsecutiveFailures", threshold: 5 },
    { _tag: "FailureRate", rate: 0.5, windowMs: 10_000, minimumCalls: 20 },
  ],
})
const syncWindow = measure("sync breaker, + failure-rate window", N, guarded(windowed))

const M = 200_000
const effBare = Effect.sync(() => work(1))
const noTimeout = makeCircuitBreaker({ name: "h", callTimeoutMs: 0 })
const withTimeoutB = makeCircuitBreaker({ name: "t" })
const loop = (eff: Effect.Effect<unknown, unknown>) =>
  Effect.gen(function* () {
    for (let i = 0; i < M; i++) yield* eff
  })
const runLoop = (eff: Effect.Effect<unknown, unknown>) => () => Effect.runPromise(loop(eff) as Effect.Effect<void>)
const effBase = await measureAsync("Effect.sync call (baseline)", M, runLoop(effBare))
const effProtect = await measureAsync("protect, no call timeout", M, runLoop(noTimeout.protect(effBare)))
const effProtectT = await measureAsync("protect, 30 s call timeout", M / 4, () =>
  Effect.runPromise(
    Effect.gen(function* () {
      for (let i = 0; i < M / 4; i++) yield* withTimeoutB.protect(effBare)
    }),
  ),
)

const cache = makeResilientCache<string, number>({ name: "c", ttlMs: 1e12, maxEntries: 1000 })
await Effect.runPromise(cache.get("BTC/USDT", Effect.succeed(1)))
const cacheHit = await measureAsync("ResilientCache hit (Effect)", M, runLoop(cache.get("BTC/USDT", Effect.succeed(2))))
const bucket = new TokenBucket(1e12, 1)
const bucketTake = measure("TokenBucket.tryTake (sync)", N, () => {
  for (let i = 0; i < N; i++) bucket.tryTake(i, 1)
})

const rows = [bare, syncConsecutive, syncWindow, effBase, effProtect, effProtectT, cacheHit, bucketTake]
console.log(`bench:resilience — median of ${REPS} runs (ns per op)\n`)
for (const r of rows) console.log(`${r.name.padEnd(40)} ${r.nsPerOp.toFixed(1).padStart(9)} ns`)
console.log("")
console.log(
  `sync breaker overhead (consecutive):     ${(syncConsecutive.nsPerOp - bare.nsPerOp).toFixed(1)} ns/call  ` +
    `(${(syncConsecutive.nsPerOp / bare.nsPerOp).toFixed(2)}x bare)`,
)
console.log(
  `sync breaker overhead (+ rate window):   ${(syncWindow.nsPerOp - bare.nsPerOp).toFixed(1)} ns/call  ` +
    `(${(syncWindow.nsPerOp / bare.nsPerOp).toFixed(2)}x bare)`,
)
console.log(
  `Effect protect overhead (no timeout):    ${(effProtect.nsPerOp - effBase.nsPerOp).toFixed(1)} ns/call  ` +
    `(${(effProtect.nsPerOp / effBase.nsPerOp).toFixed(2)}x Effect.sync)`,
)
console.log(
  `Effect protect overhead (30 s timeout):  ${(effProtectT.nsPerOp - effBase.nsPerOp).toFixed(1)} ns/call  ` +
    `(${(effProtectT.nsPerOp / effBase.nsPerOp).toFixed(2)}x Effect.sync)`,
)
if (sink === 42) console.log("")
