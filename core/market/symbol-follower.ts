/**
 * @module The tracked-symbol follower: a symbol joins (history published, then streams or poll
 * rounds), leaves (unsubscribed, nothing more published), and — in distributed mode — follows
 * ownership. Every change of the served set is published as `market.symbols`.
 */
import { Effect } from "effect"
import type { SymbolShare } from "./symbol-share.ts"
import type { ExchangeSession } from "./exchange-session.ts"
import { describe } from "./exchange-loader.ts"
import type { MarketEvents } from "./market-events.ts"
import type { Timeframe } from "../market-schema/index.ts"
import { newCursor, type SeriesCursor } from "./series-tracker.ts"
import type { StreamSupervisor } from "./streams/index.ts"
import { newSymbolState, type SymbolState } from "./symbol-state.ts"
import type { SymbolsChange } from "./top-symbols/index.ts"

export interface FollowerParts {
  readonly session: ExchangeSession
  readonly events: MarketEvents
  readonly timeframes: ReadonlyArray<Timeframe>
  readonly poll: (state: SymbolState) => Effect.Effect<void>
  readonly stream: ((state: SymbolState) => Effect.Effect<void>) | undefined
  readonly supervisor: StreamSupervisor["Service"] | undefined
  readonly ownership: SymbolShare["Service"] | undefined
  /** The tracked set (static symbols, includes, current top-N), fetched here or not. */
  readonly wanted: Set<string>
}

export const makeFollower = (parts: FollowerParts) => {
  const { session, events, timeframes, ownership, supervisor, wanted } = parts
  const states = new Map<string, SymbolState>()
  /** `symbols` as served: live ones in join order. */
  let live: ReadonlyArray<string> = []

  const newState = (symbol: string, isLive: boolean) =>
    newSymbolState(symbol, new Map<Timeframe, SeriesCursor>(timeframes.map((tf) => [tf, newCursor()])), isLive)

  const refreshLive = Effect.suspend(() => {
    const next = [...states.values()].filter((s) => s.live).map((s) => s.symbol)
    const changed = next.length !== live.length || next.some((s, i) => s !== live[i])
    live = next
    return changed ? events.symbols(next) : Effect.void
  })

  /** A symbol joins: history (published as backfill), then streams or poll rounds. */
  const addSymbol = (symbol: string) =>
    Effect.gen(function* () {
      if (states.has(symbol)) return
      const state = newState(symbol, false)
      states.set(symbol, state)
      yield* parts.poll(state)
      if (state.removed) return
      state.live = true
      yield* refreshLive
      if (parts.stream) yield* parts.stream(state)
      yield* Effect.logInfo(`market data: ${symbol} joined (backfilled ${timeframes.join(",")})`)
    }).pipe(Effect.catch((e: unknown) => Effect.logWarning(`market data: ${symbol} not added: ${describe(e)}`)))

  /** A symbol leaves: served no more, streams stopped and unsubscribed, nothing more published. */
  const removeSymbol = (symbol: string) =>
    Effect.gen(function* () {
      const state = states.get(symbol)
      if (!state) return
      state.removed = true
      state.live = false
      states.delete(symbol)
      events.forget(symbol)
      yield* refreshLive
      const adapter = session.adapter
      if (supervisor) yield* supervisor.stopSymbol(symbol)
      else if (adapter.unWatch) {
        yield* Effect.tryPromise(() => adapter.unWatch!(symbol)).pipe(
          Effect.catch((e) => Effect.logWarning(`unWatch ${symbol}: ${describe(e)}`)),
        )
      }
      yield* Effect.logInfo(`market data: ${symbol} left`)
    })

  const applyChange = (change: SymbolsChange) =>
    Effect.gen(function* () {
      for (const symbol of change.removed) wanted.delete(symbol)
      for (const symbol of change.added) wanted.add(symbol)
      // Distributed: announce the set; `reconcile` fetches what the split of the union gives us.
      if (ownership !== undefined) return yield* ownership.track([...wanted])
      for (const symbol of change.removed) yield* removeSymbol(symbol)
      yield* Effect.forEach(change.added, addSymbol, { concurrency: 4, discard: true })
    })

  /**
   * Distributed mode: fetch exactly the symbols this instance owns — of the cluster's tracked
   * set, so a top symbol only a peer ranks is still fetched by its owner. Serial (one running
   * loop), so a symbol is never added and removed at once; one lost while its backfill runs is
   * dropped on the next pass.
   */
  const reconcile = (owner: SymbolShare["Service"]) =>
    Effect.gen(function* () {
      const owned = new Set(yield* owner.owned)
      for (const symbol of [...states.keys()]) if (!owned.has(symbol)) yield* removeSymbol(symbol)
      // Owning nothing (more instances than symbols) is idle, not stale: health must not flag it.
      if (states.size === 0) session.counters.lastPoll = session.now()
      yield* Effect.forEach(
        [...owned].filter((symbol) => !states.has(symbol)),
        addSymbol,
        { concurrency: 4, discard: true },
      )
    })

  return {
    states,
    live: () => live,
    liveStates: () => [...states.values()].filter((s) => s.live),
    /** Starts serving a symbol whose history is still to come (the pinned set at start). */
    pin: (symbol: string) => void states.set(symbol, newState(symbol, true)),
    refreshLive,
    applyChange,
    reconcile,
  }
}
