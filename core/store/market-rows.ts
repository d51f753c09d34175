/**
 * @module Which events go to the lean `market_events` table (tables.ts): the market inputs,
 * which are never durable at publish and which the recorder stores in bulk. Durable events and
 * everything else keep the `events` table with its id constraint and indexes.
 */
import { isDurable, isEventType } from "../events/index.ts"

export const isMarketRow = (type: string): boolean =>
  type.startsWith("market.") && isEventType(type) && !isDurable(type)
