/**
 * @module SymbolShare: the part of the tracked symbols this instance fetches when several
 * instances split them. MarketData declares what it needs here; the cluster implements it
 * (`core/cluster`'s SymbolOwnership), so market data never imports the cluster.
 */
import { Context, type Effect, type Scope } from "effect"

export class SymbolShare extends Context.Service<
  SymbolShare,
  {
    /** Whether this instance fetches the symbol now. Synchronous: checked per symbol on the hot path. */
    readonly owns: (symbol: string) => boolean
    /** The symbols this instance fetches now. */
    readonly owned: Effect.Effect<ReadonlyArray<string>>
    /** Every instance's tracked symbols together, sorted: what `MarketData.symbols` serves. */
    readonly tracked: Effect.Effect<ReadonlyArray<string>>
    /** Announces this instance's tracked set (static plus top-N) whenever it changes. */
    readonly track: (symbols: ReadonlyArray<string>) => Effect.Effect<void>
    /**
     * Runs the top-symbol ranking on one instance at a time (in its own scope, closed when this
     * instance stops being the one); the others follow the tracked set it announces.
     */
    readonly ranking: <E>(rank: Effect.Effect<void, E, Scope.Scope>) => Effect.Effect<never>
  }
>()("virtuoso/market/SymbolShare") {}
