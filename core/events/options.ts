/** @module Options of the event bus; `core/main.ts` maps config onto them. */
import type { Duration } from "effect"
import type { BackpressurePolicy, Lane } from "./lanes.ts"

export interface BusOptions {
  /** Capacity of each lane of each subscription. @default 10_000 */
  readonly capacity?: number
  /** Default policy of a full lane. @default "wait" */
  readonly backpressure?: BackpressurePolicy | Partial<Record<Lane, BackpressurePolicy>>
  /** Weighted fair dispatch weights. @default { critical: 8, high: 4, normal: 2, low: 1 } */
  readonly weights?: Readonly<Record<Lane, number>>
  /** Dedup window by event id. @default 60 seconds */
  readonly dedupWindow?: Duration.Input
  /**
   * Cap on ids per event type per dedup generation: memory stays bounded at any rate, and a
   * flood of one type (tickers) cannot shorten another type's (signals') window. @default 100_000
   */
  readonly dedupMaxIds?: number
  /** Dead-letter capacity; oldest evicted beyond it. @default 10_000 */
  readonly deadLetterCapacity?: number
  /** How long the layer's finalizer waits for lanes to drain. @default 5 seconds */
  readonly drainTimeout?: Duration.Input
}
