/** @module core/events/transports/redis — the Redis Streams transport and its consumer-group machinery. */
export { RedisConnection, openRedis, type RedisCommands, type RedisConnectionOptions } from "./connection.ts"
export {
  ensureGroup,
  startGroupConsumer,
  type ConsumerStats,
  type GroupConsumerOptions,
  type ReclaimRecord,
} from "./consumer.ts"
export {
  deadLetterArgs,
  decodeEntry,
  encodeFields,
  parseGroupsInfo,
  parsePendingSummary,
  parseReadGroup,
  type StreamEntry,
} from "./entries.ts"
export {
  hashTagged,
  RedisTransport,
  streamKeys,
  type RedisTransportOptions,
  type RedisTransportStats,
} from "./redis-transport.ts"
