/**
 * @module Two things ccxt leaves out of its errors, added at its one response choke point
 * (`handleRestResponse`, per instance):
 *
 * - `Retry-After`: ccxt throws `RateLimitExceeded` / `DDoSProtection` for 429 / 418 but drops the
 *   header, and only `last_response_headers` (shared by concurrent calls) keeps it. We stamp
 *   `retryAfterMs` and `httpStatus` on the thrown error, read from that very response.
 * - The host: errors ccxt raises from an exchange's JSON error body name no URL. We stamp
 *   `requestHost` so every warning can say which host failed.
 * - Malformed JSON: ccxt's `parseJson` swallows the SyntaxError and hands the raw text to the
 *   parser, which then fails somewhere unrelated (or returns junk). A 2xx body that looks like JSON
 *   but does not parse becomes a `BadResponse` here, so callers can count it and retry.
 */

interface StampedError {
  retryAfterMs?: number
  httpStatus?: number
  requestHost?: string
}

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined || value === "") return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined
}

interface HookableExchange {
  id: string
  handleRestResponse: (response: any, url: string, method?: string, requestHeaders?: any, requestBody?: any) => any
  milliseconds(): number
}

const looksLikeJson = (text: string) => {
  const t = text.trimStart()
  return t.startsWith("{") || t.startsWith("[")
}

export const installRestHook = (exchange: HookableExchange, BadResponse: new (message: string) => Error): void => {
  const original = exchange.handleRestResponse.bind(exchange)
  exchange.handleRestResponse = (response, url, method, requestHeaders, requestBody) => {
    const status: number = response.status
    const header = (name: string): string | undefined => {
      const h = response.headers
      if (typeof h?.get === "function") return h.get(name) ?? undefined
      const v = h?.[name] ?? h?.[name.toLowerCase()]
      return Array.isArray(v) ? v.join(", ") : v
    }
    const stamp = (e: unknown) => {
      if (e !== null && typeof e === "object") {
        const s = e as StampedError
        s.httpStatus ??= status
        const host = hostOf(url)
        if (host !== undefined) s.requestHost ??= host
        const retryAfter = parseRetryAfter(header("retry-after"), exchange.milliseconds())
        if (retryAfter !== undefined) s.retryAfterMs ??= retryAfter
      }
      return e
    }
    let result: unknown
    try {
      result = original(response, url, method, requestHeaders, requestBody)
    } catch (e) {
      throw stamp(e)
    }
    return Promise.resolve(result).then(
      (body) => {
        if (typeof body === "string" && status >= 200 && status < 300 && looksLikeJson(body)) {
          throw stamp(
            new BadResponse(`${exchange.id} ${method ?? "GET"} ${url} returned malformed JSON (${body.length} bytes)`),
          )
        }
        return body
      },
      (e) => {
        throw stamp(e)
      },
    )
  }
}
