/** @module Reads a Hono app's answer in one call: status, headers, text and the body as JSON when it is. */
import type { makeApp } from "../../../core/http/app.ts"

export const get = async (app: ReturnType<typeof makeApp>, path: string, init?: RequestInit) => {
  const response = await app.request(path, init)
  const text = await response.text()
  let body: any
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  return { status: response.status, body, headers: response.headers, text }
}
