/**
 * @module One faulty exchange for a whole test file, and a count of unhandled promise rejections
 * while it runs (ccxt and the guard must never leak one: every suite ends asserting zero).
 */
import { afterAll, beforeAll } from "bun:test"
import { type FaultyExchange, type FaultyExchangeOptions, startFaultyExchange } from "./faulty-exchange.ts"

export interface FaultyExchangeForFile {
  /** The running exchange; read it inside tests (it starts in `beforeAll`). */
  readonly fx: FaultyExchange
  /** Unhandled rejections seen since `beforeAll`. */
  readonly unhandled: number
}

/** Starts the exchange before the file's first test and stops it after its last. */
export const faultyExchangeForFile = (options: FaultyExchangeOptions = {}): FaultyExchangeForFile => {
  let fx: FaultyExchange | undefined
  let unhandled = 0
  const onUnhandled = () => void unhandled++
  beforeAll(() => {
    fx = startFaultyExchange(options)
    process.on("unhandledRejection", onUnhandled)
  })
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled)
    await fx?.stop()
  })
  return {
    get fx() {
      if (fx === undefined)
        throw new Error("faultyExchangeForFile: the exchange starts in beforeAll; read it inside a test")
      return fx
    },
    get unhandled() {
      return unhandled
    },
  }
}
