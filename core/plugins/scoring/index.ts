/**
 * @module Shared scoring math for indicator plugins, reached through the SDK as `scoring`.
 * Pure functions over plain arrays, no effects; the only module state is two scratch buffers
 * (volume profile bins, book-level sort) reused between synchronous calls, each tape's columns
 * (`tapeColumns`), remembered per tape array and rebuilt from its trades when they change, and the
 * decay weights `decayedTotals` has met, by age (the numbers `Math.exp` gives, to the bit).
 */
export * from "./map.ts"
export * from "./series.ts"
export * from "./profile.ts"
export * from "./structure.ts"
export * from "./book.ts"
export * from "./flow.ts"
export * from "./tape.ts"
