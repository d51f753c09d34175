/** @module core/events/transports/redis — the Redis Streams transport and its consumer-group machinery. */
export { RedisConnection } from "./connection.ts"
export {
  startGroupConsumer,
  type ConsumerStats,
} from "./consumer.ts"
export {
  deadLetterArgs,
  decodeEntry,
  parseGroupsInfo,
  parsePendingSummary,
  type StreamEntry,
} from "./entries.ts"
export {
  hashTagged,
  RedisTransport,
  streamKeys,
  type RedisTransportStats,
} from "./redis-transport.ts"
