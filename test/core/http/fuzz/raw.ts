/**
 * @module Raw TCP for the HTTP fuzz: what `fetch` refuses to send — broken request lines, lying
 * lengths, truncated chunks, byte-by-byte and stalled clients — and a client that reads back
 * only the status code.
 */

export interface RawOptions {
  readonly delayMs?: number
  readonly abortAfterSend?: boolean
  readonly timeoutMs?: number
}

/** Raw TCP exchange: sends `parts` (optionally slowly), returns the status line's code or null. */
export const raw = (port: number, parts: ReadonlyArray<string | Uint8Array>, options: RawOptions = {}) =>
  new Promise<number | null>((resolve) => {
    let received = ""
    let done = false
    const finish = (socket?: { end(): void }) => {
      if (done) return
      done = true
      socket?.end()
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received)
      resolve(match ? Number(match[1]) : null)
    }
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        data(socket, chunk) {
          received += new TextDecoder().decode(chunk)
          if (/^HTTP\/1\.[01] \d{3}/.test(received)) finish(socket)
        },
        close() {
          finish()
        },
        error() {
          finish()
        },
        async open(socket) {
          const timer = setTimeout(() => finish(socket), options.timeoutMs ?? 5000)
          for (const part of parts) {
            socket.write(part)
            if (options.delayMs) await Bun.sleep(options.delayMs)
          }
          if (options.abortAfterSend) {
            clearTimeout(timer)
            socket.terminate()
            finish()
          }
        },
      },
    }).catch(() => finish())
  })

/** 300 distinct headers, one per line. */
const MANY_HEADERS = Array.from({ length: 300 }, (_, i) => `X-H${i}: v`).join("\r\n")

/** A named raw exchange: the parts sent in order, and how. */
export type RawCase = readonly [name: string, parts: ReadonlyArray<string | Uint8Array>, options?: RawOptions]

export const RAW_CASES: ReadonlyArray<RawCase> = [
  ["bad percent in path", ["GET /v1/confluence/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]],
  ["lone percent", ["GET /v1/confluence/% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]],
  [
    "raw utf-8",
    [new TextEncoder().encode("GET /v1/confluence/\u00e9t\u00e9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")],
  ],
  ["dot segments", ["GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]],
  ["absolute form", ["GET http://evil.example/v1/plugins HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]],
  ["no path", ["GET  HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]],
  ["garbage request line", ["\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003 garbage\r\n\r\n"]],
  ["http/1.0 no host", ["GET /health HTTP/1.0\r\n\r\n"]],
  ["huge header", [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\nConnection: close\r\n\r\n`]],
  ["many headers", [`GET /health HTTP/1.1\r\nHost: x\r\n${MANY_HEADERS}\r\nConnection: close\r\n\r\n`]],
  [
    "content-length lies high then abort",
    [
      "POST /v1/dlq/replay HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
        '5000\r\n\r\n{"ids":[',
    ],
    { abortAfterSend: true },
  ],
  [
    "content-length huge",
    [
      "POST /v1/dlq/replay HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
        "99999999999\r\nConnection: close\r\n\r\n{}",
    ],
  ],
  [
    "negative content-length",
    ["POST /v1/dlq/replay HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n"],
  ],
  [
    "chunked, truncated then abort",
    [
      "POST /v1/dlq/replay HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: " +
        'chunked\r\n\r\n10\r\n{"ids":["dl',
    ],
    { abortAfterSend: true },
  ],
  [
    "chunked, bad chunk size",
    [
      "POST /v1/dlq/replay HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: " +
        "chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    ],
  ],
  [
    "chunked, oversize",
    [
      "POST /v1/dlq/replay HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: " +
        "chunked\r\nConnection: close\r\n\r\n",
      ...Array.from({ length: 40 }, () => `1000\r\n${"a".repeat(4096)}\r\n`),
      "0\r\n\r\n",
    ],
  ],
  [
    "slow client, byte by byte",
    "GET /v1/confluence/BTC-USDT HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".split(""),
    { delayMs: 3 },
  ],
  ["stream then abort", ["GET /v1/stream HTTP/1.1\r\nHost: x\r\n\r\n"], { abortAfterSend: true }],
]
