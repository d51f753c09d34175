/** `GET /v1/stream` on the Hono app over in-memory deps: SSE framing, backpressure, stream cap. */
import { describe, expect, test } from "bun:test"
import { makeApp } from "../../../core/http/app.ts"
import { eventually } from "../../support/eventually.ts"
import { memoryDeps, snapshot } from "./memory-deps.ts"

describe("update stream", () => {
  const reader = (response: Response) => {
    const r = response.body!.getReader()
    let buffer = ""
    const decoder = new TextDecoder()
    return {
      /** Reads until `count` complete SSE messages arrived. */
      async messages(count: number) {
        const out: Array<{ event?: string; data?: string }> = []
        while (out.length < count) {
          let end = buffer.indexOf("\n\n")
          while (end === -1) {
            const { value, done } = await r.read()
            if (done) throw new Error("stream ended")
            buffer += decoder.decode(value)
            end = buffer.indexOf("\n\n")
          }
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const message: { event?: string; data?: string } = {}
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) message.event = line.slice(7)
            if (line.startsWith("data: ")) message.data = line.slice(6)
          }
          if (message.event !== undefined || message.data !== undefined) out.push(message)
        }
        return out
      },
      cancel: () => r.cancel(),
    }
  }

  test("delivers confluence and signal updates, filters by event and symbol, unsubscribes on close", async () => {
    const deps = memoryDeps()
    const app = makeApp(deps)
    const response = await app.request("/v1/stream?events=confluence&symbols=BTC-USDT")
    expect(response.headers.get("content-type")).toBe("text/event-stream")
    const sse = reader(response)
    expect((await sse.messages(1))[0]!.event).toBe("ready")
    expect(deps.hub.listeners.size).toBe(1)
    deps.hub.publish({ event: "signal", data: { symbol: "BTC/USDT", kind: "long" } })
    deps.hub.publish({ event: "confluence", data: snapshot("ETH/USDT", 10) })
    deps.hub.publish({ event: "confluence", data: snapshot("BTC/USDT", 77) })
    const [update] = await sse.messages(1)
    expect(update!.event).toBe("confluence")
    expect(JSON.parse(update!.data!).score).toBe(77)
    await sse.cancel()
    await eventually(
      "the cancelled stream's listener removed",
      () => deps.hub.listeners.size,
      (n) => n === 0,
    )
  })

  test("a slow reader loses the oldest updates, told by a dropped event; stream count is capped", async () => {
    const deps = memoryDeps()
    const app = makeApp(deps, { stream: { queueLimit: 4, maxStreams: 1 } })
    const response = await app.request("/v1/stream")
    const sse = reader(response)
    await sse.messages(1)
    for (let i = 0; i < 10; i++) deps.hub.publish({ event: "confluence", data: snapshot("BTC/USDT", i) })
    const [dropped, ...rest] = await sse.messages(5)
    expect(dropped!.event).toBe("dropped")
    expect(JSON.parse(dropped!.data!).count).toBe(6)
    expect(rest.map((m) => JSON.parse(m.data!).score)).toEqual([6, 7, 8, 9])
    const second = await app.request("/v1/stream")
    expect(second.status).toBe(503)
    expect((await second.json()).error).toBe("too_many_streams")
    await sse.cancel()
  })

  test("HEAD on the stream opens no subscription", async () => {
    const deps = memoryDeps()
    const response = await makeApp(deps).request("/v1/stream", { method: "HEAD" })
    expect(response.status).toBe(200)
    expect(deps.hub.listeners.size).toBe(0)
  })
})
