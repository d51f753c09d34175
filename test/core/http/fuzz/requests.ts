/**
 * @module What the HTTP fuzz sends: a seeded generator (so failures reproduce) over real routes,
 * random segments, odd query keys and values, methods, content types and bodies.
 */

/** mulberry32: small seeded PRNG so failures reproduce. */
export const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
export const random = rng(20261201)
export const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)]!
export const int = (n: number) => Math.floor(random() * n)

export const SEGMENTS = [
  "",
  "v1",
  "v2",
  "health",
  "live",
  "ready",
  "metrics",
  "confluence",
  "signals",
  "events",
  "plugins",
  "dlq",
  "replay",
  "stream",
  "BTC-USDT",
  "BTC%2FUSDT",
  "btc_usdt",
  "ETH/USDT",
  "%E0%A4%A",
  "%",
  "%%",
  "%G1",
  "%00",
  "%2e%2e",
  "..",
  ".",
  "%C0%AF",
  "\u00e9t\u00e9",
  "%F0%9F%92%A9",
  "x".repeat(300),
  "BTC-USDT:USDT",
  "a-b-c",
  "*",
  "%2A",
  ":symbol",
  "?",
  "#",
  ";",
  "%0d%0a",
]
export const KEYS = [
  "timeframe",
  "components",
  "limit",
  "cursor",
  "from",
  "to",
  "type",
  "symbol",
  "kind",
  "events",
  "symbols",
  "x",
  "",
  "__proto__",
  "constructor",
]
export const VALUES = [
  "1m",
  "5m",
  "all",
  "2m",
  "technical,volume",
  "technical,,",
  ",",
  "bogus",
  "1",
  "0",
  "-1",
  "1e3",
  "1001",
  "99999999999999999999",
  "",
  "%",
  "%ZZ",
  "%E0%A4%A",
  "2023-11-14T22:13:20Z",
  "2023-13-45",
  "yesterday",
  "market.*",
  "Market",
  "a".repeat(5000),
  "%00",
  "BTC-USDT",
  "BTC%2FUSDT",
  "long",
  "LONG",
  "confluence,signal",
  "NaN",
  "Infinity",
  "[]",
  "{}",
  "null",
  "true",
  "%2C%2C",
]
export const METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
export const TYPES = [
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "",
  "application/vnd.api+json",
]
export const BODIES = [
  '{"ids":["dlq-1"]}',
  '{"ids":[',
  "{",
  "}",
  "[]",
  "null",
  '{"ids":[1,2,3]}',
  '{"ids":"dlq-1"}',
  '{"__proto__":{"admin":true},"ids":["a"]}',
  '{"ids":[' + '"x",'.repeat(2000) + '"x"]}',
  "\u0000\u0001\u0002",
  '{"ids":["' + "a".repeat(200) + '"]}',
  "--x\r\nContent-Disposition: form-data\r\n\r\n",
]

export const ROUTES = [
  "/",
  "/health",
  "/health/live",
  "/health/ready",
  "/metrics",
  "/v1/confluence",
  "/v1/confluence/",
  "/v1/signals",
  "/v1/events",
  "/v1/plugins",
  "/v1/dlq",
  "/v1/dlq/replay",
  "/v1/stream",
]

/** Half the paths start from a real route (so validation is exercised), half are random segments. */
export const randomPath = () => {
  let path = ""
  if (random() < 0.5) {
    path = pick(ROUTES)
    if (path.endsWith("/") && path.length > 1) path += pick(SEGMENTS)
  } else {
    const depth = 1 + int(4)
    for (let i = 0; i < depth; i++) path += "/" + pick(SEGMENTS)
  }
  if (random() < 0.6) {
    const pairs = Array.from({ length: 1 + int(4) }, () => `${pick(KEYS)}${random() < 0.1 ? "" : "=" + pick(VALUES)}`)
    path += "?" + pairs.join(random() < 0.1 ? "&&" : "&")
  }
  return path
}
