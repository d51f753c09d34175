/**
 * @module One line that says why an exchange call failed, in terms a user can act on: the
 * reason, the host, the HTTP status, and the client library's own error class and message.
 * Every failure a guarded call can end with has one (an open circuit or an exhausted budget
 * says so too), so no warning is ever left without its cause.
 */
import { Predicate } from "effect"
import { BulkheadFullError, CallTimeoutError, CircuitOpenError, RateBudgetExceededError } from "./errors.ts"
import { redactMessage } from "./classify-exchange-error.ts"
import { ExchangeError } from "./exchange-error.ts"

const seconds = (ms: number | undefined) => (ms === undefined ? "" : ` (next try in ${Math.ceil(ms / 1000)} s)`)

export const describeFailure = (error: unknown): string => {
  if (error instanceof ExchangeError) {
    const where = [error.host ?? error.exchange, error.status === undefined ? undefined : `HTTP ${error.status}`]
      .filter((x) => x !== undefined)
      .join(", ")
    const what = error.errorClass === undefined ? error.message : `${error.errorClass}: ${error.message}`
    return `${error.reason._tag} from ${where} — ${what || "no message"}`
  }
  if (error instanceof CircuitOpenError) {
    const last = error.lastFailure === undefined ? "" : `; last: ${error.lastFailure}`
    return `circuit ${error.name} ${error.state} after repeated failures${seconds(error.retryAfterMs)}${last}`
  }
  if (error instanceof RateBudgetExceededError) {
    return `rate budget ${error.name} exhausted: would wait ${Math.round(error.waitMs)} ms, limit ${error.maxWaitMs} ms`
  }
  if (error instanceof BulkheadFullError) {
    return `too many calls to ${error.name} queued (${error.maxConcurrent} running, ${error.maxQueued} waiting)`
  }
  if (error instanceof CallTimeoutError) return `${error.name} timed out after ${error.timeoutMs} ms`
  if (error instanceof Error) {
    const message = redactMessage(error.message)
    return message === "" ? error.name : error.name === "Error" ? message : `${error.name}: ${message}`
  }
  if (Predicate.isString(error)) return redactMessage(error)
  return redactMessage(String(error))
}
