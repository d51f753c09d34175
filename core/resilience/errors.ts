/**
 * @module Failures raised by the resilience combinators themselves (not by the guarded call).
 */
import { Schema } from "effect"

/** The circuit is open (or isolated, or out of half-open probes): the call was not made. */
export class CircuitOpenError extends Schema.TaggedError<CircuitOpenError>()("CircuitOpenError", {
  name: Schema.String,
  state: Schema.Literals(["open", "half-open"]),
  /** How long until the breaker lets a probe through (undefined while isolated). */
  retryAfterMs: Schema.optional(Schema.Finite),
  /** What the last failure through this circuit was (so "open" never hides the cause). */
  lastFailure: Schema.optional(Schema.String),
}) {}

/** The guarded call ran past its time limit and was interrupted. */
export class CallTimeoutError extends Schema.TaggedError<CallTimeoutError>()("CallTimeoutError", {
  name: Schema.String,
  timeoutMs: Schema.Finite,
}) {}

/** Too many calls already waiting for a bulkhead slot. */
export class BulkheadFullError extends Schema.TaggedError<BulkheadFullError>()("BulkheadFullError", {
  name: Schema.String,
  maxConcurrent: Schema.Int,
  maxQueued: Schema.Int,
}) {}

/** Waiting for the rate budget would take longer than the caller allows. */
export class RateBudgetExceededError extends Schema.TaggedError<RateBudgetExceededError>()("RateBudgetExceededError", {
  name: Schema.String,
  waitMs: Schema.Finite,
  maxWaitMs: Schema.Finite,
}) {}
