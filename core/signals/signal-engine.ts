/**
 * @module SignalEngine: confluence updates in, `signal.emitted` events out.
 *
 * One rule state per symbol (scores are the multi-timeframe roll-up), the rules in
 * `rules.ts`, the payload from `build-signal.ts`; price and ATR(14) come with the confluence
 * event (the base timeframe's when it was scored), so a signal depends on its event alone.
 * Replayed confluence events never produce new signals.
 */
import { Context, Effect, Layer } from "effect"
import { Analysis, fromSummary, type ConfluenceSummary } from "../analysis/index.ts"
import type { SymbolConfluence } from "../analysis/confluence/index.ts"
import { AppConfig } from "../config/index.ts"
import { EventBus, makeEvent } from "../events/index.ts"
import { buildSignal } from "./build-signal.ts"
import { decide, newRuleState, type RuleState } from "./rules.ts"
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
    const onConfluence = Effect.fnUntraced(function* (
      confluence: SymbolConfluence,
      cause: string,
      priced: ConfluenceSummary,
    ) {
      if (confluence.score === null) return
      counters.evaluated++
      let state = states.get(confluence.symbol)
      if (!state) states.set(confluence.symbol, (state = newRuleState()))
      const decision = decide(
        state,
        { score: confluence.score, time: confluence.time, components: confluence.components },
        rules,
      )
      if (!decision) return
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
      yield* bus.subscribe(
        "analysis.confluence",
        (event) =>
          event.replayed
            ? Effect.void
            : Effect.flatMap(detailed(event.payload), (c) => onConfluence(c, event.id, event.payload)),
        { name: "signals" },
      )
    }

    return SignalEngine.of({
      recent: Effect.sync(() => [...recent]),
      stats: Effect.sync(() => ({ ...counters })),
    })
  })
}
