/**
 * @module SignalEngine: confluence updates in, `signal.emitted` events out.
 *
 * One rule state per symbol (scores are the multi-timeframe roll-up), the rules in
 * `rules.ts`, the payload from `build-signal.ts`; price and ATR(14) come with the confluence
 * event (the base timeframe's when it was scored), so a signal depends on its event alone.
 * Replayed confluence events never produce new signals.
 */
import { Context, Effect, Layer } from "effect"
import { Analysis, componentsOf, fromSummary, type ConfluenceSummary } from "../analysis/index.ts"
import type { SymbolConfluence } from "../analysis/confluence/index.ts"
import { AppConfig } from "../config/index.ts"
import { EventBus, makeEvent } from "../events/index.ts"
import { buildSignal } from "./build-signal.ts"
import { decide, newRuleState, type Decision, type RuleState } from "./rules.ts"
import type { Signal } from "./schema.ts"

const RECENT = 200

export interface SignalStats {
  readonly evaluated: number
  readonly emitted: number
}

export class SignalEngine extends Context.Service<
  SignalEngine,
  {
    /** The most recent signals, newest last (the store keeps all of them). */
    readonly recent: Effect.Effect<ReadonlyArray<Signal>>
    readonly stats: Effect.Effect<SignalStats>
  }
>()("virtuoso/signals/SignalEngine") {
  static readonly layer = Layer.effect(
    SignalEngine,
    Effect.suspend(() => makeSignalEngine(RECENT)),
  )
  /** Keeps the last `recent` signals in `recent` (replay keeps all of them). */
  static readonly layerWith = (options: { readonly recent: number }) =>
    Layer.effect(
      SignalEngine,
      Effect.suspend(() => makeSignalEngine(options.recent)),
    )
}

function makeSignalEngine(keep: number) {
  return Effect.gen(function* () {
    const { signals: rules } = yield* AppConfig
    const bus = yield* EventBus
    const analysis = yield* Analysis
    const states = new Map<string, RuleState>()
    const recent: Array<Signal> = []
    const counters = { evaluated: 0, emitted: 0 }
    const emit = Effect.fnUntraced(function* (
      confluence: SymbolConfluence,
      decision: Decision,
      cause: string,
      priced: ConfluenceSummary,
    ) {
      const price = priced.price ?? Number.NaN
      const atr = priced.atr ?? null
      const signal = buildSignal({ confluence, decision, timeframe: "all", price, atr, rules })
      recent.push(signal)
      if (recent.length > keep) recent.shift()
      counters.emitted++
      const event = yield* makeEvent("signal.emitted", { ...signal }, { source: "signals", correlationId: cause })
      yield* bus.publish(event)
    })

    if (rules.enabled) {
      // The event is the compact roll-up; the plugin contributions behind it (for the signal's
      // top indicators) are in Analysis's memory while it is still the latest for the symbol.
      // The numbers always come from the event, so a signal is a function of the events alone (a
      // replay decides exactly as live did); only the contributions come from memory.
      const detailed = (summary: ConfluenceSummary) =>
        Effect.map(analysis.latestFor(summary.symbol), (latest) => {
          const numbers = fromSummary(summary)
          return latest !== undefined && latest.time === summary.time
            ? { ...numbers, results: latest.results }
            : numbers
        })
      // Most events decide nothing: the rules read the score, time and components only, and the
      // full roll-up (interpretation, contributions) is rebuilt for the few that emit a signal.
      const onConfluence = (summary: ConfluenceSummary, cause: string) => {
        counters.evaluated++
        let state = states.get(summary.symbol)
        if (!state) states.set(summary.symbol, (state = newRuleState()))
        const observation = { score: summary.score, time: summary.time, components: componentsOf(summary) }
        const decision = decide(state, observation, rules)
        if (!decision) return Effect.void
        return Effect.flatMap(detailed(summary), (c) => emit(c, decision, cause, summary))
      }
      yield* bus.subscribe(
        "analysis.confluence",
        (event) => (event.replayed ? Effect.void : onConfluence(event.payload, event.id)),
        { name: "signals" },
      )
    }

    return SignalEngine.of({
      recent: Effect.sync(() => [...recent]),
      stats: Effect.sync(() => ({ ...counters })),
    })
  })
}
