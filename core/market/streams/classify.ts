/**
 * @module One classification for every exchange call made by the market streams: the resilience
 * layer's `classifyCcxtError`, which also reads the `retryAfterMs` / `httpStatus` the ccxt plugin
 * stamps on its errors (taken from that very response, unlike the shared `last_response_headers`).
 */
import { classifyCcxtError } from "../../resilience/index.ts"

export const classifyExchangeError = (error: unknown, operation?: string, exchange?: string) =>
  classifyCcxtError(error, { operation, ...(exchange === undefined ? {} : { exchange }) })
