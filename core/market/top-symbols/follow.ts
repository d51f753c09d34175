/**
 * @module Glue: make the supervised streams follow the tracked-symbol set. Removed symbols are
 * stopped first (their streams interrupted and unsubscribed), then added ones start.
 */
import { Effect } from "effect"
import type { StreamSpec } from "../streams/index.ts"
import type { StreamSupervisor } from "../streams/index.ts"
import type { SymbolsChange } from "./top-symbols.ts"

export const followSymbols =
  (supervisor: StreamSupervisor["Service"], specsFor: (symbol: string) => ReadonlyArray<StreamSpec<any>>) =>
  (change: SymbolsChange): Effect.Effect<void> =>
    Effect.gen(function* () {
      for (const symbol of change.removed) yield* supervisor.stopSymbol(symbol)
      for (const symbol of change.added) {
        for (const spec of specsFor(symbol)) yield* supervisor.start(spec)
      }
    })
