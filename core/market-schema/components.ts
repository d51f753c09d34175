/** @module The confluence components: the one list, and their default weights. */

/** The six confluence components, in the order reports list them. */
export const COMPONENTS = ["technical", "volume", "orderflow", "orderbook", "sentiment", "price_structure"] as const
export type Component = (typeof COMPONENTS)[number]

/**
 * Default weight of each component in the overall score. Normalised at use, so they need not
 * sum to 1; a 0 weight disables a component. Order flow and the book lead because they move
 * before candles close; sentiment (derivatives positioning) is the noisiest, so it counts least.
 */
export const DEFAULT_COMPONENT_WEIGHTS: Readonly<Record<Component, number>> = {
  orderflow: 0.3,
  orderbook: 0.2,
  volume: 0.18,
  price_structure: 0.15,
  technical: 0.1,
  sentiment: 0.07,
}
