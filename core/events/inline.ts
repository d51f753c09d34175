/**
 * @module Runs a handler's effect inline when it can only complete synchronously: a plain
 * `Effect.sync(...)` or an already-succeeded effect (`Effect.void`, `Effect.succeed(x)`), the
 * usual shape of in-process handlers. Each such call otherwise makes a trip through the fiber
 * run loop (≈75–150 ns), which with four subscribers was most of the dispatch budget.
 *
 * The shapes are learnt once from probes built by this Effect version, not from its internals'
 * names; if a future version lays them out differently the probes fail and nothing is inlined,
 * so every call simply takes the run loop again (slower, never wrong).
 */
import { Effect, Exit } from "effect"

const probeThunk = () => 1
// Effect's types do not describe an effect's fields: the probes read them as plain records.
const syncProbe = Effect.sync(probeThunk) as unknown as Record<string, unknown>
const SYNC_PROTO: unknown = Object.getPrototypeOf(syncProbe)
const THUNK_KEY = Object.keys(syncProbe).find((key) => syncProbe[key] === probeThunk)
const SUCCESS_PROTO: unknown = Object.getPrototypeOf(Exit.void)

const layoutHolds = (): boolean => {
  if (THUNK_KEY === undefined || SYNC_PROTO === Object.prototype || SUCCESS_PROTO === Object.prototype) return false
  const other = () => 2
  const second = Effect.sync(other) as unknown as Record<string, unknown>
  if (Object.getPrototypeOf(second) !== SYNC_PROTO || second[THUNK_KEY] !== other) return false
  // Only successes may be skipped: a failed Exit, a suspend or a flatMap must not look alike.
  for (const e of [
    Effect.fail(1),
    Effect.die(1),
    Effect.suspend(() => Effect.void),
    Effect.flatMap(Effect.void, () => Effect.void),
  ]) {
    const proto = Object.getPrototypeOf(e)
    if (proto === SUCCESS_PROTO || proto === SYNC_PROTO) return false
  }
  return Object.getPrototypeOf(Effect.succeed(3)) === SUCCESS_PROTO && Effect.runSync(Effect.sync(other)) === 2
}

/** False when this Effect version's layout is not the one probed: nothing is inlined then. */
export const inlineSupported: boolean = layoutHolds()

/**
 * Completes `effect` now when it is an `Effect.sync` (its thunk runs here; what it throws is
 * thrown to the caller, who treats it as a defect) or an already-succeeded effect. Returns false
 * when the effect needs the run loop: the caller must `yield*` it.
 */
export const runInline = (effect: Effect.Effect<unknown, unknown, unknown>): boolean => {
  if (!inlineSupported) return false
  const proto = Object.getPrototypeOf(effect)
  if (proto === SYNC_PROTO) {
    // Called without a receiver, as the run loop does.
    const thunk = (effect as unknown as Record<string, () => unknown>)[THUNK_KEY!]
    thunk()
    return true
  }
  return proto === SUCCESS_PROTO
}
